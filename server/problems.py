"""Errors as ``application/problem+json`` (RFC 9457), and which error means which status.

Only :mod:`kg.errors` (and the service's own refusals) become 4xx/5xx problems with their
message; anything else is a bug: it is logged with its traceback and answered with a bare 500
that gives no detail.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import ClientDisconnected, HTTPException

from kg.errors import (
    EngineError,
    InputError,
    ParameterError,
    PvkgError,
    QueryError,
    QueryTimeoutError,
    StoreError,
    UnknownQueryError,
)
from server.policy import RefusedError, TooLargeError
from server.pool import BusyError, QueryProcessError

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"
TYPE_BASE = "https://w3id.org/pvkg/problems/"

_STATUS: list[tuple[type[Exception], int, str]] = [
    (QueryTimeoutError, 504, "query-timeout"),
    (BusyError, 503, "busy"),
    (RefusedError, 403, "refused"),
    (TooLargeError, 413, "query-too-large"),
    (ParameterError, 400, "bad-parameter"),
    (UnknownQueryError, 404, "unknown-query"),
    (QueryError, 400, "bad-query"),
    (InputError, 400, "bad-input"),
    (EngineError, 502, "engine-unavailable"),
    (StoreError, 503, "store-unavailable"),
    (PvkgError, 400, "bad-request"),
]


def problem(status: int, kind: str, detail: str, **extra: Any) -> Response:
    """A problem response.

    :param status: the HTTP status.
    :param kind: the problem type's last path segment (``query-timeout``).
    :param detail: the human explanation (the parser's message for syntax errors).
    :param extra: more members (``parameter``, ``timeout``).
    """
    body: dict[str, Any] = {
        "type": TYPE_BASE + kind,
        "title": kind.replace("-", " "),
        "status": status,
        "detail": detail,
        "instance": request.path if request else None,
        **extra,
    }
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM)
    if status == 503:
        response.headers["Retry-After"] = "1"
    return response


def for_error(error: PvkgError) -> Response:
    """The problem response for a user-caused error."""
    for cls, status, kind in _STATUS:
        if isinstance(error, cls):
            extra: dict[str, Any] = {}
            if isinstance(error, ParameterError):
                extra["parameter"] = error.name
            return problem(status, kind, str(error), **extra)
    return problem(400, "bad-request", str(error))


def install(app: Flask) -> None:
    """Register the error handlers on ``app``."""

    @app.errorhandler(PvkgError)
    def _pvkg(error: PvkgError) -> Response:
        return for_error(error)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        status = error.code or 500
        response = problem(
            status, (error.name or "error").lower().replace(" ", "-"), error.description or ""
        )
        if status == 405 and error.get_response().headers.get("Allow"):
            response.headers["Allow"] = error.get_response().headers["Allow"]
        return response

    @app.errorhandler(ClientDisconnected)
    def _stalled(error: ClientDisconnected) -> Response:
        # the body stopped short: the client went away, or paused past the connection's
        # receive timeout (pvkg serve --read-timeout)
        log.warning("request body of %s %s cut short", request.method, request.path)
        return problem(408, "request-timeout", "the request body did not arrive in time")

    @app.errorhandler(QueryProcessError)
    def _process(error: QueryProcessError) -> Response:
        log.error("query process error on %s %s: %s", request.method, request.path, error)
        return problem(500, "internal-error", "the server failed to answer; this was logged")

    @app.errorhandler(Exception)
    def _bug(error: Exception) -> Response:
        log.exception("bug while answering %s %s", request.method, request.path)
        return problem(500, "internal-error", "the server failed to answer; this was logged")
