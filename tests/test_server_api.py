"""The saved-query API, OpenAPI document and linked-data pages of a real ``pvkg serve``."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import rdflib
import requests
from openapi_spec_validator import validate
from server_harness import FILLER, PVID, QUERIES, build_store

from server.app import create_app

pytest_plugins = ("server_harness",)
pytestmark = pytest.mark.integration


def results(base: str, name: str, accept: str | None = None, **params: str) -> requests.Response:
    headers = {} if accept is None else {"Accept": accept}
    return requests.get(
        f"{base}/api/queries/{name}/results", params=params, headers=headers, timeout=30
    )


def test_index_and_description(server: str) -> None:
    index = requests.get(server + "/api/queries", timeout=30).json()["queries"]
    names = [q["name"] for q in index]
    assert names == sorted(
        [
            "drug-conditions",
            "drug-graph",
            "drug-lookup",
            "drugs-by-reports",
            "has-psoriasis",
            "label-search",
        ]
    )
    lookup = requests.get(server + "/api/queries/drug-lookup", timeout=30).json()
    assert lookup["params"][0]["name"] == "drug" and lookup["params"][0]["type"] == "drug"
    assert lookup["params"][0]["default"] == "infliximab"
    assert "SELECT ?label ?mesh ?reports" in lookup["sparql"]
    missing = requests.get(server + "/api/queries/nope", timeout=30)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/json; charset=utf-8", "application/json"),
        ("application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),
        ("text/csv; header=present", "text/csv; charset=utf-8"),
    ],
)
def test_accept_with_parameters(server: str, accept: str, content_type: str) -> None:
    response = results(server, "drug-lookup", accept, drug="adalimumab")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type


def test_dashboard_json_numbers_are_numbers(server: str) -> None:
    body = results(server, "drug-lookup", drug="mesh:D000068879").json()
    assert body["rows"] == [["adalimumab", "http://id.nlm.nih.gov/mesh/D000068879", 7]]
    assert body["columns"] == [
        {"name": "label", "datatype": "xsd:string"},
        {"name": "mesh", "datatype": "iri"},
        {"name": "reports", "datatype": "xsd:integer"},
    ]
    meta = body["meta"]
    assert meta["query"] == "drug-lookup"
    assert meta["parameters"] == {"drug": "mesh:D000068879"}
    assert meta["rows"] == 1 and meta["truncated"] is False
    assert isinstance(meta["elapsed_ms"], float)
    assert (
        meta["dataset_version"]
        == requests.get(server + "/health", timeout=30).json()["dataset_version"]
    )


def test_sparql_json_and_csv(server: str) -> None:
    sj = results(server, "drug-conditions", "application/sparql-results+json", drug="infliximab")
    assert sj.headers["Content-Type"] == "application/sparql-results+json"
    rows = sj.json()["results"]["bindings"]
    assert [(r["label"]["value"], r["reports"]["value"]) for r in rows] == [("psoriasis", "3")]
    text = results(server, "drug-conditions", format="csv", drug="adalimumab").text
    assert list(csv.reader(io.StringIO(text))) == [
        ["condition", "label", "reports"],
        [PVID + "condition/uveitis", "uveitis", "1"],
    ]


def test_paging_with_link_next(server: str) -> None:
    # drugs with >= 140 reports: filler 140..149 (10 drugs), sorted by label
    first = results(server, "drugs-by-reports", min_reports="140", limit="4")
    body = first.json()
    assert [r[1] for r in body["rows"]] == ["filler 140", "filler 141", "filler 142", "filler 143"]
    assert body["meta"]["truncated"] is True
    link = first.links["next"]["url"]
    second = requests.get(link, timeout=30).json()
    assert [r[1] for r in second["rows"]] == [
        "filler 144",
        "filler 145",
        "filler 146",
        "filler 147",
    ]
    last = results(server, "drugs-by-reports", min_reports="140", limit="4", offset="8")
    assert [r[2] for r in last.json()["rows"]] == [148, 149]
    assert "next" not in last.links and last.json()["meta"]["truncated"] is False


def test_etag_follows_dataset_version(server: str) -> None:
    first = results(server, "drug-lookup")
    tag = first.headers["ETag"]
    version = requests.get(server + "/health", timeout=30).json()["dataset_version"]
    assert version in tag
    again = requests.get(
        f"{server}/api/queries/drug-lookup/results", headers={"If-None-Match": tag}, timeout=30
    )
    assert again.status_code == 304
    other = results(server, "drug-lookup", drug="adalimumab")
    assert other.headers["ETag"] != tag


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"drug": "no such drug"}, "drug"),
        ({"min_reports": "many"}, "min_reports"),
        ({"min_reports": "-1"}, "min_reports"),
        ({"colour": "red"}, "colour"),
        ({"limit": "0"}, "limit"),
        ({"limit": "100000"}, "limit"),
        ({"offset": "x"}, "offset"),
    ],
)
def test_bad_parameter_names_it(server: str, params: dict[str, str], name: str) -> None:
    query = "drug-lookup" if "drug" in params else "drugs-by-reports"
    response = results(server, query, **params)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["parameter"] == name
    assert name in response.json()["detail"]


def test_required_parameter(server: str) -> None:
    response = results(server, "label-search")
    assert response.status_code == 400 and response.json()["parameter"] == "text"
    found = results(server, "label-search", text="uveitis").json()
    assert found["rows"] == [[PVID + "condition/uveitis"]]


@pytest.mark.parametrize(
    "crafted",
    [
        'x" } ; DROP ALL ; SELECT * WHERE { "',
        'psoriasis" . ?entity ?p ?o } #',
        "uveitis\\u0022 }",
        '"""uveitis"""',
    ],
)
def test_injection_is_a_literal(server: str, crafted: str) -> None:
    response = results(server, "label-search", text=crafted)
    assert response.status_code == 200
    assert response.json()["rows"] == []  # no label equals the crafted text
    assert response.json()["meta"]["parameters"] == {"text": crafted}
    drugs = results(server, "drugs-by-reports", limit="1").json()
    assert drugs["rows"][0][1] == "adalimumab"  # store intact


def test_construct_and_ask_saved_queries(server: str) -> None:
    turtle = results(server, "drug-graph", "text/turtle")
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    assert len(graph) == 4
    assert results(server, "has-psoriasis").json()["rows"] == [[True]]


def test_openapi_validates_and_lists_parameters(server: str) -> None:
    doc = requests.get(server + "/api/openapi.json", timeout=30).json()
    validate(doc)
    operation = doc["paths"]["/api/queries/drugs-by-reports/results"]["get"]
    schema = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert schema["min_reports"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 100000,
        "default": 0,
    }
    assert schema["limit"]["maximum"] == 100
    saved = {
        f"/api/queries/{n}/results"
        for n in (
            "drug-conditions",
            "drug-graph",
            "drug-lookup",
            "drugs-by-reports",
            "has-psoriasis",
            "label-search",
        )
    }
    assert saved <= set(doc["paths"])
    graphs = doc["paths"]["/rdf-graphs"]
    assert set(graphs) == {"get", "head"}  # read-only service: no writes documented
    assert "securitySchemes" not in doc["components"]
    dump = doc["paths"]["/dump/{name}.nq.gz"]["get"]
    assert dump["parameters"][0]["schema"]["enum"] == ["all", "test", "test-extra"]
    assert set(dump["responses"]["200"]["content"]) == {"application/gzip"}
    assert dump["responses"]["404"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }


# Routes of the app that are deliberately not in the OpenAPI document, and why.
NOT_API = {
    "/": "the browser page: HTML for people (editor, examples), not an API",
    "/static/{filename}": "the browser page's scripts and styles",
    "/queries": "the saved-query list for people (the API's is /api/queries)",
    "/queries/{name}": "a saved query's page for people: form, table, downloads (the API's is "
    "/api/queries/{name}/results)",
    "/search": "the search page for people (the API's is /api/search)",
}
IMPLICIT_METHODS = {
    "OPTIONS": "CORS preflight, answered by Flask for every route",
    "HEAD": "Flask answers it for every GET route as the GET without a body; documented only "
    "on /rdf-graphs, where the Graph Store Protocol names it",
}
RESULTS = re.compile(r"^/api/queries/[^/{}]+/results$")


def openapi_path(rule: str) -> str:
    """A Werkzeug rule (``/dump/<name>.nq.gz``) in OpenAPI's template syntax."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


