"""The ontology's own terms as a table for people: kind, label, definition, domain and range, and
alignments to other vocabularies, read from ``ontology/pvkg.ttl``.

The server's reference page (``/ontology``) lists them; ADR 0005 says what the alignments mean
(``rdfs:subClassOf`` / ``rdfs:subPropertyOf`` to an external term are axioms, the SKOS mapping
properties are not).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from kg.namespaces import PREFIXES
from kg.ontology_release import Ontology, read

PV = PREFIXES["pv"]
_RDF, _RDFS, _OWL, _SKOS = (PREFIXES[p] for p in ("rdf", "rdfs", "owl", "skos"))
KINDS = {
    _OWL + "Class": "class",
    _OWL + "ObjectProperty": "object property",
    _OWL + "DatatypeProperty": "datatype property",
    _OWL + "AnnotationProperty": "annotation property",
    _OWL + "NamedIndividual": "individual",
}
"""The kinds of term the table lists, in the order it lists them."""

ALIGNMENTS = (
    _RDFS + "subClassOf",
    _RDFS + "subPropertyOf",
    *(_SKOS + m for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")),
)
"""Properties that relate a term to another vocabulary's term (axioms first)."""


@dataclass(frozen=True)
class Link:
    """A relation of a term to another term: the property and the target, both as IRIs."""

    relation: str
    target: str


@dataclass(frozen=True)
class Term:
    """One ``pv:`` term as documented in the ontology."""

    iri: str
    kind: str
    label: str
    definition: str
    types: tuple[str, ...] = ()
    domain: tuple[str, ...] = ()
    range: tuple[str, ...] = ()
    alignments: tuple[Link, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The local name (``Drug``), which is also the page anchor."""
        return self.iri.removeprefix(PV)


@dataclass(frozen=True)
class Header:
    """What the ontology says about itself."""

    iri: str
    version_iri: str
    version: str
    title: str
    description: str
    licence: str


def _by_subject(triples: tuple[Triple, ...]) -> dict[str, dict[str, list[object]]]:
    found: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    for triple in triples:
        if isinstance(triple.subject, NamedNode):
            found[triple.subject.value][triple.predicate.value].append(triple.object)
    return found


def _texts(values: list[object]) -> list[str]:
    return sorted(v.value for v in values if isinstance(v, Literal))


def _iris(values: list[object]) -> tuple[str, ...]:
    return tuple(sorted(v.value for v in values if isinstance(v, NamedNode)))


def terms(ontology: Ontology) -> list[Term]:
    """Every ``pv:`` term of a declared kind, by kind (:data:`KINDS` order) then name.

    An individual is listed with the value class it belongs to (``types``); alignments are the
    external targets of :data:`ALIGNMENTS` (``pv:`` superclasses are in the Turtle).
    """
    out = []
    for iri, props in _by_subject(ontology.triples).items():
        declared = [KINDS[t] for t in _iris(props[_RDF + "type"]) if t in KINDS]
        if not iri.startswith(PV) or not declared:
            continue
        kind = min(declared, key=list(KINDS.values()).index)
        links = tuple(
            Link(relation, target)
            for relation in ALIGNMENTS
            for target in _iris(props[relation])
            if not target.startswith(PV)
        )
        out.append(
            Term(
                iri=iri,
                kind=kind,
                label=next(iter(_texts(props[_RDFS + "label"])), iri.removeprefix(PV)),
                definition=" ".join(_texts(props[_SKOS + "definition"])),
                types=tuple(t for t in _iris(props[_RDF + "type"]) if t.startswith(PV)),
                domain=_iris(props[_RDFS + "domain"]),
                range=_iris(props[_RDFS + "range"]),
                alignments=links,
                notes=tuple(_texts(props[_SKOS + "scopeNote"]) + _texts(props[_RDFS + "comment"])),
            )
        )
    order = list(KINDS.values())
    return sorted(out, key=lambda t: (order.index(t.kind), t.name.casefold()))


def header(ontology: Ontology, iri: str = PV.rstrip("#")) -> Header:
    """The ontology's IRI, version, title, description and licence."""
    props = _by_subject(ontology.triples)[iri]
    dcterms = PREFIXES["dcterms"]

    def first(values: list[object]) -> str:
        return next(iter(_texts(values) or _iris(values)), "")

    return Header(
        iri=iri,
        version_iri=first(props[_OWL + "versionIRI"]),
        version=first(props[_OWL + "versionInfo"]),
        title=first(props[dcterms + "title"]),
        description=first(props[dcterms + "description"]),
        licence=first(props[dcterms + "license"]),
    )


def term_iris(listed: list[Term]) -> dict[str, tuple[str, ...]]:
    """The IRIs of ``listed`` grouped as a usage count needs them: ``class`` (counted as
    ``?s a ?term``), ``property`` (``?s ?term ?o``) and ``individual`` (``?s ?p ?term``)."""
    groups: dict[str, list[str]] = {"class": [], "property": [], "individual": []}
    for term in listed:
        group = term.kind if term.kind in ("class", "individual") else "property"
        groups[group].append(term.iri)
    return {group: tuple(iris) for group, iris in groups.items()}


def read_terms(path: Path) -> tuple[Header, list[Term]]:
    """The header and the terms of the Turtle ontology at ``path``.

    :raises InputError: if it cannot be read or parsed.
    """
    ontology = read(path)
    return header(ontology), terms(ontology)
