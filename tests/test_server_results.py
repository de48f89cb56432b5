"""Answers written by pyoxigraph and cut by the service (``server.results``, ``server.slicing``).

Expected rows come from walking the same query's solutions in Python (pyoxigraph's iterator,
not its serialiser); the service's bytes are read back with pyoxigraph's result parser (JSON,
XML) or Python's ``csv`` module. The terms are chosen to look like the separators the cutter
looks for: ``},{``, ``[{``, ``<result>``, quotes, commas and line breaks inside literals.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pyoxigraph import (
    BaseDirection,
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    Store,
    parse_query_results,
)

from server import slicing
from server.cells import json_term
from server.results import Page, write_solutions

XSD = "http://www.w3.org/2001/XMLSchema#"
P = NamedNode("http://example.org/p")
AWKWARD: list[NamedNode | BlankNode | Literal] = [
    Literal('"},{"'),
    Literal('[{"x":1},{}]'),
    Literal("a,b"),
    Literal("line\r\nbreak\nand\rmore"),
    Literal("<result><binding name='x'/></result>"),
    Literal("tab\tthere"),
    Literal("ünïcødé ✓"),
    Literal('"'),
    Literal("\\"),
    Literal('\\"'),
    Literal(""),
    Literal("chat", language="fr"),
    Literal("42", datatype=NamedNode(XSD + "integer")),
    Literal("2.5", datatype=NamedNode(XSD + "decimal")),
    Literal("true", datatype=NamedNode(XSD + "boolean")),
    Literal("1e3", datatype=NamedNode(XSD + "double")),
    BlankNode("b0"),
    NamedNode("http://example.org/o?a=1&b=%7B2%7D,x"),
    Literal("x},{"),
    Literal("},{", datatype=NamedNode(XSD + "token")),
]
QUERY = """
SELECT ?s ?o ?extra WHERE {
  { ?s <http://example.org/p> ?o } UNION { VALUES ?extra { %s } }
} ORDER BY STR(?s) STR(?o) ?extra
"""
FORMATS = {"json": QueryResultsFormat.JSON, "xml": QueryResultsFormat.XML}
LAYOUTS = [
    (slicing.JSON, QueryResultsFormat.JSON),
    (slicing.XML, QueryResultsFormat.XML),
    (slicing.CSV, QueryResultsFormat.CSV),
]


@dataclass(frozen=True)
class Data:
    """A store of awkward terms and a query over it (``{}`` in it or not: two ways to count)."""

    store: Store
    query: str


@pytest.fixture(scope="module", params=["with-empty-solutions", "without-braces-pair"])
def data(request: pytest.FixtureRequest) -> Data:
    opened = Store()
    empty = request.param == "with-empty-solutions"
    for n, term in enumerate(AWKWARD):
        if not empty and "{}" in str(term):
            term = Literal(term.value.replace("{}", "{ }"))
        opened.add(Quad(NamedNode(f"http://example.org/s{n:02d}"), P, term))
    return Data(opened, QUERY % ('UNDEF "x"' if empty else '"x" "y"'))


def solutions(data: Data) -> QuerySolutions:
    result = data.store.query(data.query)
    assert isinstance(result, QuerySolutions)
    return result


def expected_rows(data: Data) -> list[tuple[Any, ...]]:
    result = solutions(data)
    names = [v.value for v in result.variables]
    return [tuple(row[n] for n in names) for row in result]


def parsed_rows(body: bytes, fmt: str) -> list[tuple[Any, ...]]:
    result = parse_query_results(body, format=FORMATS[fmt])
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    assert names == ["s", "o", "extra"]
    return [tuple(row[n] for n in names) for row in result]


def csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return str(term.value)


TOTAL = len(AWKWARD) + 2
PAGES = [
    (0, 1000),
    (0, TOTAL),
    (0, TOTAL - 1),
    (0, 1),
    (3, 4),
    (TOTAL - 2, 5),
    (TOTAL - 1, 1),
    (TOTAL, 3),
    (TOTAL + 5, 2),
]


@pytest.mark.parametrize(("offset", "limit"), PAGES)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_pages_parse_to_the_solutions(data: Data, fmt: str, offset: int, limit: int) -> None:
    everything = expected_rows(data)
    assert len(everything) == TOTAL
    page = Page(limit=limit, offset=offset)
    written = write_solutions(solutions(data), fmt, page)
    wanted = everything[offset : offset + limit]
    assert parsed_rows(written.body, fmt) == wanted
    more = offset + limit < TOTAL
    assert (written.rows, written.truncated, page.rows, page.more) == (
        len(wanted),
        more,
        len(wanted),
        more,
    )
    if fmt == "json":
        assert json.loads(written.body).get("truncated", False) is more
    else:
        assert (b'<link href="#truncated"/>' in written.body) is more


@pytest.mark.parametrize(("offset", "limit"), PAGES)
def test_csv_pages(data: Data, offset: int, limit: int) -> None:
    wanted = expected_rows(data)[offset : offset + limit]
    page = Page(limit=limit, offset=offset)
    written = write_solutions(solutions(data), "csv", page, again=lambda: solutions(data))
    rows = list(csv.reader(io.StringIO(written.body.decode(), newline="")))
    assert rows[0] == ["s", "o", "extra"]
    assert rows[1:] == [[csv_value(t) for t in row] for row in wanted]
    assert written.rows == len(wanted)
    assert written.truncated is (offset + limit < TOTAL)


def test_csv_without_commas_in_iris_is_pyoxigraphs() -> None:
    plain = Store()
    plain.add(Quad(NamedNode("http://example.org/s"), P, Literal('a, "b"')))

    def refuse() -> QuerySolutions:
        raise AssertionError("the query should not run twice")

    result = plain.query("SELECT ?s ?o WHERE { ?s ?p ?o }")
    written = write_solutions(result, "csv", Page(10), again=refuse)  # type: ignore[arg-type]
    assert written.body == b's,o\r\nhttp://example.org/s,"a, ""b"""\r\n'


def test_csv_with_a_comma_in_an_iri_is_never_sent_malformed(data: Data) -> None:
    with pytest.raises(slicing.LayoutError):
        write_solutions(solutions(data), "csv", Page(limit=1000))


def test_tsv_keeps_full_terms(data: Data) -> None:
    written = write_solutions(solutions(data), "tsv", Page(limit=1000))
    lines = written.body.decode().split("\n")
    assert lines[0] == "?s\t?o\t?extra" and lines[-1] == ""
    assert len(lines) == TOTAL + 2  # header, rows, trailing newline
    assert f"<http://example.org/s12>\t{AWKWARD[12]}\t" in lines  # "42"^^<…#integer>
    assert '"42"^^<http://www.w3.org/2001/XMLSchema#integer>' in str(AWKWARD[12])


def test_dashboard_values_and_columns(data: Data) -> None:
    page = Page(limit=1000)
    query = "SELECT ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?s"
    stored = [row[0] for row in data.store.query(query)]  # type: ignore[union-attr]
    result = data.store.query(query)
    written = write_solutions(result, "dashboard", page, {"query": "q"})  # type: ignore[arg-type]
    body = json.loads(written.body)
    values = [row[0] for row in body["rows"]]
    assert values[11:] == ["chat", 42, 2.5, True, 1000.0, "_:b0", AWKWARD[17].value, "x},{", "},{"]
    assert values[:11] == [t.value for t in stored[:11]]
    assert body["columns"] == [{"name": "o", "datatype": "mixed"}]
    assert body["meta"]["query"] == "q" and body["meta"]["rows"] == len(AWKWARD)
    assert body["meta"]["truncated"] is False and "truncated" not in body


@pytest.mark.parametrize(
    ("term", "kind"),
    [
        (Literal("x"), "xsd:string"),
        (Literal("x", language="en"), "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"),
        (Literal("2024-01-02", datatype=NamedNode(XSD + "date")), "xsd:date"),
        (Literal("x", datatype=NamedNode("http://example.org/dt")), "http://example.org/dt"),
        (NamedNode("http://example.org/a"), "iri"),
        (BlankNode("b1"), "bnode"),
    ],
)
def test_dashboard_column_kinds(term: Any, kind: str) -> None:
    one = Store()
    one.add(Quad(NamedNode("http://example.org/s"), P, term))
    result = one.query("SELECT ?o WHERE { ?s ?p ?o }")
    written = write_solutions(result, "dashboard", Page(limit=10))  # type: ignore[arg-type]
    assert json.loads(written.body)["columns"] == [{"name": "o", "datatype": kind}]


def test_dashboard_triple_terms_and_directions() -> None:
    result = Store().query(
        'SELECT ?t ?d WHERE { BIND(<<( <http://example.org/a> <http://example.org/b> "c" )>> AS ?t)'
        ' BIND(STRLANGDIR("x", "ar", "rtl") AS ?d) }'
    )
    written = write_solutions(result, "dashboard", Page(limit=10))  # type: ignore[arg-type]
    body = json.loads(written.body)
    assert body["rows"] == [['<http://example.org/a> <http://example.org/b> "c"', "x"]]
    assert body["columns"] == [
        {"name": "t", "datatype": "triple"},
        {"name": "d", "datatype": "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"},
    ]


def test_dashboard_truncates_and_pages(data: Data) -> None:
    page = Page(limit=3, offset=2)
    written = write_solutions(solutions(data), "dashboard", page)
    body = json.loads(written.body)
    wanted = expected_rows(data)[2:5]
    assert [row[0] for row in body["rows"]] == [row[0].value for row in wanted]
    assert body["meta"]["rows"] == 3 and body["meta"]["truncated"] is True


def test_json_term_inverts_the_writer(data: Data) -> None:
    body = solutions(data).serialize(format=QueryResultsFormat.JSON)
    assert body is not None
    bindings = json.loads(body)["results"]["bindings"]
    terms = [json_term(b["o"]) for b in bindings if "o" in b]
    assert terms == [row[1] for row in expected_rows(data) if row[1] is not None]
    triple = {
        "type": "triple",
        "value": {
            "subject": {"type": "uri", "value": "http://example.org/s"},
            "predicate": {"type": "uri", "value": P.value},
            "object": {"type": "literal", "value": "x", "xml:lang": "ar", "its:dir": "rtl"},
        },
    }
    made = json_term(triple)
    assert str(made) == '<http://example.org/s> <http://example.org/p> "x"@ar--rtl'
    assert made.object.direction == BaseDirection.RTL


def prefixes(body: bytes) -> Iterator[bytes]:
    for length in range(len(body) + 1):
        yield body[:length]


@pytest.mark.parametrize(("layout", "fmt"), LAYOUTS)
def test_partial_documents_count_only_real_solutions(
    data: Data, layout: slicing.Layout, fmt: QueryResultsFormat
) -> None:
    """Every prefix of a document (where pyoxigraph may be stopped) is counted safely."""
    full = solutions(data).serialize(format=fmt)
    assert full is not None
    assert layout.count(full) == TOTAL
    if fmt == QueryResultsFormat.JSON:  # both ways of counting are exercised
        assert (b"{}" in full) is ("UNDEF" in data.query)
    previous = 0
    for prefix in prefixes(full):
        found = layout.count(prefix)
        assert previous <= found <= TOTAL
        previous = found
        if found >= 2:
            assert layout.cut(prefix, 0, found - 1, truncated=True) == layout.cut(
                full, 0, found - 1, truncated=True
            )


@pytest.mark.parametrize("step", [1, 7, 8192])
@pytest.mark.parametrize(("layout", "fmt"), LAYOUTS)
def test_counting_a_growing_document(
    data: Data, layout: slicing.Layout, fmt: QueryResultsFormat, step: int
) -> None:
    """Fed piece by piece (as pyoxigraph writes), a counter never counts a solution twice."""
    full = solutions(data).serialize(format=fmt)
    assert full is not None
    counter = layout.counter()
    slow = fmt == QueryResultsFormat.JSON and b"{}" in full  # recounts only when doubled
    for end in [*range(0, len(full), step), len(full)]:
        known = counter.feed(bytearray(full[:end]))
        if slow:
            assert known <= layout.count(full[:end])
        else:
            assert known == layout.count(full[:end])
    if not slow:
        assert known == TOTAL


def test_empty_and_variable_free_results() -> None:
    empty = Store()
    for fmt in ("json", "xml", "csv"):
        none = write_solutions(empty.query("SELECT ?x WHERE { FILTER(false) }"), fmt, Page(5))  # type: ignore[arg-type]
        one = write_solutions(empty.query("SELECT * WHERE {}"), fmt, Page(5))  # type: ignore[arg-type]
        capped = write_solutions(empty.query("SELECT * WHERE {}"), fmt, Page(0))  # type: ignore[arg-type]
        assert (none.rows, none.truncated) == (0, False)
        assert (one.rows, one.truncated) == (1, False)
        assert (capped.rows, capped.truncated) == (0, True)
        if fmt != "csv":
            assert parsed_rows_any(none.body, fmt) == []
            assert parsed_rows_any(one.body, fmt) == [()]
            assert parsed_rows_any(capped.body, fmt) == []


def parsed_rows_any(body: bytes, fmt: str) -> list[tuple[Any, ...]]:
    result = parse_query_results(body, format=FORMATS[fmt])
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(row[n] for n in names) for row in result]


def test_serialisation_stops_at_the_page() -> None:
    """pyoxigraph is stopped once the page and one more solution are written."""
    big = Store()
    for n in range(200):
        big.add(Quad(NamedNode(f"http://example.org/s{n}"), P, Literal(str(n))))
    evaluated = 0

    def touch(term: Any) -> Any:
        nonlocal evaluated
        evaluated += 1
        return term

    result = big.query(
        "SELECT ?a ?b ?c ?t WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z "
        "BIND(<http://example.org/touch>(?a) AS ?t) }",
        custom_functions={NamedNode("http://example.org/touch"): touch},
    )
    written = write_solutions(result, "json", Page(limit=10))  # type: ignore[arg-type]
    assert (written.rows, written.truncated) == (10, True)
    assert len(json.loads(written.body)["results"]["bindings"]) == 10
    assert evaluated < 10_000  # of 8,000,000 solutions
