"""The browser page at ``/``: a SPARQL editor with highlighting, saved queries as examples,
results as a table. Its script and style are files in ``server/static/`` (no CDN: works offline).
"""

from __future__ import annotations

from flask import Blueprint, render_template

from server.service import service

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    """The query page."""
    svc = service()
    return render_template(
        "index.html",
        timeout=svc.settings.timeout,
        max_rows=svc.settings.max_rows,
        queries=list(svc.catalogue),
    )
