"""Benchmark (issue 16): how long the explorer's pages take, served by ``pvkg serve``.

Starts ``pvkg serve`` on ``--store`` (one worker, two query processes), then asks each page
``--rounds`` times over loopback and prints the first answer's time (a cold worker: no cached
answer, the chart runtime not started) and the median of the others (answers and drawn charts
cached per dataset version). Client-side times on loopback: the server's time plus well under
a millisecond::

    python benchmarks/pages.py --store /var/tmp/bench/full/store \\
        --page /id/drug/infliximab --page /id/condition/psoriasis
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
PAGES = (
    "/",
    "/queries",
    "/search?q=inflix",
    "/api/search?q=inflix",
    "/queries/drug-signals?drug=infliximab",
    "/queries/drugs-treating-and-inducing?condition=psoriasis",
)


@contextlib.contextmanager
def serving(store: Path) -> Iterator[str]:
    """``pvkg serve`` on a free loopback port until the block ends; its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "cli.main", "--store", str(store), "serve"]
    command += ["--port", str(port), "--workers", "1", "--query-processes", "2", "--timeout", "30"]
    command += ["--log-level", "warning"]
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(base + "/health", timeout=30).ok:
                    break
            time.sleep(0.1)
        time.sleep(3)  # what a worker does once at start (the chart runtime) is not timed
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def timed(url: str) -> tuple[float, int]:
    """Milliseconds to fetch ``url`` as a browser does, and the status."""
    start = time.perf_counter()
    response = requests.get(url, headers={"Accept": "text/html"}, timeout=60)
    return (time.perf_counter() - start) * 1000, response.status_code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="embedded store directory")
    parser.add_argument("--page", action="append", default=[], help="a page path (repeatable)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with serving(args.store) as base:
        for page in [*args.page, *PAGES]:
            first, status = timed(base + page)
            rest = [timed(base + page)[0] for _ in range(args.rounds - 1)]
            warm = f"{statistics.median(rest):8.1f}" if rest else "       -"
            print(f"{page:60} {status}  first {first:8.1f} ms  then median {warm} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
