"""Read MeSH XML (descriptor ``desc<year>.xml`` and supplementary ``supp<year>.xml`` files).

Records are streamed with :func:`xml.etree.ElementTree.iterparse` and cleared once mapped, so
memory stays flat. Each record becomes the same triples NLM's MeSH RDF has for it:

* descriptor ``mesh:D…`` typed by ``DescriptorClass`` (1 ``meshv:TopicalDescriptor``,
  2 ``meshv:PublicationType``, 3 ``meshv:CheckTag``, 4 ``meshv:GeographicalDescriptor``) with
  ``rdfs:label``, ``meshv:identifier``, ``meshv:treeNumber``, ``meshv:pharmacologicalAction``,
  ``meshv:preferredConcept``/``meshv:concept``, ``meshv:preferredTerm``;
* supplementary record ``mesh:C…`` typed by ``SCRClass`` (``meshv:SCR_Chemical``, …) with the same
  label, identifier, actions and concepts, and ``meshv:preferredMappedTo`` its headings;
* concept ``mesh:M…`` (``rdfs:label``, ``meshv:identifier``, ``meshv:preferredTerm``,
  ``meshv:term``), term ``mesh:T…`` (``meshv:prefLabel``, ``meshv:altLabel`` for permuted forms,
  ``meshv:lexicalTag``, ``meshv:identifier``), tree number (``rdfs:label``,
  ``meshv:parentTreeNumber``);
* after the last record, ``meshv:broaderDescriptor`` from each descriptor to the descriptors
  holding its parent tree numbers, as NLM derives it.

Labels carry ``@en``; identifiers are plain strings, as in NLM's files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, iterparse

from pyoxigraph import Literal, NamedNode, Triple

from kg.errors import InputError
from kg.namespaces import MESH, MESHV, RDF, RDFS
from loaders.input_policy import READ_ERRORS
from loaders.mesh.rdf import open_binary

DESCRIPTOR_CLASSES = {
    "1": "TopicalDescriptor",
    "2": "PublicationType",
    "3": "CheckTag",
    "4": "GeographicalDescriptor",
}
"""``DescriptorClass`` attribute → ``meshv:`` class."""

SCR_CLASSES = {
    "1": "SCR_Chemical",
    "2": "SCR_Protocol",
    "3": "SCR_Disease",
    "4": "SCR_Organism",
    "5": "SCR_Population",
    "6": "SCR_Anatomy",
}
"""``SCRClass`` attribute → ``meshv:`` class."""

_RECORDS = {"DescriptorRecord": "Descriptor", "SupplementalRecord": "Supplemental"}
_PA_PATH = "PharmacologicalActionList/PharmacologicalAction/DescriptorReferredTo/DescriptorUI"
_MAPPED_PATH = "HeadingMappedToList/HeadingMappedTo/DescriptorReferredTo/DescriptorUI"


def is_xml(path: Path) -> bool:
    """Whether ``path`` is named like a MeSH XML file (``.xml`` or ``.xml.gz``)."""
    return path.name.lower().removesuffix(".gz").endswith(".xml")


def _en(text: str) -> Literal:
    return Literal(text, language="en")


class _Record:
    """Maps one record element to triples; raises :class:`InputError` on missing parts."""

    def __init__(self, element: Element, kind: str, where: str, index: int) -> None:
        self.element = element
        self.kind = kind
        self.where = where
        self.index = index

    def text(self, path: str, element: Element | None = None, *, field: str) -> str:
        found = (self.element if element is None else element).findtext(path)
        if found is None or not found.strip():
            raise InputError(
                "missing value", path=self.where, entry=f"record {self.index}", field=field
            )
        return found.strip()

    def triples(self, tree_holders: dict[str, str]) -> Iterator[Triple]:
        ui_field = f"{self.kind}RecordUI" if self.kind == "Supplemental" else "DescriptorUI"
        ui = self.text(ui_field, field=ui_field)
        name_field = f"{self.kind}RecordName" if self.kind == "Supplemental" else "DescriptorName"
        name = self.text(f"{name_field}/String", field=name_field)
        record = MESH[ui]
        yield Triple(record, RDF["type"], MESHV[self.record_class(ui)])
        yield Triple(record, RDFS["label"], _en(name))
        yield Triple(record, MESHV["identifier"], Literal(ui))
        for number in self.element.findall("TreeNumberList/TreeNumber"):
            value = (number.text or "").strip()
            tree = MESH[value]
            tree_holders[value] = ui
            yield Triple(record, MESHV["treeNumber"], tree)
            yield Triple(tree, RDF["type"], MESHV["TreeNumber"])
            yield Triple(tree, RDFS["label"], _en(value))
            if "." in value:
                yield Triple(tree, MESHV["parentTreeNumber"], MESH[value.rsplit(".", 1)[0]])
        for action in self.element.findall(_PA_PATH):
            yield Triple(record, MESHV["pharmacologicalAction"], MESH[(action.text or "").strip()])
        for heading in self.element.findall(_MAPPED_PATH):
            target = (heading.text or "").strip().lstrip("*")
            yield Triple(record, MESHV["preferredMappedTo"], MESH[target])
        yield from self.concepts(record)

    def record_class(self, ui: str) -> str:
        if self.kind == "Supplemental":
            code = self.element.get("SCRClass", "1")
            classes = SCR_CLASSES
        else:
            code = self.element.get("DescriptorClass", "1")
            classes = DESCRIPTOR_CLASSES
        found = classes.get(code)
        if found is None:
            raise InputError(
                f"unknown class code {code!r}", path=self.where, entry=ui, field="class"
            )
        return found

    def concepts(self, record: NamedNode) -> Iterator[Triple]:
        for concept in self.element.findall("ConceptList/Concept"):
            cui = self.text("ConceptUI", concept, field="ConceptUI")
            node = MESH[cui]
            link = "preferredConcept" if concept.get("PreferredConceptYN") == "Y" else "concept"
            yield Triple(record, MESHV[link], node)
            yield Triple(node, RDF["type"], MESHV["Concept"])
            yield Triple(
                node,
                RDFS["label"],
                _en(self.text("ConceptName/String", concept, field="ConceptName")),
            )
            yield Triple(node, MESHV["identifier"], Literal(cui))
            for term in concept.findall("TermList/Term"):
                yield from self.term(record, node, term)

    def term(self, record: NamedNode, concept: NamedNode, term: Element) -> Iterator[Triple]:
        tui = self.text("TermUI", term, field="TermUI")
        label = self.text("String", term, field="Term/String")
        node = MESH[tui]
        if term.get("IsPermutedTermYN") == "Y":
            yield Triple(node, MESHV["altLabel"], _en(label))
            return
        link = "preferredTerm" if term.get("ConceptPreferredTermYN") == "Y" else "term"
        yield Triple(concept, MESHV[link], node)
        if term.get("RecordPreferredTermYN") == "Y":
            yield Triple(record, MESHV["preferredTerm"], node)
        yield Triple(node, RDF["type"], MESHV["Term"])
        yield Triple(node, MESHV["prefLabel"], _en(label))
        yield Triple(node, MESHV["identifier"], Literal(tui))
        tag = term.get("LexicalTag")
        if tag:
            yield Triple(node, MESHV["lexicalTag"], _en(tag))


def read_triples(path: Path, tree_holders: dict[str, str] | None = None) -> Iterator[Triple]:
    """Stream the triples of one MeSH XML file (without ``broaderDescriptor``).

    :param path: a descriptor or supplementary-record XML file, optionally gzip-compressed.
    :param tree_holders: filled with tree number → descriptor UI, for :func:`broader_triples`.
    :raises InputError: if the file is missing, is not well-formed XML (with line and column),
        or a record lacks its UI, name, concept or term parts.
    """
    where = str(path)
    if not path.is_file():
        raise InputError("no such file", path=where)
    holders = {} if tree_holders is None else tree_holders
    index = 0
    seen_root = False
    try:
        with open_binary(path) as source:
            events = iterparse(source, events=("start", "end"))  # noqa: S314 - local file, no DTD fetch
            for event, element in events:
                if event == "start":
                    if not seen_root:
                        seen_root = True
                        if not element.tag.endswith("RecordSet"):
                            raise InputError(
                                f"root element is <{element.tag}>, not a MeSH "
                                "<DescriptorRecordSet> or <SupplementalRecordSet>",
                                path=where,
                            )
                    continue
                kind = _RECORDS.get(element.tag)
                if kind is None:
                    continue
                index += 1
                yield from _Record(element, kind, where, index).triples(holders)
                element.clear()
    except ParseError as error:
        line, column = error.position
        reason = str(error.msg).split(": line ")[0]
        raise InputError(
            f"not well-formed XML: {reason} (column {column})", path=where, line=line
        ) from None
    except InputError:
        raise
    except ValueError as error:  # an identifier no IRI can hold (``>``, a space)
        raise InputError(f"bad identifier: {error}", path=where, entry=f"record {index}") from None
    except READ_ERRORS as error:
        raise InputError(f"cannot read: {error}", path=where) from None


def broader_triples(tree_holders: dict[str, str]) -> Iterator[Triple]:
    """``meshv:broaderDescriptor`` triples from tree numbers, as NLM derives them.

    >>> sorted(str(t) for t in broader_triples({"C17": "D1", "C17.800": "D2"}))
    ['<http://id.nlm.nih.gov/mesh/D2> <http://id.nlm.nih.gov/mesh/vocab#broaderDescriptor> <http://id.nlm.nih.gov/mesh/D1>']
    """
    for number, descriptor in tree_holders.items():
        if "." not in number:
            continue
        parent = tree_holders.get(number.rsplit(".", 1)[0])
        if parent is not None and parent != descriptor:
            yield Triple(MESH[descriptor], MESHV["broaderDescriptor"], MESH[parent])
