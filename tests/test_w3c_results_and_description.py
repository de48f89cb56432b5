"""The W3C SPARQL 1.1 result-format and service-description tests, written for pvkg.

One test per test id of the ``json-res``, ``csv-tsv-res`` and ``service-description``
manifests of w3c/rdf-tests, named after it, against a live ``pvkg serve``. The manifests'
data files are not copied: each test writes data of the same shape (IRIs, a blank node,
plain, language-tagged and typed literals; for ``*03`` the corner cases: a double, a boolean,
a custom datatype, strings with a comma, quotes, a tab and a line break) into a graph of its
own, and queries it as the default graph (``default-graph-uri``), so the query text is the
manifest's. Results are compared as the specifications define them, rows unordered and blank
nodes by kind, not label (SPARQL 1.1 Query Results JSON, CSV and TSV Formats). One
difference from the manifest's expected files: the store keeps the value of a numeric literal,
not its lexical form (pyoxigraph), so ``"1.0E6"^^xsd:double`` comes back as ``1000000``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
import rdflib
import requests
from server_harness import build_store, serve

pytestmark = pytest.mark.integration

TOKEN = "w3c-results-token"
EX = "http://example.org/w3c-res/"
XSD = "http://www.w3.org/2001/XMLSchema#"
DATA = {
    "data": f"""
<{EX}s1> <{EX}p1> <{EX}s2> .
<{EX}s2> <{EX}p2> "foo" .
<{EX}s3> <{EX}p3> "bar"@en .
<{EX}s4> <{EX}p4> "4"^^<{XSD}integer> .
<{EX}s5> <{EX}p5> "5.5"^^<{XSD}decimal> .
<{EX}s6> <{EX}p6> _:b0 .
""",
    "data2": f"""
