"""Every MeSH ID and tree number in the curated case reports, checked against NLM's MeSH tables.

Uses ``../shared/data/mesh`` (read its PROVENANCE.md): descriptor terms and tree numbers of MeSH
2024, and the 2023 pharmacological-action table for supplementary records (C…) such as
pembrolizumab. Skipped when the shared data is absent.
"""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from pathlib import Path

import pytest

from loaders.casereport import bundled
from loaders.casereport.publication import read_publication
from loaders.casereport.schema import Publication
from tests.conftest import shared


def _rows(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def mesh() -> dict[str, dict[str, set[str]]]:
    """UI → {"names": lower-cased preferred name and entry terms, "trees": tree numbers}."""
    table: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"names": set(), "trees": set()})
    for row in _rows(shared("mesh", "mesh2024_descriptor_terms.tsv.gz")):
        table[row["DescriptorUI"]]["names"] |= {
            row["DescriptorName"].lower(),
            row["TermName"].lower(),
        }
    for row in _rows(shared("mesh", "mesh2024_descriptor_tree_numbers.tsv.gz")):
        table[row["DescriptorUI"]]["trees"].add(row["tree_location"])
    for row in _rows(shared("mesh", "mesh2023_pharmacological_actions_with_scr.tsv")):
        if row["DescriptorUI"].startswith("C"):
            table[row["DescriptorUI"]]["names"].add(row["DescriptorName"].lower())
    return dict(table)


def _publications() -> list[Publication]:
    return [read_publication(p) for p in bundled()]


def _entities() -> list[tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]]:
    out = []
    for pub in _publications():
        for d in pub.drugs:
            out.append((pub.key, d.id, d.mesh, d.match, (d.label, *d.alt_labels), ()))
        for c in pub.conditions:
            names = (c.label, *c.alt_labels)
            out.append((pub.key, c.id, c.mesh, c.match, names, c.tree_numbers))
    return out


def test_every_mesh_ui_exists(mesh: dict[str, dict[str, set[str]]]) -> None:
    entities = _entities()
    assert len(entities) > 25
    for key, ident, ui, _, _, _ in entities:
        assert ui in mesh, f"{key}: {ident}: MeSH UI {ui} not found"


def test_exact_matches_carry_a_mesh_name(mesh: dict[str, dict[str, set[str]]]) -> None:
    for key, ident, ui, match, names, _ in _entities():
        if match == "exact":
            label = names[0].lower()
            assert label in mesh[ui]["names"], f"{key}: {ident}: {label!r} is not a name of {ui}"


def test_tree_numbers_are_those_of_the_descriptor(mesh: dict[str, dict[str, set[str]]]) -> None:
    checked = 0
    for pub in _publications():
        for c in pub.conditions:
            if c.match == "exact":
                assert c.tree_numbers, f"{pub.key}: {c.id}: exact match without tree numbers"
                assert set(c.tree_numbers) == mesh[c.mesh]["trees"], f"{pub.key}: {c.id}"
                checked += 1
            else:
                assert not c.tree_numbers
    assert checked >= 8


def test_broad_matches_point_to_the_broader_heading(mesh: dict[str, dict[str, set[str]]]) -> None:
    expected = {
        "paradoxical-psoriasis": "psoriasis",
        "psoriasis-vulgaris": "psoriasis",
        "unspecified-pd-1-inhibitor": "immune checkpoint inhibitors",
        "pd-1-inhibitor": "immune checkpoint inhibitors",
        "secukinumab": "antibodies, monoclonal",
        "unspecified-glucocorticoid": "glucocorticoids",
    }
    found = {ident: ui for _, ident, ui, match, _, _ in _entities() if match == "broad"}
    for ident, name in expected.items():
        assert name in mesh[found[ident]]["names"], ident
