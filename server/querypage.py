"""A saved query's own page (``/queries/<name>``): its parameters as a form, its answer as a
table of labelled, linked cells, paging and downloads.

The page is a plain GET form, so its URL holds the query and every parameter: a result can be
shared by its address and the page works without JavaScript. The query runs as the API runs it
(:func:`server.tables.run`); a value the query refuses, or a missed deadline, is shown beside
the form with the status the API would give (400, 504). The ``#+`` header and the SPARQL text
are there on demand (``<details>``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for

from kg.catalogue import Parameter, SavedQuery
from kg.errors import ParameterError, QueryTimeoutError
from server import tables
from server.api import integer_arg
from server.service import service

bp = Blueprint("querypage", __name__)

PAGE = 100
"""Rows per page unless ``limit`` asks for another number."""

DOWNLOADS = (("CSV", "csv"), ("JSON", "dashboard"), ("SPARQL JSON", "sparql-json"))
"""Each download link's name and ``format`` (JSON is the flat dashboard shape)."""


@bp.get("/queries/<name>")
def page(name: str) -> Response:
    """The saved query ``name`` with the parameters of the query string, run."""
    svc = service()
    query = svc.catalogue.get(name)
    given = {p.name: request.args[p.name] for p in query.params if request.args.get(p.name)}
    limit = integer_arg("limit", PAGE, 1, svc.settings.max_rows)
    offset = integer_arg("offset", 0, 0, None)
    missing = [p.name for p in query.params if p.required and p.name not in given]
    answer: dict[str, Any] = {}
    status = 200
    if not missing:
        try:
            answer = _answer(query, given, limit, offset)
        except ParameterError as error:
            answer, status = {"error": str(error), "parameter": error.name}, 400
        except QueryTimeoutError as error:
            answer, status = {"error": f"{error} (deadline {svc.settings.timeout:g} s)"}, 504
    html = render_template(
        "query.html",
        query=query,
        header=[line for line in query.sparql.splitlines() if line.startswith("#+")],
        body="\n".join(line for line in query.sparql.splitlines() if not line.startswith("#+")),
        fields=[_field(p, given.get(p.name)) for p in query.params],
        missing=missing,
        limit=limit,
        offset=offset,
        downloads=_downloads(query.name, given, svc.settings.max_rows),
        **answer,
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def _downloads(name: str, given: dict[str, str], rows: int) -> list[tuple[str, str]]:
    """(title, URL) of each download: the whole answer, up to the row cap."""
    args: dict[str, Any] = {**given, "limit": rows}
    return [
        (title, url_for("api.results", name=name, **args, format=fmt)) for title, fmt in DOWNLOADS
    ]


def _answer(query: SavedQuery, given: dict[str, str], limit: int, offset: int) -> dict[str, Any]:
    svc = service()
    table = tables.run(svc, query.name, given, limit, offset)
    kinds = {c["name"]: c.get("datatype", "") for c in table.columns}
    names = tables.labels(svc, table.iris())
    # a column "xLabel" beside an IRI column "x" is x's label: shown in x's cells, not twice
    paired = {f"{n}Label": n for n, kind in kinds.items() if kind == "iri"}
    shown = [n for n in table.names if paired.get(n) not in kinds]
    rows = []
    for row in table.rows:
        own = {row[c]: row[label] for label, c in paired.items() if row.get(label) and row.get(c)}
        rows.append([tables.cell(row.get(n), kinds[n], {**names, **own}) for n in shown])
    return {
        "columns": shown,
        "rows": rows,
        "elapsed_ms": table.elapsed_ms,
        "previous": _at(max(offset - limit, 0), limit) if offset > 0 else None,
        "next": _at(offset + limit, limit) if table.truncated else None,
    }


def _at(offset: int, limit: int) -> str:
    """This page's URL at another offset, every other argument kept."""
    args = {**request.args.to_dict(), "offset": str(offset), "limit": str(limit)}
    return f"{request.path}?{urlencode(args)}"


def _field(param: Parameter, value: str | None) -> dict[str, Any]:
    """What the form needs to draw one parameter's input."""
    kind = "number" if param.type in ("integer", "decimal") else "text"
    choices = list(param.choices) or (["true", "false"] if param.type == "boolean" else [])
    return {
        "name": param.name,
        "type": param.type,
        "input": "select" if choices else kind,
        "choices": choices,
        "value": value if value is not None else (param.default or ""),
        "placeholder": param.example or "",
        "required": param.required,
        "description": param.description,
        "min": param.minimum,
        "max": param.maximum,
    }
