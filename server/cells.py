"""One RDF term as each results format writes it: SPARQL JSON, CSV and TSV cells, and the plain
values and column kinds of pvkg's dashboard JSON (numbers as numbers, booleans as booleans).

>>> from pyoxigraph import Literal, NamedNode
>>> term_json(Literal("1", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
{'type': 'literal', 'value': '1', 'datatype': 'http://www.w3.org/2001/XMLSchema#integer'}
>>> csv_cell(Literal('say "hi", ok'))
'"say ""hi"", ok"'
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import BaseDirection, BlankNode, Literal, NamedNode, Triple

from kg.namespaces import PREFIXES

XSD = PREFIXES["xsd"]
XSD_STRING = XSD + "string"
RDF_LANG_STRING = PREFIXES["rdf"] + "langString"
RDF_DIR_LANG_STRING = PREFIXES["rdf"] + "dirLangString"

_INTEGERS = {
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
_DECIMALS = {XSD + "decimal", XSD + "double", XSD + "float"}


# --- terms -----------------------------------------------------------------------------------


def term_json(term: Any) -> dict[str, Any]:
    """The SPARQL 1.1 JSON form of one RDF term."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def csv_cell(term: Any) -> str:
    """One CSV cell (SPARQL 1.1 CSV: plain values, quoted when needed)."""
    if term is None:
        return ""
    text = f"_:{term.value}" if isinstance(term, BlankNode) else str(getattr(term, "value", term))
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def tsv_cell(term: Any) -> str:
    """One TSV cell (SPARQL 1.1 TSV: terms in Turtle / N-Triples syntax)."""
    if term is None:
        return ""
    return str(term).replace("\t", "\\t")


def dashboard_value(term: Any) -> Any:
    """A plain JSON value: numbers as numbers, booleans as booleans, other terms as text."""
    if term is None:
        return None
    if isinstance(term, Literal):
        return typed_value(term.value, term.datatype.value)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return getattr(term, "value", str(term))


def typed_value(value: str, datatype: str) -> Any:
    try:
        if datatype in _INTEGERS:
            return int(value)
        if datatype in _DECIMALS:
            return float(value)
    except ValueError:
        return value
    if datatype == XSD + "boolean":
        return value in ("true", "1")
    return value


def kind_of(term: Any) -> str:
    """The column type name of a term for dashboards: ``iri``, ``bnode`` or the datatype CURIE."""
    if isinstance(term, NamedNode):
        return "iri"
    if isinstance(term, BlankNode):
        return "bnode"
    if isinstance(term, Literal):
        datatype = term.datatype.value
        return "xsd:" + datatype[len(XSD) :] if datatype.startswith(XSD) else datatype
    return "triple"


def json_kind(cell: dict[str, Any]) -> str:
    """:func:`kind_of` for a term in SPARQL JSON."""
    kind = cell["type"]
    if kind == "uri":
        return "iri"
    if kind == "literal":
        if "xml:lang" in cell:
            return RDF_DIR_LANG_STRING if "its:dir" in cell else RDF_LANG_STRING
        datatype = str(cell.get("datatype", XSD_STRING))
        return "xsd:" + datatype[len(XSD) :] if datatype.startswith(XSD) else datatype
    return str(kind)  # bnode, triple


def json_value(cell: dict[str, Any] | None) -> Any:
    """:func:`dashboard_value` for a term in SPARQL JSON."""
    if cell is None:
        return None
    kind = cell["type"]
    if kind == "literal" and "datatype" in cell:
        return typed_value(cell["value"], cell["datatype"])
    if kind == "bnode":
        return "_:" + cell["value"]
    if kind == "triple":
        return dashboard_value(json_term(cell))
    return cell["value"]


def json_term(cell: dict[str, Any]) -> Any:
    """The pyoxigraph term of a term in SPARQL JSON (the inverse of :func:`term_json`).

    >>> json_term({"type": "literal", "value": "chat", "xml:lang": "fr"})
    <Literal value=chat language=fr>
    """
    kind = cell["type"]
    if kind == "uri":
        return NamedNode(cell["value"])
    if kind == "bnode":
        return BlankNode(cell["value"])
    if kind == "triple":
        parts = cell["value"]
        return Triple(
            json_term(parts["subject"]), json_term(parts["predicate"]), json_term(parts["object"])
        )
    if "its:dir" in cell:
        direction = BaseDirection.RTL if cell["its:dir"] == "rtl" else BaseDirection.LTR
        return Literal(cell["value"], language=cell["xml:lang"], direction=direction)
    if "xml:lang" in cell:
        return Literal(cell["value"], language=cell["xml:lang"])
    return Literal(cell["value"], datatype=NamedNode(cell.get("datatype", XSD_STRING)))
