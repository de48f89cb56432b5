"""Search over entity names for the explorer's box and for dashboards (``GET /api/search``).

The query process builds an index once per dataset version: every drug, drug class and
condition with its label, other names (``skos:altLabel``) and MeSH identifier, an entity that
stands for a concept (``pv:concept``, ADR 0012) folded into that concept, so a search finds one
entity per concept. A search ranks each entity by its best-matching name — exact, then prefix,
then substring of any word boundary or anywhere, case-insensitive; a MeSH identifier (``D011565``)
matches exactly — then by the shorter label, then alphabetically. No SPARQL is written from the
text: it is compared in Python with the names the index holds.

>>> entries = build([
...     {"e": "https://w3id.org/pvkg/id/drug/infliximab", "kind": "drug", "name": "infliximab",
...      "label": True, "mesh": "http://id.nlm.nih.gov/mesh/D000069285"},
...     {"e": "https://w3id.org/pvkg/id/drug/infliximab", "kind": "drug",
...      "name": "infliximab-dyyb", "label": False, "mesh": None},
... ])
>>> [(h["label"], h["matched"]) for h in search(entries, "INFLIXIMAB-d", None, 5)]
[('infliximab', 'infliximab-dyyb')]
>>> search(entries, "D000069285", "drug", 5)[0]["mesh"]
'D000069285'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

KINDS = ("drug", "condition", "class")
"""The ``type`` of an entity in the index and in a search's answer (``class``: a drug class)."""

INDEX_QUERY = """
PREFIX pv: <https://w3id.org/pvkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?e ?kind ?name ?label ?mesh WHERE {
  VALUES (?class ?kind) { (pv:Drug "drug") (pv:DrugClass "class") (pv:Condition "condition") }
  ?x a ?class .
  OPTIONAL { ?x pv:concept ?concept }
  BIND(COALESCE(?concept, ?x) AS ?e)
  { ?x rdfs:label ?name BIND(true AS ?label) }
  UNION { ?x skos:altLabel ?name BIND(false AS ?label) }
  OPTIONAL { ?e skos:exactMatch ?mesh FILTER(STRSTARTS(STR(?mesh), "http://id.nlm.nih.gov/mesh/")) }
}"""
"""Every name of every searchable entity (``label``: whether it is an ``rdfs:label``)."""

MESH = "http://id.nlm.nih.gov/mesh/"
_RANKS = ("exact", "prefix", "word", "substring")


@dataclass(frozen=True)
class Entry:
    """One searchable entity: its IRI, kind, label, MeSH identifier and all its names."""

    iri: str
    kind: str
    label: str
    mesh: str | None
    names: tuple[tuple[str, str], ...]
    """(case-folded, as written) for each name, the label first."""


def build(rows: Iterable[Mapping[str, Any]]) -> list[Entry]:
    """The index from :data:`INDEX_QUERY`'s rows (values as plain text or booleans)."""
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = found.setdefault(
            row["e"], {"kind": row["kind"], "labels": [], "names": [], "mesh": None}
        )
        (entry["labels"] if row["label"] else entry["names"]).append(row["name"])
        if row.get("mesh") and entry["mesh"] is None:
            entry["mesh"] = str(row["mesh"]).removeprefix(MESH)
    out = []
    for iri, entry in found.items():
        names = sorted(set(entry["labels"]), key=lambda n: (len(n), n)) or sorted(
            set(entry["names"])
        )
        label = names[0]
        every = dict.fromkeys([label, *sorted(set(entry["labels"]) | set(entry["names"]))])
        folded = tuple((name.casefold(), name) for name in every)
        out.append(Entry(iri, entry["kind"], label, entry["mesh"], folded))
    return out


def _rank(text: str, name: str) -> int | None:
    if name == text:
        return 0
    if name.startswith(text):
        return 1
    position = name.find(text)
    if position < 0:
        return None
    return 2 if not name[position - 1].isalnum() else 3


def _best(entry: Entry, text: str, mesh: str) -> tuple[int, str] | None:
    if entry.mesh is not None and entry.mesh.casefold() == mesh:
        return 0, entry.mesh
    best: tuple[int, str] | None = None
    for folded, written in entry.names:
        rank = _rank(text, folded)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, written)
            if rank == 0:
                break
    return best


def search(
    entries: Iterable[Entry], text: str, kind: str | None, limit: int
) -> list[dict[str, Any]]:
    """The ``limit`` best entries for ``text`` (of ``kind``, a value of :data:`KINDS`, if given)
    as ``{"iri", "label", "type", "mesh", "matched", "rank"}``."""
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return []
    hits = []
    for entry in entries:
        if kind is not None and entry.kind != kind:
            continue
        best = _best(entry, wanted, wanted)
        if best is not None:
            hits.append((best[0], len(entry.label), entry.label, entry, best[1]))
    hits.sort(key=lambda hit: hit[:3])
    return [
        {
            "iri": entry.iri,
            "label": entry.label,
            "type": entry.kind,
            "mesh": entry.mesh,
            "matched": matched,
            "rank": _RANKS[rank],
        }
        for rank, _, _, entry, matched in hits[:limit]
    ]
