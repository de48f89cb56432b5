"""Benchmark: the headline query on one embedded store, for its most frequent conditions.

Times ``drugs-treating-and-inducing`` (issue 13: "drugs that both treat and induce X") with
its default parameters and ``min_reports=3`` / ``signals_only=true``, for the ``--top``
conditions with the most evidence nodes (FAERS indication counts, reaction statistics and
curated edges about them), and ``new-signals`` for every loaded FAERS quarter. Each figure is
the median of ``--runs`` warm runs, parameter resolution included (``kg.params.run_saved``);
the store is opened read-only. A run past ``--slow`` seconds is timed once only.

``--catalogue DIR`` times another set of ``.rq`` files (e.g. the saved queries of an older
commit, ``git archive <commit> queries | tar -x -C /tmp/old``), and ``--check`` compares each
answer with the current catalogue's, as sorted rows.

    python benchmarks/headline_query.py --store /var/tmp/h1/store --top 5
    python benchmarks/headline_query.py --store S --condition mevite --runs 1 \\
        --catalogue /tmp/old/queries --check   # given conditions: the frequency query
                                               # takes minutes on eight quarters
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

_FREQUENT = """
PREFIX pv: <https://w3id.org/pvkg/ontology#>
SELECT ?c (COUNT(*) AS ?n) WHERE {
  ?e pv:associationObject ?c .
  ?c a pv:Condition .
  FILTER NOT EXISTS { ?e pv:historyOf ?s }
} GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT %d
"""
_QUARTERS = """
PREFIX pv: <https://w3id.org/pvkg/ontology#>
SELECT ?q WHERE { ?q a pv:FaersQuarter } ORDER BY ?q
"""
HEADLINE = "drugs-treating-and-inducing"
VARIANTS: list[dict[str, str]] = [{}, {"min_reports": "3"}, {"signals_only": "true"}]
"""Parameters besides ``condition`` the headline query is timed with."""

Rows = list[tuple[str, ...]]


def column(store: object, sparql: str) -> list[str]:
    """The first column of a query's rows, as text."""
    return [row[0].value for row in store.query(sparql)]  # type: ignore[attr-defined]


def cases(
    store: object, top: int, conditions: list[str] | None = None
) -> list[tuple[str, dict[str, str]]]:
    """(query, parameters) to time: the headline query per condition (``conditions``, else the
    ``top`` most frequent), new-signals per quarter."""
    found: list[tuple[str, dict[str, str]]] = []
    for condition in conditions or column(store, _FREQUENT % top):
        found += [(HEADLINE, {"condition": condition, **extra}) for extra in VARIANTS]
    for quarter in column(store, _QUARTERS):
        found.append(("new-signals", {"quarter": quarter.rsplit("/", 1)[-1]}))
    return found


def answer(store: object, query: object, given: dict[str, str]) -> tuple[Rows, float]:
    """Rows (sorted, as text) and seconds of one run."""
    from kg.params import run_saved

    begin = time.perf_counter()
    rows = [tuple(map(str, row)) for row in run_saved(store, query, given)]  # type: ignore[arg-type, union-attr]
    return sorted(rows), time.perf_counter() - begin


def main() -> int:
    from kg.catalogue import Catalogue
    from kg.embedded import EmbeddedStore

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="embedded store directory")
    parser.add_argument("--top", type=int, default=5, help="how many frequent conditions")
    parser.add_argument("--runs", type=int, default=5, help="warm runs of each query")
    parser.add_argument("--slow", type=float, default=10.0, help="time slower queries once")
    parser.add_argument("--catalogue", type=Path, help="directory of .rq files to time instead")
    parser.add_argument("--check", action="store_true", help="compare with the current queries")
    parser.add_argument(
        "--condition",
        action="append",
        help="time this condition (IRI, CURIE or label) instead of the most frequent; repeatable",
    )
    args = parser.parse_args()

    store = EmbeddedStore(args.store, read_only=True)
    timed = Catalogue(args.catalogue) if args.catalogue else Catalogue()
    current = Catalogue()
    print(f"{'query':28} {'parameters':58} {'median ms':>10} {'rows':>6}")
    for name, given in cases(store, args.top, args.condition):
        rows, first = answer(store, timed.get(name), given)
        times = [first]
        if first < args.slow:
            times = [answer(store, timed.get(name), given)[1] for _ in range(args.runs)]
        same = ""
        if args.check:
            same = " same" if answer(store, current.get(name), given)[0] == rows else " DIFF"
        shown = " ".join(f"{k}={v.rsplit('/', 1)[-1]}" for k, v in given.items())
        median = statistics.median(times) * 1000
        print(f"{name:28} {shown[:58]:58} {median:10.1f} {len(rows):6}{same}", flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
