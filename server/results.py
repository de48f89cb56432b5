"""Serialise query results into the bytes a client asked for, with a row cap.

SELECT results in SPARQL JSON, XML and CSV (and dashboard JSON, made from SPARQL JSON) are
written by pyoxigraph itself, in Rust: the service stops the serialiser once the page plus one
solution is written and cuts the document at the row cap or page (:mod:`server.slicing`), so a
cut is still stated and no answer holds more than the cap. TSV is written here, row by row
(pyoxigraph abbreviates numbers in TSV; pvkg has always sent full N-Triples terms), and so is
the rare CSV answer with a comma in an IRI (pyoxigraph does not quote IRIs). Boolean results
and RDF graphs (after capping) are written by pyoxigraph. The columns of a ``SELECT *`` come
in the query's order (:attr:`Page.columns`): pyoxigraph's JSON or XML head is rewritten, CSV
is then written here.

Formats (keys of :data:`SOLUTION_FORMATS` and :data:`GRAPH_FORMATS`):

* solutions: ``json`` (SPARQL 1.1 JSON), ``xml``, ``csv``, ``tsv`` and ``dashboard``
  (flat JSON: ``meta`` + ``columns`` + ``rows``, numbers as numbers);
* graphs: ``turtle``, ``ntriples``, ``jsonld``, ``rdfxml``.

How one term is written in each format is :mod:`server.cells`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any, cast

from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    serialize,
)

from kg.namespaces import PREFIXES
from server import slicing
from server.cells import csv_cell, json_kind, json_value, tsv_cell
from server.projection import ordered

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
    "nquads": "application/n-quads",
}
"""RDF graph formats by key, with the Content-Type each is sent with (N-Quads: Graph Store
Protocol graphs, with their graph name)."""

RDF_FORMATS: dict[str, RdfFormat] = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
    "nquads": RdfFormat.N_QUADS,
}
"""pyoxigraph's format for each key of :data:`GRAPH_FORMATS` (also the Graph Store bodies)."""
_BOOLEAN_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}


@dataclass
class Page:
    """Which rows to keep: skip ``offset``, keep at most ``limit``; and the column order.

    ``more`` is set after writing when rows were left over (so the answer is not complete).
    ``columns`` orders the columns of a ``SELECT *`` (:mod:`server.projection`); ``None`` keeps
    the engine's order.
    """

    limit: int
    offset: int = 0
    more: bool = False
    rows: int = 0
    started: float = field(default_factory=time.perf_counter)
    columns: tuple[str, ...] | None = None

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


# --- solutions -------------------------------------------------------------------------------

_NATIVE_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "dashboard": QueryResultsFormat.JSON,
}


def write_solutions(
    solutions: QuerySolutions,
    fmt: str,
    page: Page,
    meta: dict[str, Any] | None = None,
    *,
    again: Callable[[], QuerySolutions] | None = None,
) -> Written:
    """Serialise the rows of ``page`` in ``fmt`` (a key of :data:`SOLUTION_FORMATS`).

    Sets ``page.rows`` and ``page.more``.

    :param meta: for ``dashboard``: fields to put in ``meta`` (row count etc. are added).
    :param again: runs the query again, for the rare answer pyoxigraph cannot write faithfully
        (a CSV answer with a comma in an IRI), which is then written row by row here.
    """
    engine = [v.value for v in solutions.variables]
    names = engine if page.columns is None else ordered(engine, page.columns)
    if fmt not in _NATIVE_FORMATS or (fmt == "csv" and names != engine):
        return _write_rows(solutions, fmt, page, names)
    layout = slicing.JSON if fmt == "dashboard" else slicing.LAYOUTS[fmt]
    body, found = _serialise(solutions, _NATIVE_FORMATS[fmt], layout, page.offset + page.limit + 1)
    if names != engine:
        body = layout.with_head(body, names)
    stop = min(found, page.offset + page.limit)
    start = min(page.offset, stop)
    page.rows, page.more = stop - start, found > stop
    if start > 0 or page.more:
        body = layout.cut(body, start, stop, truncated=page.more and fmt != "dashboard")
    if not layout.faithful(body):
        if again is None:
            raise slicing.LayoutError(f"pyoxigraph's {fmt} answer is malformed")
        return _write_rows(again(), fmt, Page(page.limit, page.offset, started=page.started), names)
    if fmt == "dashboard":
        return _dashboard(body, page, meta or {})
    return Written(body, SOLUTION_FORMATS[fmt], page.rows, page.more)


