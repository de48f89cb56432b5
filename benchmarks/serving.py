"""What the benchmarks that run ``pvkg serve`` share: a free port, and waiting for it to answer."""

from __future__ import annotations

import contextlib
import socket
import time
from urllib.request import urlopen


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(base: str, seconds: float = 60) -> None:
    """Wait until ``base/health`` answers.

    :raises TimeoutError: if it has not after ``seconds``.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urlopen(base + "/health", timeout=5):
            return
        time.sleep(0.2)
    raise TimeoutError(f"{base} did not answer /health within {seconds:.0f} s")
