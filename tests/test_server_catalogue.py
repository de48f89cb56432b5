"""The project's own saved queries (``queries/``) served over the bundled graph (``pvkg build``).

Every saved query is run through ``/api/queries/<name>/results`` with its defaults (or
examples for required parameters) and the row count is compared with running the same query
in-process with :func:`kg.params.run_saved` on the same store; queries whose parameters name
nothing in the bundled graph (FAERS terms) must answer 400 naming the parameter, as
``kg.params`` does.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests
from openapi_spec_validator import validate
from server_harness import REPO, serve

from kg.catalogue import Catalogue
from kg.errors import ParameterError
from kg.location import open_store
from kg.params import run_saved

pytest_plugins = ("server_harness",)
pytestmark = pytest.mark.integration

CATALOGUE = Catalogue(REPO / "queries")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(store location, base URL) of ``pvkg serve`` over ``pvkg build``'s graph."""
    location = str(tmp_path_factory.mktemp("bundled") / "store")
    subprocess.run(
        [sys.executable, "-m", "cli.main", "--store", location, "build"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    with serve(location, "--queries", str(REPO / "queries")) as base:
        yield location, base


def _given(name: str) -> dict[str, str]:
    query = CATALOGUE.get(name)
    return {p.name: p.example for p in query.params if p.default is None and p.example}


@pytest.mark.skipif(len(CATALOGUE) == 0, reason="the project has no saved queries yet")
@pytest.mark.parametrize("name", [q.name for q in CATALOGUE])
def test_saved_query_matches_in_process_run(bundled: tuple[str, str], name: str) -> None:
    location, base = bundled
    given = _given(name)
    store = open_store(location, read_only=True)
    try:
        expected = run_saved(store, CATALOGUE.get(name), given)
        expected_rows = sum(1 for _ in expected) if CATALOGUE.get(name).form == "SELECT" else None
        expected_error = None
    except ParameterError as error:
        expected_rows, expected_error = None, error
    finally:
        store.close()
    response = requests.get(
        f"{base}/api/queries/{name}/results", params={**given, "limit": "10000"}, timeout=60
    )
    if expected_error is not None:
        assert response.status_code == 400
        assert response.json()["parameter"] == expected_error.name
    elif expected_rows is not None:
        assert response.status_code == 200, response.text
        assert response.json()["meta"]["rows"] == expected_rows


def test_openapi_of_the_catalogue_validates(bundled: tuple[str, str]) -> None:
    _, base = bundled
    doc = requests.get(base + "/api/openapi.json", timeout=30).json()
    validate(doc)
    results = {p for p in doc["paths"] if p.startswith("/api/queries/") and p.endswith("/results")}
    assert results == {f"/api/queries/{q.name}/results" for q in CATALOGUE}


def test_service_description_lists_bundled_graphs(bundled: tuple[str, str]) -> None:
    _, base = bundled
    text = requests.get(
        base + "/sparql", headers={"Accept": "application/n-triples"}, timeout=30
    ).text
    assert "<https://w3id.org/pvkg/graph/ontology>" in text


def test_entity_page_shows_each_quote_once(bundled: tuple[str, str]) -> None:
    location, base = bundled
    store = open_store(location, read_only=True)
    try:
        quotes = {
            row["q"].value
            for row in store.query(
                "PREFIX pv: <https://w3id.org/pvkg/ontology#> SELECT DISTINCT ?q WHERE "
                "{ ?a pv:associationSubject <https://w3id.org/pvkg/id/drug/infliximab> ; "
                "pv:quote ?q }"
            )
        }
    finally:
        store.close()
    html = requests.get(
        base + "/id/drug/infliximab", headers={"Accept": "text/html"}, timeout=30
    ).text
    assert quotes
    assert html.count("<blockquote>") == len(quotes)
    for quote in quotes:
        assert html.count(quote.replace("'", "&#39;").replace('"', "&#34;")) == 1
