"""``/ontology``: the reference page of every term with its usage counts in the store, and the
ontology as Turtle, RDF/XML or JSON-LD by content negotiation (the release files' bytes)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pyoxigraph import QuerySolutions
from server_harness import app_client

from kg.embedded import EmbeddedStore
from kg.iris import ONTOLOGY_GRAPH
from kg.ontology_release import read
from kg.ontology_terms import terms
from loaders import casereport, ontology

REPO = Path(__file__).resolve().parent.parent
ONTOLOGY = REPO / "ontology"
PV = "https://w3id.org/pvkg/ontology#"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What ``pvkg build`` makes: the ontology and the bundled case reports."""
    location = tmp_path_factory.mktemp("ontology-page") / "store"
    built = EmbeddedStore(location)
    ontology.load(built)
    for path in casereport.bundled():
        casereport.load(built, path)
    built.close()
    return str(location)


@pytest.fixture(scope="module")
def client(store: str) -> Iterator[FlaskClient]:
    with app_client(store) as opened:
        yield opened


def uses_in_data(store: str, pattern: str) -> int:
    """How often the data graphs (not the ontology's) match ``pattern``, asked of the store."""
    opened = EmbeddedStore(Path(store), read_only=True)
    try:
        text = f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} }}
                   FILTER(?g != <{ONTOLOGY_GRAPH.value}>) }}"""
        result = opened.query(text)
        assert isinstance(result, QuerySolutions)
        return int(next(iter(result))["n"].value)
    finally:
        opened.close()


def row(page: str, name: str) -> list[str]:
    """The cells of a term's row, as text with single spaces."""
    found = re.search(rf'<tr id="{name}">(.*?)</tr>', page, re.S)
    assert found, name
    cells = re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells]


@pytest.fixture(scope="module")
def page(client: FlaskClient) -> str:
    response = client.get("/ontology", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.content_type.startswith("text/html")
    assert "Accept" in response.vary
    return response.get_data(as_text=True)


def test_every_term_has_a_row_with_label_and_definition(page: str) -> None:
    listed = terms(read(ONTOLOGY / "pvkg.ttl"))
    assert len(listed) > 150
    for term in listed:
        cells = row(page, term.name)
        assert cells[1] == term.label
        assert cells[2].startswith(" ".join(term.definition.split())[:60])
    assert "0.2.0" in page and "https://w3id.org/pvkg/ontology/0.2.0" in page


def test_alignments_are_shown(page: str) -> None:
    drug = row(page, "Drug")
    assert "rdfs:subClassOf schema:Drug" in drug[3]
    assert "skos:closeMatch biolink:Drug" in drug[3]
    induces = row(page, "induces")
    assert "pv:Drug → pv:Condition" in induces[3]
    assert "rdfs:subPropertyOf biolink:has_adverse_event" in induces[4]
    assert "member of" in page and "pv:TimingRelation" in row(page, "OngoingAtOnset")[3]


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("DrugExposure", f"?s a <{PV}DrugExposure>"),
        ("Drug", f"?s a <{PV}Drug>"),  # infliximab is typed in both publications' graphs
        ("ongoingAtOnsetOf", f"?s <{PV}ongoingAtOnsetOf> ?o"),
        ("quote", f"?s <{PV}quote> ?o"),
        ("RoleNotSuspected", f"?s ?p <{PV}RoleNotSuspected>"),
    ],
)
def test_usage_counts_are_the_stores(page: str, store: str, name: str, pattern: str) -> None:
    expected = uses_in_data(store, pattern)
    assert expected > 0
    assert row(page, name)[-1] == f"{expected:,}"


def test_unused_terms_count_zero(page: str, store: str) -> None:
    assert uses_in_data(store, f"?s <{PV}caseVersion> ?o") == 0
    assert row(page, "caseVersion")[-1] == "0"


def test_counts_are_kept_for_the_dataset_version(client: FlaskClient, page: str) -> None:
    app = client.application
    _, kept = app.extensions["pvkg_ontology_counts"]
    first = kept["last"]
    again = client.get("/ontology", headers={"Accept": BROWSER})
    assert again.status_code == 200
    assert kept["last"] is first  # not counted again
    assert first.version == app.extensions["pvkg"].dataset_version()


@pytest.mark.parametrize(
    ("accept", "fmt", "media_type", "file_name"),
    [
        ("text/turtle", None, "text/turtle", "pvkg.ttl"),
        ("application/rdf+xml", None, "application/rdf+xml", "pvkg.owl"),
        ("application/ld+json", None, "application/ld+json", "pvkg.jsonld"),
        ("*/*", None, "text/turtle", "pvkg.ttl"),
        (BROWSER, "jsonld", "application/ld+json", "pvkg.jsonld"),
        (None, "rdfxml", "application/rdf+xml", "pvkg.owl"),
    ],
)
def test_programs_get_the_ontology_files(
    client: FlaskClient, accept: str | None, fmt: str | None, media_type: str, file_name: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/ontology", headers=headers, query_string={"format": fmt} if fmt else {})
    assert response.status_code == 200
    assert response.content_type.startswith(media_type)
    assert response.data == (ONTOLOGY / file_name).read_bytes()
    assert "Accept" in response.vary


def test_unacceptable_types_get_406(client: FlaskClient) -> None:
    response = client.get("/ontology", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_json()["detail"]
