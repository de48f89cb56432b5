"""Benchmark the MeSH loader and linker (figures reported in BENCHMARKS.md, MeSH section).

1. ``load``: the full ``mesh2024_derived.nt.gz`` (1.5 M triples) into a fresh embedded store,
   all trees and ``--trees C,D,F,G`` (goal: < 60 s).
2. ``link``: a store holding full MeSH and a generated source graph with the distinct names of a
   large FAERS quarter (tens of thousands of drug names and reaction terms), then ``link`` end to
   end: lexicon from the store, matching, closure, writing the graph (goal: < 30 s).

The name list is built from real names, varied the way FAERS writes them: SIDER's MedDRA
reaction terms (LLT and PT names, British spelling, many with no MeSH heading), and drug names
from MeSH drug records (descriptors in tree D and chemical supplementary records) written in
upper case, with salt words, strengths and dose forms appended to some, plus brand-like
unmatched names. Seeded, so each run links the same list.

Usage::

    python benchmarks/bench_mesh.py [--data ../shared/data] [--names 40000] [--skip-load]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pyoxigraph import Literal, Triple  # noqa: E402

import loaders.mesh as mesh  # noqa: E402
from kg import vocab  # noqa: E402
from kg.embedded import EmbeddedStore  # noqa: E402
from kg.iris import condition_iri, drug_iri, graph_iri  # noqa: E402
from kg.namespaces import RDF, RDFS  # noqa: E402
from kg.staging import StagedGraph  # noqa: E402
from kg.store import Provenance  # noqa: E402
from loaders.meshlink import link  # noqa: E402

SALTS = ["HYDROCHLORIDE", "SODIUM", "CALCIUM", "SULFATE", "MESYLATE", "ACETATE", "MALEATE"]
FORMS = ["10 MG", "20 MG TABLET", "500 MG", "100 MG/ML INJECTION", "CREAM", "0.1 %"]


def reaction_terms(data: Path) -> list[str]:
    """Distinct MedDRA names from SIDER (side effects and indications)."""
    names: set[str] = set()
    with gzip.open(data / "sider" / "meddra_all_se.tsv.gz", "rt", encoding="utf-8") as source:
        for row in csv.reader(source, delimiter="\t"):
            names.add(row[5])
    with gzip.open(
        data / "sider" / "meddra_all_indications.tsv.gz", "rt", encoding="utf-8"
    ) as source:
        for row in csv.reader(source, delimiter="\t"):
            names.add(row[-1])
    return sorted(n for n in names if n)


def drug_names(data: Path, rng: random.Random, wanted: int) -> list[str]:
    """FAERS-style drug names made from MeSH drug record names."""
    base: set[str] = set()
    with gzip.open(
        data / "mesh" / "mesh2024_descriptor_tree_numbers.tsv.gz", "rt", encoding="utf-8"
    ) as source:
        for row in csv.DictReader(source, delimiter="\t"):
            if row["tree_location"].startswith("D"):
                base.add(row["DescriptorName"])
    with (data / "mesh" / "mesh2023_pharmacological_actions_with_scr.tsv").open(
        encoding="utf-8"
    ) as source:
        for row in csv.DictReader(source, delimiter="\t"):
            if row["DescriptorUI"].startswith("C"):
                base.add(row["DescriptorName"])
    names: set[str] = set()
    ordered = sorted(base)
    while len(names) < wanted:
        name = rng.choice(ordered).upper()
        roll = rng.random()
        if roll < 0.25:
            name = f"{name} {rng.choice(SALTS)}"
        elif roll < 0.45:
            name = f"{name} {rng.choice(FORMS)}"
        elif roll < 0.55:
            name = "".join(rng.choice("ABCDEFGHIKLMNOPRSTUVXZ") for _ in range(rng.randint(5, 10)))
        names.add(name)
    return sorted(names)


def stage_entities(store: EmbeddedStore, drugs: list[str], conditions: list[str]) -> None:
    """Write the names as pv:Drug / pv:Condition entities into a source graph."""
    with StagedGraph() as staged:
        for kind, names, mint in (
            (vocab.Drug, drugs, drug_iri),
            (vocab.Condition, conditions, condition_iri),
        ):
            for name in names:
                entity = mint(name)
                staged.add(Triple(entity, RDF["type"], kind))
                staged.add(Triple(entity, RDFS["label"], Literal(name)))
        path = staged.finish()
        store.replace_graph(
            graph_iri("bench-names"),
            path,
            Provenance("bench", (), staged.checksum(), "bench_mesh", "benchmark names"),
        )


def main() -> int:
    """Run the benchmark and print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--names", type=int, default=40000, help="distinct drug names")
    parser.add_argument("--skip-load", action="store_true", help="skip the all-trees load")
    args = parser.parse_args()
    source = args.data / "mesh" / "mesh2024_derived.nt.gz"
    with tempfile.TemporaryDirectory(prefix="pvkg-bench-mesh-") as tmp:
        if not args.skip_load:
            store = EmbeddedStore(Path(tmp) / "all")
            started = time.perf_counter()
            summary = mesh.load(store, source)
            print(
                f"load all trees: {summary.triples:,} triples in "
                f"{time.perf_counter() - started:.1f} s"
            )
            store.close()
        store = EmbeddedStore(Path(tmp) / "cdfg")
        started = time.perf_counter()
        summary = mesh.load(store, source, trees="C,D,F,G")
        print(
            f"load --trees C,D,F,G: {summary.triples:,} triples in "
            f"{time.perf_counter() - started:.1f} s"
        )
        rng = random.Random(20261122)
        conditions = reaction_terms(args.data)
        drugs = drug_names(args.data, rng, args.names)
        stage_entities(store, drugs, conditions)
        os.environ["PVKG_CACHE_DIR"] = str(Path(tmp) / "cache")
        runs = (
            ("first run (lexicon built from the store, no links graph yet)", 0),
            ("relink, names unchanged (cached lexicon; graph identical, not rewritten)", 0),
            ("relink after 2,000 new drug names (cached lexicon; graph replaced)", 2000),
        )
        for run, extra in runs:
            if extra:
                known = set(drugs)
                more = drug_names(args.data, random.Random(7), len(drugs) + extra)
                drugs = drugs + [n for n in more if n not in known][:extra]
                stage_entities(store, drugs, conditions)
            started = time.perf_counter()
            linked = link(store)
            elapsed = time.perf_counter() - started
            print(
                f"link {len(drugs):,} drug names + {len(conditions):,} reaction terms, {run}: "
                f"{elapsed:.1f} s; drugs {linked.coverage('drug'):.0%} linked, conditions "
                f"{linked.coverage('condition'):.0%}; {linked.triples:,} triples, "
                f"{linked.hierarchy:,} hasAncestor, {linked.memberships:,} memberOfClass"
            )
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
