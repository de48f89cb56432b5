"""The SPARQL 1.1 Protocol query operation at ``/sparql``.

* ``GET /sparql?query=…``, ``POST`` form-encoded (``query=…``) and ``POST`` with
  ``Content-Type: application/sparql-query``; ``default-graph-uri`` / ``named-graph-uri`` (in
  the URL, or in the form body for form POSTs) select the dataset;
* without them the default graph is the union of all named graphs but the meta graph (or of
  all of them with ``UNION_WITH_META``, see :class:`server.service.Settings`);
* relative IRIs resolve against the endpoint's URL (``http://host/sparql``), as the service
  description states; a ``BASE`` in the query wins;
* ``format=`` may be repeated with values naming the same format (:mod:`server.negotiation`);
* ``SELECT *`` columns come in order of first appearance in the query (:mod:`server.projection`);
* ``GET /sparql`` without a query answers the service description;
* updates (``update=``, ``application/sparql-update``) are refused with 403, whatever the text.

Status codes: 400 malformed request or query (the parser's message), 403 refused by policy,
406 no acceptable format, 413 query too long, 415 unsupported POST body, 504 deadline passed,
503 all query processes busy.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request

from kg.errors import QueryError
from kg.syntax_errors import explain, position
from server import description
from server.jobs import SparqlJob
from server.negotiation import acceptable_list, choose_among, prefers_html
from server.policy import RefusedError
from server.problems import problem
from server.projection import star_columns
from server.service import service

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer one SPARQL query, or describe the service when there is none."""
    params = _protocol_params()
    if "update" in params or request.mimetype == UPDATE:
        raise RefusedError("SPARQL Update is not accepted on this endpoint (read-only)")
    queries = params.get("query", [])
    if request.method == "POST" and request.mimetype == QUERY:
        if queries:
            raise QueryError("a direct POST carries the query in its body, not in 'query='")
        queries = [request.get_data(as_text=True)]
    if len(queries) > 1:
        raise QueryError("exactly one 'query' parameter is allowed")
    if not queries:
        if request.method == "POST":
            raise QueryError("missing 'query' parameter")
        if prefers_html(request.headers.get("Accept")):
            return redirect("/", 303)  # type: ignore[return-value]
        return description.service_description()
    svc = service()
    text = queries[0]
    form = svc.policy.check(text)
    fmt = choose_among(form, request.headers.get("Accept"), params.get("format", []))
    if fmt is None:
        return problem(
            406, "not-acceptable", f"a {form} answer can be sent as: {acceptable_list(form)}"
        )
    job = SparqlJob(
        text=text,
        fmt=fmt,
        max_rows=svc.settings.max_rows,
        default_graphs=_graphs(params, "default-graph-uri"),
        named_graphs=_graphs(params, "named-graph-uri"),
        base_iri=description.endpoint_iri(),
        columns=star_columns(text) if form == "SELECT" else None,
        include_meta=svc.settings.union_with_meta,
    )
    try:
        response = svc.respond(job)
    except QueryError as error:
        return _syntax_problem(text, error)
    response.vary.add("Accept")
    return response


def _syntax_problem(text: str, error: QueryError) -> Response:
    """A syntax error as a problem that shows the line, a caret and what was expected, with
    ``line`` and ``column`` members for editors; other query errors as they are."""
    where = position(str(error))
    explained = explain(text, str(error))
    if where is None or explained is None:
        raise error
    return problem(400, "bad-query", explained, line=where[0], column=where[1])


def _protocol_params() -> dict[str, list[str]]:
    """Protocol parameters from the URL, plus the form body of a form-encoded POST."""
    if request.method == "POST" and request.mimetype not in (FORM, QUERY, UPDATE):
        raise _UnsupportedError(request.mimetype)
    found: dict[str, list[str]] = {k: request.args.getlist(k) for k in request.args}
    if request.method == "POST" and request.mimetype == FORM:
        for key in request.form:
            found.setdefault(key, []).extend(request.form.getlist(key))
    return found


def _graphs(params: dict[str, list[str]], name: str) -> tuple[str, ...] | None:
    values = params.get(name)
    return tuple(values) if values else None


class _UnsupportedError(QueryError):
    """A POST body in a media type the protocol does not define (HTTP 415)."""

    def __init__(self, mimetype: str) -> None:
        super().__init__(
            f"unsupported Content-Type {mimetype or '(none)'!r}: use {FORM} or {QUERY}"
        )


@bp.errorhandler(_UnsupportedError)
def _unsupported(error: _UnsupportedError) -> Response:
    return problem(415, "unsupported-media-type", str(error))
