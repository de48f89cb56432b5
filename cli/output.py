"""Render query results for the terminal or as standard result documents.

``table`` is for people (CURIEs, aligned columns); ``json`` (SPARQL 1.1 Query Results JSON),
``xml``, ``csv`` and ``tsv`` are the W3C result formats, written by pyoxigraph. Graph results
(CONSTRUCT/DESCRIBE) are written as Turtle (``table``), N-Triples, or the other RDF formats.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from pyoxigraph import (
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    serialize,
)

from kg.errors import QueryError
from kg.namespaces import PREFIXES, compact_iri
from kg.store import QueryResult

SOLUTION_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "table": RdfFormat.TURTLE,
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}
FORMAT_NAMES = sorted({"table", *SOLUTION_FORMATS, *GRAPH_FORMATS})
_MAX_CELL = 80


def write_result(result: QueryResult, fmt: str, out: IO[bytes]) -> int:
    """Write ``result`` to ``out`` in format ``fmt``.

    :return: the number of rows or triples written, or -1 where the serialiser streamed them.

    :raises QueryError: if ``fmt`` does not fit the kind of result.
    """
    if isinstance(result, QueryBoolean):
        if fmt == "table":
            out.write(b"true\n" if bool(result) else b"false\n")
        else:
            result.serialize(out, _solution_format(fmt))
        return 1
    if isinstance(result, QuerySolutions):
        if fmt == "table":
            return _write_table(result, out)
        result.serialize(out, _solution_format(fmt))
        return -1
    return _write_graph(result, fmt, out)


def _solution_format(fmt: str) -> QueryResultsFormat:
    try:
        return SOLUTION_FORMATS[fmt]
    except KeyError:
        names = "table, json, xml, csv, tsv"
        raise QueryError(f"format {fmt!r} is for graphs; solutions take {names}") from None


def _write_graph(triples: Iterable[Triple], fmt: str, out: IO[bytes]) -> int:
    try:
        rdf_format = GRAPH_FORMATS[fmt]
    except KeyError:
        names = ", ".join(sorted(GRAPH_FORMATS))
        raise QueryError(f"format {fmt!r} is for solutions; graph results take {names}") from None
    collected = list(triples)
    prefixes = PREFIXES if rdf_format in (RdfFormat.TURTLE,) else None
    serialize(collected, out, rdf_format, prefixes=prefixes)
    return len(collected)


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` with ``noun`` in the number it needs, thousands separated.

    >>> counted(1, "record"), counted(2_000, "record"), counted(0, "query", "queries")
    ('1 record', '2,000 records', '0 queries')
    """
    word = noun if number == 1 else (plural or noun + "s")
    return f"{number:,} {word}"


def cell(term: object) -> str:
    """How one term is shown in a table: CURIE for IRIs, the lexical form for literals.

    >>> cell(NamedNode("http://id.nlm.nih.gov/mesh/D011565"))
    'mesh:D011565'
    >>> cell(None)
    ''
    """
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        text = compact_iri(term.value)
    elif isinstance(term, Literal):
        text = term.value
    else:
        text = str(term)
    text = text.replace("\n", " ")
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def _write_table(result: QuerySolutions, out: IO[bytes]) -> int:
    names = [v.value for v in result.variables]
    rows = [[cell(row[name]) for name in names] for row in result]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    lines = [
        "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({counted(len(rows), 'row')})")
    out.write(("\n".join(lines) + "\n").encode())
    return len(rows)
