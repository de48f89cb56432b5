"""Benchmark (issue 14): cheap queries answered while many clients stall mid-request.

Starts ``pvkg serve`` over ``--store`` with the given serve options, opens ``--stalled``
connections that each send a POST's headers and 3 of its 100 body bytes and then nothing (they
are reopened whenever the server closes them, so that many stay stalled throughout), and
meanwhile sends one cheap query (``ASK {}``) per second for ``--seconds`` seconds. Prints how
many cheap queries were answered and their latency (p50, p99, max).

    python benchmarks/stalled_clients.py --store /tmp/ts --stalled 200 --seconds 60
    python benchmarks/stalled_clients.py --store /tmp/ts --stalled 200 --seconds 60 -- --threads 128
"""

from __future__ import annotations

import argparse
import contextlib
import selectors
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

from serving import free_port, wait_ready

REPO = Path(__file__).resolve().parent.parent
STALL = (
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    b"Content-Length: 100\r\n\r\nSEL"
)


def keep_stalled(port: int, count: int, stop: threading.Event) -> None:
    """Hold ``count`` stalled connections open until ``stop``, reopening closed ones."""
    chooser = selectors.DefaultSelector()

    def open_one() -> None:
        with contextlib.suppress(OSError):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(STALL)
            sock.setblocking(False)
            chooser.register(sock, selectors.EVENT_READ)

    for _ in range(count):
        open_one()
    while not stop.is_set():
        for key, _ in chooser.select(timeout=0.2):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:  # closed by the server: stall again
                chooser.unregister(sock)
                sock.close()
                open_one()
    for key in list(chooser.get_map().values()):
        key.fileobj.close()  # type: ignore[union-attr]


def main() -> int:
    """Run the server, the stalled clients and the cheap queries; print the latencies."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--stalled", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("serve_options", nargs="*", help="options for pvkg serve (after --)")
    args = parser.parse_args()
    port = free_port()
    argv = [sys.executable, "-m", "cli.main", "--store", args.store, "serve", "--port", str(port)]
    server = subprocess.Popen([*argv, *args.serve_options], cwd=REPO, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base)
        stop = threading.Event()
        stalling = threading.Thread(target=keep_stalled, args=(port, args.stalled, stop))
        stalling.start()
        time.sleep(1)
        latencies, failed = [], 0
        for _ in range(args.seconds):
            started = time.monotonic()
            try:
                with urlopen(base + "/sparql?query=ASK%7B%7D", timeout=5) as answer:
                    answer.read()
                latencies.append(time.monotonic() - started)
            except OSError:
                failed += 1
            time.sleep(max(0.0, 1 - (time.monotonic() - started)))
        stop.set()
        stalling.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else float("nan")
    print(
        f"{args.stalled} stalled connections, options {args.serve_options or 'default'}: "
        f"{len(latencies)}/{args.seconds} cheap queries answered ({failed} failed); "
        f"p50 {statistics.median(ordered) * 1000 if ordered else float('nan'):.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, max {max(ordered, default=float('nan')) * 1000:.0f} ms"
    )
    return 0 if not failed and ordered and p99 < 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