@pytest.mark.parametrize("writable", [False, True], ids=["read-only", "write-endpoint"])
def test_openapi_documents_every_route(tmp_path: Path, writable: bool) -> None:
    config: dict[str, object] = {
        "STORE": build_store(tmp_path),
        "QUERIES": str(QUERIES),
        "QUERY_PROCESSES": 1,
        "DUMP_DIR": str(tmp_path / "dumps"),
    }
    if writable:
        config["WRITE_TOKEN"] = "openapi-token"
    app = create_app(config)
    try:
        doc = app.test_client().get("/api/openapi.json").get_json()
    finally:
        app.extensions["pvkg"].close()
    validate(doc)
    routes = {
        (openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in IMPLICIT_METHODS and openapi_path(rule.rule) not in NOT_API
    }
    documented = {
        ("/api/queries/{name}/results" if RESULTS.match(path) else path, method)
        for path, item in doc["paths"].items()
        for method in item
        if method != "head"
    }
    assert routes == documented
    heads = {path for path, item in doc["paths"].items() if "head" in item}
    assert heads == {"/rdf-graphs"} and "get" in doc["paths"]["/rdf-graphs"]
    writes = {
        (path, method)
        for path, item in doc["paths"].items()
        for method, operation in item.items()
        if operation.get("security")
    }
    expected = {("/update", "post")} | {("/rdf-graphs", m) for m in ("put", "post", "delete")}
    assert writes == (expected if writable else set())
    if writable:
        scheme = doc["components"]["securitySchemes"]["bearerToken"]
        assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
        assert "401" in doc["paths"]["/update"]["post"]["responses"]


def test_entity_html(server: str) -> None:
    page = requests.get(
        server + "/id/drug/infliximab",
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        timeout=30,
    )
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.text
    assert "<h1>infliximab</h1>" in html
    assert "http://id.nlm.nih.gov/mesh/D000069285" in html  # MeSH link
    assert 'href="/id/condition/psoriasis"' in html  # link to another entity's page
    assert "Psoriasiform lesions appeared after the fourth infusion" in html  # evidence quote
    assert "pv:Drug" in html  # type


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
    ],
)
def test_entity_rdf(server: str, accept: str, fmt: str) -> None:
    response = requests.get(
        server + "/id/condition/uveitis", headers={"Accept": accept}, timeout=30
    )
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format=fmt)
    uveitis = rdflib.URIRef(PVID + "condition/uveitis")
    # 2 outgoing (type, label) + 1 incoming (associationObject)
    assert len(graph) == 3
    assert (uveitis, rdflib.RDFS.label, rdflib.Literal("uveitis")) in graph


def test_unknown_entity_is_404(server: str) -> None:
    for accept in ("text/turtle", "text/html"):
        response = requests.get(
            server + "/id/drug/unobtainium", headers={"Accept": accept}, timeout=30
        )
        assert response.status_code == 404


def test_filler_count(server: str) -> None:
    body = results(server, "drugs-by-reports", limit="100").json()
    assert body["meta"]["rows"] == 100 and body["meta"]["truncated"] is True
    assert len(body["rows"]) == 100 < FILLER + 2


def test_default_page_is_capped_by_the_row_cap(server: str) -> None:
    response = results(server, "drugs-by-reports")
    body = response.json()
    assert len(body["rows"]) == 100  # --max-rows 100, below the default page size
    assert body["meta"]["truncated"] is True
    assert "offset=100" in response.links["next"]["url"]
