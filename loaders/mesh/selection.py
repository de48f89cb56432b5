"""Stage MeSH triples into a graph file, keeping only the trees asked for.

Readers (:mod:`loaders.mesh.rdf`, :mod:`loaders.mesh.xml`) turn input files into triples in
NLM's MeSH RDF shape. This module reads them once to validate the input and learn its structure
(records, tree numbers, concepts, terms, pharmacological actions); with a tree filter it reads
them a second time and writes only the kept part (rules in :mod:`loaders.mesh.trees`).
Nothing here touches a store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, NamedNode, Triple

from kg.errors import InputError
from kg.namespaces import MESH, MESHV, RDF
from kg.staging import StagedGraph
from loaders.mesh.trees import TreeFilter, tree_ancestors

TripleSource = Callable[[], Iterable[Triple]]
"""A function that reads the input (again) and yields its triples."""

_TYPE = RDF["type"].value
_MESHV = MESHV.iri
_MESH = MESH.iri
_TREE = MESHV["treeNumber"].value
_PA = MESHV["pharmacologicalAction"].value
_PARTS = frozenset(MESHV[p].value for p in ("concept", "preferredConcept", "term", "preferredTerm"))
_DESCRIPTOR_CLASSES = frozenset(
    MESHV[c].value
    for c in ("TopicalDescriptor", "PublicationType", "CheckTag", "GeographicalDescriptor")
)


@dataclass
class MeshStructure:
    """What the first pass learns about the input (IRIs as strings)."""

    subjects: set[str] = field(default_factory=set)
    descriptors: set[str] = field(default_factory=set)
    scr_class: dict[str, str] = field(default_factory=dict)
    trees: dict[str, list[str]] = field(default_factory=dict)
    actions: dict[str, list[str]] = field(default_factory=dict)
    parts: dict[str, list[str]] = field(default_factory=dict)
    triples: int = 0

    def note(self, triple: Triple, where: str) -> None:
        """Record one triple.

        :raises InputError: on a blank node (MeSH RDF has none; pvkg graphs carry none).
        """
        self.triples += 1
        subject, obj = triple.subject, triple.object
        if not isinstance(subject, NamedNode) or isinstance(obj, BlankNode | Triple):
            raise InputError(
                "blank nodes and quoted triples are not part of MeSH RDF",
                path=where,
                entry=f"triple {self.triples}",
            )
        s = subject.value
        self.subjects.add(s)
        p = triple.predicate.value
        if not p.startswith(_MESHV) and p != _TYPE:
            return
        o = obj.value
        if p == _TYPE:
            if o in _DESCRIPTOR_CLASSES:
                self.descriptors.add(s)
            elif o.startswith(_MESHV + "SCR_"):
                self.scr_class[s] = o[len(_MESHV) :]
        elif p == _TREE:
            self.trees.setdefault(s, []).append(o)
        elif p == _PA:
            self.actions.setdefault(s, []).append(o)
        elif p in _PARTS:
            self.parts.setdefault(s, []).append(o)

    @property
    def records(self) -> int:
        """Descriptors and supplementary records seen."""
        return len(self.descriptors) + len(self.scr_class)


def kept_resources(structure: MeshStructure, tree_filter: TreeFilter) -> set[str]:
    """The IRIs (records, concepts, terms, tree numbers) a filter keeps; see :mod:`.trees`."""
    holders: dict[str, list[str]] = {}
    for descriptor, numbers in structure.trees.items():
        for number in numbers:
            holders.setdefault(number, []).append(descriptor)
    kept_trees: set[str] = set()

    def keep_tree(number_iri: str) -> None:
        number = number_iri.removeprefix(_MESH)
        kept_trees.add(number_iri)
        kept_trees.update(_MESH + a for a in tree_ancestors(number))

    for number_iri in holders:
        if tree_filter.keeps(number_iri.removeprefix(_MESH)):
            keep_tree(number_iri)
    kept = {s for s, c in structure.scr_class.items() if tree_filter.keeps_scr(c)}
    while True:
        before = len(kept) + len(kept_trees)
        kept.update(d for t in kept_trees for d in holders.get(t, ()))
        for record in list(kept):
            for action in structure.actions.get(record, ()):
                kept.add(action)
                for number_iri in structure.trees.get(action, ()):
                    keep_tree(number_iri)
        if len(kept) + len(kept_trees) == before:
            break
    frontier = list(kept)
    while frontier:
        part = frontier.pop()
        for child in structure.parts.get(part, ()):
            if child not in kept:
                kept.add(child)
                frontier.append(child)
    return kept | kept_trees


@dataclass(frozen=True)
class StageResult:
    """Counts from staging: input triples read, records read and records kept."""

    triples_read: int
    records_read: int
    records_kept: int


def _line(triple: Triple) -> str:
    return f"{triple.subject} {triple.predicate} {triple.object} .\n"


def stage_mesh(
    source: TripleSource, staged: StagedGraph, tree_filter: TreeFilter, where: str
) -> StageResult:
    """Validate the input and write the kept triples to ``staged``.

    :param source: reads the input and yields its triples (called once or twice).
    :param staged: the graph file being written.
    :param tree_filter: the trees to keep.
    :param where: the input's name, for error messages.
    :return: counts.
    :raises InputError: if the input does not parse or holds no descriptor or supplementary
        record (it is then not MeSH).
    """
    structure = MeshStructure()
    if tree_filter.everything:
        staged.write_lines(_noted(source(), structure, where))
    else:
        for triple in source():
            structure.note(triple, where)
    if structure.records == 0:
        raise InputError(
            "no MeSH descriptor or supplementary concept record found "
            f"(expected rdf:type meshv:TopicalDescriptor, meshv:SCR_Chemical, … in {_MESHV})",
            path=where,
        )
    if tree_filter.everything:
        return StageResult(structure.triples, structure.records, structure.records)
    kept = kept_resources(structure, tree_filter)
    subjects = structure.subjects
    lines = (_line(t) for t in source() if _kept(t, kept, subjects))
    staged.write_lines(lines)
    records = sum(1 for r in kept if r in structure.descriptors or r in structure.scr_class)
    return StageResult(structure.triples, structure.records, records)


def _noted(triples: Iterable[Triple], structure: MeshStructure, where: str) -> Iterator[str]:
    for triple in triples:
        structure.note(triple, where)
        yield _line(triple)


def _kept(triple: Triple, kept: set[str], subjects: set[str]) -> bool:
    """Whether a triple survives the filter: kept subject, and no dropped MeSH resource."""
    subject, obj = triple.subject, triple.object
    if not isinstance(subject, NamedNode) or subject.value not in kept:
        return False
    return not isinstance(obj, NamedNode) or obj.value not in subjects or obj.value in kept
