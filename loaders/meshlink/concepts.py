"""One entity per concept: the ``pv:concept`` map written into ``mesh-links`` (ADR 0012).

Sources mint their own entities (``pvid:condition/crohn-disease`` from a case report,
``pvid:condition/crohn-s-disease`` from FAERS); once linked to MeSH, both stand for one record.
From the triples :class:`~loaders.meshlink.links_graph.LinksGraph` wrote and the links the
sources state, :func:`concept_triples` derives:

* ``?e pv:concept ?c`` for every drug and condition entity, exactly one each: ``?c`` is the
  canonical entity of the MeSH record ``?e`` matches exactly (drugs: or closely, i.e. the record
  of the active ingredient of a salt), else ``?e`` itself;
* canonical entities no source or the closure minted (type, MeSH name, ``skos:exactMatch``);
* ``pv:hasAncestor`` lifted to concepts: a source spelling sits under its concept, and every
  ancestor's concept is an ancestor too (transitive, never reflexive, no cycles);
* ``pv:memberOfClass`` of each drug for its concept too.

The canonical entity of record R is ``<kind>_iri(<MeSH name of R>)`` unless that IRI is an entity
whose own record is another one; then the UI is added to the key. A record the loaded MeSH
does not name (a curated link to a record outside the loaded trees) has the first (by IRI) of
its entities as canonical. Nothing here depends on load
order: the map is a function of MeSH and the set of loaded entities, and a relink replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from pyoxigraph import Literal, NamedNode, Triple

from kg import vocab
from kg.iris import entity_iri
from kg.namespaces import MESH, RDF, RDFS, SKOS

KINDS = {vocab.Drug: "drug", vocab.Condition: "condition"}
CLASS_OF_KIND = {kind: cls for cls, kind in KINDS.items()}
_SAME = {
    "drug": (SKOS["exactMatch"], SKOS["closeMatch"]),
    "condition": (SKOS["exactMatch"],),
}
"""Link predicates that make an entity *the same concept* as its MeSH record, by kind."""
_CURATED_SAME = {"drug": ("exact", "close"), "condition": ("exact",)}


def record_order(ui: str) -> tuple[bool, str]:
    """Sort key choosing an entity's record among several: descriptors first, then by UI.

    >>> sorted(["C582435", "D011565", "D003424"], key=record_order)
    ['D003424', 'D011565', 'C582435']
    """
    return (not ui.startswith("D"), ui)


class ConceptMap:
    """Which concept each drug and condition entity stands for.

    :param kinds: source entities → ``drug`` / ``condition``.
    :param curated: source-stated links, entity → (UI, ``exact``/``close``/``broad``).
    :param labels: MeSH record UI → preferred name.
    :param written: the triples already written to ``mesh-links`` (links, minted entities,
        hierarchy closure, class membership).
    """

    def __init__(
        self,
        kinds: Mapping[NamedNode, str],
        curated: Mapping[NamedNode, list[tuple[str, str]]],
        labels: Mapping[str, str],
        written: Iterable[Triple],
    ) -> None:
        self.kinds = dict(kinds)
        self.labels = labels
        self.records: dict[NamedNode, set[str]] = {}
        self.ancestors: dict[NamedNode, set[NamedNode]] = {}
        self.classes: dict[NamedNode, set[NamedNode]] = {}
        matches: list[tuple[NamedNode, NamedNode, str]] = []
        for t in written:
            s, p, o = t.subject, t.predicate, t.object
            if not isinstance(s, NamedNode) or not isinstance(o, NamedNode):
                continue
            if p == RDF["type"] and o in KINDS:
                self.kinds.setdefault(s, KINDS[o])
            elif p == vocab.hasAncestor:
                self.ancestors.setdefault(s, set()).add(o)
            elif p == vocab.memberOfClass:
                self.classes.setdefault(s, set()).add(o)
            elif o.value.startswith(MESH.iri):
                matches.append((s, p, o.value.removeprefix(MESH.iri)))
        for entity, predicate, ui in matches:
            if predicate in _SAME.get(self.kinds.get(entity, ""), ()):
                self.records.setdefault(entity, set()).add(ui)
        for entity, pairs in curated.items():
            kind = self.kinds.get(entity, "")
            for ui, how in pairs:
                if how in _CURATED_SAME.get(kind, ()):
                    self.records.setdefault(entity, set()).add(ui)
        self.record = {e: min(uis, key=record_order) for e, uis in self.records.items()}
        self.minted: dict[NamedNode, tuple[str, str]] = {}
        self._canonical: dict[tuple[str, str], NamedNode] = {}
        self.concept = {e: self._concept_of(e) for e in sorted(self.kinds, key=_key)}

    def canonical(self, kind: str, ui: str) -> NamedNode:
        """The canonical entity of MeSH record ``ui`` for entities of ``kind``."""
        found = self._canonical.get((kind, ui))
        if found is not None:
            return found
        name = self.labels.get(ui)
        if name is None:  # a record the loaded MeSH lacks: the first entity that matches it
            iri = min((e for e, r in self.record.items() if r == ui), key=_key)
            self._canonical[(kind, ui)] = iri
            return iri
        iri = entity_iri(kind, name)
        if iri in self.kinds and self.record.get(iri) != ui:
            iri = entity_iri(kind, f"{name} {ui}")
        if iri not in self.kinds:
            self.minted[iri] = (kind, ui)
        self._canonical[(kind, ui)] = iri
        return iri

    def _concept_of(self, entity: NamedNode) -> NamedNode:
        ui = self.record.get(entity)
        return entity if ui is None else self.canonical(self.kinds[entity], ui)

    def of(self, entity: NamedNode) -> NamedNode:
        """The concept of ``entity`` (itself when it is not a known entity)."""
        return self.concept.get(entity, entity)

    def triples(self) -> Iterator[Triple]:
        """All triples the concept map adds to ``mesh-links``."""
        for entity in sorted(self.concept, key=_key):
            yield Triple(entity, vocab.concept, self.concept[entity])
        for iri in sorted(self.minted, key=_key):
            kind, ui = self.minted[iri]
            yield Triple(iri, RDF["type"], CLASS_OF_KIND[kind])
            yield Triple(iri, RDFS["label"], Literal(self.labels[ui]))
            yield Triple(iri, SKOS["exactMatch"], MESH[ui])
            yield Triple(iri, vocab.concept, iri)
        yield from self._hierarchy()
        for entity in sorted(self.classes, key=_key):
            concept = self.of(entity)
            if concept != entity:
                for cls in sorted(self.classes[entity], key=_key):
                    yield Triple(concept, vocab.memberOfClass, cls)

    def _parents(self) -> dict[NamedNode, set[NamedNode]]:
        """Direct ancestors after lifting: each entity's concept and its ancestors' concepts."""
        parents: dict[NamedNode, set[NamedNode]] = {}
        conditions = [e for e in self.concept if self.kinds.get(e) == "condition"]
        conditions += [e for e, (kind, _) in self.minted.items() if kind == "condition"]
        for entity in conditions:
            concept = self.of(entity)
            above = self.ancestors.get(entity, set())
            lifted = above | {self.of(a) for a in above}
            parents.setdefault(entity, set()).update(lifted)
            if concept != entity:
                parents[entity].add(concept)
                parents.setdefault(concept, set()).update(lifted)
        return parents

    def _hierarchy(self) -> Iterator[Triple]:
        parents = self._parents()
        closed: dict[NamedNode, set[NamedNode]] = {}
        for entity in sorted(parents, key=_key):
            concept = self.of(entity)
            reach = _reachable(entity, parents, closed)
            for ancestor in sorted(reach, key=_key):
                same = self.of(ancestor) == concept
                if ancestor != entity and (not same or ancestor == concept != entity):
                    yield Triple(entity, vocab.hasAncestor, ancestor)


def _key(node: NamedNode) -> str:
    return node.value


def _reachable(
    start: NamedNode,
    parents: Mapping[NamedNode, set[NamedNode]],
    closed: dict[NamedNode, set[NamedNode]],
) -> set[NamedNode]:
    """Everything above ``start`` through ``parents`` (memoised in ``closed``)."""
    done = closed.get(start)
    if done is not None:
        return done
    seen: set[NamedNode] = set()
    frontier = [start]
    while frontier:
        for parent in parents.get(frontier.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    seen.discard(start)
    closed[start] = seen
    return seen


def concept_triples(
    kinds: Mapping[NamedNode, str],
    curated: Mapping[NamedNode, list[tuple[str, str]]],
    labels: Mapping[str, str],
    written: Iterable[Triple],
) -> Iterator[Triple]:
    """The concept map's triples for ``mesh-links`` (see the module docstring and
    :class:`ConceptMap` for the parameters)."""
    yield from ConceptMap(kinds, curated, labels, written).triples()
