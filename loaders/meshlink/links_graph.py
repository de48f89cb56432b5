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

Both ``exactMatch`` and ``closeMatch`` links place an entity in the hierarchy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from pyoxigraph import Literal, NamedNode, Triple

from kg import vocab
from kg.iris import condition_iri, drug_class_iri
from kg.namespaces import MESH, RDF, RDFS, SKOS
from loaders.mesh.hierarchy import CONDITION_TREES
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
        self, links: Iterable[Link], curated: Mapping[NamedNode, list[str]]
    ) -> Iterator[Triple]:
        """All triples of the graph, for ``links`` and the sources' ``curated`` links."""
        records: dict[NamedNode, set[str]] = {}
        for link in links:
            yield from link.triples()
            records.setdefault(link.subject, set()).add(link.ui)
        for entity, uis in curated.items():
            records.setdefault(entity, set()).update(uis)
        conditions = {e: u for e, u in records.items() if self._kind(e) == "condition"}
        drugs = {e: u for e, u in records.items() if self._kind(e) == "drug"}
        yield from self._conditions(conditions)
        yield from self._classes(drugs)

    def _kind(self, entity: NamedNode) -> str:
        kind = self.kinds.get(entity)
        if kind is not None:
            return kind
        return entity.value.rsplit("/", 2)[-2]

    def _conditions(self, linked: dict[NamedNode, set[str]]) -> Iterator[Triple]:
        by_record: dict[str, set[NamedNode]] = {}
        for entity, uis in linked.items():
            for ui in uis:
                by_record.setdefault(ui, set()).add(entity)
        known = set(self.kinds) | set(linked)
        hierarchy = self.lexicon.hierarchy
        pending = list(linked.items())
        while pending:
            entity, uis = pending.pop()
            broader: set[NamedNode] = set()
            for ui in uis:
                for ancestor in hierarchy.ancestors(ui, CONDITION_TREES):
                    if ancestor not in by_record:
                        minted = self._mint_condition(ancestor, known)
                        if minted is None:
                            continue
                        by_record[ancestor] = {minted}
                        known.add(minted)
                        pending.append((minted, {ancestor}))
                        yield from self._minted_triples(minted, vocab.Condition, ancestor)
                    broader.update(by_record[ancestor])
            broader.discard(entity)
            for target in sorted(broader, key=lambda n: n.value):
                self.hierarchy_triples += 1
                yield Triple(entity, vocab.hasAncestor, target)

    def _mint_condition(self, ui: str, known: set[NamedNode]) -> NamedNode | None:
        label = self.lexicon.labels.get(ui)
        if not label:
            return None
        minted = condition_iri(label)
        if minted in known:
            return None
        self.minted_conditions += 1
        return minted

    def _minted_triples(self, entity: NamedNode, cls: NamedNode, ui: str) -> Iterator[Triple]:
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
                    yield from self._minted_triples(target, vocab.DrugClass, action)
                self.class_triples += 1
                yield Triple(entity, vocab.memberOfClass, target)
