"""A bound on how long a client may pause while sending a request to ``pvkg serve``.

gunicorn's threaded workers give each connection a thread once its first bytes arrive and then
read the rest blocking, with no deadline: a client that sends headers and stalls the body holds
a thread for ever, and sixteen such clients hold every thread of a default server. The
listening sockets get ``SO_RCVTIMEO``, which Linux copies to every accepted connection, so a
read that waits longer than the bound fails (``BlockingIOError``); the application answers it
408 and closes the connection. It bounds each pause, not the whole request: a client trickling
a byte just inside the bound still holds a thread (put a buffering proxy in front of a public
endpoint).
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable
from typing import Any


def timeval(seconds: float) -> bytes:
    """``struct timeval`` for ``seconds``.

    >>> struct.unpack("ll", timeval(2.5))
    (2, 500000)
    """
    whole = int(seconds)
    return struct.pack("ll", whole, round((seconds - whole) * 1_000_000))


def when_ready_hook(seconds: float) -> Callable[[Any], None]:
    """A gunicorn ``when_ready`` hook giving the listeners a receive timeout of ``seconds``."""

    def when_ready(arbiter: Any) -> None:
        for listener in arbiter.LISTENERS:
            listener.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval(seconds))

    return when_ready
