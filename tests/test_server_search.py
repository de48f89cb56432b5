"""``GET /api/search`` against a live ``pvkg serve`` (issue 16's search box and dashboards).

Expected answers come from the facts the tests write (``server_harness``'s store, and in
write mode a graph of conditions and a product folded into its concept), not from the service.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from server_harness import PVID, build_store, serve

pytestmark = pytest.mark.integration
pytest_plugins = ("server_harness",)

TOKEN = "search-token"
PV = "https://w3id.org/pvkg/ontology#"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
A = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def find(base: str, q: str, **params: str) -> list[dict[str, str]]:
    response = requests.get(base + "/api/search", params={"q": q, **params}, timeout=30)
    assert response.status_code == 200, response.text
    hits: list[dict[str, str]] = response.json()
    return hits


def test_a_prefix_finds_the_drug_with_its_mesh_identifier(server: str) -> None:
    hits = find(server, "inflix")
    assert hits[0] == {
        "iri": PVID + "drug/infliximab",
        "label": "infliximab",
        "type": "drug",
        "mesh": "D000069285",
        "matched": "infliximab",
        "rank": "prefix",
    }


def test_a_mesh_identifier_finds_its_entity(server: str) -> None:
    hits = find(server, "d011565")
    assert [(h["iri"], h["rank"], h["matched"]) for h in hits] == [
        (PVID + "condition/psoriasis", "exact", "D011565")
    ]


def test_the_type_and_the_limit_narrow_the_answer(server: str) -> None:
    # the harness's drugs are labelled "filler 000" … "filler 149"
    hits = find(server, "filler 1", limit="5")
    assert [h["label"] for h in hits] == [f"filler {n}" for n in range(100, 105)]
    assert find(server, "filler", type="condition") == []
    assert {h["type"] for h in find(server, "i", type="condition", limit="50")} == {"condition"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": " "}, "q"),
        ({"q": "x", "type": "gene"}, "type"),
        ({"q": "x", "limit": "51"}, "limit"),
    ],
)
def test_bad_searches_are_400_naming_the_parameter(
    server: str, params: dict[str, str], field: str
) -> None:
    response = requests.get(server + "/api/search", params=params, timeout=30)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert field in response.json()["detail"]


@pytest.fixture(scope="module")
def writer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    location = build_store(tmp_path_factory.mktemp("search"))
    with serve(location, env={"PVKG_WRITE_TOKEN": TOKEN}) as url:
        yield url


def put(base: str, graph: str, lines: list[str]) -> None:
    response = requests.put(
        base + "/rdf-graphs",
        params={"graph": graph},
        data="".join(line + "\n" for line in lines).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/n-triples"},
        timeout=30,
    )
    assert response.status_code in (200, 201), response.text


def test_ranks_exact_then_prefix_then_word_then_substring(writer: str) -> None:
    conditions = {
        "psoriasis-vulgaris": "Psoriasis vulgaris",
        "pustular-psoriasis": "Pustular psoriasis",
        "parapsoriasis": "Parapsoriasis",
    }
    lines = [
        line
        for key, label in conditions.items()
        for line in (
            f"<{PVID}condition/{key}> {A} <{PV}Condition> .",
            f'<{PVID}condition/{key}> {RDFS_LABEL} "{label}" .',
        )
    ]
    put(writer, "http://example.org/search/conditions", lines)  # found after a write
    hits = find(writer, "Psoriasis")
    assert [(h["label"], h["rank"]) for h in hits] == [
        ("psoriasis", "exact"),
        ("Psoriasis vulgaris", "prefix"),
        ("Pustular psoriasis", "word"),
        ("Parapsoriasis", "substring"),
    ]


def test_a_product_is_found_as_its_concept(writer: str) -> None:
    product = f"<{PVID}drug/infliximab-dyyb>"
    lines = [
        f"{product} {A} <{PV}Drug> .",
        f'{product} {RDFS_LABEL} "infliximab-dyyb" .',
        f"{product} <{PV}concept> <{PVID}drug/infliximab> .",
    ]
    put(writer, "http://example.org/search/products", lines)
    hits = find(writer, "dyyb")
    assert [(h["iri"], h["label"], h["matched"], h["rank"]) for h in hits] == [
        (PVID + "drug/infliximab", "infliximab", "infliximab-dyyb", "word")
    ]
