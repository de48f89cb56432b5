"""The FAERS signals section of a drug's page: a forest plot and a table (issue 16).

The rows are the saved query ``drug-signals`` for the drug, run like any other (a query
process, the deadline, the row cap); the plot is the Vega-Lite chart that query declares
(:mod:`server.charts`), the same one ``/api/queries/drug-signals/chart`` gives a dashboard,
drawn as SVG on the server. A catalogue without ``drug-signals`` (or without its chart), a
drug the query does not know, or a drug with no signal: no section.
"""

from __future__ import annotations

import json
from typing import Any

from flask import url_for
from markupsafe import Markup

from kg.errors import ParameterError
from server import charts
from server.jobs import SavedJob
from server.service import Service

QUERY = "drug-signals"
MOST = 200
"""Signals drawn at most (the strongest first: the query orders by IC025)."""


def section(svc: Service, iri: str) -> dict[str, Any] | None:
    """The figure (SVG markup), the rows and the links of ``iri``'s signals, or None."""
    if QUERY not in svc.catalogue:
        return None
    query = svc.catalogue.get(QUERY)
    if query.chart is None:
        return None
    job = SavedJob(QUERY, (("drug", iri),), "dashboard", MOST, 0, svc.dataset_version())
    try:
        answer, rest = svc.pool.run(job, svc.settings.timeout)
    except ParameterError:
        return None
    document = json.loads(answer.body + b"".join(rest))
    names = [column["name"] for column in document["columns"]]
    rows = [dict(zip(names, row, strict=True)) for row in document["rows"]]
    if not rows:
        return None
    title = "PRR and ROR with 95% confidence intervals"
    figure = charts.svg(charts.inline(query.chart, title, rows))
    return {
        "figure": Markup(figure),  # noqa: S704 - SVG written by vl-convert from our own spec
        "rows": rows,
        "truncated": bool(document["meta"].get("truncated")),
        "csv": url_for("api.results", name=QUERY, drug=iri, format="csv"),
        "chart": url_for("api.chart", name=QUERY, drug=iri),
    }
