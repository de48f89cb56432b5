"""Benchmark: load synthetic FAERS quarters of growing size; compare with pyoxigraph bulk_load.

For each size (reports per quarter) this script

1. writes a synthetic quarter with ``benchmarks/faers_generate.py`` (kept for re-runs);
2. loads it into a fresh embedded store in a child process — parse, deduplicate, statistics,
   store (``loaders.faers.load``) — and records wall time and peak memory (the child's own
   maximum resident set size and that of its own children, i.e. ``sort``);
3. dumps the graphs just loaded to N-Triples files and times pyoxigraph's ``Store.bulk_load``
   of the same triples into another fresh store, in a child process;
4. optionally (``--queries``) times the saved signal queries on the loaded store (p50, p95).

    python benchmarks/faers_load.py --work /var/tmp/pvkg-faers-bench --sizes 100000,200000,400000

``--staging QUARTER`` instead times only the loader's own (Python) part of a load: it runs
``load_quarters`` against a stand-in store that holds no graphs and only takes the sha256 of
each staged file it is handed, so everything up to and including the statistics file's sort
runs as in a real load. Each phase is timed apart (wall, user and system seconds): parse and
map (``QuarterMapper.run``), ``deduplicate``, ``write_statistics``, and GNU ``sort``
(``StagedGraph.finish``, not Python). ``--code DIR`` measures the ``loaders`` package found in
``DIR`` instead of this checkout's (e.g. an older commit unpacked with ``git archive``), so two
versions can be compared on the same input and their staged files' checksums compared.

    python benchmarks/faers_load.py --staging /var/tmp/m100k --runs 3
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from proctree import TreePeak  # noqa: E402

from kg.allocator import environment  # noqa: E402


def peak_mb() -> tuple[float, float]:
    """Peak RSS in MB of this process and of its (waited-for) children."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def child_load(source: Path, store_dir: Path, workdir: Path) -> dict[str, object]:
    """Load one quarter into a fresh store; report times and peak memory."""
    from kg.embedded import EmbeddedStore
    from loaders import faers

    store = EmbeddedStore(store_dir)
    timings: dict[str, float] = {}
    original = store.replace_graph

    def timed(*args: object, **kwargs: object) -> int:
        begin = time.perf_counter()
        result = original(*args, **kwargs)  # type: ignore[arg-type]
        key = "store_" + str(args[0]).rsplit("/", 1)[1].rstrip(">")
        timings[key] = time.perf_counter() - begin
        return result

    store.replace_graph = timed  # type: ignore[method-assign]
    begin = time.perf_counter()
    with TreePeak(interval=0.2) as tree:
        summaries = faers.load_quarters(store, source, workdir=workdir)
    total = time.perf_counter() - begin
    store.close()
    own, kids = peak_mb()
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "total_s": round(total, 1),
        "cpu_s": round(me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime, 1),
        "store_s": {k: round(v, 1) for k, v in timings.items()},
        "triples": {s.graph.value.rsplit("/", 1)[1]: s.triples for s in summaries},
        "notes": [n for s in summaries for n in s.notes],
        "peak_rss_mb": round(own),
        "peak_rss_children_mb": round(kids),
        "peak_rss_tree_mb": round(tree.peak),
    }


class ChecksumStore:
    """Enough of a store for ``load_quarters``: no graphs; a replaced graph is only checksummed."""

    def __init__(self, location: Path) -> None:
        self.location = str(location)
        self.sha256: dict[str, str] = {}

    def graphs(self) -> list[object]:
        """No graph is loaded."""
        return []

    def replace_graph(self, graph: object, path: Path, *args: object, **kwargs: object) -> int:
        """Record the sha256 of the staged file instead of loading it."""
        digest = hashlib.sha256()
        with Path(path).open("rb") as source:
            while chunk := source.read(1 << 22):
                digest.update(chunk)
        self.sha256[str(graph).rsplit("/", 1)[1].rstrip(">")] = digest.hexdigest()
        return 0

    def optimize(self) -> None:
        """Nothing to compact."""


