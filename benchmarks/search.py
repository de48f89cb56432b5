"""Benchmark (issue 16): the entity search behind ``GET /api/search`` on one embedded store.

Times what a query process does: building the index (:data:`server.search.INDEX_QUERY` over
the store, then :func:`server.search.build`) once, and each search after it (p50 and max over
``--rounds`` rounds of a fixed list of texts: prefixes, whole labels, a word, a MeSH
identifier, a text that matches nothing)::

    python benchmarks/search.py --store /var/tmp/bench/n50k/store --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyoxigraph import Store

from server import search

TEXTS = ("mev", "mevite", "zag", "disorder", "a", "xopocil syndrome", "D011565", "inflix", "qq")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="embedded store directory")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    store = Store.read_only(str(args.store / "oxigraph"))
    start = time.perf_counter()
    rows = [
        {
            "e": row["e"].value,
            "kind": row["kind"].value,
            "name": row["name"].value,
            "label": row["label"].value == "true",
            "mesh": row["mesh"].value if row["mesh"] is not None else None,
        }
        for row in store.query(search.INDEX_QUERY, use_default_graph_as_union=True)  # type: ignore[union-attr]
    ]
    entries = search.build(rows)
    built = time.perf_counter() - start
    print(f"index: {len(rows):,} names, {len(entries):,} entities in {built:.2f} s")
    times = []
    for _ in range(args.rounds):
        for text in TEXTS:
            begin = time.perf_counter()
            search.search(entries, text, None, 10)
            times.append((time.perf_counter() - begin) * 1000)
    print(
        f"search: p50 {statistics.median(times):.1f} ms, max {max(times):.1f} ms "
        f"({len(times)} searches)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
