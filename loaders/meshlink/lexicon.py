"""The MeSH side of linking: every record's names and entry terms, indexed by normalised key.

A :class:`Lexicon` is built from the ``mesh`` graph of a store (:meth:`Lexicon.from_store`) or
straight from MeSH triples (:meth:`Lexicon.from_triples`, for benchmarks and tests that should
not need a loaded store). It holds, per record UI, its name, kind, tree numbers and
pharmacological actions (a :class:`~loaders.mesh.hierarchy.MeshHierarchy`) and an index from
:func:`~loaders.meshlink.normalise.exact_key` and
:func:`~loaders.meshlink.normalise.variant_key` of every name and entry term (permuted forms
included) to the records carrying it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, QuerySolutions, Triple

from kg.errors import InputError
from kg.iris import graph_iri
from kg.namespaces import MESH, MESHV, RDF, RDFS
from kg.store import GraphStore
from loaders.mesh.hierarchy import CONDITION_TREES, MeshHierarchy
from loaders.meshlink.normalise import exact_key, variant_of_exact

MESH_GRAPH = graph_iri("mesh")

DRUG_TREES = ("D",)
"""Trees whose descriptors drug entities may link to (besides chemical supplementary records)."""

CONDITION_LINK_TREES = ("C", "F", "G")
"""Trees whose descriptors condition entities may link to: diseases, mental disorders and
behaviour, phenomena and processes (signs such as fever live in C23, findings such as
pregnancy in G)."""

_ENTRY_TERM = "<https://w3id.org/pvkg/id/mesh-entry-term>"
"""Pseudo-predicate pairing a record directly with an entry term in store query results."""
_DESCRIPTOR_CLASSES = ("TopicalDescriptor", "PublicationType", "CheckTag", "GeographicalDescriptor")
_MESH = MESH.iri
_MESHV = MESHV.iri


@dataclass(frozen=True)
class Entry:
    """One name of a record in the index."""

    ui: str
    name: str
    preferred: bool


@dataclass
class Lexicon:
    """MeSH names, kinds and hierarchy by record UI."""

    labels: dict[str, str] = field(default_factory=dict)
    scr_class: dict[str, str] = field(default_factory=dict)
    trees: dict[str, list[str]] = field(default_factory=dict)
    actions: dict[str, list[str]] = field(default_factory=dict)
    exact: dict[str, list[Entry]] = field(default_factory=dict)
    variant: dict[str, list[Entry]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.hierarchy = MeshHierarchy(self.trees, self.actions, self.labels)

    def add_name(self, ui: str, name: str, preferred: bool) -> None:
        """Index one name of record ``ui``."""
        entry = Entry(ui, name, preferred)
        exact = exact_key(name)
        for index, key in ((self.exact, exact), (self.variant, variant_of_exact(exact))):
            if key:
                bucket = index.setdefault(key, [])
                if entry not in bucket:
                    bucket.append(entry)

    def is_descriptor(self, ui: str) -> bool:
        """Whether ``ui`` is a descriptor (not a supplementary record)."""
        return ui in self.labels and ui not in self.scr_class

    def fits(self, ui: str, kind: str) -> bool:
        """Whether record ``ui`` may be linked to an entity of ``kind`` (drug or condition)."""
        if kind == "drug":
            return self.scr_class.get(ui) == "SCR_Chemical" or self.hierarchy.in_trees(
                ui, DRUG_TREES
            )
        return self.scr_class.get(ui) == "SCR_Disease" or self.hierarchy.in_trees(
            ui, CONDITION_LINK_TREES
        )

    def is_condition_descriptor(self, ui: str) -> bool:
        """Whether ``ui`` lies in the condition hierarchy (diseases, mental disorders)."""
        return self.hierarchy.in_trees(ui, CONDITION_TREES)

    def __len__(self) -> int:
        return len(self.labels)

    @classmethod
    def from_triples(cls, triples: Iterable[Triple]) -> Lexicon:
        """Build a lexicon from MeSH RDF triples (NLM's shape; see :mod:`loaders.mesh`)."""
        builder = _Builder()
        for triple in triples:
            subject, obj = triple.subject, triple.object
            if isinstance(subject, NamedNode) and isinstance(obj, NamedNode | Literal):
                builder.note(
                    subject.value, triple.predicate.value, obj.value, isinstance(obj, NamedNode)
                )
        return builder.finish()

    @classmethod
    def from_store(cls, store: GraphStore, graph: NamedNode = MESH_GRAPH) -> Lexicon:
        """Build a lexicon from the MeSH graph of ``store``.

        :raises InputError: if the graph holds no MeSH record (load MeSH first).
        """
        builder = _Builder()
        for query in _STORE_QUERIES:
            result = store.query(query, default_graphs=[graph])
            if not isinstance(result, QuerySolutions):
                raise TypeError("a SELECT query must yield solutions")
            for row in result:
                obj = row["o"]
                if obj is None:
                    continue
                builder.note(row["s"].value, row["p"].value, obj.value, isinstance(obj, NamedNode))
        lexicon = builder.finish()
        if not lexicon.labels:
            raise InputError(
                f"graph {graph.value} holds no MeSH descriptor; load MeSH first "
                "(pvkg load mesh FILE)",
                path=store.location,
            )
        return lexicon


_TYPES = ", ".join(f"<{_MESHV}{c}>" for c in _DESCRIPTOR_CLASSES)
_STORE_QUERIES = (
    # record types
    f"""SELECT ?s ?p ?o WHERE {{
      ?s a ?o . BIND({RDF["type"]} AS ?p)
      FILTER(?o IN ({_TYPES}) || STRSTARTS(STR(?o), "{_MESHV}SCR_"))
    }}""",
    # record names
    f"""SELECT ?s ?p ?o WHERE {{
      ?s a ?cls ; {RDFS["label"]} ?o . BIND({RDFS["label"]} AS ?p)
      FILTER(?cls != {MESHV["Concept"]} && ?cls != {MESHV["TreeNumber"]}
             && ?cls != {MESHV["Term"]})
    }}""",
    # tree numbers and pharmacological actions
    f"""SELECT ?s ?p ?o WHERE {{
      VALUES ?p {{ {MESHV["treeNumber"]} {MESHV["pharmacologicalAction"]} }}
      ?s ?p ?o .
    }}""",
    # entry terms (preferred and permuted forms) by record, as meshv:prefLabel pairs
    f"""SELECT ?s ?p ?o WHERE {{
      ?s {MESHV["preferredConcept"]}|{MESHV["concept"]} ?c .
      ?c {MESHV["preferredTerm"]}|{MESHV["term"]} ?t .
      ?t {MESHV["prefLabel"]}|{MESHV["altLabel"]} ?o .
      BIND({_ENTRY_TERM} AS ?p)
    }}""",
)
_LINKS = {
    MESHV[p].value: p
    for p in ("preferredConcept", "concept", "preferredTerm", "term", "prefLabel", "altLabel")
}


class _Builder:
    """Collects the facts a lexicon needs, in any order, then resolves names."""

    def __init__(self) -> None:
        self.records: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.trees: dict[str, list[str]] = {}
        self.actions: dict[str, list[str]] = {}
        self.edges: dict[str, list[tuple[str, str]]] = {}
        self.strings: dict[str, list[str]] = {}
        self.direct: dict[str, list[str]] = {}

    def note(self, s: str, p: str, o: str, o_is_iri: bool) -> None:
        if not s.startswith(_MESH):
            return
        s_ui = s[len(_MESH) :]
        if p == _RDF_TYPE:
            cls = o.removeprefix(_MESHV)
            if cls in _DESCRIPTOR_CLASSES or cls.startswith("SCR_"):
                self.records[s_ui] = cls
        elif p == _LABEL and not o_is_iri:
            self.labels[s_ui] = o
        elif p == _TREE:
            self.trees.setdefault(s_ui, []).append(o.removeprefix(_MESH))
        elif p == _ACTION:
            self.actions.setdefault(s_ui, []).append(o.removeprefix(_MESH))
        elif p == _ENTRY_TERM_IRI:
            self.direct.setdefault(s_ui, []).append(o)
        elif p in _LINKS:
            kind = _LINKS[p]
            if kind in ("prefLabel", "altLabel"):
                self.strings.setdefault(s_ui, []).append(o)
            else:
                self.edges.setdefault(s_ui, []).append((kind, o.removeprefix(_MESH)))

    def finish(self) -> Lexicon:
        lexicon = Lexicon(
            labels={ui: self.labels.get(ui, "") for ui in self.records},
            scr_class={ui: c for ui, c in self.records.items() if c.startswith("SCR_")},
            trees={ui: sorted(t) for ui, t in self.trees.items() if ui in self.records},
            actions={ui: sorted(a) for ui, a in self.actions.items() if ui in self.records},
        )
        for ui in sorted(self.records):
            label = self.labels.get(ui)
            if label:
                lexicon.add_name(ui, label, preferred=True)
            for name in self._entry_terms(ui):
                if name != label:
                    lexicon.add_name(ui, name, preferred=False)
        return lexicon

    def _entry_terms(self, ui: str) -> list[str]:
        names: list[str] = list(self.direct.get(ui, ()))
        for kind, concept in self.edges.get(ui, ()):
            if kind not in ("preferredConcept", "concept"):
                continue
            for term_kind, term in self.edges.get(concept, ()):
                if term_kind in ("preferredTerm", "term"):
                    names.extend(self.strings.get(term, ()))
        return sorted(set(names))


_RDF_TYPE = RDF["type"].value
_LABEL = RDFS["label"].value
_TREE = MESHV["treeNumber"].value
_ACTION = MESHV["pharmacologicalAction"].value
_ENTRY_TERM_IRI = _ENTRY_TERM[1:-1]
