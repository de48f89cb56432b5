"""Benchmark: pyoxigraph's own ``bulk_load`` rate on this machine, by input and target graph.

Writes the first ``--triples`` triples of one named graph of an existing pvkg store as
N-Triples, then times ``pyoxigraph.Store.bulk_load`` of that file into a fresh store, into the
default graph and into a named graph (pvkg keeps every source in a named graph, which pyoxigraph
indexes six ways instead of three). It is the reference the FAERS load is compared with, measured
at a size where it can be compared with the whole-quarter figures of ``faers_load.py``.

Usage::

    python benchmarks/bulk_rate.py --store /var/tmp/bench/full/store-400000 \\
        --graph https://w3id.org/pvkg/graph/faers-statistics --triples 10000000
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import tempfile
import time
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store, serialize


def dump(store: Path, graph: str, triples: int, target: Path) -> float:
    """Write ``triples`` triples of ``graph`` to ``target``; return seconds taken."""
    source = Store.read_only(str(store / "oxigraph"))
    started = time.perf_counter()
    quads = source.quads_for_pattern(None, None, None, NamedNode(graph))
    with target.open("wb") as out:
        serialize((q.triple for q in itertools.islice(quads, triples)), out, RdfFormat.N_TRIPLES)
    return time.perf_counter() - started


def load(path: Path, work: Path, graph: NamedNode | None) -> float:
    """Bulk-load ``path`` into a fresh store under ``work``; return seconds taken."""
    location = work / "store"
    shutil.rmtree(location, ignore_errors=True)
    store = Store(str(location))
    started = time.perf_counter()
    if graph is None:
        store.bulk_load(path=str(path), format=RdfFormat.N_TRIPLES)
    else:
        store.bulk_load(path=str(path), format=RdfFormat.N_TRIPLES, to_graph=graph)
    elapsed = time.perf_counter() - started
    del store
    shutil.rmtree(location, ignore_errors=True)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="an existing pvkg store")
    parser.add_argument("--graph", required=True, help="the named graph to take triples from")
    parser.add_argument("--triples", type=int, default=10_000_000)
    parser.add_argument("--work", type=Path, help="scratch directory (default: a temporary one)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(dir=args.work))
    try:
        path = work / "slice.nt"
        seconds = dump(args.store, args.graph, args.triples, path)
        print(f"dumped {args.triples:,} triples in {seconds:.1f} s", flush=True)
        targets = {"default graph": None, "named graph": NamedNode("https://w3id.org/pvkg/graph/x")}
        for name, graph in targets.items():
            seconds = load(path, work, graph)
            rate = args.triples / seconds
            print(f"bulk_load into the {name}: {seconds:.1f} s, {rate:,.0f} triples/s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
