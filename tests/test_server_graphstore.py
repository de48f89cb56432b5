"""SPARQL 1.1 Graph Store HTTP Protocol on a real ``pvkg serve``: reads on the public endpoint,
writes (with the token) through ``replace_graph`` / ``drop_graph``, with ``requests``.

Expected graphs are parsed from the fixture files and from the bodies sent, with rdflib.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests
from pyoxigraph import RdfFormat, parse
from rdflib.compare import isomorphic
from server_harness import (
    EXTRA_GRAPH,
    FIXTURES,
    PVID,
    TEST_GRAPH,
    TEST_TRIPLES,
    build_store,
    filler_lines,
    serve,
)

pytest_plugins = ("server_harness",)
pytestmark = pytest.mark.integration

TOKEN = "gsp-s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NEW_GRAPH = "https://w3id.org/pvkg/graph/uploaded/one"
META = "https://w3id.org/pvkg/graph/meta"
NOTE = "<https://w3id.org/pvkg/ontology#extraNote>"
EXTRA = rdflib.Graph().parse(
    data=f'<{PVID}drug/infliximab> {NOTE} "only in test-extra" .', format="nt"
)
TYPES = {
    "turtle": ("text/turtle", "text/turtle; charset=utf-8", "turtle"),
    "nt": ("application/n-triples", "application/n-triples", "nt"),
    "nquads": ("application/n-quads", "application/n-quads", "nquads"),
    "jsonld": ("application/ld+json", "application/ld+json", "json-ld"),
    "rdfxml": ("application/rdf+xml", "application/rdf+xml", "xml"),
}


def fixture_graph() -> rdflib.Graph:
    text = (FIXTURES / "graph.nt").read_text() + "\n".join(filler_lines()) + "\n"
    return rdflib.Graph().parse(data=text, format="nt")


def get_graph(base: str, graph: str | None, accept: str = "application/n-triples") -> rdflib.Graph:
    params = {"graph": graph} if graph else {"default": ""}
    response = requests.get(
        base + "/rdf-graphs", params=params, headers={"Accept": accept}, timeout=30
    )
    assert response.status_code == 200, response.text
    return rdflib.Graph().parse(data=response.content, format="nt")


def same(left: rdflib.Graph, right: rdflib.Graph) -> bool:
    return isomorphic(left, right)


# --- reading, on the public endpoint --------------------------------------------------------


@pytest.fixture(scope="module")
def reader(test_store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A read-only server whose row cap holds whole test graphs."""
    dumps = tmp_path_factory.mktemp("gsp-dumps")
    with serve(test_store, "--max-rows", "5000", "--dump-dir", str(dumps)) as base:
        yield base


