"""The browser pages that are not about one entity or one saved query: the SPARQL editor at
``/`` (highlighting, saved queries as examples), the saved-query list at ``/queries`` and the
search page at ``/search`` (what the search box shows without JavaScript). Scripts and styles
are files in ``server/static/`` (no CDN: the pages work offline).
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from server import search
from server.jobs import SearchJob
from server.service import service
from server.tables import href

bp = Blueprint("pages", __name__)

FOUND = 50
"""Entities the search page lists at most."""


@bp.get("/")
def index() -> str:
    """The SPARQL editor."""
    svc = service()
    return render_template(
        "index.html",
        timeout=svc.settings.timeout,
        max_rows=svc.settings.max_rows,
        queries=list(svc.catalogue),
    )


@bp.get("/queries")
def queries() -> str:
    """The saved queries, each linking to its page."""
    return render_template(
        "queries.html", queries=sorted(service().catalogue, key=lambda q: q.name)
    )


@bp.get("/search")
def found() -> Response:
    """Entities whose names match ``q``, best first (as ``/api/search`` ranks them)."""
    svc = service()
    text = " ".join(request.args.get("q", "").split())[:200]
    kind = request.args.get("type")
    kind = kind if kind in search.KINDS else None
    hits = []
    if text:
        answer, _ = svc.pool.run(SearchJob(text, kind, FOUND), svc.settings.timeout)
        hits = [{**hit, "href": href(hit["iri"])} for hit in answer.info["results"]]
    page = render_template("search.html", search_text=text, hits=hits, kind=kind)
    return Response(page, content_type="text/html; charset=utf-8")
