"""The inferred graph on a real built store: `pvkg build`, the FAERS 2020q3 slice, MeSH, `link`.

Entailed terms answer through the store and the SPARQL endpoint; the graph states nothing
another graph states; an unload takes away what no longer follows; a refresh killed at any
moment leaves the old graph or the new one; saved queries answer the same with it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, shared
from pyoxigraph import QuerySolutions
from test_cli import pvkg as run_pvkg

from kg.catalogue import Catalogue
from kg.embedded import EmbeddedStore
from kg.errors import ParameterError
from kg.inference import refresh
from kg.iris import INFERRED_GRAPH
from kg.namespaces import sparql_prefixes
from kg.params import resolve_parameters
from kg.store import GraphStore

pytest_plugins = ["conftest_engines"]


def pvkg(store: Path, *args: str) -> str:
    """Run the pvkg command on ``store``; return its stdout."""
    return run_pvkg(store, *args).stdout


def copy_of(store: Path, dest: Path) -> Path:
    """A copy of a store directory (the module's store stays as built)."""
    subprocess.run(["cp", "-a", str(store), str(dest)], check=True)
    return dest


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store after build, the 2020q3 slice, the MeSH fixture and link (each refreshing)."""
    quarter = shared("faers", "faers_ascii_2020q3_slice")
    path = tmp_path_factory.mktemp("inferred") / "store"
    out = pvkg(path, "build")
    out += pvkg(path, "load", "faers", str(quarter))
    out += pvkg(path, "load", "mesh", str(REPO / "tests" / "fixtures" / "mesh" / "mini_mesh.nt"))
    out += pvkg(path, "link")
    assert out.count(f"{INFERRED_GRAPH.value}: ") == 4, out
    return path


@pytest.fixture
def store(built: Path) -> Iterator[EmbeddedStore]:
    opened = EmbeddedStore(built, read_only=True)
    yield opened
    opened.close()


def rows(store: GraphStore, text: str) -> list[tuple[str, ...]]:
    """The solutions of a SELECT (the prefixes of kg.namespaces declared), sorted."""
    result = store.query(sparql_prefixes() + text)
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    return sorted(tuple(str(r[n]) for n in names) for r in result)


def test_schema_drug_answers_for_every_drug(store: EmbeddedStore) -> None:
    drugs = rows(store, "SELECT DISTINCT ?x WHERE { ?x a pv:Drug }")
    schema_drugs = rows(store, "SELECT ?x WHERE { ?x a schema:Drug }")
    assert len(drugs) > 1000  # the slice's drugs and the case reports'
    assert schema_drugs == drugs  # once each: no graph states schema:Drug, one graph infers it


def test_biolink_edges_and_their_inverses(store: EmbeddedStore) -> None:
    induces = rows(store, "SELECT DISTINCT ?d ?c WHERE { ?d pv:induces ?c }")
    assert induces
    assert rows(store, "SELECT ?d ?c WHERE { ?d biolink:has_adverse_event ?c }") == induces
    assert rows(store, "SELECT ?d ?c WHERE { ?c biolink:adverse_event_of ?d }") == induces
    assert rows(store, "SELECT ?d ?c WHERE { ?c pv:inducedBy ?d }") == induces
    treats = rows(store, "SELECT DISTINCT ?d ?c WHERE { ?d pv:treats ?c }")
    assert treats
    assert rows(store, "SELECT ?d ?c WHERE { ?d biolink:applied_to_treat ?c }") == treats


def test_superclasses_of_pvkg_classes(store: EmbeddedStore) -> None:
    reports = rows(
        store,
        "SELECT DISTINCT ?r WHERE { { ?r a pv:SpontaneousReport } "
        "UNION { ?r a pv:PublishedCaseReport } }",
    )
    assert len(reports) > 900
    assert rows(store, "SELECT ?r WHERE { ?r a pv:Report }") == reports
    some = ", ".join(r[0] for r in reports[:50])
    entities = rows(store, f"SELECT ?r WHERE {{ ?r a prov:Entity FILTER(?r IN ({some})) }}")
    assert entities == reports[:50]  # two levels up: pv:Report ⊑ prov:Entity, once each
    ask = "ASK { GRAPH pvgraph:inferred { pv:PublishedCaseReport rdfs:subClassOf prov:Entity } }"
    assert bool(store.query(sparql_prefixes() + ask))  # the hierarchy itself is closed


def test_nothing_stated_elsewhere_is_inferred(store: EmbeddedStore) -> None:
    both = f"""SELECT ?s ?p ?o WHERE {{ GRAPH {INFERRED_GRAPH} {{ ?s ?p ?o }}
        GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {INFERRED_GRAPH}) }} LIMIT 5"""
    assert rows(store, both) == []
    prov = rows(
        store, f"SELECT ?n WHERE {{ GRAPH pvgraph:meta {{ {INFERRED_GRAPH} void:triples ?n }} }}"
    )
    count = rows(
        store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {INFERRED_GRAPH} {{ ?s ?p ?o }} }}"
    )
    assert prov == count and int(count[0][0].split('"')[1]) > 10_000


def test_endpoint_answers_schema_drug_and_has_adverse_event(built: Path) -> None:
    from server_harness import app_client

    with app_client(str(built)) as client:
        for text in (
            "PREFIX schema: <http://schema.org/> SELECT ?x WHERE { ?x a schema:Drug } LIMIT 3",
            "PREFIX biolink: <https://w3id.org/biolink/vocab/> "
            "SELECT ?d ?c WHERE { ?d biolink:has_adverse_event ?c } LIMIT 3",
        ):
            answer = client.post("/sparql", data={"query": text}, headers={"Accept": "text/csv"})
            assert answer.status_code == 200, answer.text
            assert len(answer.text.strip().splitlines()) == 4  # header and three rows


def test_saved_queries_answer_the_same_without_the_inferred_graph(
    tmp_path: Path, built: Path
) -> None:
    """Every saved query whose examples this store holds, on the store and on a copy
    without the inferred graph: the same rows (none counts or joins on an entailed type)."""
    copy = copy_of(built, tmp_path / "store")
    without = EmbeddedStore(copy)
    without.drop_graph(INFERRED_GRAPH)
    store = EmbeddedStore(built, read_only=True)
    compared = []
    try:
        for saved in Catalogue(REPO / "queries"):
            given = {p.name: p.example for p in saved.params if p.required and p.example}
            try:
                bindings = resolve_parameters(store, saved, given)
            except ParameterError:
                continue  # an example this store does not hold
            answer = _answer(store.query(saved.sparql, bindings=bindings))
            assert answer == _answer(without.query(saved.sparql, bindings=bindings)), saved.name
            compared.append(saved.name)
    finally:
        store.close()
        without.close()
    assert len(compared) >= 15, compared


def _answer(result: object) -> list[str]:
    if isinstance(result, QuerySolutions):
        return sorted(str(row) for row in result)
    return [str(result)]


def test_unload_removes_what_no_longer_follows(tmp_path: Path, built: Path) -> None:
    copy = copy_of(built, tmp_path / "store")
    faers_reports = f"""SELECT ?r WHERE {{ GRAPH {INFERRED_GRAPH} {{ ?r a pv:Report }}
        FILTER(STRSTARTS(STR(?r), "https://w3id.org/pvkg/id/faers/")) }}"""
    case_reports = f"""SELECT ?r WHERE {{ GRAPH {INFERRED_GRAPH} {{ ?r a pv:Report }}
        FILTER(CONTAINS(STR(?r), "/casereport/")) }}"""
    store = EmbeddedStore(copy, read_only=True)
    try:
        assert len(rows(store, faers_reports)) > 900
        cases = rows(store, case_reports)
    finally:
        store.close()
    pvkg(copy, "unload", "faers", "2020q3")
    store = EmbeddedStore(copy, read_only=True)
    try:
        assert rows(store, faers_reports) == []
        assert rows(store, case_reports) == cases != []
    finally:
        store.close()


def _inferred(path: Path) -> set[str]:
    store = EmbeddedStore(path, read_only=True)
    try:
        return set(
            rows(store, f"SELECT ?s ?p ?o WHERE {{ GRAPH {INFERRED_GRAPH} {{ ?s ?p ?o }} }}")
        )
    finally:
        store.close()


def test_a_killed_refresh_leaves_the_old_graph_or_the_new(tmp_path: Path, built: Path) -> None:
    """Unload the quarter without a refresh, then kill `pvkg infer` at several moments."""
    from loaders.faers import unload

    base = copy_of(built, tmp_path / "base")
    old = _inferred(base)
    store = EmbeddedStore(base)
    try:
        unload(store, "2020q3")  # the loader alone: the inferred graph is now stale
    finally:
        store.close()
    new_copy = copy_of(base, tmp_path / "new")
    pvkg(new_copy, "infer")
    new = _inferred(new_copy)
    assert new != old
    seen = set()
    for delay in (0.5, 1.5, 3.0):
        copy = copy_of(base, tmp_path / f"kill-{delay}")
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "--store", str(copy), "infer"],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        now = _inferred(copy)
        assert now in (old, new), delay
        seen.add(now == new)
    assert seen  # at least one moment was measured


def test_refresh_is_incremental_and_repeatable(tmp_path: Path, built: Path) -> None:
    copy = copy_of(built, tmp_path / "store")
    before = _inferred(copy)
    store = EmbeddedStore(copy)
    try:
        again = refresh(store)
        typed_all = refresh(store, type_all=True)
    finally:
        store.close()
    assert again is not None and typed_all is not None
    assert again.triples == len(before) == typed_all.triples
    assert _inferred(copy) == before


def test_the_refresh_runs_through_the_store_interface_on_every_backend(
    backend_store: GraphStore,
) -> None:
    """Ontology and case reports loaded, then a refresh, on each backend (remote too)."""
    from loaders import casereport, ontology

    ontology.load(backend_store)
    for path in casereport.bundled():
        casereport.load(backend_store, path)
    refreshed = refresh(backend_store)
    assert refreshed is not None and refreshed.triples > 10
    drugs = (
        f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x a pv:Drug }} FILTER(?g != {INFERRED_GRAPH}) }}"
    )
    inferred = f"SELECT ?x WHERE {{ GRAPH {INFERRED_GRAPH} {{ ?x a schema:Drug }} }}"
    assert rows(backend_store, inferred) == rows(backend_store, drugs) != []
    edges = f"SELECT ?d ?c WHERE {{ GRAPH {INFERRED_GRAPH} {{ ?c biolink:adverse_event_of ?d }} }}"
    assert (
        rows(backend_store, edges)
        == rows(backend_store, "SELECT DISTINCT ?d ?c WHERE { GRAPH ?g { ?d pv:induces ?c } }")
        != []
    )
