"""The saved-query API over the ``queries/`` catalogue.

* ``GET /api/queries``: index (name, summary, tags, parameters, links);
* ``GET /api/queries/<name>``: one query with its parameters and SPARQL text;
* ``GET /api/queries/<name>/results?<param>=…&limit=&offset=&format=``: its answer;
* ``GET /api/queries/<name>/chart?<param>=…``: the Vega-Lite chart a query declares
  (:mod:`server.charts`), bound to its CSV answer;
* ``GET /api/search?q=TEXT&type=drug|condition|class&limit=N``: entities by name
  (:mod:`server.search`), best first, as ``[{"iri", "label", "type", "mesh", "matched",
  "rank"}]``.

Results come as flat dashboard JSON (default; ``application/json``: ``meta`` + ``columns`` +
``rows``, numbers as numbers), SPARQL JSON, CSV, TSV or XML (``format=`` or ``Accept``); CONSTRUCT
queries as RDF. Parameter values are text, resolved to typed terms in the query process
(:mod:`kg.params`); a bad value is a 400 problem naming the parameter. ``limit`` (at most the
row cap) and ``offset`` page through the rows; when rows follow, ``meta.truncated`` is true and a
``Link: <…>; rel="next"`` header points at the next page. ETags follow the dataset version.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request, url_for

from kg.catalogue import Parameter, SavedQuery
from kg.errors import ParameterError
from server import charts, search
from server.jobs import SavedJob, SearchJob
from server.negotiation import GRAPH_OFFERS, parse_accept
from server.problems import problem
from server.service import service

bp = Blueprint("api", __name__, url_prefix="/api")

RESERVED = ("limit", "offset", "format")
"""Query-string names that are not saved-query parameters."""

SOLUTION_API_FORMATS: dict[str, str] = {
    "application/json": "dashboard",
    "application/sparql-results+json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/sparql-results+xml": "xml",
}
_FORMAT_NAMES = {
    "dashboard": "dashboard",
    "sparql-json": "json",
    "json": "json",
    "csv": "csv",
    "tsv": "tsv",
    "xml": "xml",
}
DEFAULT_LIMIT = 1000


@bp.get("/queries")
def index() -> Response:
    """The catalogue."""
    return jsonify(queries=[_summary(q) for q in service().catalogue])


@bp.get("/queries/<name>")
def describe(name: str) -> Response:
    """One saved query: parameters and SPARQL text."""
    query = service().catalogue.get(name)
    return jsonify({**_summary(query), "sparql": query.sparql})


@bp.get("/queries/<name>/results")
def results(name: str) -> Response:
    """Run a saved query with the parameters of the query string."""
    svc = service()
    query = svc.catalogue.get(name)
    limit = integer_arg(
        "limit", min(DEFAULT_LIMIT, svc.settings.max_rows), 1, svc.settings.max_rows
    )
    offset = integer_arg("offset", 0, 0, None)
    fmt = _format(query)
    if fmt is None:
        return problem(406, "not-acceptable", f"{name} answers in: {', '.join(_offers(query))}")
    params = tuple(sorted((k, v) for k, v in request.args.items(multi=False) if k not in RESERVED))
    for key in request.args:
        if key not in RESERVED and len(request.args.getlist(key)) > 1:
            raise ParameterError(key, "may be given once")
    job = SavedJob(
        name=query.name,
        params=params,
        fmt=fmt,
        limit=limit,
        offset=offset,
        dataset_version=svc.dataset_version(),
    )
    response = svc.respond(job, etag=True)
    if response.headers.get("Pvkg-Truncated") == "true":
        following = {**request.args.to_dict(), "offset": str(offset + limit), "limit": str(limit)}
        response.headers["Link"] = f'<{request.base_url}?{urlencode(following)}>; rel="next"'
    response.vary.add("Accept")
    return response


@bp.get("/queries/<name>/chart")
def chart(name: str) -> Response:
    """The Vega-Lite specification of the chart the query declares, bound to its CSV answer
    with the parameters of the query string (:mod:`server.charts`); 404 if it declares none."""
    query = service().catalogue.get(name)
    if query.chart is None:
        return problem(404, "no-chart", f"{name} declares no chart")
    given = {k: v for k, v in request.args.items(multi=False) if query.param(k) is not None}
    data = url_for("api.results", name=name, _external=True, **given, format="csv")
    return jsonify(charts.spec(query.chart, query.summary, data))


SEARCH_LIMIT = 50
"""The most results a search returns."""


@bp.get("/search")
def find() -> Response:
    """Entities whose names match ``q`` (see :mod:`server.search`)."""
    svc = service()
    text = request.args.get("q", "").strip()
    if not text or len(text) > 200:
        raise ParameterError("q", "give 1 to 200 characters to search for")
    kind = request.args.get("type")
    if kind is not None and kind not in search.KINDS:
        raise ParameterError("type", f"must be one of {', '.join(search.KINDS)}")
    limit = integer_arg("limit", 10, 1, SEARCH_LIMIT)
    answer, _ = svc.pool.run(SearchJob(text, kind, limit), svc.settings.timeout)
    return jsonify(answer.info["results"])


def integer_arg(name: str, default: int, low: int, high: int | None) -> int:
    """The query-string argument ``name`` as an integer from ``low`` to ``high`` (``None``: no
    bound), ``default`` when absent.

    :raises kg.errors.ParameterError: naming the argument, if it is not such an integer.
    """
    text = request.args.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ParameterError(name, f"{text!r} is not an integer") from None
    if value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise ParameterError(name, f"must be {bound}")
    return value


def _offers(query: SavedQuery) -> dict[str, str]:
    if query.form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_OFFERS
    return SOLUTION_API_FORMATS


def _format(query: SavedQuery) -> str | None:
    offers = _offers(query)
    graph = offers is GRAPH_OFFERS
    named = request.args.get("format")
    if named:
        key = named.strip().lower()
        if key in offers:
            return offers[key]
        if graph:
            return key if key in set(GRAPH_OFFERS.values()) else None
        return _FORMAT_NAMES.get(key)
    accept = request.headers.get("Accept", "")
    if not accept.strip():
        return next(iter(offers.values()))
    best = parse_accept(accept).best_match(list(offers))
    return None if best is None else offers[best]


def _summary(query: SavedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "form": query.form,
        "params": [_param(p) for p in query.params],
        "links": {
            "self": url_for("api.describe", name=query.name),
            "results": url_for("api.results", name=query.name),
            **({"chart": url_for("api.chart", name=query.name)} if query.chart else {}),
        },
    }


def _param(param: Parameter) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": param.name,
        "type": param.type,
        "description": param.description,
        "required": param.required,
        "default": param.default,
        "example": param.example,
    }
    if param.minimum is not None:
        out["minimum"] = param.minimum
    if param.maximum is not None:
        out["maximum"] = param.maximum
    if param.choices:
        out["choices"] = list(param.choices)
    return out