class _Enough(Exception):  # noqa: N818 - a signal, not an error
    """Raised by :class:`_Sink` to stop pyoxigraph once enough solutions are written."""


class _Sink:
    """The file pyoxigraph writes a result document to; it stops the writer at ``wanted``.

    pyoxigraph writes in 8 KiB pieces; each piece is counted as it comes
    (:class:`server.slicing.Counter`), so pyoxigraph writes at most one piece past the page.
    """

    def __init__(self, layout: slicing.Layout, wanted: int) -> None:
        self.counter = layout.counter()
        self.wanted = wanted
        self.buffer = bytearray()
        self.found = 0
        self.stopped = False

    def write(self, data: bytes) -> int:
        """Append ``data``; raise :class:`_Enough` once ``wanted`` solutions are in."""
        self.buffer += data
        self.found = self.counter.feed(self.buffer)
        if self.found >= self.wanted:
            self.stopped = True
            raise _Enough
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the document stays in memory."""


def _serialise(
    solutions: QuerySolutions, fmt: QueryResultsFormat, layout: slicing.Layout, wanted: int
) -> tuple[bytes, int]:
    """pyoxigraph's document of ``solutions``, stopped once ``wanted`` solutions are in it,
    and the number of solutions in it (exact for a whole document; see
    :meth:`server.slicing.Counter.feed`)."""
    sink = _Sink(layout, wanted)
    try:
        solutions.serialize(cast(IO[bytes], sink), format=fmt)
    except _Enough:
        pass
    except OSError:
        if not sink.stopped:  # pyoxigraph may report our stop as a write error
            raise
    return bytes(sink.buffer), sink.found


def _write_rows(solutions: QuerySolutions, fmt: str, page: Page, names: list[str]) -> Written:
    """SPARQL TSV (terms in full N-Triples syntax) or CSV, written row by row."""
    rows = page.take(solutions)
    if fmt == "csv":
        lines = [",".join(names)]
        lines += [",".join(csv_cell(row[n]) for n in names) for row in rows]
        body = ("\r\n".join(lines) + "\r\n").encode()
    else:
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join(tsv_cell(row[n]) for n in names) for row in rows]
        body = ("\n".join(lines) + "\n").encode()
    return Written(body, SOLUTION_FORMATS[fmt], page.rows, page.more)


def _dashboard(document: bytes, page: Page, meta: dict[str, Any]) -> Written:
    """Dashboard JSON from a SPARQL JSON document (the page's rows, no truncation member)."""
    parsed = json.loads(document)
    names: list[str] = parsed["head"]["vars"]
    rows = [[binding.get(n) for n in names] for binding in parsed["results"]["bindings"]]
    columns = []
    for index, name in enumerate(names):
        kinds = {json_kind(r[index]) for r in rows if r[index] is not None}
        kind = kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "unbound")
        columns.append({"name": name, "datatype": kind})
    doc = {
        "meta": {
            **meta,
            "rows": len(rows),
            "truncated": page.more,
            "elapsed_ms": round((time.perf_counter() - page.started) * 1000, 2),
        },
        "columns": columns,
        "rows": [[json_value(cell) for cell in row] for row in rows],
    }
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    return Written(body, SOLUTION_FORMATS["dashboard"], len(rows), page.more, columns)


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


def write_triples(
    triples: Iterable[Triple], fmt: str, page: Page, graph: NamedNode | None = None
) -> Written:
    """Serialise at most ``page.limit`` triples in ``fmt`` (a key of :data:`GRAPH_FORMATS`).

    :param graph: the graph the triples are in, for N-Quads (``None``: the default graph).
    """
    kept = list(page.take(triples))
    items: list[Triple] | list[Quad] = kept
    if fmt == "nquads":
        name = graph or DefaultGraph()
        items = [Quad(t.subject, t.predicate, t.object, name) for t in kept]
    body = serialize(items, format=RDF_FORMATS[fmt], prefixes=dict(PREFIXES))
    if body is None:
        raise TypeError("pyoxigraph.serialize returned nothing")
    return Written(body, GRAPH_FORMATS[fmt], len(kept), page.more)