def child_staging(source: Path, workdir: Path) -> dict[str, object]:
    """Run ``load_quarters`` with a :class:`ChecksumStore`; time each phase (wall, user, sys)."""
    from kg.staging import StagedGraph
    from loaders.faers import loader
    from loaders.faers.mapping import QuarterMapper

    phases: dict[str, list[float]] = {}

    def timed(name: str, function: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            begin, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
            try:
                return function(*args, **kwargs)
            finally:
                end = resource.getrusage(resource.RUSAGE_SELF)
                spent = phases.setdefault(name, [0.0, 0.0, 0.0])
                spent[0] += time.perf_counter() - begin
                spent[1] += end.ru_utime - cpu.ru_utime
                spent[2] += end.ru_stime - cpu.ru_stime

        return run

    from loaders.faers import derive

    QuarterMapper.run = timed("parse_map", QuarterMapper.run)  # type: ignore[method-assign]
    derive.derive = timed("derive", derive.derive)  # counts, EBGM, statistics, history, dedup
    loader.derive = derive.derive  # type: ignore[attr-defined]
    StagedGraph.finish = timed("sort", StagedGraph.finish)  # type: ignore[method-assign]
    store = ChecksumStore(workdir)
    rejects = workdir / "rejects.tsv"
    loader.load_quarters(store, source, rejects=rejects, workdir=workdir)  # type: ignore[arg-type]
    python = [phases[k] for k in ("parse_map", "derive")]
    phases["python"] = [sum(p[i] for p in python) for i in range(3)]
    if rejects.exists():
        store.sha256["rejects"] = hashlib.sha256(rejects.read_bytes()).hexdigest()
        rejects.unlink()
    return {
        "wall_user_sys_s": {k: [round(x, 2) for x in v] for k, v in phases.items()},
        "sha256": store.sha256,
        "peak_rss_mb": round(peak_mb()[0]),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "loaders": str(Path(loader.__file__).parent),
    }


def child_bulk(files: list[str], store_dir: Path) -> dict[str, object]:
    """Bulk-load N-Triples files (``graph-iri=path``) into a fresh pyoxigraph store."""
    from pyoxigraph import NamedNode, RdfFormat, Store

    store = Store(str(store_dir))
    begin = time.perf_counter()
    for item in files:
        graph, path = item.split("=", 1)
        store.bulk_load(path=path, format=RdfFormat.N_TRIPLES, to_graph=NamedNode(graph))
    store.flush()
    bulk = time.perf_counter() - begin
    begin = time.perf_counter()
    store.optimize()
    optimize = time.perf_counter() - begin
    own, _ = peak_mb()
    return {"bulk_s": round(bulk, 1), "optimize_s": round(optimize, 1), "peak_rss_mb": round(own)}


def run_child(args: list[str]) -> dict[str, object]:
    """Run this script as a child process and parse its JSON answer.

    The child runs with the allocator ``pvkg`` would preload (``PVKG_ALLOCATOR``, default
    mimalloc or jemalloc when installed; :mod:`kg.allocator`), so that it measures what
    ``pvkg load`` does; an ``LD_PRELOAD`` already set is kept.
    """
    done = subprocess.run(
        [sys.executable, __file__, *args],
        check=True,
        capture_output=True,
        text=True,
        env=environment(),
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def dump_graphs(store_dir: Path, out: Path) -> list[str]:
    """Dump every non-meta graph of a store as N-Triples; return ``graph=path`` items."""
    from pyoxigraph import NamedNode, RdfFormat, Store

    store = Store.read_only(str(store_dir / "oxigraph"))
    items = []
    out.mkdir(parents=True, exist_ok=True)
    for graph in store.named_graphs():
        if not isinstance(graph, NamedNode) or graph.value.endswith("/meta"):
            continue
        path = out / (graph.value.rsplit("/", 1)[1] + ".nt")
        with path.open("wb") as sink:
            store.dump(sink, RdfFormat.N_TRIPLES, from_graph=graph)
        items.append(f"{graph.value}={path}")
    del store
    return items


def time_queries(store_dir: Path, rounds: int) -> dict[str, object]:
    """p50/p95 of the saved signal queries over frequent and random drugs and events."""
    from pyoxigraph import QuerySolutions

    from kg.catalogue import Catalogue
    from kg.embedded import EmbeddedStore
    from kg.params import run_saved

    store = EmbeddedStore(store_dir, read_only=True)
    catalogue = Catalogue()
    top = store.query(
        "PREFIX pv: <https://w3id.org/pvkg/ontology#> SELECT ?d ?e WHERE { "
        "?s a pv:DisproportionalityStatistics ; pv:associationSubject ?d ; "
        "pv:associationObject ?e ; pv:countA ?a } ORDER BY DESC(?a) LIMIT 2000"
    )
    assert isinstance(top, QuerySolutions)
    pairs = [(r["d"].value.rsplit("/", 1)[1], r["e"].value.rsplit("/", 1)[1]) for r in top]
    rng = random.Random(7)
    chosen = pairs[:10] + rng.sample(pairs, 10)
    cases = {
        "drug-signals": [{"drug": d} for d, _ in chosen],
        "event-signals": [{"event": e} for _, e in chosen],
        "pair-statistics": [{"drug": d, "event": e} for d, e in chosen],
        "pair-reports": [{"drug": d, "event": e} for d, e in chosen],
    }
    out: dict[str, object] = {}
    for name, params in cases.items():
        query = catalogue.get(name)
        times, sizes = [], []
        for given in params:
            list(run_saved(store, query, given))  # type: ignore[call-overload]
            for _ in range(rounds):
                begin = time.perf_counter()
                rows = list(run_saved(store, query, given))  # type: ignore[call-overload]
                times.append((time.perf_counter() - begin) * 1000)
            sizes.append(len(rows))
        times.sort()
        out[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "rows_max": max(sizes),
            "runs": len(times),
        }
    return out


def main() -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/pvkg-faers-bench"))
    parser.add_argument("--sizes", default="100000,200000,400000")
    parser.add_argument(
        "--keep", action="store_true", help="keep the loaded stores (e.g. for bench_http.py)"
    )
    parser.add_argument("--queries", action="store_true", help="time saved queries (largest)")
    parser.add_argument(
        "--reference-sizes", default="", help="sizes to bulk-load for reference (default: all)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child-load", nargs=3, metavar=("SOURCE", "STORE", "WORK"))
    parser.add_argument("--child-bulk", nargs="+", metavar="ITEM")
    parser.add_argument("--child-queries", type=Path, metavar="STORE")
    parser.add_argument("--staging", type=Path, metavar="QUARTER", help="time the Python part")
    parser.add_argument("--code", type=Path, metavar="DIR", help="with --staging: loaders/ here")
    parser.add_argument("--runs", type=int, default=1, help="with --staging: how many runs")
    parser.add_argument("--child-staging", nargs=2, metavar=("SOURCE", "WORK"))
    args = parser.parse_args()
    if args.code:
        sys.path.insert(0, str(args.code.resolve()))
    if args.child_staging:
        source, work = (Path(p) for p in args.child_staging)
        print(json.dumps(child_staging(source, work)))
        return
    if args.staging:
        code = ["--code", str(args.code)] if args.code else []
        args.work.mkdir(parents=True, exist_ok=True)
        for _ in range(args.runs):
            work = Path(tempfile.mkdtemp(prefix="staging-", dir=args.work))
            print(json.dumps(run_child([*code, "--child-staging", str(args.staging), str(work)])))
            shutil.rmtree(work)
        return
    if args.child_load:
        source, store, work = (Path(p) for p in args.child_load)
        print(json.dumps(child_load(source, store, work)))
        return
    if args.child_bulk:
        print(json.dumps(child_bulk(args.child_bulk[1:], Path(args.child_bulk[0]))))
        return
    if args.child_queries:
        print(json.dumps(time_queries(args.child_queries, args.rounds)))
        return
    from benchmarks.faers_generate import generate

    sizes = [int(s) for s in args.sizes.split(",")]
    reference_sizes = (
        {int(s) for s in args.reference_sizes.split(",")} if args.reference_sizes else set(sizes)
    )
    for size in sizes:
        source = args.work / f"quarter-{size}"
        if not (source / "DEMO24Q1.txt").exists():
            begin = time.perf_counter()
            counts = generate(source, size, "24Q1", seed=1)
            print(
                json.dumps(
                    {
                        "size": size,
                        "generated": counts,
                        "generate_s": round(time.perf_counter() - begin, 1),
                    }
                ),
                flush=True,
            )
        store = args.work / f"store-{size}"
        shutil.rmtree(store, ignore_errors=True)
        stage = args.work / "stage"
        stage.mkdir(parents=True, exist_ok=True)
        loaded = run_child(["--child-load", str(source), str(store), str(stage)])
        print(json.dumps({"size": size, "load": loaded}), flush=True)
        if args.queries and size == max(sizes):
            timing = run_child(["--child-queries", str(store), "--rounds", str(args.rounds)])
            print(json.dumps({"size": size, "queries": timing}), flush=True)
        if size not in reference_sizes:
            if not args.keep:
                shutil.rmtree(store, ignore_errors=True)
            continue
        dumps = args.work / f"nt-{size}"
        items = dump_graphs(store, dumps)
        reference = args.work / f"bulk-{size}"
        shutil.rmtree(reference, ignore_errors=True)
        bulk = run_child(["--child-bulk", str(reference), *items])
        total_s = float(loaded["total_s"])  # type: ignore[arg-type]
        ratio = round(total_s / float(bulk["bulk_s"]), 2)  # type: ignore[arg-type]
        print(
            json.dumps({"size": size, "bulk_load": bulk, "ratio_load_to_bulk": ratio}), flush=True
        )
        shutil.rmtree(dumps, ignore_errors=True)
        shutil.rmtree(reference, ignore_errors=True)


if __name__ == "__main__":
    main()
