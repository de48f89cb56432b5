"""CORS for browser dashboards: on by default for every method a path allows; origins configurable.

Preflight ``OPTIONS`` requests are answered by Flask's automatic OPTIONS handling (its ``Allow``
header lists the methods); this module adds the ``Access-Control-*`` headers to every response
whose ``Origin`` is allowed.
"""

from __future__ import annotations

from flask import Flask, Response, request

ALLOWED_HEADERS = "Accept, Content-Type, Authorization, If-None-Match"
EXPOSED_HEADERS = "ETag, Link, Pvkg-Rows, Pvkg-Truncated, Pvkg-Elapsed-Ms"


def install(app: Flask, origins: tuple[str, ...]) -> None:
    """Add CORS headers to the responses of ``app`` for the given origins (``*``: any)."""
    any_origin = "*" in origins
    allowed = frozenset(origins)

    @app.after_request
    def _cors(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if origin is None:
            return response
        if any_origin:
            response.headers["Access-Control-Allow-Origin"] = "*"
        elif origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.vary.add("Origin")
        else:
            return response
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if request.method == "OPTIONS":
            methods = response.headers.get("Allow", "GET, POST, OPTIONS")
            response.headers["Access-Control-Allow-Methods"] = methods
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = "86400"
        return response
