"""Link pvkg's drugs and conditions to MeSH and materialise the MeSH hierarchies.

:func:`link` (``pvkg link``) reads every ``pv:Drug`` and ``pv:Condition`` of the store with its
labels, matches them against the names and entry terms of the ``mesh`` graph
(:mod:`.matcher`, curated :mod:`.overrides` first), and replaces the derived graph
``pvgraph:mesh-links`` with the links, their justification and confidence, the condition
hierarchy closure and drug-class membership (:mod:`.links_graph`), and one concept per drug and
condition (:mod:`.concepts`, ADR 0012). :func:`write_links` does the
same for links from elsewhere (an SSSOM file, :mod:`.sssom`). See
``docs/decisions/0006-mesh-linking.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode

from kg.errors import InputError
from kg.namespaces import MESH
from kg.progress import Progress, no_progress
from kg.staging import StagedGraph, replace_staged
from kg.store import GraphStore, Provenance
from loaders.meshlink import terms
from loaders.meshlink.cache import lexicon_for
from loaders.meshlink.concepts import concept_triples
from loaders.meshlink.entities import LINKS_GRAPH, Entities, read_entities
from loaders.meshlink.lexicon import MESH_GRAPH, Lexicon
from loaders.meshlink.links_graph import LinksGraph
from loaders.meshlink.mapping import Link
from loaders.meshlink.matcher import Matcher, Unmapped
from loaders.meshlink.overrides import (
    CLASS_ADDITIONS_FILE,
    OVERRIDES_FILE,
    read_class_additions,
    read_overrides,
)

LOADER = "loaders.meshlink 0.1.0"

__all__ = ["LINKS_GRAPH", "LinkSummary", "link", "write_links"]


@dataclass(frozen=True)
class LinkSummary:
    """What one linking run did.

    :param graph: the graph replaced (``pvgraph:mesh-links``).
    :param triples: triples in it now.
    :param entities: drugs and conditions considered, by kind.
    :param linked: of those, linked to MeSH (by the matcher, an override or a source), by kind.
    :param exact: ``skos:exactMatch`` links written.
    :param close: ``skos:closeMatch`` links written.
    :param curated: links taken from overrides or an SSSOM file marked as manual curation.
    :param hierarchy: ``pv:hasAncestor`` triples.
    :param memberships: ``pv:memberOfClass`` triples.
    :param unmapped: the entities left without a link, with the reason.
    :param broad: ``skos:broadMatch`` links written (condition rules, curated overrides).
    """

    graph: NamedNode
    triples: int
    entities: dict[str, int]
    linked: dict[str, int]
    exact: int
    close: int
    curated: int
    hierarchy: int
    memberships: int
    unmapped: tuple[Unmapped, ...]
    broad: int = 0

    def coverage(self, kind: str) -> float:
        """Share of entities of ``kind`` that are linked (0 when there are none)."""
        total = self.entities.get(kind, 0)
        return self.linked.get(kind, 0) / total if total else 0.0


def _fallback_label(entity: NamedNode) -> str:
    return entity.value.rsplit("/", 1)[-1].replace("-", " ")


def link(
    store: GraphStore,
    *,
    overrides: Path | None = None,
    class_additions: Path | None = None,
    lexicon: Lexicon | None = None,
    use_cache: bool = True,
    progress: Progress = no_progress,
) -> LinkSummary:
    """Link every drug and condition of ``store`` to MeSH and replace ``mesh-links``.

    :param store: a store holding the ``mesh`` graph and source graphs with entities.
    :param overrides: curated overrides file (default: the one shipped, ``overrides.tsv``).
    :param class_additions: curated drug-class additions (default: ``class_additions.tsv``).
    :param lexicon: a prebuilt MeSH lexicon (default: built from the ``mesh`` graph).
    :param use_cache: reuse a cached lexicon of the same ``mesh`` graph (:mod:`.cache`).
    :param progress: told of each step, and of the entities matched so far.
    :return: counts and the unmapped entities.
    :raises InputError: if the store holds no MeSH, or an overrides file is malformed (the
        store is then unchanged).
    """
    decided = read_overrides(overrides or OVERRIDES_FILE)
    additions = read_class_additions(class_additions or CLASS_ADDITIONS_FILE)
    progress("reading the MeSH lexicon", 0)
    mesh = lexicon if lexicon is not None else lexicon_for(store, use_cache=use_cache)
    progress("reading drugs and conditions", 0)
    entities = read_entities(store)
    matcher = Matcher(mesh, decided)
    links: list[Link] = []
    unmapped: list[Unmapped] = []
    every = sorted(entities.kinds, key=lambda n: n.value)
    for done, entity in enumerate(every, start=1):
        if done % 500 == 0:
            progress("matching labels to MeSH", done, len(every))
        if entity in entities.curated:
            continue
        labels = entities.labels.get(entity) or [_fallback_label(entity)]
        found = matcher.match(entity, entities.kinds[entity], labels)
        if isinstance(found, Link):
            links.append(found)
        else:
            unmapped.append(found)
    progress("writing the links", 0)
    return write_links(
        store,
        links,
        entities,
        mesh,
        additions,
        unmapped=unmapped,
        files=(str(overrides or OVERRIDES_FILE),),
    )


def _check_references(
    links: list[Link], entities: Entities, mesh: Lexicon, files: tuple[str, ...]
) -> None:
    """Refuse a link whose subject is not an entity of the store or whose object is not a
    record of the loaded MeSH.

    :raises InputError: naming the input file and the first such link.
    """
    where = ", ".join(files) or None
    for link in links:
        if link.subject not in entities.kinds:
            raise InputError(
                f"subject <{link.subject.value}> is no drug or condition in the store",
                path=where,
                field="subject_id",
            )
        ui = link.object.value.removeprefix(MESH.iri)
        if ui not in mesh.labels:
            raise InputError(
                f"object mesh:{ui} is not in the loaded MeSH", path=where, field="object_id"
            )


def write_links(
    store: GraphStore,
    links: Iterable[Link],
    entities: Entities | None = None,
    lexicon: Lexicon | None = None,
    class_additions: dict[str, list[str]] | None = None,
    *,
    unmapped: Iterable[Unmapped] = (),
    files: tuple[str, ...] = (),
) -> LinkSummary:
    """Replace ``mesh-links`` with ``links`` plus the hierarchy closure they imply.

    When the new content is byte-identical to the graph in the store (same checksum), the store
    is left untouched, so a relink that changes nothing does not change the dataset version.

    :param store: the store to write.
    :param links: the links (matched, curated or imported).
    :param entities: the store's entities (default: read from ``store``).
    :param lexicon: MeSH (default: built from the ``mesh`` graph).
    :param class_additions: curated drug-class additions (default: ``class_additions.tsv``).
    :param unmapped: entities left unmapped, for the summary.
    :param files: input files, for the graph's provenance.
    :raises InputError: if the store holds no MeSH.
    """
    mesh = lexicon if lexicon is not None else lexicon_for(store)
    found = entities if entities is not None else read_entities(store)
    additions = class_additions if class_additions is not None else read_class_additions()
    chosen = sorted(set(links), key=lambda x: (x.subject.value, x.object.value))
    _check_references(chosen, found, mesh, files)
    graph = LinksGraph(mesh, found.kinds, additions, found.drug_classes)
    with StagedGraph() as staged:
        written = list(graph.triples(chosen, found.curated, found.broader))
        staged.extend(written)
        staged.extend(concept_triples(found.kinds, found.curated, mesh.labels, written))
        path = staged.finish()
        provenance = Provenance(
            source="mesh-links",
            files=files,
            checksum=staged.checksum(),
            loader=LOADER,
            title="Links from pvkg drugs and conditions to MeSH, with hierarchy closure",
            derived_from=tuple(sorted({MESH_GRAPH, *found.graphs}, key=lambda g: g.value)),
        )
        current = next((g for g in store.graphs() if g.graph == LINKS_GRAPH), None)
        if current is not None and current.checksum == provenance.checksum:
            count = current.triples  # unchanged: keep the graph (and the dataset version)
        else:
            count = replace_staged(store, LINKS_GRAPH, path, provenance)
    linked_entities = {link.subject for link in chosen} | set(found.curated)
    entities_by_kind: dict[str, int] = {}
    linked_by_kind: dict[str, int] = {}
    for entity, kind in found.kinds.items():
        entities_by_kind[kind] = entities_by_kind.get(kind, 0) + 1
        if entity in linked_entities:
            linked_by_kind[kind] = linked_by_kind.get(kind, 0) + 1
    return LinkSummary(
        graph=LINKS_GRAPH,
        triples=count,
        entities=entities_by_kind,
        linked=linked_by_kind,
        exact=sum(1 for x in chosen if x.predicate == terms.exactMatch),
        close=sum(1 for x in chosen if x.predicate == terms.closeMatch),
        curated=sum(1 for x in chosen if x.justification == terms.ManualMappingCuration),
        hierarchy=graph.hierarchy_triples,
        memberships=graph.class_triples,
        unmapped=tuple(unmapped),
        broad=sum(1 for x in chosen if x.predicate == terms.broadMatch),
    )
