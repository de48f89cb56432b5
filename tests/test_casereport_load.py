"""Loading curated case reports into a real on-disk store: graphs, provenance, idempotence,
atomicity."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg.embedded import EmbeddedStore
from kg.errors import InputError
from kg.iris import graph_iri
from loaders import casereport
from loaders.casereport.mapping import publication_triples
from loaders.casereport.publication import read_publication

FIXTURES = Path(__file__).parent / "fixtures" / "casereport"
KEYS = ("infliximab-paradoxical-psoriasis-two-cases", "pd1-psoriasis-infliximab-news")


def _count(store: EmbeddedStore, graph: NamedNode) -> int:
    rows = list(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))
    return int(rows[0]["n"].value)  # type: ignore[index]


def _export(store: EmbeddedStore) -> bytes:
    out = io.BytesIO()
    store.export(out)
    return out.getvalue()


def test_each_publication_gets_its_own_graph(store: EmbeddedStore) -> None:
    summary = casereport.load(store, casereport.DATA)
    assert summary.graph == graph_iri("casereport")
    assert summary.records == 3  # patients
    infos = {info.graph: info for info in store.graphs()}
    for key, path in zip(KEYS, casereport.bundled(), strict=True):
        graph = graph_iri("casereport", key)
        expected = len(set(publication_triples(read_publication(path))))
        assert infos[graph].triples == expected == _count(store, graph)
        assert infos[graph].source == "casereport"
        assert infos[graph].files == (str(path),)
        assert infos[graph].checksum.startswith("sha256:")
    assert summary.triples == sum(infos[graph_iri("casereport", k)].triples for k in KEYS)


def test_single_file_summary(store: EmbeddedStore) -> None:
    path = casereport.bundled()[1]
    summary = casereport.load(store, path)
    assert summary.graph == graph_iri("casereport", "pd1-psoriasis-infliximab-news")
    assert summary.records == 1
    assert summary.triples == _count(store, summary.graph)


def test_reload_is_idempotent(store: EmbeddedStore) -> None:
    casereport.load(store, casereport.DATA)
    before = {g: _count(store, graph_iri("casereport", g)) for g in KEYS}
    export_before = _export(store)
    casereport.load(store, casereport.DATA)
    after = {g: _count(store, graph_iri("casereport", g)) for g in KEYS}
    assert before == after
    # same quads (the load time in the meta graph differs, nothing else)
    strip = [line for line in export_before.splitlines() if b"/graph/meta>" not in line]
    again = [line for line in _export(store).splitlines() if b"/graph/meta>" not in line]
    assert strip == again
    assert len(again) == len(set(again))


@pytest.mark.parametrize("broken", ["dangling-reaction.yaml", "bad-role.yaml"])
def test_malformed_file_leaves_the_store_unchanged(
    store: EmbeddedStore, tmp_path: Path, broken: str
) -> None:
    casereport.load(store, casereport.DATA)
    version, export = store.dataset_version(), _export(store)
    # a directory with a valid file first and a broken one after: nothing may be loaded
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(FIXTURES / "valid-minimal.yaml", batch / "a-valid.yaml")
    shutil.copy(FIXTURES / broken, batch / "b-broken.yaml")
    with pytest.raises(InputError) as caught:
        casereport.load(store, batch)
    assert caught.value.path == str(batch / "b-broken.yaml")
    assert caught.value.entry is not None and caught.value.field is not None
    assert store.dataset_version() == version
    assert _export(store) == export
    assert graph_iri("casereport", "fixture-minimal") not in {g.graph for g in store.graphs()}


def test_check_option_validates_without_loading(store: EmbeddedStore) -> None:
    summary = casereport.load(store, casereport.DATA, check=True)
    assert summary.records == 2
    assert store.graphs() == []


def test_missing_path_and_empty_directory(store: EmbeddedStore, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        casereport.load(store, tmp_path / "absent.yaml")
    with pytest.raises(InputError, match=r"no curated \.yaml file"):
        casereport.load(store, tmp_path)
