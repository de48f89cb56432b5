"""Time the engines that could materialise pvkg's inferred graph, on a copy of a built store.

Options (each in its own child process, with a time limit, on the store's graphs but the meta
and inferred ones):

* ``sparql``: :func:`kg.inference.refresh` (rules as SELECTs in pyoxigraph, heads staged and
  swapped), run twice: the first swap is whole, the second changes nothing (incremental);
* ``sparql-type-all``: the same with domain and range typing on every graph;
* ``owlrl``: the graphs as N-Triples into one rdflib graph, then owlrl's RDFS closure;
* ``reasonable``: the same N-Triples into the ``reasonable`` OWL 2 RL reasoner (Rust).

Each prints its wall time (load into the engine and reasoning apart where there are two),
the triples it inferred, and its peak memory. owlrl and reasonable are run only when named:
on the 2020q3 slice store (233,251 triples) they took 410 s and 249 s, reasonable at a 13.7 GB
peak, so a 50,000-report quarter would exhaust the machine's memory::

    python benchmarks/inference.py --store /var/tmp/b/store --work /var/tmp/inf \\
        --options sparql owlrl reasonable --limit 900
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat, parse

from kg.embedded import EmbeddedStore
from kg.inference import refresh
from kg.iris import INFERRED_GRAPH, META_GRAPH

Result = dict[str, object]


def _ntriples(store_dir: Path, out: Path) -> int:
    """Write the input graphs' triples (no graph names) to ``out``; return the count."""
    store = EmbeddedStore(store_dir, read_only=True)
    try:
        graphs = [g.graph for g in store.graphs() if g.graph not in (META_GRAPH, INFERRED_GRAPH)]
        quads = out.with_suffix(".nq")
        with quads.open("wb") as sink:
            store.export(sink, graphs=graphs)
    finally:
        store.close()
    n = 0
    with quads.open("rb") as source, out.open("w", encoding="utf-8") as sink:
        for quad in parse(source, format=RdfFormat.N_QUADS):
            sink.write(f"{quad.subject} {quad.predicate} {quad.object} .\n")
            n += 1
    quads.unlink()
    return n


def run_sparql(store_dir: Path, work: Path, type_all: bool) -> Result:
    copy = work / "store-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(store_dir, copy)
    store = EmbeddedStore(copy)
    try:
        first = refresh(store, type_all=type_all)
        second = refresh(store, type_all=type_all)
    finally:
        store.close()
    if first is None or second is None:
        raise SystemExit("the store holds no ontology graph: nothing to infer")
    shutil.rmtree(copy, ignore_errors=True)
    return {
        "seconds": round(first.seconds, 1),
        "seconds_unchanged_refresh": round(second.seconds, 1),
        "inferred": first.triples,
        "rule_heads": dict(first.by_rule),
    }


def _timed(
    store_dir: Path, work: Path, load: Callable[[Path], object], reason: Callable[[object], int]
) -> Result:
    """Export the input graphs, then time ``load`` (file → engine) and ``reason`` (→ total)."""
    nt = work / "input.ttl"  # N-Triples is Turtle; reasonable reads .ttl and .n3 only
    asserted = _ntriples(store_dir, nt)
    started = time.perf_counter()
    engine = load(nt)
    loaded = time.perf_counter()
    total = reason(engine)
    done = time.perf_counter()
    return {
        "seconds": round(done - started, 1),
        "seconds_load": round(loaded - started, 1),
        "seconds_reason": round(done - loaded, 1),
        "asserted": asserted,
        "inferred": total - asserted,
    }


def run_owlrl(store_dir: Path, work: Path, type_all: bool) -> Result:
    import owlrl
    import rdflib

    def reason(graph: Any) -> int:
        owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(graph)
        return len(graph)

    return _timed(store_dir, work, lambda nt: rdflib.Graph().parse(nt, format="nt"), reason)


def run_reasonable(store_dir: Path, work: Path, type_all: bool) -> Result:
    import reasonable

    def load(nt: Path) -> Any:
        reasoner = reasonable.PyReasoner()
        reasoner.load_file(str(nt))
        return reasoner

    return _timed(store_dir, work, load, lambda reasoner: len(reasoner.reason()))


OPTIONS: dict[str, Callable[[Path, Path, bool], Result]] = {
    "sparql": lambda s, w, _: run_sparql(s, w, False),
    "sparql-type-all": lambda s, w, _: run_sparql(s, w, True),
    "owlrl": run_owlrl,
    "reasonable": run_reasonable,
}


def child(option: str, store_dir: Path, work: Path) -> None:
    """Run one option in this process and print its result as JSON."""
    result = OPTIONS[option](store_dir, work, False)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(result))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a built store (not changed)")
    parser.add_argument("--work", type=Path, required=True, help="scratch directory")
    parser.add_argument(
        "--options", nargs="+", default=["sparql", "sparql-type-all"], choices=list(OPTIONS)
    )
    parser.add_argument("--limit", type=float, default=900, help="seconds per option")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.child:
        child(args.child, args.store, args.work)
        return 0
    for option in args.options:
        argv = [sys.executable, __file__, "--store", str(args.store), "--work", str(args.work)]
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [*argv, "--child", option], capture_output=True, text=True, timeout=args.limit
            )
            line = done.stdout.strip().splitlines()[-1] if done.returncode == 0 else None
            outcome = line or f"failed (exit {done.returncode}): {done.stderr.strip()[-300:]}"
        except subprocess.TimeoutExpired:
            outcome = f"did not finish within {args.limit:.0f} s"
        print(f"{option}: {outcome} [wall {time.perf_counter() - started:.1f} s]", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
