"""In-process engine time of a saved query under each memory allocator (``kg.allocator``).

For the C library's ``malloc`` and each of mimalloc and jemalloc that is installed, a child
Python process is started with the library in ``LD_PRELOAD``; it binds the saved query's
parameters, then runs the query and serialises its answer as SPARQL JSON ``--runs`` times
(what a query process of ``pvkg serve`` does) and reports the median and the fastest run.

Usage::

    python benchmarks/bench_allocator.py --store /var/tmp/bench/full/store-400000 \\
        --query drug-signals --param drug=pvid:drug/zolprilme
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pyoxigraph import QueryResultsFormat, Store  # noqa: E402

from kg.allocator import installed  # noqa: E402
from kg.binding import bind_values  # noqa: E402
from kg.catalogue import Catalogue  # noqa: E402
from kg.location import open_store  # noqa: E402
from kg.params import resolve_parameters  # noqa: E402


def measure(store_dir: str, name: str, params: dict[str, str], runs: int) -> dict[str, float]:
    """Median and fastest milliseconds of query + serialisation, after 5 warm-up runs."""
    query = Catalogue().get(name)
    store = open_store(store_dir, read_only=True)
    text = bind_values(query.sparql, resolve_parameters(store, query, params))
    store.close()
    raw = Store.read_only(str(Path(store_dir) / "oxigraph"))
    times = []
    for _ in range(runs + 5):
        started = time.perf_counter()
        answer = raw.query(text, use_default_graph_as_union=True)
        answer.serialize(format=QueryResultsFormat.JSON)  # type: ignore[union-attr]
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": statistics.median(times[5:]), "min_ms": min(times[5:])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--query", default="drug-signals")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    params = dict(p.split("=", 1) for p in args.param)
    if args.child:
        print(json.dumps(measure(args.store, args.query, params, args.runs)))
        return 0
    libraries = {"glibc malloc": ""}
    for path in installed():
        libraries[Path(path).name.removeprefix("lib").split(".")[0]] = path
    print(f"| allocator | {args.query} median ms | fastest ms |\n|---|---:|---:|")
    for label, library in libraries.items():
        done = subprocess.run(
            [sys.executable, __file__, "--child", *sys.argv[1:]],
            env={**os.environ, "LD_PRELOAD": library},
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(done.stdout)
        print(f"| {label} | {figures['median_ms']:.2f} | {figures['min_ms']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
