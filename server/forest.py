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

from kg.catalogue import Chart
from kg.errors import ParameterError
from server import charts, tables
from server.service import Service

QUERY = "drug-signals"
MOST = 200
"""Signals listed at most (the strongest first: the query orders by IC025)."""
PLOTTED = 50
"""Signals drawn at most: a forest plot of more is no longer read (and draws in seconds)."""

HISTORY = "signal-history"
LINES = 8
"""Signals drawn over time at most (the strongest)."""
OVER_TIME = Chart(
    kind="line", fields={"x": "quarter", "y": "prr", "series": "reaction", "flag": "signal"}
)
"""One line per signal: its cumulative PRR by quarter, flagged quarters filled."""


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
    figure = charts.svg(charts.inline(query.chart, title, rows[:PLOTTED]))
    return {
        "figure": Markup(figure),  # noqa: S704 - SVG written by vl-convert from our own spec
        "history": _history(svc, iri, rows),
        "rows": rows,
        "truncated": table.truncated,
        "plotted": min(len(rows), PLOTTED),
        "csv": url_for("api.results", name=QUERY, drug=iri, format="csv"),
        "chart": url_for("api.chart", name=QUERY, drug=iri),
    }


def _history(svc: Service, iri: str, rows: list[dict[str, Any]]) -> Markup | None:
    """The strongest signals' cumulative PRR quarter by quarter (``signal-history``), one line
    each, once two quarters or more are loaded; else None."""
    if HISTORY not in svc.catalogue:
        return None
    points = []
    for row in rows[:LINES]:
        history = tables.run(svc, HISTORY, {"drug": iri, "event": row["event"]}, MOST)
        reaction = row.get("eventLabel") or row["event"]
        points += [{**point, "reaction": reaction} for point in history.rows]
    if len({point["quarter"] for point in points}) < 2:
        return None
    title = "Cumulative PRR by FAERS quarter"
    return Markup(charts.svg(charts.inline(OVER_TIME, title, points)))  # noqa: S704 - as above
