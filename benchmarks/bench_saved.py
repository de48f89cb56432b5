"""Benchmark: every saved query on one embedded store, in-process (p50 of warm runs, rows).

Each query runs with its defaults, its examples, and, when the store holds FAERS statistics,
with the most reported drug and reaction term (the heaviest FAERS parameters). Parameter
resolution is included (``kg.params.run_saved``); the store is opened read-only. A query that
runs past ``--slow`` seconds on its first run is timed once only.

``--catalogue DIR`` times another set of ``.rq`` files (e.g. the saved queries of an older
commit, ``git archive <commit> queries | tar -x -C /tmp/old``) for before/after figures, and
``--check`` compares each answer with the current catalogue's, row for row and in order.

    python benchmarks/bench_saved.py --store /var/tmp/qstore --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

_TOP = """
PREFIX pv: <https://w3id.org/pvkg/ontology#>
SELECT ?d ?e WHERE {
  ?s a pv:DisproportionalityStatistics ; pv:associationSubject ?d ;
     pv:associationObject ?e ; pv:countA ?a
} ORDER BY DESC(?a) LIMIT 1
"""


def parameter_sets(query: object, top: tuple[str, str] | None) -> list[dict[str, str]]:
    """Defaults (``{}``), examples, and the top FAERS drug / term where the query takes them."""
    params = query.params  # type: ignore[attr-defined]
    sets: list[dict[str, str]] = [{}]
    examples = {p.name: p.example for p in params if p.example}
    if examples:
        sets.append(examples)
    if top is not None:
        faers = {}
        for p in params:
            if p.type == "drug":
                faers[p.name] = top[0]
            elif p.type == "condition":
                faers[p.name] = top[1]
        if faers:
            sets.append(faers)
    return sets


def answer(store: object, query: object, given: dict[str, str]) -> tuple[list[object], float]:
    """Rows (as text) and seconds of one run, or the error's class name and 0."""
    from kg.errors import ParameterError, QueryError, StoreError
    from kg.params import run_saved

    begin = time.perf_counter()
    try:
        rows = [tuple(map(str, row)) for row in run_saved(store, query, given)]  # type: ignore[arg-type, union-attr]
    except (ParameterError, QueryError, StoreError) as error:
        return [type(error).__name__], 0.0
    return rows, time.perf_counter() - begin  # type: ignore[return-value]


def main() -> int:
    from pyoxigraph import QuerySolutions

    from kg.catalogue import Catalogue
    from kg.embedded import EmbeddedStore

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="embedded store directory")
    parser.add_argument("--catalogue", type=Path, help="directory of .rq files to time instead")
    parser.add_argument("--check", action="store_true", help="compare with the current queries")
    parser.add_argument("--runs", type=int, default=5, help="warm runs of each query")
    parser.add_argument("--slow", type=float, default=5.0, help="time slower queries once")
    parser.add_argument("--only", default="", help="comma-separated query names")
    parser.add_argument("--json", type=Path, help="also write raw figures here")
    args = parser.parse_args()

    store = EmbeddedStore(args.store, read_only=True)
    timed = Catalogue(args.catalogue) if args.catalogue else Catalogue()
    current = Catalogue()
    found = store.query(_TOP)
    assert isinstance(found, QuerySolutions)
    top = next(((r["d"].value, r["e"].value) for r in found), None)  # type: ignore[union-attr]
    only = {n for n in args.only.split(",") if n}
    figures = []
    print(f"{'query':34} {'parameters':60} {'p50 ms':>10} {'rows':>7}")
    for query in timed:
        if only and query.name not in only:
            continue
        for given in parameter_sets(query, top):
            rows, first = answer(store, query, given)
            times = [first]
            if first < args.slow:
                times = [answer(store, query, given)[1] for _ in range(args.runs)]
            p50 = statistics.median(times) * 1000
            same = ""
            if args.check:
                now = answer(store, current.get(query.name), given)[0]
                same = " same" if now == rows else " DIFF"
            shown = json.dumps({k: v.rsplit("/", 1)[-1] for k, v in given.items()})
            print(f"{query.name:34} {shown[:60]:60} {p50:10.1f} {len(rows):7}{same}", flush=True)
            figures.append({"query": query.name, "params": given, "p50_ms": p50, "rows": len(rows)})
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
