"""One link from a pvkg entity to a MeSH record, and its RDF form.

See :mod:`loaders.meshlink.terms` for the shape: the direct ``skos`` triple plus a mapping node
(``pvid:mapping/<entity path>/<mesh ui>``) annotating it with SSSOM fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Triple

from kg.iris import record_iri
from kg.namespaces import MESH, PREFIXES, RDF, XSD
from loaders.meshlink import terms


@dataclass(frozen=True)
class Link:
    """A mapping from a pvkg entity to a MeSH descriptor or supplementary record.

    :param subject: the pvkg entity (``pvid:drug/infliximab``).
    :param object: the MeSH record (``mesh:D000069285``).
    :param predicate: ``skos:exactMatch`` or ``skos:closeMatch``.
    :param justification: ``semapv:LexicalMatching`` or ``semapv:ManualMappingCuration``.
    :param confidence: 0 to 1.
    :param subject_label: the entity's name that matched.
    :param object_label: the MeSH name.
    :param match_string: the normalised key both names share ('' for curated links).
    :param comment: which rule matched (``entry term``, ``salt words removed``…).
    """

    subject: NamedNode
    object: NamedNode
    predicate: NamedNode
    justification: NamedNode
    confidence: float
    subject_label: str = ""
    object_label: str = ""
    match_string: str = ""
    comment: str = ""

    @property
    def ui(self) -> str:
        """The MeSH UI of the object (``D000069285``)."""
        return self.object.value.removeprefix(MESH.iri)

    @property
    def node(self) -> NamedNode:
        """IRI of the mapping node.

        >>> from kg.iris import drug_iri
        >>> Link(drug_iri("infliximab"), MESH["D000069285"], terms.exactMatch,
        ...      terms.LexicalMatching, 0.95).node.value
        'https://w3id.org/pvkg/id/mapping/drug/infliximab/d000069285'
        """
        path = self.subject.value.removeprefix(PREFIXES["pvid"]).split("/")
        return record_iri("mapping", *path, self.ui)

    def triples(self) -> Iterator[Triple]:
        """The direct triple and the mapping node's triples."""
        node = self.node
        yield Triple(self.subject, self.predicate, self.object)
        yield Triple(node, RDF["type"], terms.Axiom)
        yield Triple(node, terms.annotatedSource, self.subject)
        yield Triple(node, terms.annotatedProperty, self.predicate)
        yield Triple(node, terms.annotatedTarget, self.object)
        yield Triple(node, terms.mapping_justification, self.justification)
        yield Triple(
            node, terms.confidence, Literal(f"{self.confidence:.2f}", datatype=XSD["double"])
        )
        for predicate, text in (
            (terms.subject_label, self.subject_label),
            (terms.object_label, self.object_label),
            (terms.match_string, self.match_string),
            (terms.comment, self.comment),
        ):
            if text:
                yield Triple(node, predicate, Literal(text))
