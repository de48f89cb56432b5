"""The condition rules of the MeSH linker: broader links for MedDRA forms, in the hierarchy.

A store with the MeSH slice of ``fixtures/mesh/mini_mesh.nt`` and FAERS-style reaction terms:
"Pustular psoriasis", "Guttate psoriasis" and "Psoriasis aggravated" have no MeSH name of their
own and must be linked ``skos:broadMatch`` Psoriasis (D011565), and so fall under the
``psoriasis`` entity in ``condition-narrower-forms``; "Fear of pain" must stay unlinked.
The rules' own examples are checked as doctests.
"""

from __future__ import annotations

import doctest
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions, RdfFormat, parse

import loaders.mesh as mesh
from kg.catalogue import Catalogue
from kg.embedded import EmbeddedStore
from kg.iris import condition_iri, graph_iri
from kg.params import run_saved
from kg.staging import StagedGraph
from kg.store import Provenance
from loaders.meshlink import LINKS_GRAPH, condition_rules, link

FIXTURES = Path(__file__).parent / "fixtures" / "mesh"
PV = "https://w3id.org/pvkg/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
CONDITIONS = {
    "psoriasis": "PSORIASIS",
    "pustular-psoriasis": "Pustular psoriasis",
    "guttate-psoriasis": "Guttate psoriasis",
    "psoriasis-aggravated": "Psoriasis aggravated",
    "fear-of-pain": "Fear of pain",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    folder = tmp_path_factory.mktemp("condition-rules")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PVKG_CACHE_DIR", str(folder / "cache"))
        store = EmbeddedStore(folder / "store")
        mesh.load(store, FIXTURES / "mini_mesh.nt")
        turtle = "".join(
            f'<{condition_iri(key).value}> a <{PV}Condition> ; <{RDFS}label> "{label}" .\n'
            for key, label in CONDITIONS.items()
        )
        with StagedGraph() as staged:
            for quad in parse(turtle, format=RdfFormat.TURTLE):
                staged.add(quad.triple)
            path = staged.finish()
            store.replace_graph(
                graph_iri("test-source"),
                path,
                Provenance("test", (), staged.checksum(), "test", "test source"),
            )
        link(store)
        yield store
    store.close()


def _links(store: EmbeddedStore) -> dict[str, tuple[str, str]]:
    result = store.query(
        f"""SELECT ?e ?p ?m WHERE {{ GRAPH <{LINKS_GRAPH.value}> {{ ?e ?p ?m .
        FILTER(?p IN (<{SKOS}exactMatch>, <{SKOS}closeMatch>, <{SKOS}broadMatch>)) }} }}"""
    )
    assert isinstance(result, QuerySolutions)
    return {
        row["e"].value.rsplit("/", 1)[1]: (
            row["p"].value.rsplit("#", 1)[1],
            row["m"].value.rsplit("/", 1)[1],
        )
        for row in result
        if row["e"].value.rsplit("/", 1)[1] in CONDITIONS
    }


def test_forms_are_linked_below_their_heading(store: EmbeddedStore) -> None:
    links = _links(store)
    assert links["psoriasis"] == ("exactMatch", "D011565")
    for form in ("pustular-psoriasis", "guttate-psoriasis", "psoriasis-aggravated"):
        assert links[form] == ("broadMatch", "D011565"), form
    assert "fear-of-pain" not in links


def test_broad_forms_fall_under_the_heading_in_saved_queries(store: EmbeddedStore) -> None:
    narrower = run_saved(store, Catalogue().get("condition-narrower-forms"), {})
    assert isinstance(narrower, QuerySolutions)
    names = {row["narrower"].value.rsplit("/", 1)[1] for row in narrower}
    assert {"pustular-psoriasis", "guttate-psoriasis", "psoriasis-aggravated"} <= names
    assert "fear-of-pain" not in names
    ancestors = store.query(
        f"""ASK {{ <{condition_iri("pustular-psoriasis").value}> <{PV}hasAncestor>
        <{condition_iri("psoriasis").value}> }}"""
    )
    assert bool(ancestors)


def test_broad_forms_are_never_ancestors_of_their_heading(store: EmbeddedStore) -> None:
    result = store.query(
        f"""ASK {{ <{condition_iri("psoriasis").value}> <{PV}hasAncestor>
        <{condition_iri("pustular-psoriasis").value}> }}"""
    )
    assert not bool(result)


def test_doctests() -> None:
    failures, tried = doctest.testmod(condition_rules)
    assert tried > 0
    assert failures == 0
