"""Read what the linker works on from the store: pvkg's drugs and conditions and their names.

Only graphs other than ``mesh-links`` count, so entities the linker itself minted (broader
conditions, drug classes) are not read back as input. Links to MeSH that a source already
states (curated case reports carry hand-checked ``skos:exactMatch``, ``closeMatch`` or
``broadMatch mesh:…``) are read too, with curated ``skos:broader`` between conditions: the
linker leaves those entities alone and uses the curated facts for the hierarchy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import NamedNode, QuerySolutions

from kg import vocab
from kg.iris import graph_iri
from kg.namespaces import MESH, RDFS, SKOS
from kg.store import GraphStore, QueryResult

LINKS_GRAPH = graph_iri("mesh-links")
"""The derived graph the linker writes."""

KIND_OF_CLASS = {vocab.Drug.value: "drug", vocab.Condition.value: "condition"}


@dataclass
class Entities:
    """pvkg entities to link, by kind, with their labels (main label first)."""

    labels: dict[NamedNode, list[str]] = field(default_factory=dict)
    kinds: dict[NamedNode, str] = field(default_factory=dict)
    curated: dict[NamedNode, list[tuple[str, str]]] = field(default_factory=dict)
    broader: dict[NamedNode, set[NamedNode]] = field(default_factory=dict)
    drug_classes: dict[str, NamedNode] = field(default_factory=dict)
    graphs: set[NamedNode] = field(default_factory=set)


_ENTITIES = f"""
SELECT ?e ?class ?p ?label ?g WHERE {{
  VALUES ?class {{ {vocab.Drug} {vocab.Condition} }}
  GRAPH ?g {{ ?e a ?class }}
  FILTER(?g != {LINKS_GRAPH})
  OPTIONAL {{
    VALUES ?p {{ {RDFS["label"]} {SKOS["prefLabel"]} {SKOS["altLabel"]} }}
    GRAPH ?h {{ ?e ?p ?label }}
    FILTER(?h != {LINKS_GRAPH} && isLiteral(?label))
  }}
}}
"""
_CURATED = f"""
SELECT DISTINCT ?e ?p ?m WHERE {{
  VALUES ?p {{ {SKOS["exactMatch"]} {SKOS["closeMatch"]} {SKOS["broadMatch"]} }}
  GRAPH ?g {{ ?e ?p ?m }}
  FILTER(?g != {LINKS_GRAPH} && isIRI(?m) && STRSTARTS(STR(?m), "{MESH.iri}"))
}}
"""
_BROADER = f"""
SELECT DISTINCT ?e ?b WHERE {{
  GRAPH ?g {{ ?e {SKOS["broader"]} ?b }}
  FILTER(?g != {LINKS_GRAPH})
}}
"""
CURATED_KINDS = {
    SKOS["exactMatch"].value: "exact",
    SKOS["closeMatch"].value: "close",
    SKOS["broadMatch"].value: "broad",
}
"""Link predicates a source may state, and how the hierarchy treats them: an ``exact`` or
``close`` entity stands for its MeSH record, a ``broad`` one sits below it."""
_CLASSES = f"""
SELECT DISTINCT ?c ?m WHERE {{
  GRAPH ?g {{ ?c a {vocab.DrugClass} ; {SKOS["exactMatch"]} ?m }}
  FILTER(?g != {LINKS_GRAPH} && isIRI(?m) && STRSTARTS(STR(?m), "{MESH.iri}"))
}} ORDER BY ?c
"""
_LABEL_ORDER = {RDFS["label"].value: 0, SKOS["prefLabel"].value: 1, SKOS["altLabel"].value: 2}


def _rows(result: QueryResult) -> QuerySolutions:
    if not isinstance(result, QuerySolutions):
        raise TypeError("a SELECT query must yield solutions")
    return result


def read_entities(store: GraphStore) -> Entities:
    """Drugs and conditions with their labels, curated MeSH links and existing drug classes."""
    found = Entities()
    ranked: dict[NamedNode, list[tuple[int, str]]] = {}
    for row in _rows(store.query(_ENTITIES)):
        entity = row["e"]
        if not isinstance(entity, NamedNode):
            continue
        found.kinds[entity] = KIND_OF_CLASS[row["class"].value]
        found.graphs.add(row["g"])
        names = ranked.setdefault(entity, [])
        if row["label"] is not None:
            names.append((_LABEL_ORDER.get(row["p"].value, 3), row["label"].value))
    for entity, names in ranked.items():
        found.labels[entity] = list(dict.fromkeys(n for _, n in sorted(names)))
    for row in _rows(store.query(_CURATED)):
        entity = row["e"]
        if isinstance(entity, NamedNode) and entity in found.kinds:
            ui = row["m"].value.removeprefix(MESH.iri)
            found.curated.setdefault(entity, []).append((ui, CURATED_KINDS[row["p"].value]))
    for row in _rows(store.query(_BROADER)):
        entity, broader = row["e"], row["b"]
        is_condition = isinstance(entity, NamedNode) and found.kinds.get(entity) == "condition"
        if is_condition and isinstance(broader, NamedNode):
            found.broader.setdefault(entity, set()).add(broader)
    for row in _rows(store.query(_CLASSES)):
        ui = row["m"].value.removeprefix(MESH.iri)
        if isinstance(row["c"], NamedNode):
            found.drug_classes.setdefault(ui, row["c"])
    return found
