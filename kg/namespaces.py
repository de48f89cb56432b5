"""Namespaces and prefixes used across pvkg.

One table, :data:`PREFIXES`, is the prefix map for saved queries, CURIE expansion,
Turtle output and SSSOM curie maps, so every part of pvkg spells a prefix the same way.

>>> str(PV["Drug"])
'<https://w3id.org/pvkg/ontology#Drug>'
>>> expand_curie("mesh:D011565")
'http://id.nlm.nih.gov/mesh/D011565'
"""

from __future__ import annotations

from typing import Final

from pyoxigraph import NamedNode

BASE: Final = "https://w3id.org/pvkg/"


class Namespace:
    """A namespace IRI that mints :class:`pyoxigraph.NamedNode` terms by local name.

    >>> Namespace("http://example.com/")["a"]
    <NamedNode value=http://example.com/a>
    """

    __slots__ = ("iri",)

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getitem__(self, local: str) -> NamedNode:
        return NamedNode(self.iri + local)

    def __str__(self) -> str:
        return self.iri

    def __repr__(self) -> str:
        return f"Namespace({self.iri!r})"


PREFIXES: Final[dict[str, str]] = {
    "pv": BASE + "ontology#",
    "pvid": BASE + "id/",
    "pvgraph": BASE + "graph/",
    "mesh": "http://id.nlm.nih.gov/mesh/",
    "meshv": "http://id.nlm.nih.gov/mesh/vocab#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "schema": "http://schema.org/",
    "obo": "http://purl.obolibrary.org/obo/",
    "biolink": "https://w3id.org/biolink/vocab/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "sssom": "https://w3id.org/sssom/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
}

PV: Final = Namespace(PREFIXES["pv"])
PVID: Final = Namespace(PREFIXES["pvid"])
PVGRAPH: Final = Namespace(PREFIXES["pvgraph"])
MESH: Final = Namespace(PREFIXES["mesh"])
MESHV: Final = Namespace(PREFIXES["meshv"])
RDF: Final = Namespace(PREFIXES["rdf"])
RDFS: Final = Namespace(PREFIXES["rdfs"])
OWL: Final = Namespace(PREFIXES["owl"])
XSD: Final = Namespace(PREFIXES["xsd"])
SKOS: Final = Namespace(PREFIXES["skos"])
DCTERMS: Final = Namespace(PREFIXES["dcterms"])
PROV: Final = Namespace(PREFIXES["prov"])
VOID: Final = Namespace(PREFIXES["void"])
SD: Final = Namespace(PREFIXES["sd"])
SCHEMA: Final = Namespace(PREFIXES["schema"])
OBO: Final = Namespace(PREFIXES["obo"])
BIOLINK: Final = Namespace(PREFIXES["biolink"])


def expand_curie(curie: str) -> str | None:
    """Expand ``prefix:local`` with :data:`PREFIXES`.

    :param curie: a compact IRI such as ``mesh:D011565``.
    :return: the full IRI, or ``None`` when the prefix is unknown or the text is not a CURIE.

    >>> expand_curie("nope:x") is None
    True
    """
    prefix, sep, local = curie.partition(":")
    if not sep or local.startswith("//"):
        return None
    base = PREFIXES.get(prefix)
    return None if base is None else base + local


def compact_iri(iri: str) -> str:
    """Return the shortest CURIE for ``iri``, or the IRI itself when no prefix fits.

    >>> compact_iri("http://id.nlm.nih.gov/mesh/D011565")
    'mesh:D011565'
    """
    best: tuple[str, str] | None = None
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and (best is None or len(base) > len(best[1])):
            best = (prefix, base)
    return iri if best is None else f"{best[0]}:{iri[len(best[1]) :]}"


def sparql_prefixes() -> str:
    """Return ``PREFIX`` declarations for every entry of :data:`PREFIXES`."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
