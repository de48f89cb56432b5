"""Linking against the whole of MeSH: precision on hand-checked links, coverage of FAERS names.

Uses ``../shared/data/mesh/mesh2024_derived.nt.gz`` (read once per module into a lexicon, without
a store) and every FAERS quarter in ``../shared/data/faers/`` (loaded with ``loaders.faers``).
Skipped when the shared data is absent.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg.embedded import EmbeddedStore
from kg.iris import condition_iri, drug_iri
from loaders.mesh.rdf import read_triples
from loaders.meshlink import link
from loaders.meshlink.lexicon import Lexicon
from loaders.meshlink.mapping import Link
from loaders.meshlink.matcher import Matcher
from loaders.meshlink.overrides import read_overrides
from loaders.meshlink.sssom import read_links
from tests.conftest import shared

GOLD = Path(__file__).parent / "fixtures" / "mesh" / "gold_links.tsv"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.from_triples(read_triples(shared("mesh", "mesh2024_derived.nt.gz")))


def gold_rows() -> list[dict[str, str]]:
    with GOLD.open(encoding="utf-8") as source:
        lines = [line for line in source if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


PREDICATES = {"exact": "exactMatch", "close": "closeMatch", "broad": "broadMatch"}


def test_gold_fixture_is_big_enough() -> None:
    rows = gold_rows()
    assert len(rows) >= 100
    assert sum(1 for r in rows if r["expected"] != "-") >= 200
    rules = {r["predicate"] for r in rows if r.get("predicate")}
    assert rules == {"close", "broad"}
    assert {r["kind"] for r in rows} == {"drug", "condition"}
    assert len({(r["kind"], r["name"].lower()) for r in rows}) == len(rows)


def test_precision_on_hand_checked_links(lexicon: Lexicon) -> None:
    matcher = Matcher(lexicon, read_overrides())
    linked = correct = expected_links = found_expected = 0
    wrong = []
    for row in gold_rows():
        subject = NamedNode("https://w3id.org/pvkg/id/test/" + str(hash(row["name"]) & 0xFFFF))
        result = matcher.match(subject, row["kind"], [row["name"]])
        if row["expected"] != "-":
            expected_links += 1
        if isinstance(result, Link):
            linked += 1
            predicate = PREDICATES.get(row.get("predicate") or "")
            right_kind = predicate is None or result.predicate.value.endswith("#" + predicate)
            if result.ui in row["expected"].split("|") and right_kind:
                correct += 1
                found_expected += 1
            else:
                wrong.append((row["name"], result.ui, result.predicate.value, row["expected"]))
    precision = correct / linked
    recall = found_expected / expected_links
    assert precision >= 0.95, wrong
    assert recall >= 0.90
    print(f"gold: {linked} linked, precision {precision:.3f}, recall {recall:.3f}, wrong {wrong}")


def test_condition_rules_on_the_gold_sample(lexicon: Lexicon) -> None:
    """The rows for the condition rules alone: precision >= 95 %, with the right predicate."""
    matcher = Matcher(lexicon, read_overrides())
    rows = [r for r in gold_rows() if r.get("predicate")]
    linked = correct = 0
    for row in rows:
        subject = NamedNode("https://w3id.org/pvkg/id/test/rule")
        result = matcher.match(subject, row["kind"], [row["name"]])
        if isinstance(result, Link):
            linked += 1
            predicate = "#" + PREDICATES[row["predicate"]]
            ok = result.ui in row["expected"].split("|") and result.predicate.value.endswith(
                predicate
            )
            correct += ok
    assert linked >= 70
    assert correct / linked >= 0.95
    print(f"condition rules: {linked} linked, {correct} correct")


@pytest.fixture(scope="module")
def faers_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    from loaders.faers import load

    folder = shared("faers")
    store = EmbeddedStore(tmp_path_factory.mktemp("mesh-faers") / "store")
    load(store, folder)
    yield store
    store.close()


def test_linking_covers_faers_names(faers_store: EmbeddedStore, lexicon: Lexicon) -> None:
    summary = link(faers_store, lexicon=lexicon, use_cache=False)
    # measured 2026-11-22: 1 026 / 1 491 drugs (69 %), 819 / 1 877 conditions (44 %); with the
    # condition rules (2026-12-05) 1 064 / 1 877 conditions (57 %). FAERS drug names include
    # brands, combinations and products missing from MeSH, and reaction terms are MedDRA's, many
    # of which MeSH has no heading for
    assert summary.entities["drug"] > 1000 and summary.entities["condition"] > 1000
    assert summary.coverage("drug") >= 0.65
    assert summary.coverage("condition") >= 0.55
    links = {x.subject: x.ui for x in read_links(faers_store)}
    assert links[drug_iri("infliximab")] == "D000069285"
    assert links[drug_iri("adalimumab")] == "D000068879"
    assert links[condition_iri("psoriasis")] == "D011565"
    unmapped = {u.subject for u in summary.unmapped}
    assert len(unmapped) == sum(summary.entities.values()) - sum(summary.linked.values())
    print(
        f"FAERS coverage: drugs {summary.linked['drug']}/{summary.entities['drug']}, "
        f"conditions {summary.linked['condition']}/{summary.entities['condition']}"
    )