<{EX}s1> <{EX}p1> "1.0E6"^^<{XSD}double> .
<{EX}s2> <{EX}p2> "true"^^<{XSD}boolean> .
<{EX}s3> <{EX}p3> "x"^^<{EX}dt> .
<{EX}s4> <{EX}p4> "a, \\"b\\"" .
<{EX}s5> <{EX}p5> "tab\\there" .
<{EX}s6> <{EX}p6> "line\\nbreak" .
""",
}
Q01 = "SELECT * WHERE { ?S ?P ?O }"
Q02 = f"SELECT * WHERE {{ ?S ?P ?O OPTIONAL {{ ?O <{EX}p2> ?O2 }} }}"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    location = build_store(tmp_path_factory.mktemp("w3c-results"))
    with serve(location, "--timeout", "20", env={"PVKG_WRITE_TOKEN": TOKEN}) as url:
        for name, text in DATA.items():
            response = requests.put(
                url + "/rdf-graphs",
                params={"graph": EX + name},
                data=text.encode(),
                headers={
                    "Authorization": f"Bearer {TOKEN}",
                    "Content-Type": "application/n-triples",
                },
                timeout=30,
            )
            assert response.status_code == 201, response.text
        yield url


def run(base: str, query: str, data: str, accept: str) -> requests.Response:
    response = requests.get(
        base + "/sparql",
        params={"query": query, "default-graph-uri": EX + data},
        headers={"Accept": accept},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == accept
    return response


# --- JSON (json-res manifest) -------------------------------------------------------------------


Row = dict[str, tuple[str, ...]]


def _json_rows(response: requests.Response) -> tuple[list[str], list[Row]]:
    body = response.json()
    rows: list[Row] = []
    for binding in body["results"]["bindings"]:
        row: Row = {}
        for var, term in binding.items():
            if term["type"] == "bnode":
                row[var] = ("bnode",)  # labels are the service's own
            else:
                extra = term.get("xml:lang") or term.get("datatype") or ""
                row[var] = (term["type"], term["value"], extra)
        rows.append(row)
    return body["head"]["vars"], rows


def _uri(name: str) -> tuple[str, str, str]:
    return ("uri", EX + name, "")


DATA_ROWS: list[Row] = [
    {"S": _uri("s1"), "P": _uri("p1"), "O": _uri("s2")},
    {"S": _uri("s2"), "P": _uri("p2"), "O": ("literal", "foo", "")},
    {"S": _uri("s3"), "P": _uri("p3"), "O": ("literal", "bar", "en")},
    {"S": _uri("s4"), "P": _uri("p4"), "O": ("literal", "4", XSD + "integer")},
    {"S": _uri("s5"), "P": _uri("p5"), "O": ("literal", "5.5", XSD + "decimal")},
    {"S": _uri("s6"), "P": _uri("p6"), "O": ("bnode",)},
]


def _unordered(rows: list[Row]) -> list[str]:
    return sorted(repr(sorted(row.items())) for row in rows)


def test_jsonres01(base: str) -> None:
    variables, rows = _json_rows(run(base, Q01, "data", "application/sparql-results+json"))
    assert variables == ["S", "P", "O"]
    assert _unordered(rows) == _unordered(DATA_ROWS)


def test_jsonres02(base: str) -> None:
    variables, rows = _json_rows(run(base, Q02, "data", "application/sparql-results+json"))
    assert variables == ["S", "P", "O", "O2"]
    expected = [dict(row) for row in DATA_ROWS]
    expected[0]["O2"] = ("literal", "foo", "")  # only s2 has a p2; unbound O2 is absent
    assert _unordered(rows) == _unordered(expected)


@pytest.mark.parametrize(
    ("test_id", "query", "answer"),
    [
        ("jsonres03", f"ASK {{ <{EX}s2> <{EX}p2> 'foo' }}", True),
        ("jsonres04", f"ASK {{ <{EX}s2> <{EX}p2> 'bar' }}", False),
    ],
)
def test_jsonres_ask(base: str, test_id: str, query: str, answer: bool) -> None:
    body = run(base, query, "data", "application/sparql-results+json").json()
    assert body == {"head": {}, "boolean": answer}


# --- CSV and TSV (csv-tsv-res manifest) ---------------------------------------------------------


def _csv(response: requests.Response) -> tuple[list[str], list[list[str]]]:
    assert "\r\n" in response.text  # records end with CRLF
    header, *rows = list(csv.reader(io.StringIO(response.text, newline="")))
    return header, rows


def _blank(cells: list[str]) -> list[str]:
    return ["_:" if cell.startswith("_:") else cell for cell in cells]


CSV_DATA = [
    [EX + "s1", EX + "p1", EX + "s2"],
    [EX + "s2", EX + "p2", "foo"],
    [EX + "s3", EX + "p3", "bar"],
    [EX + "s4", EX + "p4", "4"],
    [EX + "s5", EX + "p5", "5.5"],
    [EX + "s6", EX + "p6", "_:"],
]


def test_csv01(base: str) -> None:
    header, rows = _csv(run(base, Q01, "data", "text/csv"))
    assert header == ["S", "P", "O"]
    assert sorted(map(_blank, rows)) == sorted(CSV_DATA)


def test_csv02(base: str) -> None:
    header, rows = _csv(run(base, Q02, "data", "text/csv"))
    assert header == ["S", "P", "O", "O2"]
    expected = [[*row, "foo" if row[0] == EX + "s1" else ""] for row in CSV_DATA]
    assert sorted(map(_blank, rows)) == sorted(expected)


def test_csv03(base: str) -> None:
    response = run(base, Q01, "data2", "text/csv")
    header, rows = _csv(response)
    assert header == ["S", "P", "O"]
    values = {row[0].removeprefix(EX): row[2] for row in rows}
    # the store keeps a double's value, not its lexical form (pyoxigraph): any form of it
    assert float(values["s1"]) == 1.0e6
    assert values["s2"] == "true"
    assert values["s3"] == "x"
    assert values["s4"] == 'a, "b"'
    assert values["s5"] == "tab\there"
    assert values["s6"] == "line\nbreak"
    # fields with a comma, a quote or a line break are quoted, quotes doubled
    assert '"a, ""b"""' in response.text
    assert '"line\nbreak"' in response.text


def _tsv(response: requests.Response) -> tuple[list[str], list[list[str]]]:
    header, *rows = [line.split("\t") for line in response.text.rstrip("\n").split("\n")]
    return header, rows


def _term(cell: str) -> rdflib.term.Node | str:
    """A TSV cell as an RDF term (parsed as the object of an N-Triples-like Turtle line)."""
    if cell.startswith("_:"):
        return "_:"
    graph = rdflib.Graph().parse(data=f"<urn:s> <urn:p> {cell} .", format="turtle")
    return next(iter(graph.objects()))


def _tsv_rows(rows: list[list[str]]) -> list[list[rdflib.term.Node | str]]:
    return sorted(([_term(c) if c else "" for c in row] for row in rows), key=repr)


