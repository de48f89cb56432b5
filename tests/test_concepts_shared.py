"""One entity per concept over the whole graph of real data (issue 13, ADR 0012).

The store holds the bundled case reports, every FAERS quarter of ``../shared/data/faers/``,
MeSH 2024 (disease and drug trees) and the links of ``pvkg link``. Over all of it: every drug
and condition has exactly one concept, a concept is its own, and each MeSH record is the exact
match of at most one concept. Skipped when the shared data is absent.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyoxigraph import QuerySolutions

import loaders.mesh as mesh
from kg.embedded import EmbeddedStore
from kg.namespaces import PREFIXES
from loaders import casereport, faers, meshlink
from tests.conftest import shared

PV = PREFIXES["pv"]
EXACT = "<http://www.w3.org/2004/02/skos/core#exactMatch>"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("concepts") / "store")
    for path in casereport.bundled():
        casereport.load(store, path)
    faers.load(store, shared("faers"))
    mesh.load(store, shared("mesh", "mesh2024_derived.nt.gz"), trees="C,D")
    meshlink.link(store, use_cache=False)
    yield store
    store.close()


def rows(store: EmbeddedStore, sparql: str) -> list[tuple[str, ...]]:
    result = store.query(f"PREFIX pv: <{PV}> {sparql}")
    assert isinstance(result, QuerySolutions)
    return [tuple("" if t is None else t.value for t in row) for row in result]


def test_every_drug_and_condition_has_exactly_one_concept(whole: EmbeddedStore) -> None:
    entities = rows(whole, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a pv:Condition }")
    assert int(entities[0][0]) > 1000  # the graph is really the whole of it
    assert (
        rows(
            whole,
            "SELECT DISTINCT ?e WHERE { VALUES ?k { pv:Drug pv:Condition } ?e a ?k "
            "FILTER NOT EXISTS { ?e pv:concept ?c } }",
        )
        == []
    )
    assert (
        rows(
            whole, "SELECT ?e WHERE { ?e pv:concept ?c } GROUP BY ?e HAVING(COUNT(DISTINCT ?c) > 1)"
        )
        == []
    )
    assert (
        rows(
            whole,
            "SELECT DISTINCT ?c WHERE { ?e pv:concept ?c FILTER NOT EXISTS { ?c pv:concept ?c } }",
        )
        == []
    )


def test_each_mesh_record_has_at_most_one_concept(whole: EmbeddedStore) -> None:
    shared_records = rows(
        whole,
        f"SELECT ?m WHERE {{ ?e {EXACT} ?m ; pv:concept ?c }} "
        "GROUP BY ?m HAVING(COUNT(DISTINCT ?c) > 1)",
    )
    assert shared_records == []
    crohn = rows(
        whole,
        f"SELECT DISTINCT ?c WHERE {{ ?e {EXACT} <http://id.nlm.nih.gov/mesh/D003424> ; "
        "pv:concept ?c }",
    )
    assert len(crohn) == 1
