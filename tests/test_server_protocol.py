"""The SPARQL 1.1 Protocol query operation of ``pvkg serve``, with real clients over HTTP.

Each test talks to a real ``pvkg serve`` process (see ``server_harness``) over loopback; the
expected answers come from the fixture graph (``tests/fixtures/server/graph.nt`` + filler).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from server_harness import (
    EXTRA_GRAPH,
    FILLER,
    PVID,
    QUERIES,
    REPO,
    TEST_GRAPH,
    TEST_TRIPLES,
    build_store,
    serve,
)
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

pytest_plugins = ("server_harness",)
pytestmark = pytest.mark.integration

PREFIXES = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX pv: <https://w3id.org/pvkg/ontology#>\n"
    "PREFIX pvid: <https://w3id.org/pvkg/id/>\n"
)
LOOKUP = (
    PREFIXES
    + "SELECT ?label ?reports WHERE { pvid:drug\\/infliximab rdfs:label ?label ;"
    + " pv:reportCount ?reports }"
)
NOTE = PREFIXES + "SELECT ?note WHERE { pvid:drug\\/infliximab pv:note ?note }"
ASK = PREFIXES + 'ASK { ?c rdfs:label "psoriasis" }'
CONSTRUCT = (
    PREFIXES + "CONSTRUCT { pvid:drug\\/adalimumab ?p ?o } WHERE { pvid:drug\\/adalimumab ?p ?o }"
)
ADALIMUMAB = rdflib.URIRef(PVID + "drug/adalimumab")
SR = "{http://www.w3.org/2005/sparql-results#}"

SOLUTION_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_TYPES = {
    "turtle": ("text/turtle; charset=utf-8", "turtle"),
    "nt": ("application/n-triples", "nt"),
    "jsonld": ("application/ld+json", "json-ld"),
    "rdfxml": ("application/rdf+xml", "xml"),
}


def sparql(base: str, query: str, accept: str | None = None, **params: str) -> requests.Response:
    headers = {} if accept is None else {"Accept": accept}
    return requests.get(
        base + "/sparql", params={"query": query, **params}, headers=headers, timeout=30
    )


def lookup_values(kind: str, body: bytes) -> tuple[str, str]:
    """(label, reports) from one LOOKUP answer, parsed by format."""
    text = body.decode("utf-8")
    if kind == "json":
        row = json.loads(text)["results"]["bindings"][0]
        assert row["reports"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
        return row["label"]["value"], row["reports"]["value"]
    if kind == "xml":
        root = ET.fromstring(body)
        bindings = {b.get("name"): b[0].text for b in root.iter(SR + "binding")}
        return bindings["label"], bindings["reports"]
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["label", "reports"]
        return rows[1][0], rows[1][1]
    lines = text.splitlines()
    assert lines[0] == "?label\t?reports"
    label, reports = lines[1].split("\t")
    assert reports == '"12"^^<http://www.w3.org/2001/XMLSchema#integer>'
    return label.strip('"'), "12"


SELECT_ACCEPTS = [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
    ("application/xml", "xml"),
    ("*/*", "json"),
    (None, "json"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "xml"),
    ("application/sparql-results+json;q=0, */*;q=0.1", "xml"),
    ("text/*", "csv"),
    ("text/turtle;q=1.0, text/tab-separated-values;q=0.2", "tsv"),
]
"""Accept headers of a SELECT query and the format each must give."""


@pytest.mark.parametrize(("accept", "kind"), SELECT_ACCEPTS)
def test_select_accept(server: str, accept: str | None, kind: str) -> None:
    response = sparql(server, LOOKUP, accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == SOLUTION_TYPES[kind]
    assert lookup_values(kind, response.content) == ("infliximab", "12")


@pytest.mark.parametrize("kind", ["json", "xml", "csv", "tsv"])
def test_format_parameter_overrides_accept(server: str, kind: str) -> None:
    response = sparql(server, LOOKUP, "text/turtle", format=kind)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == SOLUTION_TYPES[kind]
    assert lookup_values(kind, response.content) == ("infliximab", "12")


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdfxml"),
        ("*/*", "turtle"),
        (None, "turtle"),
        ("application/rdf+xml;q=0.4, application/n-triples;q=0.8", "nt"),
    ],
)
def test_construct_accept(server: str, accept: str | None, kind: str) -> None:
    response = sparql(server, CONSTRUCT, accept)
    assert response.status_code == 200
    media_type, rdflib_format = GRAPH_TYPES[kind]
    assert response.headers["Content-Type"] == media_type
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    # adalimumab has 4 triples in the fixture: type, label, exactMatch, reportCount
    assert len(graph) == 4
    assert (ADALIMUMAB, rdflib.RDFS.label, rdflib.Literal("adalimumab")) in graph


@pytest.mark.parametrize("kind", ["json", "xml", "csv", "tsv"])
def test_ask(server: str, kind: str) -> None:
    response = sparql(server, ASK, SOLUTION_TYPES[kind].split(";")[0])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == SOLUTION_TYPES[kind]
    text = response.text
    if kind == "json":
        assert json.loads(text)["boolean"] is True
    elif kind == "xml":
        assert ET.fromstring(response.content).find(SR + "boolean").text == "true"
    else:
        assert "true" in text


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (LOOKUP, "text/turtle"),
        (CONSTRUCT, "application/sparql-results+json"),
        (LOOKUP, "image/png"),
    ],
)
def test_not_acceptable(server: str, query: str, accept: str) -> None:
    response = sparql(server, query, accept)
    assert response.status_code == 406
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 406


def test_post_form_and_direct(server: str) -> None:
    form = requests.post(
        server + "/sparql", data={"query": LOOKUP}, headers={"Accept": "text/csv"}, timeout=30
    )
    direct = requests.post(
        server + "/sparql",
        data=LOOKUP.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        timeout=30,
    )
    for response in (form, direct):
        assert response.status_code == 200
        assert lookup_values("csv", response.content) == ("infliximab", "12")


POST_FORMS = ["form", "direct"]


def post(base: str, how: str, query: str, accept: str | None, **dataset: str) -> requests.Response:
    """POST ``query`` as a form (dataset in the body) or directly (dataset in the URL)."""
    headers = {} if accept is None else {"Accept": accept}
    if how == "form":
        return requests.post(
            base + "/sparql", data={"query": query, **dataset}, headers=headers, timeout=30
        )
    return requests.post(
        base + "/sparql",
        params=dataset,
        data=query.encode(),
        headers={**headers, "Content-Type": "application/sparql-query; charset=utf-8"},
        timeout=30,
    )


@pytest.mark.parametrize("how", POST_FORMS)
@pytest.mark.parametrize(("accept", "kind"), SELECT_ACCEPTS)
def test_post_select_every_format(server: str, how: str, accept: str | None, kind: str) -> None:
    response = post(server, how, LOOKUP, accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == SOLUTION_TYPES[kind]
    assert lookup_values(kind, response.content) == ("infliximab", "12")


@pytest.mark.parametrize("how", POST_FORMS)
@pytest.mark.parametrize("kind", list(GRAPH_TYPES))
def test_post_construct_every_format(server: str, how: str, kind: str) -> None:
    media_type, rdflib_format = GRAPH_TYPES[kind]
    response = post(server, how, CONSTRUCT, media_type.split(";")[0])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    assert len(rdflib.Graph().parse(data=response.content, format=rdflib_format)) == 4


@pytest.mark.parametrize("how", POST_FORMS)
def test_post_dataset_parameters(server: str, how: str) -> None:
    query = PREFIXES + "SELECT ?note WHERE { pvid:drug\\/infliximab pv:extraNote ?note }"
    union = post(server, how, query, None).json()["results"]["bindings"]
    assert [b["note"]["value"] for b in union] == ["only in test-extra"]
    only_test = post(server, how, query, None, **{"default-graph-uri": TEST_GRAPH.value})
    assert only_test.json()["results"]["bindings"] == []
    only_extra = post(server, how, query, None, **{"default-graph-uri": EXTRA_GRAPH.value})
    assert len(only_extra.json()["results"]["bindings"]) == 1


@pytest.mark.parametrize(
    ("query", "accept", "kind"),
    [
        (ASK, None, "json"),
        (ASK, "*/*", "json"),
        (ASK, "text/*", "csv"),
        (ASK, "application/xml", "xml"),
        (LOOKUP, "text/xml", "xml"),
        (LOOKUP, "application/sparql-results+json; charset=utf-8", "json"),
        (LOOKUP, "application/sparql-results+xml;q=0, text/csv;q=0.1", "csv"),
    ],
)
def test_more_solution_accepts(server: str, query: str, accept: str | None, kind: str) -> None:
    response = sparql(server, query, accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == SOLUTION_TYPES[kind]


@pytest.mark.parametrize(
    ("accept", "fmt", "media_type"),
    [
        ("application/x-turtle", None, "text/turtle; charset=utf-8"),
        ("text/plain", None, "application/n-triples"),
        ("application/json", None, "application/ld+json"),
        ("application/xml", None, "application/rdf+xml"),
        ("text/turtle;q=0, */*;q=0.5", None, "application/n-triples"),
        ("text/turtle", "nt", "application/n-triples"),
        ("text/turtle", "json-ld", "application/ld+json"),
        (None, "application/rdf+xml", "application/rdf+xml"),
    ],
)
def test_more_graph_accepts(
    server: str, accept: str | None, fmt: str | None, media_type: str
) -> None:
    params = {} if fmt is None else {"format": fmt}
    for query in (CONSTRUCT, "DESCRIBE <" + PVID + "drug/adalimumab>"):
        response = sparql(server, query, accept, **params)
        assert response.status_code == 200, query
        assert response.headers["Content-Type"] == media_type


@pytest.mark.parametrize(
    ("query", "accept", "fmt"),
    [
        (ASK, "text/turtle", None),
        ("DESCRIBE <" + PVID + "drug/adalimumab>", "text/csv", None),
        (CONSTRUCT, "application/sparql-results+xml", None),
        (LOOKUP, "application/json;q=0, application/sparql-results+json;q=0", None),
        (LOOKUP, None, "bogus"),
        (CONSTRUCT, None, "csv"),
    ],
)
def test_more_not_acceptable(server: str, query: str, accept: str | None, fmt: str | None) -> None:
    params = {} if fmt is None else {"format": fmt}
    response = sparql(server, query, accept, **params)
    assert response.status_code == 406
    problem_body(response, 406)
    if query is LOOKUP:  # the detail lists what is on offer
        assert "application/sparql-results+json" in response.json()["detail"]


def problem_body(response: requests.Response, status: int) -> dict[str, object]:
    """The RFC 9457 problem of ``response``, checked for shape."""
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert str(body["type"]).startswith("https://w3id.org/pvkg/problems/")
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["instance"] == "/sparql"
    assert "Traceback" not in response.text
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("request_kwargs", "status", "kind"),
    [
        ({"method": "GET", "params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "bad-query"),
        ({"method": "POST", "data": {"query": "ASK {"}}, 400, "bad-query"),
        (
            {
                "method": "POST",
                "data": b"SELEC * {}",
                "headers": {"Content-Type": "application/sparql-query"},
            },
            400,
            "bad-query",
        ),
        ({"method": "GET", "params": [("query", ASK), ("query", ASK)]}, 400, "bad-query"),
        ({"method": "POST", "data": {"other": "x"}}, 400, "bad-query"),
        (
            {
                "method": "POST",
                "params": {"query": ASK},
                "data": ASK.encode(),
                "headers": {"Content-Type": "application/sparql-query"},
            },
            400,
            "bad-query",
        ),
        ({"method": "GET", "params": {"query": ASK, "format": "json"}}, 200, ""),
        ({"method": "POST", "data": b"x", "headers": {"Content-Type": "text/plain"}}, 415, ""),
        ({"method": "PUT", "data": {"query": ASK}}, 405, "method-not-allowed"),
        ({"method": "DELETE"}, 405, "method-not-allowed"),
        ({"method": "POST", "data": {"update": "CLEAR ALL"}}, 403, "refused"),
        ({"method": "POST", "data": {"query": "# " + "x" * 70000 + "\nASK {}"}}, 413, ""),
    ],
)
def test_problem_bodies(
    server: str, request_kwargs: dict[str, object], status: int, kind: str
) -> None:
    response = requests.request(url=server + "/sparql", timeout=30, **request_kwargs)  # type: ignore[arg-type]
    if status == 200:
        assert response.json()["boolean"] is True  # control: the same shape of request works
        return
    body = problem_body(response, status)
    if kind:
        assert body["type"] == "https://w3id.org/pvkg/problems/" + kind
    if status == 405:
        assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_protocol_errors(server: str) -> None:
    bad = sparql(server, "SELECT * WHERE { ?s ?p }")
    assert bad.status_code == 400
    assert bad.headers["Content-Type"] == "application/problem+json"
    assert "Traceback" not in bad.text and bad.json()["detail"]
    two = requests.get(server + "/sparql", params=[("query", ASK), ("query", ASK)], timeout=30)
    assert two.status_code == 400
    missing = requests.post(server + "/sparql", data={"other": "x"}, timeout=30)
    assert missing.status_code == 400
    unsupported = requests.post(
        server + "/sparql", data=b"x", headers={"Content-Type": "text/plain"}, timeout=30
    )
    assert unsupported.status_code == 415
    put = requests.put(server + "/sparql", data={"query": ASK}, timeout=30)
    assert put.status_code == 405


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "GET", "params": {"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}},
        {"method": "POST", "data": {"update": "DROP ALL"}},
        {
            "method": "POST",
            "data": b"CLEAR ALL",
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {"method": "POST", "data": {"query": "DELETE WHERE { ?s ?p ?o }"}},
        {"method": "POST", "data": {"query": "LOAD <http://127.0.0.1:9/data.ttl>"}},
    ],
)
def test_updates_refused(server: str, request_kwargs: dict[str, object]) -> None:
    response = requests.request(url=server + "/sparql", timeout=30, **request_kwargs)  # type: ignore[arg-type]
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/problem+json"
    count = sparql(
        server, "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/pvkg/ontology#Drug> }"
    )
    assert count.json()["results"]["bindings"][0]["n"]["value"] == str(2 + FILLER)


def test_default_graph_is_union_and_dataset_parameters(server: str) -> None:
    query = PREFIXES + "SELECT ?note WHERE { pvid:drug\\/infliximab pv:extraNote ?note }"
    union = sparql(server, query).json()["results"]["bindings"]
    assert [b["note"]["value"] for b in union] == ["only in test-extra"]
    only_test = sparql(server, query, **{"default-graph-uri": TEST_GRAPH.value}).json()
    assert only_test["results"]["bindings"] == []
    graphs = requests.get(
        server + "/sparql",
        params=[
            ("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
            ("named-graph-uri", EXTRA_GRAPH.value),
        ],
        timeout=30,
    ).json()
    assert [b["g"]["value"] for b in graphs["results"]["bindings"]] == [EXTRA_GRAPH.value]
    count = sparql(
        server,
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        **{"default-graph-uri": TEST_GRAPH.value},
    ).json()
    assert count["results"]["bindings"][0]["n"]["value"] == str(TEST_TRIPLES)


def test_row_cap_is_stated(server: str) -> None:
    response = sparql(server, "SELECT ?s WHERE { ?s a <https://w3id.org/pvkg/ontology#Drug> }")
    body = response.json()
    assert len(body["results"]["bindings"]) == 100  # --max-rows 100 < 152 drugs
    assert body["truncated"] is True
    assert response.headers["Pvkg-Truncated"] == "true"
    small = sparql(server, LOOKUP)
    assert "Pvkg-Truncated" not in small.headers and "truncated" not in small.json()


@pytest.mark.parametrize("kind", ["json", "xml", "csv", "tsv"])
def test_row_cap_stops_a_huge_answer(server: str, kind: str) -> None:
    """~3e8 solutions: written whole they would run past the 2 s deadline (504)."""
    query = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }"
    response = sparql(server, query, SOLUTION_TYPES[kind].split(";")[0])
    assert response.status_code == 200
    assert response.headers["Pvkg-Truncated"] == "true"
    assert response.headers["Pvkg-Rows"] == "100"
    text = response.text
    if kind == "json":
        body = response.json()
        assert body["truncated"] is True and len(body["results"]["bindings"]) == 100
    elif kind == "xml":
        root = ET.fromstring(response.content)
        assert len(root.findall(f"{SR}results/{SR}result")) == 100
        assert root.find(f"{SR}head/{SR}link").get("href") == "#truncated"
    else:
        assert len(text.splitlines()) == 101


def test_csv_quoting_and_language(server: str) -> None:
    rows = list(csv.reader(io.StringIO(sparql(server, NOTE, "text/csv").text)))
    assert rows == [["note"], ['comma, "quote"\nand newline']]
    binding = sparql(server, NOTE).json()["results"]["bindings"][0]["note"]
    assert binding == {"type": "literal", "value": 'comma, "quote"\nand newline', "xml:lang": "en"}


@pytest.mark.parametrize(("fmt", "key"), [(JSON, "json"), (XML, "xml"), (CSV, "csv")])
def test_sparqlwrapper(server: str, fmt: str, key: str) -> None:
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(LOOKUP)
    client.setReturnFormat(fmt)
    result = client.query()
    body = result.response.read()
    assert lookup_values(key, body) == ("infliximab", "12")


def test_sparqlwrapper_post(server: str) -> None:
    client = SPARQLWrapper(server + "/sparql")
    client.setMethod("POST")
    client.setQuery(ASK)
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is True


def test_rdflib_sparqlstore(server: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(server + "/sparql", returnFormat="xml"))
    rows = list(graph.query(LOOKUP))
    assert [(str(r[0]), int(r[1])) for r in rows] == [("infliximab", 12)]
    assert (ADALIMUMAB, rdflib.RDFS.label, rdflib.Literal("adalimumab")) in graph
    constructed = graph.query(CONSTRUCT)
    assert len(constructed.graph) == 4


def test_service_description_and_void(server: str) -> None:
    response = requests.get(server + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(
        "text/turtle"
    )
    sd = rdflib.Graph().parse(data=response.text, format="turtle")
    sd_ns = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = rdflib.URIRef(server + "/sparql")
    assert (endpoint, rdflib.RDF.type, sd_ns.Service) in sd
    assert (endpoint, sd_ns.feature, sd_ns.UnionDefaultGraph) in sd
    names = set(sd.objects(None, sd_ns.name))
    assert names == {rdflib.URIRef(TEST_GRAPH.value), rdflib.URIRef(EXTRA_GRAPH.value)}
    void = requests.get(
        server + "/.well-known/void", headers={"Accept": "application/n-triples"}, timeout=30
    )
    assert void.headers["Content-Type"] == "application/n-triples"
    vg = rdflib.Graph().parse(data=void.text, format="nt")
    void_ns = rdflib.Namespace("http://rdfs.org/ns/void#")
    counts = {str(s): int(o) for s, o in vg.subject_objects(void_ns.triples)}
    assert counts[TEST_GRAPH.value] == TEST_TRIPLES
    assert counts[EXTRA_GRAPH.value] == 1
    assert (None, void_ns.sparqlEndpoint, endpoint) in vg


def test_cors_and_health(server: str) -> None:
    response = requests.get(
        server + "/sparql",
        params={"query": ASK},
        headers={"Origin": "https://dash.example"},
        timeout=30,
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = requests.options(
        server + "/sparql",
        headers={"Origin": "https://dash.example", "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    health = requests.get(server + "/health", timeout=30).json()
    assert health["status"] == "ok" and health["graphs"] == 2
    assert len(health["dataset_version"]) == 16


# --- clients and the dataset (issue 15) ----------------------------------------------------------

SPARQLWRAPPER_FORMATS = [
    (JSON, "json"),
    (XML, "xml"),
    (CSV, "csv"),
    (TSV, "tsv"),
    (TURTLE, "turtle"),
    (N3, "n3"),
    (RDFXML, "xml"),
    (JSONLD, "json-ld"),
]
"""SPARQLWrapper's return formats, each with the parser its answer is read with."""