@pytest.mark.parametrize("kind", list(TYPES))
def test_get_named_graph_in_every_format(reader: str, kind: str) -> None:
    accept, content_type, rdflib_format = TYPES[kind]
    response = requests.get(
        reader + "/rdf-graphs",
        params={"graph": EXTRA_GRAPH.value},
        headers={"Accept": accept},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    if kind == "nquads":
        dataset = rdflib.Dataset().parse(data=response.content, format="nquads")
        graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
        assert graphs == {EXTRA_GRAPH.value}
        graph = dataset.graph(rdflib.URIRef(EXTRA_GRAPH.value))
    else:
        graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    assert same(graph, EXTRA)


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, "text/turtle; charset=utf-8"),
        ("*/*", "text/turtle; charset=utf-8"),
        ("application/n-quads;q=0.9, text/turtle;q=0.5", "application/n-quads"),
        ("application/json", "application/ld+json"),
        ("text/plain", "application/n-triples"),
    ],
)
def test_get_negotiates(reader: str, accept: str | None, content_type: str) -> None:
    headers = {} if accept is None else {"Accept": accept}
    response = requests.get(
        reader + "/rdf-graphs", params={"graph": EXTRA_GRAPH.value}, headers=headers, timeout=30
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type


def test_get_whole_graph_and_default_graph(reader: str) -> None:
    expected = fixture_graph()
    assert len(expected) == TEST_TRIPLES
    assert same(get_graph(reader, TEST_GRAPH.value), expected)
    union = get_graph(reader, None)
    for triple in [*expected, *EXTRA]:
        assert triple in union  # the default graph is the union (the meta graph too)
    assert len(union) > TEST_TRIPLES + 1


def test_head_and_etag(reader: str) -> None:
    params = {"graph": EXTRA_GRAPH.value}
    got = requests.get(reader + "/rdf-graphs", params=params, timeout=30)
    head = requests.head(reader + "/rdf-graphs", params=params, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    assert head.headers["ETag"] == got.headers["ETag"]
    again = requests.get(
        reader + "/rdf-graphs",
        params=params,
        headers={"If-None-Match": got.headers["ETag"]},
        timeout=30,
    )
    assert again.status_code == 304


def test_row_cap_applies(server: str) -> None:
    response = requests.get(
        server + "/rdf-graphs",
        params={"graph": TEST_GRAPH.value},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Pvkg-Truncated"] == "true"  # --max-rows 100 < TEST_TRIPLES
    assert len(rdflib.Graph().parse(data=response.content, format="nt")) == 100


@pytest.mark.parametrize(
    ("params", "headers", "status"),
    [
        ({"graph": "https://w3id.org/pvkg/graph/none"}, {}, 404),
        ({}, {}, 400),
        ({"graph": EXTRA_GRAPH.value, "default": ""}, {}, 400),
        ([("graph", EXTRA_GRAPH.value), ("graph", TEST_GRAPH.value)], {}, 400),
        ({"graph": "not an IRI"}, {}, 400),
        ({"graph": EXTRA_GRAPH.value}, {"Accept": "application/sparql-results+json"}, 406),
    ],
)
def test_get_errors(reader: str, params: object, headers: dict[str, str], status: int) -> None:
    response = requests.get(reader + "/rdf-graphs", params=params, headers=headers, timeout=30)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == status and response.json()["detail"]


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_no_writes_without_the_write_endpoint(server: str, method: str) -> None:
    response = requests.request(
        method,
        server + "/rdf-graphs",
        params={"graph": EXTRA_GRAPH.value},
        data=b"<a:b> <a:c> <a:d> .",
        headers={**AUTH, "Content-Type": "application/n-triples"},
        timeout=30,
    )
    assert response.status_code == 405
    assert "PUT" not in response.headers["Allow"] and "GET" in response.headers["Allow"]
    assert same(get_graph(server, EXTRA_GRAPH.value), EXTRA)


def test_service_description_advertises_the_graph_store(server: str) -> None:
    response = requests.get(server + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    sd = rdflib.Graph().parse(data=response.text, format="turtle")
    store = rdflib.URIRef(server + "/rdf-graphs")
    dcterms = rdflib.DCTERMS
    assert (rdflib.URIRef(server + "/sparql"), dcterms.hasPart, store) in sd
    spec = rdflib.URIRef("http://www.w3.org/TR/sparql11-http-rdf-update/")
    assert (store, dcterms.conformsTo, spec) in sd
    assert "PUT" not in str(sd.value(store, dcterms.description))


# --- writing, with the token ------------------------------------------------------------------

BODY_TTL = """@prefix pv: <https://w3id.org/pvkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/pvkg/id/drug/newdrug> a pv:Drug ; rdfs:label "new drug" ;
    pv:note <relative-note> .
"""
BODY_NT = (
    '<https://w3id.org/pvkg/id/drug/other> <http://www.w3.org/2000/01/rdf-schema#label> "other" .\n'
)
BODY_JSONLD = """{"@id": "https://w3id.org/pvkg/id/drug/third",
 "http://www.w3.org/2000/01/rdf-schema#label": "third"}"""


@pytest.fixture(scope="module")
def writer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    location = build_store(tmp_path_factory.mktemp("gsp-write"))
    dumps = tmp_path_factory.mktemp("gsp-write-dumps")
    with serve(
        location,
        "--timeout",
        "20",
        "--max-rows",
        "5000",
        "--dump-dir",
        str(dumps),
        env={"PVKG_WRITE_TOKEN": TOKEN},
    ) as base:
        yield base


def send(
    base: str, method: str, body: str, content_type: str, graph: str = NEW_GRAPH
) -> requests.Response:
    return requests.request(
        method,
        base + "/rdf-graphs",
        params={"graph": graph},
        data=body.encode(),
        headers={**AUTH, "Content-Type": content_type},
        timeout=60,
    )


def version(base: str) -> str:
    return str(requests.get(base + "/health", timeout=30).json()["dataset_version"])


def provenance(base: str, graph: str) -> dict[str, str]:
    query = f"""
    PREFIX pv: <https://w3id.org/pvkg/ontology#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX void: <http://rdfs.org/ns/void#>
    SELECT ?p ?o WHERE {{ GRAPH <{META}> {{ <{graph}> ?p ?o }} }}"""
    rows = requests.get(base + "/sparql", params={"query": query}, timeout=30).json()
    return {
        b["p"]["value"].rsplit("/", 1)[-1].rsplit("#", 1)[-1]: b["o"]["value"]
        for b in rows["results"]["bindings"]
    }


def void_count(base: str, graph: str) -> int | None:
    response = requests.get(
        base + "/.well-known/void", headers={"Accept": "application/n-triples"}, timeout=30
    )
    for triple in parse(response.content, format=RdfFormat.N_TRIPLES):
        if triple.subject.value == graph and triple.predicate.value.endswith("#triples"):
            return int(triple.object.value)
    return None


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
def test_writes_need_the_token(writer: str, headers: dict[str, str]) -> None:
    for method in ("PUT", "POST", "DELETE"):
        response = requests.request(
            method,
            writer + "/rdf-graphs",
            params={"graph": EXTRA_GRAPH.value},
            data=BODY_NT.encode(),
            headers={**headers, "Content-Type": "application/n-triples"},
            timeout=30,
        )
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert same(get_graph(writer, EXTRA_GRAPH.value), EXTRA)


def test_put_post_delete_a_graph(writer: str) -> None:
    before = version(writer)
    created = send(writer, "PUT", BODY_TTL, "text/turtle")
    assert created.status_code == 201, created.text
    assert created.json()["triples"] == 3
    expected = rdflib.Graph().parse(data=BODY_TTL, format="turtle", publicID=NEW_GRAPH)
    assert (
        None,
        None,
        rdflib.URIRef("https://w3id.org/pvkg/graph/uploaded/relative-note"),
    ) in expected
    assert same(get_graph(writer, NEW_GRAPH), expected)
    after_put = version(writer)
    assert after_put != before and created.json()["dataset_version"] == after_put
    facts = provenance(writer, NEW_GRAPH)
    assert facts["triples"] == "3" and facts["sourceName"] == "graph-store"
    assert void_count(writer, NEW_GRAPH) == 3

    replaced = send(writer, "PUT", BODY_NT, "application/n-triples")
    assert replaced.status_code == 200 and replaced.json()["triples"] == 1
    assert same(get_graph(writer, NEW_GRAPH), rdflib.Graph().parse(data=BODY_NT, format="nt"))

    merged = send(writer, "POST", BODY_JSONLD, "application/ld+json")
    assert merged.status_code == 200 and merged.json()["triples"] == 2
    both = rdflib.Graph().parse(data=BODY_NT, format="nt")
    both += rdflib.Graph().parse(data=BODY_JSONLD, format="json-ld")
    assert same(get_graph(writer, NEW_GRAPH), both)
    assert void_count(writer, NEW_GRAPH) == 2

    dump = requests.get(writer + "/dump/uploaded-one.nq.gz", timeout=60)
    quads = list(parse(gzip.decompress(dump.content), format=RdfFormat.N_QUADS))
    assert len(quads) == 2 and {q.graph_name.value for q in quads} == {NEW_GRAPH}

    dropped = requests.delete(
        writer + "/rdf-graphs", params={"graph": NEW_GRAPH}, headers=AUTH, timeout=30
    )
    assert dropped.status_code == 200
    missing = requests.get(writer + "/rdf-graphs", params={"graph": NEW_GRAPH}, timeout=30)
    assert missing.status_code == 404
    assert void_count(writer, NEW_GRAPH) is None and provenance(writer, NEW_GRAPH) == {}
    again = requests.delete(
        writer + "/rdf-graphs", params={"graph": NEW_GRAPH}, headers=AUTH, timeout=30
    )
    assert again.status_code == 404


def test_replacing_a_loaded_graph_keeps_its_source(writer: str) -> None:
    response = send(writer, "PUT", BODY_NT, "application/n-triples", graph=EXTRA_GRAPH.value)
    assert response.status_code == 200 and response.json()["triples"] == 1
    facts = provenance(writer, EXTRA_GRAPH.value)
    assert facts["sourceName"] == "test" and facts["title"] == "extra"
    assert same(
        get_graph(writer, EXTRA_GRAPH.value), rdflib.Graph().parse(data=BODY_NT, format="nt")
    )


@pytest.mark.parametrize(
    ("method", "params", "body", "content_type", "status"),
    [
        ("PUT", {"graph": NEW_GRAPH}, "<a> <b> .", "text/turtle", 400),
        ("PUT", {"graph": NEW_GRAPH}, BODY_NT, "text/html", 415),
        ("PUT", {"graph": NEW_GRAPH}, BODY_NT, "application/n-quads", 415),
        ("PUT", {"default": ""}, BODY_NT, "application/n-triples", 405),
        ("POST", {"default": ""}, BODY_NT, "application/n-triples", 405),
        ("PUT", {"graph": META}, BODY_NT, "application/n-triples", 403),
        ("DELETE", {"graph": META}, "", "application/n-triples", 403),
        ("PUT", {}, BODY_NT, "application/n-triples", 400),
        (
            "PUT",
            {"graph": NEW_GRAPH},
            '{"@id": "http://a", "@graph": [{"@id": "http://b", "http://c": "d"}]}',
            "application/ld+json",
            400,
        ),
    ],
)
def test_refused_writes_change_nothing(
    writer: str, method: str, params: dict[str, str], body: str, content_type: str, status: int
) -> None:
    before = version(writer)
    response = requests.request(
        method,
        writer + "/rdf-graphs",
        params=params,
        data=body.encode(),
        headers={**AUTH, "Content-Type": content_type},
        timeout=30,
    )
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    if status == 400 and "graph" in params:
        assert "request body" in response.json()["detail"]
    if status == 405:
        assert "PUT" not in response.headers["Allow"]
    assert version(writer) == before
    missing = requests.get(writer + "/rdf-graphs", params={"graph": NEW_GRAPH}, timeout=30)
    assert missing.status_code == 404


def test_write_mode_service_description(writer: str) -> None:
    response = requests.get(writer + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    sd = rdflib.Graph().parse(data=response.text, format="turtle")
    store = rdflib.URIRef(writer + "/rdf-graphs")
    assert "PUT" in str(sd.value(store, rdflib.DCTERMS.description))


def test_upload_size_is_capped(tmp_path: Path) -> None:
    location = build_store(tmp_path)
    env = {"PVKG_WRITE_TOKEN": TOKEN, "PVKG_MAX_UPLOAD_BYTES": "1000"}
    with serve(location, env=env) as base:
        big = BODY_NT * 20
        assert len(big.encode()) > 1000
        response = send(base, "PUT", big, "application/n-triples")
        assert response.status_code == 413
        assert response.headers["Content-Type"] == "application/problem+json"
        small = send(base, "PUT", BODY_NT, "application/n-triples")
        assert small.status_code == 201


# --- SPARQL Update keeps the recorded counts right ---------------------------------------------


def count(base: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    rows = requests.get(base + "/sparql", params={"query": query}, timeout=30).json()
    return int(rows["results"]["bindings"][0]["n"]["value"])


def update(base: str, text: str) -> requests.Response:
    return requests.post(base + "/update", data={"update": text}, headers=AUTH, timeout=60)


def graph_etag(base: str, graph: str) -> str:
    response = requests.head(base + "/rdf-graphs", params={"graph": graph}, timeout=30)
    assert response.status_code == 200
    return str(response.headers["ETag"])


UPDATED = "https://w3id.org/pvkg/id/drug/updated"


INSERT = (  # the graph by a prefixed name; a trailing ';' and a comment
    "PREFIX pvgraph: <https://w3id.org/pvkg/graph/>\n"
    f'INSERT DATA {{ GRAPH pvgraph:test {{ <{UPDATED}> {NOTE} "one", "two" }} }} ; # done'
)
DELETE = f"DELETE WHERE {{ GRAPH ?g {{ <{UPDATED}> {NOTE} ?note }} }}"  # every graph refreshed


def test_update_refreshes_recorded_counts(writer: str) -> None:
    for text, change in ((INSERT, 2), (DELETE, -2)):
        graph = TEST_GRAPH.value
        before_count = count(writer, graph)
        before_version, before_etag = version(writer), graph_etag(writer, graph)
        done = update(writer, text)
        assert done.status_code == 200, done.text
        after = count(writer, graph)
        assert after == before_count + change
        assert void_count(writer, graph) == after
        assert provenance(writer, graph)["triples"] == str(after)
        assert done.json()["dataset_version"] != before_version
        assert version(writer) == done.json()["dataset_version"]
        assert graph_etag(writer, graph) != before_etag
        dump = requests.get(writer + "/dump/test.nq.gz", timeout=60)
        assert dump.status_code == 200
        assert len(list(parse(gzip.decompress(dump.content), format=RdfFormat.N_QUADS))) == after


def test_failed_update_changes_no_count(writer: str) -> None:
    graph = TEST_GRAPH.value
    before = (count(writer, graph), void_count(writer, graph), version(writer))
    done = update(writer, f"INSERT DATA {{ GRAPH <{graph}> {{ <{UPDATED}> {NOTE} }} }}")
    assert done.status_code == 400
    assert done.headers["Content-Type"] == "application/problem+json"
    assert (count(writer, graph), void_count(writer, graph), version(writer)) == before
