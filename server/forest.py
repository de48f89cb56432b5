"""The FAERS signals section of a drug's page: a forest plot and a table (issue 16).

The rows are the saved query ``drug-signals`` for the drug, run like any other (a query
process, the deadline, the row cap); the plot is the Vega-Lite chart that query declares
(:mod:`server.charts`), the same one ``/api/queries/drug-signals/chart`` gives a dashboard,
drawn as SVG on the server. A catalogue without ``drug-signals`` (or without its chart), a
drug the query does not know, or a drug with no signal: no section.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from markupsafe import Markup

from kg.errors import ParameterError
from server import charts, tables
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
    try:
        table = tables.run(svc, QUERY, {"drug": iri}, MOST)
    except ParameterError:
        return None
    rows = table.rows
    if not rows:
        return None
    title = "PRR and ROR with 95% confidence intervals"
    figure = charts.svg(charts.inline(query.chart, title, rows))
    return {
        "figure": Markup(figure),  # noqa: S704 - SVG written by vl-convert from our own spec
        "rows": rows,
        "truncated": table.truncated,
        "csv": url_for("api.results", name=QUERY, drug=iri, format="csv"),
        "chart": url_for("api.chart", name=QUERY, drug=iri),
    }
