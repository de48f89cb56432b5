"""Everything the loaders emit in the ``pv:`` namespace is declared in the ontology."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions

from kg.embedded import EmbeddedStore
from loaders import casereport, ontology
from tests.conftest import shared

DECLARED = """
SELECT DISTINCT ?t WHERE {
  GRAPH <https://w3id.org/pvkg/graph/ontology> {
    ?t a ?kind .
    VALUES ?kind {
      <http://www.w3.org/2002/07/owl#Class> <http://www.w3.org/2002/07/owl#ObjectProperty>
      <http://www.w3.org/2002/07/owl#DatatypeProperty> <http://www.w3.org/2002/07/owl#AnnotationProperty>
      <http://www.w3.org/2002/07/owl#NamedIndividual>
    }
  }
}
"""
USED = """
SELECT DISTINCT ?t WHERE {
  GRAPH ?g { { ?s ?t ?o } UNION { ?s ?p ?t } }
  FILTER(?g != <https://w3id.org/pvkg/graph/ontology>)
  FILTER(isIRI(?t) && STRSTARTS(STR(?t), "https://w3id.org/pvkg/ontology#"))
}
"""


def iris(store: EmbeddedStore, sparql: str) -> set[str]:
    result = store.query(sparql)
    assert isinstance(result, QuerySolutions)
    return {row["t"].value for row in result}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path_factory.mktemp("declared") / "store")
    ontology.load(store)
    for path in casereport.bundled():
        casereport.load(store, path)
    return store


def test_case_report_terms_are_declared(built: EmbeddedStore) -> None:
    used = iris(built, USED)
    assert len(used) > 20, "the case reports should use many pv: terms"
    assert sorted(used - iris(built, DECLARED)) == []


def test_faers_terms_are_declared(built: EmbeddedStore) -> None:
    from loaders import faers

    faers.load(built, shared("faers", "faers_ascii_2017q2_sample"))
    assert sorted(iris(built, USED) - iris(built, DECLARED)) == []


def test_mesh_and_link_terms_are_declared(built: EmbeddedStore, tmp_path: Path) -> None:
    from loaders import mesh, meshlink

    mesh.load(built, shared("mesh", "meshrdf_samples.nt"))
    meshlink.link(built)
    assert sorted(iris(built, USED) - iris(built, DECLARED)) == []