@pytest.mark.parametrize(("fmt", "reader"), SPARQLWRAPPER_FORMATS)
def test_sparqlwrapper_round_trips_every_format(server: str, fmt: str, reader: str) -> None:
    """SPARQLWrapper sends ``format=`` (repeated for TSV, RDF/XML, JSON-LD) and an Accept list."""
    client = SPARQLWrapper(server + "/sparql")
    graph_answer = fmt in (TURTLE, N3, RDFXML, JSONLD)
    client.setQuery(CONSTRUCT if graph_answer else LOOKUP)
    client.setReturnFormat(fmt)
    result = client.query()
    body = result.response.read()
    if not graph_answer:
        assert lookup_values(fmt, body) == ("infliximab", "12")
        return
    graph = rdflib.Graph().parse(data=body, format=reader)
    assert len(graph) == 4
    assert (ADALIMUMAB, rdflib.RDFS.label, rdflib.Literal("adalimumab")) in graph


@pytest.mark.parametrize(
    ("query", "formats", "kind"),
    [
        (LOOKUP, ["tsv", "text/tab-separated-values"], "tsv"),
        (LOOKUP, ["text/csv; charset=utf-8"], "csv"),
        (LOOKUP, ["application/sparql-results+xml", ""], "xml"),
        (CONSTRUCT, ["json-ld", "application/ld+json,application/x-json+ld"], "jsonld"),
        (CONSTRUCT, ["rdf+xml", "application/rdf+xml"], "rdfxml"),
        (CONSTRUCT, ["n3"], "turtle"),
    ],
    ids=["tsv-twice", "csv-media-type", "xml-and-blank", "json-ld-list", "rdf-xml-twice", "n3"],
)
def test_format_parameter_repeated_and_media_types(
    server: str, query: str, formats: list[str], kind: str
) -> None:
    response = requests.get(
        server + "/sparql",
        params=[("query", query), *(("format", f) for f in formats)],
        headers={"Accept": "text/turtle"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    expected = SOLUTION_TYPES.get(kind) or GRAPH_TYPES[kind][0]
    assert response.headers["Content-Type"] == expected


def test_format_parameter_naming_two_formats_is_400(server: str) -> None:
    response = requests.get(
        server + "/sparql",
        params=[("query", LOOKUP), ("format", "csv"), ("format", "json")],
        timeout=30,
    )
    assert response.status_code == 400
    assert "different formats" in response.json()["detail"]


STAR = "SELECT * WHERE { ?s ?p ?o . BIND(STRLEN(STR(?o)) AS ?length) } LIMIT 2"


@pytest.mark.parametrize("kind", ["json", "xml", "csv", "tsv"])
def test_select_star_columns_in_order_of_appearance(server: str, kind: str) -> None:
    response = sparql(server, STAR, format=kind)
    assert response.status_code == 200
    text = response.text
    if kind == "json":
        names = response.json()["head"]["vars"]
        assert set(response.json()["results"]["bindings"][0]) == {"s", "p", "o", "length"}
    elif kind == "xml":
        names = [v.get("name") for v in ET.fromstring(response.content).iter(SR + "variable")]
    else:
        header, first = text.splitlines()[:2]
        names = [n.lstrip("?") for n in header.split("," if kind == "csv" else "\t")]
        cells = first.split("\t") if kind == "tsv" else next(csv.reader([first]))
        assert cells[0].strip("<>").startswith(("http", "_:"))  # ?s first, as its column says
    assert names == ["s", "p", "o", "length"]
    explicit = sparql(server, "SELECT ?o ?s WHERE { ?s ?p ?o } LIMIT 1").json()
    assert explicit["head"]["vars"] == ["o", "s"]


def test_relative_iris_resolve_against_the_endpoint(server: str) -> None:
    response = sparql(server, "CONSTRUCT { <s> <p> <o> } WHERE {}", "application/n-triples")
    assert response.status_code == 200, response.text
    assert response.text.strip() == f"<{server}/s> <{server}/p> <{server}/o> ."
    declared = sparql(server, "BASE <http://x.org/a/> SELECT (<b> AS ?b) {}").json()
    assert declared["results"]["bindings"][0]["b"]["value"] == "http://x.org/a/b"
    sd = requests.get(server + "/sparql", headers={"Accept": "text/turtle"}, timeout=30).text
    assert f"base IRI <{server}/sparql>" in sd
    assert f"<{server}/update>" not in sd  # read-only: no update service


def union_count(base: str) -> int:
    body = sparql(base, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").json()
    return int(body["results"]["bindings"][0]["n"]["value"])


def meta_count(base: str) -> int:
    query = (
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/pvkg/graph/meta> { ?s ?p ?o } }"
    )
    return int(sparql(base, query).json()["results"]["bindings"][0]["n"]["value"])


def described_triples(base: str) -> int:
    sd = rdflib.Graph().parse(
        data=requests.get(base + "/sparql", headers={"Accept": "text/turtle"}, timeout=30).text,
        format="turtle",
    )
    default = rdflib.URIRef(base + "/sparql#default-graph")
    return int(sd.value(default, rdflib.URIRef("http://rdfs.org/ns/void#triples")))


def test_meta_graph_is_not_in_the_union(server: str, test_store: str) -> None:
    assert union_count(server) == TEST_TRIPLES + 1
    assert meta_count(server) > 0
    assert described_triples(server) == TEST_TRIPLES + 1
    stats = subprocess.run(
        [sys.executable, "-m", "cli.main", "--store", test_store, "stats"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"2 graphs, {TEST_TRIPLES + 1:,} triples" in stats.stdout


def test_union_with_meta_setting_puts_the_meta_graph_back_in_the_union(
    server: str, test_store: str
) -> None:
    """``PVKG_UNION_WITH_META``: pyoxigraph's own union (fast with many graphs), meta included."""
    from server.app import create_app

    app = create_app({"STORE": test_store, "QUERIES": str(QUERIES), "UNION_WITH_META": "yes"})
    try:
        everything = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
        body = app.test_client().get("/sparql", query_string=everything).get_json()
        counted = int(body["results"]["bindings"][0]["n"]["value"])
        assert counted == TEST_TRIPLES + 1 + meta_count(server)
        sd = app.test_client().get("/sparql", headers={"Accept": "text/turtle"}).get_data(True)
        assert "the meta graph included" in sd
    finally:
        app.extensions["pvkg"].pool.close()


def test_clear_all_and_drop_all_keep_the_meta_graph(tmp_path: Path) -> None:
    token = "clear-all-token"
    auth = {"Authorization": f"Bearer {token}"}
    with serve(build_store(tmp_path), env={"PVKG_WRITE_TOKEN": token}) as base:
        meta = meta_count(base)
        for text in ("CLEAR ALL", "DROP ALL"):
            response = requests.post(
                base + "/update", data={"update": text}, headers=auth, timeout=60
            )
            assert response.status_code == 200, response.text
            assert union_count(base) == 0
            assert meta_count(base) == meta
            assert requests.get(base + "/health", timeout=30).json()["graphs"] == 2
            assert described_triples(base) == 0
        named = requests.post(
            base + "/update",
            data={"update": "CLEAR GRAPH <https://w3id.org/pvkg/graph/meta>"},
            headers=auth,
            timeout=60,
        )
        assert named.status_code == 403
        assert meta_count(base) == meta
