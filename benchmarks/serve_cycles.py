"""Benchmark (issue 14): start and stop ``pvkg serve`` many times; every stop must be clean.

Each cycle starts ``pvkg serve`` on a free port over ``--store``, waits for ``/health``, asks
one query, then stops it with SIGTERM or SIGINT (alternately, as a service manager and Ctrl-C
would). A cycle is clean when the server exits with status 0 within 30 s, its log holds no
native abort or crash (``terminate called``, ``SIGABRT``, ``SIGSEGV``, ``Traceback``), and
none of its processes (master, workers, forkservers, query processes) is left.

    python benchmarks/serve_cycles.py --store /tmp/ts --cycles 20
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

from proctree import tree
from serving import free_port, wait_ready

REPO = Path(__file__).resolve().parent.parent
SIGNS = ("terminate called", "SIGABRT", "SIGSEGV", "Traceback", "core dumped")


def cycle(store: str, stop: signal.Signals) -> dict[str, object]:
    """One start, query and stop; what went wrong, if anything."""
    port = free_port()
    argv = [sys.executable, "-m", "cli.main", "--store", store, "serve", "--port", str(port)]
    server = subprocess.Popen(
        argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    wait_ready(base)
    with urlopen(base + "/sparql?query=ASK%7B%7D", timeout=10) as answer:
        answered = answer.status == 200
    family = tree(server.pid)  # the master, its workers, forkservers and query processes
    server.send_signal(stop)
    try:
        output, _ = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        output, _ = server.communicate()
    settle = time.monotonic() + 5  # forkservers and trackers end a moment after the master
    while time.monotonic() < settle and any(Path(f"/proc/{p}").exists() for p in family):
        time.sleep(0.1)
    left = [p for p in family if Path(f"/proc/{p}").exists()]
    signs = [s for s in SIGNS if s in output]
    if signs:
        at = output.index(signs[0])
        print(output[max(0, at - 1500) : at + 1500], file=sys.stderr)
    return {
        "signal": stop.name,
        "answered": answered,
        "exit": server.returncode,
        "signs": signs,
        "left": left,
        "ok": answered and server.returncode == 0 and not signs and not left,
    }


def main() -> int:
    """Run the cycles; exit 1 if any was not clean."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", required=True, help="a built pvkg store")
    parser.add_argument("--cycles", type=int, default=20)
    args = parser.parse_args()
    results = []
    for n in range(args.cycles):
        stop = signal.SIGTERM if n % 2 == 0 else signal.SIGINT
        results.append(cycle(args.store, stop))
        print(f"cycle {n + 1:2d}: {results[-1]}", flush=True)
    clean = sum(bool(r["ok"]) for r in results)
    print(
        f"{clean}/{len(results)} cycles clean (exit 0, no abort or crash logged, no process left)"
    )
    return 0 if clean == len(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
