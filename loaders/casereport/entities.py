"""Curated drugs, drug classes and conditions: shared entities with their MeSH link.

Each file declares the drugs and conditions it uses (``drugs:`` and ``conditions:``); the same
id in two files is the same entity and must be described alike
(:mod:`loaders.casereport.consistency`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.casereport.reader import Entry

MESH_UI = re.compile(r"[DC]\d{6}(?:\d{3})?")
"""Shape of a MeSH descriptor (``D011565``) or supplementary record (``C582435``) UI."""

TREE_NUMBER = re.compile(r"[A-Z]\d{2}(?:\.\d{3})*")
"""Shape of a MeSH tree number (``C17.800.859.675``)."""

MATCHES = ("exact", "close", "broad", "narrow")
"""How a drug or condition relates to its MeSH record (the SKOS mapping property used)."""

DRUG_FIELDS = (
    "id",
    "label",
    "kind",
    "mesh",
    "match",
    "alt_labels",
    "member_of",
    "note",
    "vagueness",
)
CONDITION_FIELDS = ("id", "label", "mesh", "match", "tree_numbers", "broader", "alt_labels", "note")


@dataclass(frozen=True)
class Drug:
    """A drug (active ingredient, or the unspecified member of a class) or a drug class."""

    id: str
    label: str
    kind: str
    mesh: str
    match: str
    alt_labels: tuple[str, ...] = ()
    member_of: tuple[str, ...] = ()
    note: str | None = None
    vagueness: str | None = None


@dataclass(frozen=True)
class Condition:
    """A disease or adverse-event term with its MeSH link and place in the hierarchy."""

    id: str
    label: str
    mesh: str
    match: str
    tree_numbers: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    alt_labels: tuple[str, ...] = ()
    note: str | None = None


def _mesh(entry: Entry) -> tuple[str, str]:
    mesh = entry.text("mesh")
    if not MESH_UI.fullmatch(mesh):
        reason = f"{mesh!r} is not a MeSH UI (D or C followed by 6 or 9 digits, e.g. D011565)"
        raise entry.error(reason, field="mesh")
    match = entry.choice("match", MATCHES, required=False) or "exact"
    return mesh, match


def parse_drug(entry: Entry) -> Drug:
    """One ``drugs`` item."""
    mesh, match = _mesh(entry)
    return Drug(
        id=entry.identifier("id"),
        label=entry.text("label"),
        kind=str(entry.choice("kind", ("drug", "drug-class"), required=False) or "drug"),
        mesh=mesh,
        match=match,
        alt_labels=entry.strings("alt_labels"),
        member_of=entry.identifiers("member_of"),
        note=entry.optional_text("note"),
        vagueness=entry.optional_text("vagueness"),
    )


def parse_condition(entry: Entry) -> Condition:
    """One ``conditions`` item (tree numbers only with an exact MeSH match)."""
    mesh, match = _mesh(entry)
    trees = entry.strings("tree_numbers")
    for tree in trees:
        if not TREE_NUMBER.fullmatch(tree):
            raise entry.error(f"{tree!r} is not a MeSH tree number", field="tree_numbers")
    if trees and match != "exact":
        reason = "tree numbers belong to the MeSH descriptor, so only with match: exact"
        raise entry.error(reason, field="tree_numbers")
    return Condition(
        id=entry.identifier("id"),
        label=entry.text("label"),
        mesh=mesh,
        match=match,
        tree_numbers=trees,
        broader=entry.identifiers("broader"),
        alt_labels=entry.strings("alt_labels"),
        note=entry.optional_text("note"),
    )
