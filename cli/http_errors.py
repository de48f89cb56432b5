"""gunicorn's own refusals as ``application/problem+json``, like every other answer of pvkg.

gunicorn answers a request it cannot parse (a request line or header over its limits, a bad
method, a broken chunk) itself, before Flask sees it, with a small HTML page. Clients of a
SPARQL endpoint read JSON errors: :func:`install` makes those answers RFC 9457 problems with the
same ``type`` base as the application's, and a hint for the common case (a long query sent by
GET).
"""

from __future__ import annotations

import json
import socket

from gunicorn import util

_KINDS = {
    403: "forbidden",
    414: "uri-too-long",
    417: "expectation-failed",
    431: "headers-too-large",
    500: "internal-error",
    501: "not-implemented",
}

_HINTS = {
    414: "; send a long query by POST (application/sparql-query, or a form body)",
    431: "; send long values in the body, not in headers",
}

REQUEST_LINE_LIMIT = 8190
"""The longest request line gunicorn accepts (its maximum): GET URLs up to about 8 KB."""


def problem_bytes(status: int, reason: str, message: str, type_base: str) -> bytes:
    """The whole HTTP response gunicorn sends for a request it refused.

    >>> problem_bytes(414, "URI Too Long", "8200", "https://x/").split(b"\\r\\n")[:3]
    [b'HTTP/1.1 414 URI Too Long', b'Connection: close', b'Content-Type: application/problem+json']
    """
    kind = _KINDS.get(status, "bad-request")
    detail = (message or reason) + _HINTS.get(status, "")
    body = json.dumps(
        {
            "type": type_base + kind,
            "title": kind.replace("-", " "),
            "status": status,
            "detail": detail,
        },
        ensure_ascii=False,
    ).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def install() -> None:
    """Make gunicorn's workers answer their own errors as problem+json (call before they fork),
    with the problem types of the application (:data:`server.problems.TYPE_BASE`)."""
    from server.problems import TYPE_BASE  # the server's, loaded with it: not at pvkg's start

    def write_problem(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
        """Drop-in for ``gunicorn.util.write_error``: the same status, as problem+json."""
        util.write_nonblock(sock, problem_bytes(status_int, reason, mesg, TYPE_BASE))

    util.write_error = write_problem