def _expected_terms(text: str, optional: dict[str, str] | None = None) -> list[list[object]]:
    graph = rdflib.Graph().parse(data=text, format="nt")
    out: list[list[object]] = []
    for s, p, o in graph:
        row: list[object] = [s, p, "_:" if isinstance(o, rdflib.BNode) else o]
        if optional is not None:
            row.append(rdflib.Literal(optional[str(s)]) if str(s) in optional else "")
        out.append(row)
    return sorted(out, key=repr)


def test_tsv01(base: str) -> None:
    header, rows = _tsv(run(base, Q01, "data", "text/tab-separated-values"))
    assert header == ["?S", "?P", "?O"]
    assert _tsv_rows(rows) == _expected_terms(DATA["data"])


def test_tsv02(base: str) -> None:
    header, rows = _tsv(run(base, Q02, "data", "text/tab-separated-values"))
    assert header == ["?S", "?P", "?O", "?O2"]
    assert _tsv_rows(rows) == _expected_terms(DATA["data"], {EX + "s1": "foo"})


def test_tsv03(base: str) -> None:
    response = run(base, Q01, "data2", "text/tab-separated-values")
    header, rows = _tsv(response)
    assert header == ["?S", "?P", "?O"]
    assert len(rows) == 6  # the tab and the line break inside strings are escaped
    assert _tsv_rows(rows) == _expected_terms(DATA["data2"])


# --- service description (service-description manifest) ------------------------------------------

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
SD_CLASSES = {
    "Service", "Feature", "Language", "Function", "Aggregate", "EntailmentRegime",
    "EntailmentProfile", "GraphCollection", "Dataset", "NamedGraph", "Graph",
}  # fmt: skip
SD_PROPERTIES = {
    "endpoint", "feature", "defaultEntailmentRegime", "entailmentRegime",
    "defaultSupportedEntailmentProfile", "supportedEntailmentProfile", "extensionFunction",
    "extensionAggregate", "languageExtension", "supportedLanguage", "propertyFeature",
    "defaultDataset", "availableGraphs", "resultFormat", "inputFormat", "defaultGraph",
    "namedGraph", "name", "graph",
}  # fmt: skip
SD_LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
SD_FEATURES = {
    SD.DereferencesURIs, SD.UnionDefaultGraph, SD.RequiresDataset, SD.EmptyGraphs,
    SD.BasicFederatedQuery,
}  # fmt: skip


def description(base: str) -> rdflib.Graph:
    response = requests.get(base + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.text, format="turtle")


def test_returns_rdf(base: str) -> None:
    for accept, kind in (("text/turtle", "turtle"), ("application/rdf+xml", "xml")):
        response = requests.get(base + "/sparql", headers={"Accept": accept}, timeout=30)
        assert response.status_code == 200
        assert response.headers["Content-Type"].split(";")[0] == accept
        assert len(rdflib.Graph().parse(data=response.text, format=kind)) > 0


def test_has_endpoint_triple(base: str) -> None:
    endpoint = rdflib.URIRef(base + "/sparql")
    assert (endpoint, SD.endpoint, endpoint) in description(base)


def test_conforms_to_schema(base: str) -> None:
    graph = description(base)
    sd_terms = {t for triple in graph for t in triple if str(t).startswith(str(SD))}
    used = {str(t).removeprefix(str(SD)) for t in sd_terms}
    known = (
        SD_CLASSES
        | SD_PROPERTIES
        | {str(t).removeprefix(str(SD)) for t in SD_LANGUAGES | SD_FEATURES}
    )
    assert used <= known, used - known
    services = set(graph.subjects(rdflib.RDF.type, SD.Service))
    assert services
    for service in services:
        endpoints = list(graph.objects(service, SD.endpoint))
        assert endpoints and all(isinstance(e, rdflib.URIRef) for e in endpoints)
        assert set(graph.objects(service, SD.supportedLanguage)) <= SD_LANGUAGES
        assert set(graph.objects(service, SD.feature)) <= SD_FEATURES
        assert all(isinstance(f, rdflib.URIRef) for f in graph.objects(service, SD.resultFormat))
        for dataset in graph.objects(service, SD.defaultDataset):
            assert (dataset, rdflib.RDF.type, SD.Dataset) in graph
            for default in graph.objects(dataset, SD.defaultGraph):
                assert (default, rdflib.RDF.type, SD.Graph) in graph
            for named in graph.objects(dataset, SD.namedGraph):
                assert (named, rdflib.RDF.type, SD.NamedGraph) in graph
                names = list(graph.objects(named, SD.name))
                assert len(names) == 1 and isinstance(names[0], rdflib.URIRef)
