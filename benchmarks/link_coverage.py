"""Coverage of MeSH linking over FAERS reaction and indication terms (BENCHMARKS.md, MeSH section).

Loads every FAERS quarter in ``<data>/faers/`` into a fresh embedded store with
:mod:`loaders.faers`, links it with the full MeSH 2024 (``<data>/mesh/mesh2024_derived.nt.gz``;
lexicon built from the triples, no cache, shipped overrides), and prints a Markdown table of how
many reaction and indication terms got a link, by distinct term and by report volume (``REAC``
rows whose term is linked), split by the link's predicate: ``skos:exactMatch`` (the term is the
MeSH concept), ``skos:closeMatch`` (a laboratory finding or "X disorder" read as the heading;
curated near-synonyms) and ``skos:broadMatch`` (the term falls under the heading).

A term is the condition entity the FAERS loader makes of it (``pvid:condition/<slug>``), so
"PSORIASIS" and "Psoriasis" are one term. Rows are counted from the ``REAC``/``INDI`` files as
they are (every row, before deduplication of reports).

Usage::

    python benchmarks/link_coverage.py [--data ../shared/data]

To measure the code of another commit, run this file from a worktree of it
(``git worktree add /tmp/before <commit>``; copy the script there).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pyoxigraph import QuerySolutions  # noqa: E402

from kg.embedded import EmbeddedStore  # noqa: E402
from kg.iris import slug  # noqa: E402
from loaders.faers import load  # noqa: E402
from loaders.mesh.rdf import read_triples  # noqa: E402
from loaders.meshlink import LINKS_GRAPH, link  # noqa: E402
from loaders.meshlink.lexicon import Lexicon  # noqa: E402

SKOS = "http://www.w3.org/2004/02/skos/core#"
KINDS = ("exactMatch", "closeMatch", "broadMatch")
CONDITION = "https://w3id.org/pvkg/id/condition/"


def term_rows(faers: Path) -> tuple[Counter[str], Counter[str]]:
    """Rows per term key in the ``REAC`` and ``INDI`` files of every quarter under ``faers``."""
    reactions: Counter[str] = Counter()
    indications: Counter[str] = Counter()
    for path in sorted(faers.glob("*/*")):
        table = path.name.upper()[:4]
        if table not in ("REAC", "INDI"):
            continue
        counts = reactions if table == "REAC" else indications
        with path.open(encoding="utf-8", errors="replace") as source:
            header = source.readline().rstrip("\r\n").lower().split("$")
            column = header.index("pt" if table == "REAC" else "indi_pt")
            for line in source:
                fields = line.rstrip("\r\n").split("$")
                text = fields[column].strip() if column < len(fields) else ""
                if text and any(c.isalnum() for c in text):
                    counts[slug(text)] += 1
    return reactions, indications


def link_kinds(store: EmbeddedStore) -> dict[str, str]:
    """Condition key → the strongest predicate linking it to MeSH in ``mesh-links``."""
    result = store.query(
        f"""SELECT ?e ?p WHERE {{ GRAPH <{LINKS_GRAPH.value}> {{ ?e ?p ?m .
        VALUES ?p {{ {" ".join(f"<{SKOS}{k}>" for k in KINDS)} }}
        FILTER(STRSTARTS(STR(?e), "{CONDITION}")) }} }}"""
    )
    if not isinstance(result, QuerySolutions):
        raise TypeError("a SELECT query must yield solutions")
    found: dict[str, str] = {}
    for row in result:
        key = row["e"].value.removeprefix(CONDITION)
        kind = row["p"].value.removeprefix(SKOS)
        if key not in found or KINDS.index(kind) < KINDS.index(found[key]):
            found[key] = kind
    return found


def table(name: str, weights: Counter[str], kinds: dict[str, str]) -> str:
    """One Markdown row: totals and shares by link predicate."""
    total = sum(weights.values())
    by_kind = Counter({k: 0 for k in KINDS})
    for key, weight in weights.items():
        if key in kinds:
            by_kind[kinds[key]] += weight
    linked = sum(by_kind.values())

    def cell(n: int) -> str:
        return f"{n:,} ({100 * n / total:.1f} %)" if total else "0"

    cells = [cell(by_kind[k]) for k in KINDS]
    return f"| {name} | {total:,} | {' | '.join(cells)} | **{cell(linked)}** |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    started = time.perf_counter()
    reactions, indications = term_rows(args.data / "faers")
    lexicon = Lexicon.from_triples(read_triples(args.data / "mesh" / "mesh2024_derived.nt.gz"))
    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddedStore(Path(folder) / "store")
        load(store, args.data / "faers")
        link(store, lexicon=lexicon, use_cache=False)
        kinds = link_kinds(store)
        store.close()
    every = Counter(dict.fromkeys(set(reactions) | set(indications), 1))
    print("| measure | total | exactMatch | closeMatch | broadMatch | linked |")
    print("|---|---|---|---|---|---|")
    print(table("distinct reaction + indication terms", every, kinds))
    print(table("distinct reaction terms", Counter(dict.fromkeys(reactions, 1)), kinds))
    print(table("distinct indication terms", Counter(dict.fromkeys(indications, 1)), kinds))
    print(table("REAC rows (report volume)", reactions, kinds))
    print(table("INDI rows", indications, kinds))
    print(f"\n({time.perf_counter() - started:.0f} s; quarters in {args.data / 'faers'})")


if __name__ == "__main__":
    main()
