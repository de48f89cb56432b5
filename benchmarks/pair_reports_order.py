"""Benchmark: how the join order written in ``pair-reports`` decides its speed.

pyoxigraph keeps the order in which ``queries/pair-reports.rq`` joins the drug's exposures and the
term's reactions, so the query is fast when the side written first is the rarer one and slow
otherwise. For the pairs that ``faers_load.py --queries`` times (the 10 with most reports and 10
drawn from the top 2,000), this runs the shipped text (drug first) and the same text with the
reaction term first, once each, and prints both times beside the pair's drug and term report
counts (a + b and a + c from its statistics node).

Usage::

    python benchmarks/pair_reports_order.py --store /var/tmp/bench/full/store-400000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pyoxigraph import QuerySolutions  # noqa: E402

from kg.binding import bind_values  # noqa: E402
from kg.catalogue import Catalogue  # noqa: E402
from kg.embedded import EmbeddedStore  # noqa: E402
from kg.params import resolve_parameters  # noqa: E402

TOP_PAIRS = """PREFIX pv: <https://w3id.org/pvkg/ontology#>
SELECT ?d ?e ?a ?b ?c WHERE {
  ?s a pv:DisproportionalityStatistics ; pv:associationSubject ?d ; pv:associationObject ?e ;
     pv:countA ?a ; pv:countB ?b ; pv:countC ?c
} ORDER BY DESC(?a) LIMIT 2000"""

DRUG_FIRST = """  ?exposure pv:drug ?drug ; pv:role ?role .
  ?report pv:hasExposure ?exposure ;
          pv:hasReaction ?reaction .
  ?reaction pv:condition ?event .
"""
TERM_FIRST = """  ?reaction pv:condition ?event .
  ?report pv:hasReaction ?reaction ;
          pv:hasExposure ?exposure .
  ?exposure pv:drug ?drug ; pv:role ?role .
"""


def timed(store: EmbeddedStore, text: str) -> tuple[float, int]:
    """Milliseconds to run ``text`` and read every row; the row count."""
    begin = time.perf_counter()
    rows = sum(1 for _ in store.query(text))  # type: ignore[union-attr]
    return (time.perf_counter() - begin) * 1000, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a store with FAERS loaded")
    args = parser.parse_args()
    store = EmbeddedStore(args.store, read_only=True)
    found = store.query(TOP_PAIRS)
    if not isinstance(found, QuerySolutions):
        raise TypeError("the pair query must be a SELECT")
    pairs = [
        (r["d"].value, r["e"].value, int(r["a"].value), int(r["b"].value), int(r["c"].value))
        for r in found
    ]
    chosen = pairs[:10] + random.Random(7).sample(pairs, 10)  # as faers_load.py --queries
    query = Catalogue().get("pair-reports")
    if DRUG_FIRST not in query.sparql:
        raise SystemExit("queries/pair-reports.rq no longer has the drug-first text this compares")
    texts = {"drug first": query.sparql, "term first": query.sparql.replace(DRUG_FIRST, TERM_FIRST)}
    print("| drug reports (a+b) | term reports (a+c) | rows | drug first ms | term first ms |")
    print("|---:|---:|---:|---:|---:|")
    for drug, event, a, b, c in chosen:
        bindings = resolve_parameters(store, query, {"drug": drug, "event": event})
        times = [timed(store, bind_values(text, bindings)) for text in texts.values()]
        if times[0][1] != times[1][1]:
            raise RuntimeError(f"the two orders disagree on {drug} {event}: {times}")
        print(
            f"| {a + b:,} | {a + c:,} | {times[0][1]:,} | {times[0][0]:,.0f} | {times[1][0]:,.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
