"""Serialise query results into the bytes a client asked for, with a row cap.

pyoxigraph serialises whole result sets only, so SELECT results are written here, row by row,
which lets the service stop at the row cap (or a page) and say so. Boolean results and RDF
graphs (after capping) are written by pyoxigraph itself.

Formats (keys of :data:`SOLUTION_FORMATS` and :data:`GRAPH_FORMATS`):

* solutions: ``json`` (SPARQL 1.1 JSON), ``xml``, ``csv``, ``tsv`` and ``dashboard``
  (flat JSON: ``meta`` + ``columns`` + ``rows``, numbers as numbers);
* graphs: ``turtle``, ``ntriples``, ``jsonld``, ``rdfxml``.

>>> from pyoxigraph import Literal, NamedNode
>>> term_json(Literal("1", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
{'type': 'literal', 'value': '1', 'datatype': 'http://www.w3.org/2001/XMLSchema#integer'}
>>> csv_cell(Literal('say "hi", ok'))
'"say ""hi"", ok"'
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    serialize,
)

from kg.namespaces import PREFIXES

XSD = PREFIXES["xsd"]
XSD_STRING = XSD + "string"
RDF_LANG_STRING = PREFIXES["rdf"] + "langString"

SOLUTION_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "dashboard": "application/json",
}
"""Solution formats by key, with the Content-Type each is sent with."""

GRAPH_FORMATS: dict[str, str] = {
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
"""RDF graph formats by key, with the Content-Type each is sent with."""

_RDF_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}
_BOOLEAN_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}
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


@dataclass
class Page:
    """Which rows to keep: skip ``offset``, keep at most ``limit``.

    ``more`` is set after writing when rows were left over (so the answer is not complete).
    """

    limit: int
    offset: int = 0
    more: bool = False
    rows: int = 0
    started: float = field(default_factory=time.perf_counter)

    def take(self, rows: Iterable[Any]) -> Iterator[Any]:
        """Yield the rows of this page; note whether any row follows it."""
        window = islice(rows, self.offset, self.offset + self.limit + 1)
        for index, row in enumerate(window):
            if index == self.limit:
                self.more = True
                return
            self.rows += 1
            yield row


@dataclass
class Written:
    """A serialised answer: the body, its Content-Type and facts for headers and ``meta``."""

    body: bytes
    content_type: str
    rows: int
    truncated: bool
    columns: list[dict[str, str]] = field(default_factory=list)


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
        datatype = term.datatype.value
        try:
            if datatype in _INTEGERS:
                return int(term.value)
            if datatype in _DECIMALS:
                return float(term.value)
        except ValueError:
            return term.value
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return getattr(term, "value", str(term))


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


# --- solutions -------------------------------------------------------------------------------


def write_solutions(
    solutions: QuerySolutions, fmt: str, page: Page, meta: dict[str, Any] | None = None
) -> Written:
    """Serialise the rows of ``page`` in ``fmt`` (a key of :data:`SOLUTION_FORMATS`).

    :param meta: for ``dashboard``: fields to put in ``meta`` (row count etc. are added).
    """
    names = [v.value for v in solutions.variables]
    rows = [[row[n] for n in names] for row in page.take(solutions)]
    columns = _columns(names, rows)
    writer = {
        "json": _json,
        "xml": _xml,
        "csv": _csv,
        "tsv": _tsv,
        "dashboard": _dashboard,
    }[fmt]
    body = writer(names, rows, page, columns, meta or {})
    return Written(body, SOLUTION_FORMATS[fmt], len(rows), page.more, columns)


def _columns(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[dict[str, str]]:
    columns = []
    for index, name in enumerate(names):
        kinds = {kind_of(r[index]) for r in rows if r[index] is not None}
        kind = kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "unbound")
        columns.append({"name": name, "datatype": kind})
    return columns


def _json(names: Sequence[str], rows: Sequence[Sequence[Any]], page: Page, *_: Any) -> bytes:
    bindings = [
        {n: term_json(t) for n, t in zip(names, row, strict=True) if t is not None} for row in rows
    ]
    doc: dict[str, Any] = {"head": {"vars": list(names)}, "results": {"bindings": bindings}}
    if page.more:
        doc["truncated"] = True
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def _xml(names: Sequence[str], rows: Sequence[Sequence[Any]], page: Page, *_: Any) -> bytes:
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write('<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>')
    for name in names:
        out.write(f"<variable name={quoteattr(name)}/>")
    if page.more:
        out.write('<link href="#truncated"/>')
    out.write("</head>\n<results>\n")
    for row in rows:
        out.write("<result>")
        for name, term in zip(names, row, strict=True):
            if term is not None:
                out.write(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        out.write("</result>\n")
    out.write("</results>\n</sparql>\n")
    return out.getvalue().encode()


def _xml_term(term: Any) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            attr = quoteattr(term.datatype.value)
            return f"<literal datatype={attr}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _csv(names: Sequence[str], rows: Sequence[Sequence[Any]], *_: Any) -> bytes:
    lines = [",".join(names)]
    lines += [",".join(csv_cell(t) for t in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def _tsv(names: Sequence[str], rows: Sequence[Sequence[Any]], *_: Any) -> bytes:
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join(tsv_cell(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _dashboard(
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    page: Page,
    columns: list[dict[str, str]],
    meta: dict[str, Any],
) -> bytes:
    doc = {
        "meta": {
            **meta,
            "rows": len(rows),
            "truncated": page.more,
            "elapsed_ms": round((time.perf_counter() - page.started) * 1000, 2),
        },
        "columns": columns,
        "rows": [[dashboard_value(t) for t in row] for row in rows],
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


# --- booleans and graphs ---------------------------------------------------------------------


def write_boolean(result: QueryBoolean, fmt: str, meta: dict[str, Any] | None = None) -> Written:
    """Serialise an ASK answer."""
    if fmt == "dashboard":
        doc = {
            "meta": {**(meta or {}), "rows": 1, "truncated": False},
            "columns": [{"name": "boolean", "datatype": "xsd:boolean"}],
            "rows": [[bool(result)]],
        }
        return Written(json.dumps(doc).encode(), SOLUTION_FORMATS[fmt], 1, False)
    body = result.serialize(format=_BOOLEAN_FORMATS[fmt])
    if body is None:
        raise TypeError("QueryBoolean.serialize returned nothing")
    return Written(body, SOLUTION_FORMATS[fmt], 1, False)


def write_triples(triples: Iterable[Triple], fmt: str, page: Page) -> Written:
    """Serialise at most ``page.limit`` triples in ``fmt`` (a key of :data:`GRAPH_FORMATS`)."""
    kept = list(page.take(triples))
    body = serialize(kept, format=_RDF_FORMATS[fmt], prefixes=dict(PREFIXES))
    if body is None:
        raise TypeError("pyoxigraph.serialize returned nothing")
    return Written(body, GRAPH_FORMATS[fmt], len(kept), page.more)
