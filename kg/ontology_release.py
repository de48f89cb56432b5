"""The ontology's release artefacts: ``ontology/pvkg.ttl`` also as RDF/XML (``pvkg.owl``) and
JSON-LD (``pvkg.jsonld``), written from the Turtle so that the three hold the same triples.

``pvkg ontology release`` writes the two files beside the Turtle; the server sends the same bytes
to clients that ask ``/ontology`` for RDF/XML or JSON-LD. The output is deterministic: blank
nodes are named ``b0``, ``b1``, … in the order the Turtle introduces them and triples are sorted,
so the same Turtle always gives the same bytes (``tests/test_ontology_release.py`` compares the
committed files with a fresh release). RDF/XML is pyoxigraph's writer, one element per subject;
JSON-LD is written here in compact form: the Turtle's prefixes as ``@context`` and one node
object per subject in ``@graph``, with compact IRIs (``pv:Drug``), which any JSON-LD processor
expands back to the same triples.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QuadParser,
    RdfFormat,
    Triple,
    parse,
    serialize,
)

from kg.errors import InputError
from kg.namespaces import PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"
XSD_STRING = PREFIXES["xsd"] + "string"


@dataclass(frozen=True)
class ReleaseFormat:
    """One serialisation of the ontology: the file it is written to and its media type."""

    name: str
    file_name: str
    media_type: str


TURTLE = ReleaseFormat("turtle", "pvkg.ttl", "text/turtle")
RDF_XML = ReleaseFormat("rdf-xml", "pvkg.owl", "application/rdf+xml")
JSON_LD = ReleaseFormat("json-ld", "pvkg.jsonld", "application/ld+json")
GENERATED = (RDF_XML, JSON_LD)
"""The formats written from the Turtle (the Turtle is the source)."""


@dataclass(frozen=True)
class Ontology:
    """The ontology's triples, sorted, with blank nodes named by first appearance, and the
    Turtle's prefixes."""

    triples: tuple[Triple, ...]
    prefixes: dict[str, str]


def read(path: Path) -> Ontology:
    """Parse the Turtle at ``path``.

    :raises InputError: if the file cannot be read or is not Turtle.
    """
    try:
        parser: QuadParser = parse(path=str(path), format=RdfFormat.TURTLE)
        quads = list(parser)
    except OSError as error:
        raise InputError(f"cannot read the ontology: {error}", path=str(path)) from None
    except SyntaxError as error:
        raise InputError(f"not Turtle: {error}", path=str(path)) from None
    names: dict[str, BlankNode] = {}

    def canonical(term: Any) -> Any:
        if isinstance(term, BlankNode):
            return names.setdefault(term.value, BlankNode(f"b{len(names)}"))
        return term

    triples = {Triple(canonical(q.subject), q.predicate, canonical(q.object)) for q in quads}
    return Ontology(tuple(sorted(triples, key=_order)), dict(sorted(parser.prefixes.items())))


def _order(triple: Triple) -> tuple[bool, str, str, str]:
    subject, value = triple.subject, triple.object
    return isinstance(subject, BlankNode), _key(subject), triple.predicate.value, _key(value)


def _key(term: Any) -> str:
    if isinstance(term, BlankNode):
        return f"_:{int(term.value[1:]):08d}"
    return str(term)


def rdf_xml(ontology: Ontology) -> bytes:
    """The ontology as RDF/XML."""
    buffer = io.BytesIO()
    serialize(ontology.triples, buffer, format=RdfFormat.RDF_XML, prefixes=ontology.prefixes)
    return buffer.getvalue()


def json_ld(ontology: Ontology) -> bytes:
    """The ontology as compact JSON-LD (``@context`` of prefixes, one node per subject)."""
    nodes: dict[str, dict[str, Any]] = {}
    for triple in ontology.triples:
        node = nodes.setdefault(_key(triple.subject), {"@id": _id(triple.subject, ontology)})
        if triple.predicate.value == RDF_TYPE and isinstance(triple.object, NamedNode):
            node.setdefault("@type", []).append(_compact(triple.object.value, ontology))
            continue
        key = _compact(triple.predicate.value, ontology)
        node.setdefault(key, []).append(_value(triple.object, ontology))
    document = {"@context": ontology.prefixes, "@graph": list(nodes.values())}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _compact(iri: str, ontology: Ontology) -> str:
    """``pv:Drug`` for an IRI in a prefix's namespace (the longest), else the IRI itself."""
    best = ""
    for prefix, namespace in ontology.prefixes.items():
        local = iri[len(namespace) :]
        usable = iri.startswith(namespace) and local and not local.startswith("//")
        if usable and len(namespace) > len(ontology.prefixes.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(ontology.prefixes[best]) :]}" if best else iri


def _id(term: Any, ontology: Ontology) -> str:
    return f"_:{term.value}" if isinstance(term, BlankNode) else _compact(term.value, ontology)


def _value(term: Any, ontology: Ontology) -> dict[str, str]:
    if not isinstance(term, Literal):
        return {"@id": _id(term, ontology)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return {"@value": term.value}
    return {"@value": term.value, "@type": _compact(term.datatype.value, ontology)}


WRITERS = {RDF_XML.name: rdf_xml, JSON_LD.name: json_ld}


def release(path: Path) -> dict[ReleaseFormat, bytes]:
    """The generated artefacts of the Turtle at ``path``, by format."""
    ontology = read(path)
    return {fmt: WRITERS[fmt.name](ontology) for fmt in GENERATED}


def write_release(path: Path) -> list[Path]:
    """Write the generated artefacts beside the Turtle at ``path``; return the files written
    (each replaced whole: written beside, then renamed)."""
    written = []
    for fmt, body in release(path).items():
        target = path.with_name(fmt.file_name)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(body)
        partial.replace(target)
        written.append(target)
    return written


def stale(path: Path) -> list[Path]:
    """The artefacts beside the Turtle at ``path`` that are missing or differ from a fresh
    release (empty when the release is current)."""
    fresh: Iterable[tuple[ReleaseFormat, bytes]] = release(path).items()
    out = []
    for fmt, body in fresh:
        target = path.with_name(fmt.file_name)
        if not target.is_file() or target.read_bytes() != body:
            out.append(target)
    return out
