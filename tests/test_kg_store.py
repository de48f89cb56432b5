"""The embedded store: replace, provenance, idempotence, atomicity, journal replay, export."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, QuerySolutions, Triple

from kg.embedded import EmbeddedStore
from kg.errors import QueryError, StoreError
from kg.iris import graph_iri
from kg.location import open_store
from kg.staging import StagedGraph, count_lines
from kg.store import Provenance

G = graph_iri("test")
PROV = Provenance(
    source="test", files=("x.nt",), checksum="sha256:0", loader="tests 0", title="Test"
)


def nt(tmp_path: Path, *objects: str, name: str = "x.nt") -> Path:
    path = tmp_path / name
    path.write_text("".join(f'<http://ex/s> <http://ex/p> "{o}" .\n' for o in objects))
    return path


def objects(store: EmbeddedStore, graph: NamedNode = G) -> list[str]:
    result = store.query(f"SELECT ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} ORDER BY ?o")
    assert isinstance(result, QuerySolutions)
    return [row["o"].value for row in result]


def test_replace_counts_and_records_provenance(store: EmbeddedStore, tmp_path: Path) -> None:
    with StagedGraph(tmp_path) as staged:
        for o in ("b", "a", "b"):
            staged.add(Triple(NamedNode("http://ex/s"), NamedNode("http://ex/p"), Literal(o)))
        assert store.replace_graph(G, staged.finish(), PROV) == 2
    [info] = store.graphs()
    assert (info.graph, info.triples, info.source, info.files) == (G, 2, "test", ("x.nt",))
    counted = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {G} {{ ?s ?p ?o }} }}")
    assert isinstance(counted, QuerySolutions)
    assert [int(row["n"].value) for row in counted] == [2]


def test_reload_replaces_without_duplicates(store: EmbeddedStore, tmp_path: Path) -> None:
    store.replace_graph(G, nt(tmp_path, "a", "b"), PROV)
    store.replace_graph(G, nt(tmp_path, "b", "c"), PROV)
    assert objects(store) == ["b", "c"]
    assert [i.triples for i in store.graphs()] == [2]


def test_other_graphs_are_untouched(store: EmbeddedStore, tmp_path: Path) -> None:
    other = graph_iri("other")
    store.replace_graph(other, nt(tmp_path, "kept", name="o.nt"), PROV)
    store.replace_graph(G, nt(tmp_path, "new"), PROV)
    assert objects(store, other) == ["kept"]


def test_default_graph_is_union_of_named_graphs(store: EmbeddedStore, tmp_path: Path) -> None:
    store.replace_graph(G, nt(tmp_path, "a"), PROV)
    store.replace_graph(graph_iri("two"), nt(tmp_path, "b", name="b.nt"), PROV)
    result = store.query("SELECT ?o WHERE { <http://ex/s> <http://ex/p> ?o } ORDER BY ?o")
    assert [r["o"].value for r in result] == ["a", "b"]  # type: ignore[union-attr]


def test_a_query_s_own_from_overrides_the_union(store: EmbeddedStore, tmp_path: Path) -> None:
    store.replace_graph(G, nt(tmp_path, "a"), PROV)
    store.replace_graph(graph_iri("two"), nt(tmp_path, "b", name="b.nt"), PROV)
    only_two = f"SELECT ?o FROM {graph_iri('two')} WHERE {{ ?s ?p ?o }}"
    assert [r["o"].value for r in store.query(only_two)] == ["b"]  # type: ignore[union-attr]
    named = f"SELECT ?o FROM NAMED {G} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert [r["o"].value for r in store.query(named)] == ["a"]  # type: ignore[union-attr]
    nothing = f"ASK FROM NAMED {G} {{ ?s ?p ?o }}"
    assert not bool(store.query(nothing))


def test_bindings_are_typed_values(store: EmbeddedStore, tmp_path: Path) -> None:
    store.replace_graph(G, nt(tmp_path, "a", "b"), PROV)
    hostile = Literal('a" } } ; DROP ALL ; SELECT * WHERE { ?x ?y "')
    sparql = "SELECT ?s WHERE { ?s <http://ex/p> ?o }"
    assert list(store.query(sparql, bindings={"o": hostile})) == []  # type: ignore[arg-type]
    rows = list(store.query(sparql, bindings={"o": Literal("a")}))  # type: ignore[arg-type]
    assert [r["s"] for r in rows] == [NamedNode("http://ex/s")]


def test_syntax_error_is_a_query_error(store: EmbeddedStore) -> None:
    with pytest.raises(QueryError, match="1:"):
        store.query("SELEKT * WHERE { ?s ?p ?o }")


def test_dataset_version_changes_with_content(store: EmbeddedStore, tmp_path: Path) -> None:
    empty = store.dataset_version()
    store.replace_graph(G, nt(tmp_path, "a"), PROV)
    first = store.dataset_version()
    assert first != empty and first == store.dataset_version()


def test_export_is_sorted_and_complete(store: EmbeddedStore, tmp_path: Path) -> None:
    store.replace_graph(G, nt(tmp_path, "z", "a", "m"), PROV)
    out = io.BytesIO()
    count = store.export(out, graphs=[G])
    lines = out.getvalue().decode().splitlines()
    assert count == 3 and lines == sorted(lines)
    assert all(line.endswith(f"{G} .") for line in lines)


def _crash_during_swap(location: Path, tmp_path: Path, *, removed: bool = False) -> Path:
    """A store whose graph G ("old") was being replaced by "new" when the process died:
    the journal record written and, with ``removed``, the old triples already gone."""
    first = EmbeddedStore(location)
    first.replace_graph(G, nt(tmp_path, "old"), PROV)
    if removed:
        first.update(f"DROP GRAPH {G}")
    first.close()
    del first
    journal = location / "journal"
    (journal / "crash.nt").write_text('<http://ex/s> <http://ex/p> "new" .\n')
    record = {
        "graph": G.value,
        "data": "crash.nt",
        "provenance": {
            "source": "test",
            "files": ["y.nt"],
            "checksum": "sha256:1",
            "loader": "tests 0",
            "title": "Test",
            "derived_from": [],
        },
    }
    (journal / "crash.json").write_text(json.dumps(record))
    return journal


def test_interrupted_replacement_is_finished_on_next_open(tmp_path: Path) -> None:
    location = tmp_path / "store"
    journal = _crash_during_swap(location, tmp_path)
    reopened = EmbeddedStore(location)
    assert objects(reopened) == ["new"]
    assert [i.checksum for i in reopened.graphs()] == ["sha256:1"]
    assert list(journal.iterdir()) == []


def test_a_reader_after_a_killed_swap_sees_the_new_graph_not_a_half_state(tmp_path: Path) -> None:
    location = tmp_path / "store"
    journal = _crash_during_swap(location, tmp_path, removed=True)
    reader = EmbeddedStore(location, read_only=True)
    assert objects(reader) == ["new"]
    assert [(i.checksum, i.triples) for i in reader.graphs()] == [("sha256:1", 1)]
    assert list(journal.iterdir()) == []


def test_a_reader_refuses_while_a_writer_holds_an_unfinished_swap(tmp_path: Path) -> None:
    location = tmp_path / "store"
    _crash_during_swap(location, tmp_path, removed=True)
    # a live writer: pyoxigraph's lock is per process, so hold it from another one
    code = (
        "import sys, time; from pyoxigraph import Store; s = Store(sys.argv[1]);"
        " print('locked', flush=True); time.sleep(30)"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", code, str(location / "oxigraph")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="in the middle of a load") as raised:
            EmbeddedStore(location, read_only=True)
        assert "\n" not in str(raised.value)
    finally:
        writer.kill()
        writer.wait()


def test_read_only_store_refuses_writes(tmp_path: Path) -> None:
    location = tmp_path / "store"
    writer = EmbeddedStore(location)
    writer.replace_graph(G, nt(tmp_path, "a"), PROV)
    writer.close()
    del writer
    reader = open_store(str(location), read_only=True)
    assert reader.read_only
    with pytest.raises(StoreError, match="read-only"):
        reader.replace_graph(G, nt(tmp_path, "b"), PROV)
    assert objects(reader) == ["a"]  # type: ignore[arg-type]


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no pvkg store"):
        open_store(str(tmp_path / "nowhere"), read_only=True)


@pytest.mark.parametrize(
    ("content", "lines"), [(b"", 0), (b"a\n", 1), (b"a\nb\n", 2), (b"a\nb", 2), (b"\n", 1)]
)
def test_count_lines(tmp_path: Path, content: bytes, lines: int) -> None:
    path = tmp_path / "f.nt"
    path.write_bytes(content)
    assert count_lines(path) == lines


def test_staged_file_is_linked_not_left_behind(store: EmbeddedStore, tmp_path: Path) -> None:
    staged = nt(tmp_path, "a", "b")
    store.replace_graph(G, staged, PROV)
    assert staged.read_text().count("\n") == 2  # the caller's file is untouched
    assert list((Path(store.location) / "journal").iterdir()) == []


def test_location_doctests() -> None:
    import doctest

    import kg.location

    assert doctest.testmod(kg.location).failed == 0
