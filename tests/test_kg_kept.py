"""Incremental graph replacement in the embedded store (kg.kept, ADR 0010).

A graph loaded with ``incremental=True`` is replaced next time by removing and adding only the
lines that changed; the result must be exactly the new file, whatever the copy on disk says
when the store's record no longer matches it, and after a crash in the middle.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, QuerySolutions

from kg.embedded import EmbeddedStore
from kg.staging import StagedGraph
from kg.store import Provenance

GRAPH = NamedNode("https://w3id.org/pvkg/graph/test-derived")


def staged(tmp: Path, lines: list[str]) -> StagedGraph:
    graph = StagedGraph(tmp)
    graph.write_lines(lines)
    graph.finish()
    return graph


def triples(n: int, start: int = 0, value: str = "v") -> list[str]:
    return [f'<https://x/s{i}> <https://x/p> "{value}{i}" .\n' for i in range(start, start + n)]


def content(store: EmbeddedStore) -> set[str]:
    result = store.query(f"SELECT ?s ?o WHERE {{ GRAPH {GRAPH} {{ ?s ?p ?o }} }}")
    assert isinstance(result, QuerySolutions)
    return {f"{row['s']} {row['o']}" for row in result}


def expected(lines: list[str]) -> set[str]:
    out = set()
    for line in lines:
        subject, _, obj = line.removesuffix(" .\n").split(" ", 2)
        out.add(f"{subject} {obj}")
    return out


def replace(store: EmbeddedStore, tmp: Path, lines: list[str]) -> int:
    with staged(tmp, lines) as graph:
        provenance = Provenance("test", (), graph.checksum(), "tests", "derived")
        return store.replace_graph(GRAPH, graph.path, provenance, incremental=True)


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    return EmbeddedStore(tmp_path / "store")


def no_whole_removal(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(graph: NamedNode) -> None:
        raise AssertionError("the whole graph was removed")

    monkeypatch.setattr(store, "_store", _Guard(store._store, refuse))


class _Guard:
    """The pyoxigraph store with remove_graph replaced."""

    def __init__(self, inner: object, remove_graph: object) -> None:
        self._inner = inner
        self.remove_graph = remove_graph

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


def test_a_second_replacement_changes_only_the_difference(
    store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = triples(1000)
    assert replace(store, tmp_path, first) == 1000
    second = triples(900) + triples(50, 1000) + triples(30, 5000, "w")  # 100 gone, 80 new
    no_whole_removal(store, monkeypatch)
    assert replace(store, tmp_path, second) == 980
    assert content(store) == expected(second)
    (info,) = [i for i in store.graphs() if i.graph == GRAPH]
    assert info.triples == 980


def test_a_graph_changed_outside_is_replaced_whole(store: EmbeddedStore, tmp_path: Path) -> None:
    replace(store, tmp_path, triples(100))
    # another load of the same graph without incremental forgets the kept copy
    with staged(tmp_path, triples(10, 0, "x")) as graph:
        provenance = Provenance("test", (), graph.checksum(), "tests", "derived")
        store.replace_graph(GRAPH, graph.path, provenance)
    assert not list((tmp_path / "store" / "graphs").glob("*.nt"))
    final = triples(20)
    replace(store, tmp_path, final)
    assert content(store) == expected(final)


def test_a_stale_copy_is_not_used(store: EmbeddedStore, tmp_path: Path) -> None:
    replace(store, tmp_path, triples(100))
    # a SPARQL Update through the server refreshes the graph's load time (server/updates.py);
    # here the record is changed the same way: the copy no longer matches it
    store.update(
        "PREFIX prov: <http://www.w3.org/ns/prov#> "
        "DELETE { GRAPH ?m { ?a prov:endedAtTime ?t } } "
        'INSERT { GRAPH ?m { ?a prov:endedAtTime "2000-01-01T00:00:00Z"^^'
        "<http://www.w3.org/2001/XMLSchema#dateTime> } } "
        "WHERE { GRAPH ?m { ?a prov:endedAtTime ?t } }"
    )
    store.update(f"INSERT DATA {{ GRAPH {GRAPH} {{ <https://x/extra> <https://x/p> 1 }} }}")
    final = triples(50)
    replace(store, tmp_path, final)
    assert content(store) == expected(final)  # the extra triple is gone too


def test_a_crash_after_the_removals_is_finished_by_the_next_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore(tmp_path / "store")
    replace(store, tmp_path, triples(200))
    second = triples(150) + triples(40, 300)
    inner = store._store

    def dies(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # killed after the removals, before the additions

    monkeypatch.setattr(store, "_store", _Guard(inner, inner.remove_graph))
    monkeypatch.setattr(store._store, "bulk_load", dies, raising=False)
    with pytest.raises(KeyboardInterrupt):
        replace(store, tmp_path, second)
    monkeypatch.undo()
    store.close()
    del store, inner
    gc.collect()  # the database lock goes with the last reference
    reopened = EmbeddedStore(tmp_path / "store")  # replays the journal
    assert content(reopened) == expected(second)
    assert not list((tmp_path / "store" / "journal").iterdir())
    reopened.close()


def test_the_difference_lists_each_side_once_in_one_pass(tmp_path: Path) -> None:
    from kg.kept import difference

    old = staged(tmp_path, [*triples(5), '<https://x/a> <https://x/p> "same" .\n'])
    new = staged(
        tmp_path, [*triples(3, 3), *triples(2, value="w"), '<https://x/a> <https://x/p> "same" .\n']
    )
    removed, added = tmp_path / "removed.nt", tmp_path / "added.nt"
    difference(old.path, new.path, removed, added)
    assert removed.read_text().splitlines(keepends=True) == sorted(triples(3))
    assert added.read_text().splitlines(keepends=True) == sorted(
        [*triples(2, value="w"), triples(6)[5]]
    )
