"""The ``mesh-links`` graph: links, the condition hierarchy closure and drug-class membership.

From a set of :class:`~loaders.meshlink.mapping.Link` objects (matched, curated or imported
from SSSOM), curated MeSH links already in the sources, and the MeSH hierarchy:

* each link's direct triple and mapping node (:mod:`loaders.meshlink.terms`);
* ``?narrower pv:hasAncestor ?broader`` between ``pv:Condition`` entities, for every MeSH
  descriptor broader than the narrower one's descriptor in the disease trees (``C``, ``F03``),
  transitively closed and never reflexive. A broader descriptor that no pvkg entity links to
  gets one, minted from its MeSH name (``pvid:condition/skin-diseases-papulosquamous``, typed
  ``pv:Condition``, labelled, ``skos:exactMatch`` its descriptor), so that every level of the
  tree can be asked for;
* ``?drug pv:memberOfClass ?class`` for each pharmacological action of the drug's MeSH record
  and the broader actions (:meth:`~loaders.mesh.hierarchy.MeshHierarchy.drug_classes`), where
  ``?class`` is the ``pv:DrugClass`` a source already links to that action or else one minted
  from the action's name (``pvid:drug-class/tumor-necrosis-factor-inhibitors``).

``exactMatch`` and ``closeMatch`` links make an entity stand for its record; a ``broadMatch``
link (curated, or a condition rule's: "Pustular psoriasis" → Psoriasis) places it below the
entities standing for its record, never in their place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from pyoxigraph import Literal, NamedNode, Triple

from kg import vocab
from kg.iris import condition_iri, drug_class_iri
from kg.namespaces import MESH, RDF, RDFS, SKOS
from loaders.mesh.hierarchy import CONDITION_TREES
from loaders.meshlink import terms
from loaders.meshlink.lexicon import Lexicon
from loaders.meshlink.mapping import Link


class LinksGraph:
    """Builds the triples of the ``mesh-links`` graph.

    :param lexicon: MeSH names and hierarchy.
    :param kinds: entity → ``drug`` or ``condition``.
    :param class_additions: curated record UI → extra pharmacological-action UIs.
    :param drug_classes: action UI → an existing ``pv:DrugClass`` entity linked to it.
    """

    def __init__(
        self,
        lexicon: Lexicon,
        kinds: Mapping[NamedNode, str],
        class_additions: Mapping[str, list[str]],
        drug_classes: Mapping[str, NamedNode],
    ) -> None:
        self.lexicon = lexicon
        self.kinds = kinds
        self.class_additions = class_additions
        self.drug_classes = dict(drug_classes)
        self.hierarchy_triples = 0
        self.class_triples = 0
        self.minted_conditions = 0
        self.minted_classes = 0

    def triples(
        self,
        links: Iterable[Link],
        curated: Mapping[NamedNode, list[tuple[str, str]]],
        broader: Mapping[NamedNode, set[NamedNode]] | None = None,
    ) -> Iterator[Triple]:
        """All triples of the graph.

        :param links: the links to write (matched, curated by override, or imported).
        :param curated: links the sources state, entity → (UI, ``exact``/``close``/``broad``).
        :param broader: curated ``skos:broader`` between conditions of the sources.
        """
        records: dict[NamedNode, set[tuple[str, str]]] = {}
        for link in links:
            yield from link.triples()
            how = "broad" if link.predicate == terms.broadMatch else "exact"
            records.setdefault(link.subject, set()).add((link.ui, how))
        for entity, pairs in curated.items():
            records.setdefault(entity, set()).update(pairs)
        conditions = {e: u for e, u in records.items() if self._kind(e) == "condition"}
        drugs = {e: {ui for ui, _ in u} for e, u in records.items() if self._kind(e) == "drug"}
        yield from _Closure(self, conditions, broader or {}).triples()
        yield from self._classes(drugs)

    def _kind(self, entity: NamedNode) -> str:
        kind = self.kinds.get(entity)
        if kind is not None:
            return kind
        return entity.value.rsplit("/", 2)[-2]

    def minted_triples(self, entity: NamedNode, cls: NamedNode, ui: str) -> Iterator[Triple]:
        """Type, label and ``skos:exactMatch`` of an entity minted for MeSH record ``ui``."""
        yield Triple(entity, RDF["type"], cls)
        yield Triple(entity, RDFS["label"], Literal(self.lexicon.labels[ui]))
        yield Triple(entity, SKOS["exactMatch"], MESH[ui])

    def _classes(self, linked: dict[NamedNode, set[str]]) -> Iterator[Triple]:
        hierarchy = self.lexicon.hierarchy
        for entity in sorted(linked, key=lambda n: n.value):
            actions: set[str] = set()
            for ui in linked[entity]:
                actions |= hierarchy.drug_classes(ui, self.class_additions)
            for action in sorted(actions):
                target = self.drug_classes.get(action)
                if target is None:
                    label = self.lexicon.labels.get(action)
                    if not label:
                        continue
                    target = drug_class_iri(label)
                    self.drug_classes[action] = target
                    self.minted_classes += 1
                    yield from self.minted_triples(target, vocab.DrugClass, action)
                self.class_triples += 1
                yield Triple(entity, vocab.memberOfClass, target)


class _Closure:
    """The ``pv:hasAncestor`` closure over condition entities.

    Direct parents of an entity: the entities standing for the MeSH parents of its record
    (``exact``/``close`` links), the entities standing for its record itself (``broad`` links),
    and its curated ``skos:broader`` conditions. A MeSH record no entity stands for gets a
    minted one; a record that cannot have one (no name, or its IRI is taken by an unrelated
    entity) is passed through to its own parents. The closure is then taken over entities.
    """

    def __init__(
        self,
        graph: LinksGraph,
        linked: dict[NamedNode, set[tuple[str, str]]],
        broader: Mapping[NamedNode, set[NamedNode]],
    ) -> None:
        self.graph = graph
        self.linked = linked
        self.broader = broader
        self.standing: dict[str, set[NamedNode]] = {}
        for entity, pairs in linked.items():
            for ui, how in pairs:
                if how != "broad":
                    self.standing.setdefault(ui, set()).add(entity)
        self.known = set(graph.kinds) | set(linked)
        self.minted: list[Triple] = []
        self.parents: dict[NamedNode, set[NamedNode]] = {}

    def stand_ins(self, ui: str, seen: frozenset[str] = frozenset()) -> set[NamedNode]:
        """Entities standing for record ``ui``, minting one if need be."""
        found = self.standing.get(ui)
        if found is not None:
            return found
        lexicon = self.graph.lexicon
        label = lexicon.labels.get(ui)
        minted = condition_iri(label) if label else None
        if minted is not None and minted not in self.known:
            self.standing[ui] = {minted}
            self.known.add(minted)
            self.graph.minted_conditions += 1
            self.minted.extend(self.graph.minted_triples(minted, vocab.Condition, ui))
            self.parents[minted] = self.record_parents(ui)
            return self.standing[ui]
        through: set[NamedNode] = set()
        for parent in lexicon.hierarchy.parents(ui, CONDITION_TREES):
            if parent not in seen:
                through |= self.stand_ins(parent, seen | {ui})
        self.standing[ui] = through
        return through

    def record_parents(self, ui: str) -> set[NamedNode]:
        """Entities standing for the MeSH parents of record ``ui``."""
        found: set[NamedNode] = set()
        for parent in self.graph.lexicon.hierarchy.parents(ui, CONDITION_TREES):
            found |= self.stand_ins(parent)
        return found

    def triples(self) -> Iterator[Triple]:
        for entity, pairs in self.linked.items():
            direct: set[NamedNode] = set(self.broader.get(entity, ()))
            for ui, how in pairs:
                direct |= self.stand_ins(ui) if how == "broad" else self.record_parents(ui)
            direct.discard(entity)
            self.parents[entity] = direct
        yield from self.minted
        for entity, direct in self.broader.items():
            self.parents.setdefault(entity, set()).update(direct)
        for entity in sorted(self.parents, key=lambda n: n.value):
            for ancestor in sorted(self._ancestors(entity), key=lambda n: n.value):
                self.graph.hierarchy_triples += 1
                yield Triple(entity, vocab.hasAncestor, ancestor)

    def _ancestors(self, entity: NamedNode) -> set[NamedNode]:
        seen: set[NamedNode] = set()
        frontier = [entity]
        while frontier:
            for parent in self.parents.get(frontier.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    frontier.append(parent)
        seen.discard(entity)
        return seen
