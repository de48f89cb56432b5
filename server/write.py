"""The optional write endpoint: SPARQL Update at ``POST /update``, only with a token.

It is registered only when ``WRITE_TOKEN`` is configured, and every request must carry
``Authorization: Bearer <token>`` (compared in constant time). In write mode the service runs a
single query process that opens the store read-write (see :class:`server.service.Service`), so
reads and writes go through one process; the update has the same deadline as a query. After a
write, cached answers are dropped and the dataset version is read again.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, jsonify, request

from kg.errors import QueryError
from server.problems import problem
from server.service import service
from server.workers import UpdateJob

bp = Blueprint("write", __name__)


@bp.post("/update")
def update() -> Response:
    """Run one SPARQL Update (form ``update=`` or ``application/sparql-update`` body)."""
    svc = service()
    token = svc.settings.write_token or ""
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.encode(), token.encode()):
        response = problem(401, "unauthorized", "a valid bearer token is required to write")
        response.headers["WWW-Authenticate"] = 'Bearer realm="pvkg"'
        return response
    if request.mimetype == "application/sparql-update":
        text = request.get_data(as_text=True)
    elif request.mimetype == "application/x-www-form-urlencoded":
        texts = request.form.getlist("update")
        if len(texts) != 1:
            raise QueryError("exactly one 'update' parameter is required")
        text = texts[0]
    else:
        return problem(415, "unsupported-media-type", "use application/sparql-update or a form")
    svc.policy.check_update(text)
    answer, _ = svc.pool.run(UpdateJob(text), svc.settings.timeout)
    svc.forget()
    return jsonify(status="ok", dataset_version=answer.info["dataset_version"])
