"""Benchmark (issue 12, ADR 0010): how much ``Store.optimize()`` speeds up queries after loads.

Times the FAERS saved queries on a store loaded without optimising (``pvkg load faers …
--optimize never``), then optimises it and times them again. The drug and term are the most
reported pair among the flagged ones, read from the store itself. ``--condition`` also times
the headline query (``drugs-treating-and-inducing``) for that condition, ``--heavy-rounds``
times (it reads every quarter's evidence about the condition: seconds, not milliseconds)::

    python benchmarks/optimize_effect.py --store /var/tmp/bench/hist3/store --rounds 20
    python benchmarks/optimize_effect.py --store S --rounds 5 --condition mevite
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from pyoxigraph import QuerySolutions

from kg.catalogue import Catalogue
from kg.embedded import EmbeddedStore
from kg.params import run_saved

QUERIES = ("drug-signals", "event-signals", "pair-statistics", "signal-history", "new-signals")
BUSIEST = """PREFIX pv: <https://w3id.org/pvkg/ontology#>
SELECT ?d ?e ?q WHERE { ?s pv:evansSignal true ; pv:countA ?a ; pv:associationSubject ?d ;
  pv:associationObject ?e ; pv:firstSignalQuarter ?q } ORDER BY DESC(?a) LIMIT 1"""


HEADLINE = "drugs-treating-and-inducing"


def timings(
    store: EmbeddedStore, params: dict[str, str], rounds: int, heavy_rounds: int
) -> dict[str, tuple[float, int]]:
    """Median milliseconds and rows per saved query over ``rounds`` runs (``heavy_rounds`` for
    the headline query), after one warm-up."""
    catalogue = Catalogue()
    out = {}
    for name in QUERIES + ((HEADLINE,) if "condition" in params else ()):
        query = catalogue.get(name)
        given = {p.name: params[p.name] for p in query.params if p.name in params}
        rows = len(list(run_saved(store, query, given)))  # type: ignore[arg-type]
        spent = []
        for _ in range(heavy_rounds if name == HEADLINE else rounds):
            begin = time.perf_counter()
            list(run_saved(store, query, given))  # type: ignore[arg-type]
            spent.append((time.perf_counter() - begin) * 1000)
        out[name] = (statistics.median(spent), rows)
    return out


def main() -> None:
    """Print a Markdown table: median ms per query before and after ``optimize``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--condition", help="also time the headline query for this condition")
    parser.add_argument("--heavy-rounds", type=int, default=3)
    args = parser.parse_args()
    store = EmbeddedStore(args.store, read_only=True)  # as the server's query processes
    found = store.query(BUSIEST)
    assert isinstance(found, QuerySolutions)
    drug, event, quarter = (t.value for t in next(iter(found)))
    params = {"drug": f"<{drug}>", "event": f"<{event}>", "quarter": quarter.rsplit("/", 1)[1]}
    if args.condition:
        params["condition"] = args.condition
    before = timings(store, params, args.rounds, args.heavy_rounds)
    store.close()
    writable = EmbeddedStore(args.store)
    begin = time.perf_counter()
    writable.optimize()
    took = time.perf_counter() - begin
    writable.close()
    store = EmbeddedStore(args.store, read_only=True)
    after = timings(store, params, args.rounds, args.heavy_rounds)
    store.close()
    print(f"params: {params}; optimize took {took:.1f} s")
    print("| query | rows | before optimize (ms) | after (ms) |\n|---|---:|---:|---:|")
    for name, (spent, rows) in before.items():
        print(f"| {name} | {rows:,} | {spent:,.2f} | {after[name][0]:,.2f} |")


if __name__ == "__main__":
    main()
