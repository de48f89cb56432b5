"""The statistics graph patched from its saved rows is the graph written whole (ADR 0010).

Hand-made quarters (those of ``tests/test_faers_history.py``) are loaded and removed one at a
time into two stores: one patches the statistics graph from the rows saved at the last load,
the other has its saved rows deleted before every load and so writes the graph whole. Every
FAERS graph must be the same, and the triple count the store records must be the graph's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from kg.embedded import EmbeddedStore
from kg.store import Provenance
from loaders import faers
from loaders.faers import statistics_patch
from loaders.faers.statistics_patch import StatisticsState
from tests.test_faers_history import derived_graphs, graph_lines, series, store_at

__all__ = ["series"]  # the fixture, used by name


def state_of(store: EmbeddedStore) -> StatisticsState:
    return StatisticsState(Path(store.location) / "casebase" / "statistics")


def counting_patches(store: EmbeddedStore) -> list[int]:
    """Wrap ``store.patch_graph``; the list gets the triple count of every patch."""
    calls: list[int] = []
    patch = store.patch_graph

    def counted(graph: NamedNode, gone: Path, come: Path, prov: Provenance, **kw: int) -> int:
        calls.append(kw["triples"])
        return patch(graph, gone, come, prov, **kw)

    store.patch_graph = counted  # type: ignore[method-assign]
    return calls


def recorded_triples(store: EmbeddedStore) -> int:
    return next(i.triples for i in store.graphs() if i.graph == faers.STATISTICS_GRAPH)


def steps(store: EmbeddedStore, series: dict[str, Path], forget: bool) -> None:
    for key in ("2020q1", "2020q3", "2020q2"):  # 2020q2 after 2020q3: histories recomputed
        if forget:
            state_of(store).forget()
        faers.load_quarters(store, series[key])
    if forget:
        state_of(store).forget()
    faers.unload(store, "2020q1")


def test_a_patched_statistics_graph_is_the_graph_written_whole(
    series: dict[str, Path], tmp_path: Path
) -> None:
    patched = store_at(tmp_path / "patched")
    patches = counting_patches(patched)
    steps(patched, series, forget=False)
    whole = store_at(tmp_path / "whole")
    no_patches = counting_patches(whole)
    steps(whole, series, forget=True)
    assert len(patches) == 3 and no_patches == []
    assert derived_graphs(patched) == derived_graphs(whole)
    for store in (patched, whole):
        assert recorded_triples(store) == len(graph_lines(store, faers.STATISTICS_GRAPH))
    assert patches[-1] == recorded_triples(patched)
    patched.close()
    whole.close()


def test_a_load_killed_before_its_rows_are_saved_writes_the_graph_whole_next(
    series: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    never = store_at(tmp_path / "never")  # 2020q2's statistics landed, its quarter never
    for key in ("2020q1", "2020q3"):
        faers.load_quarters(never, series[key])
    expected = derived_graphs(never)
    never.close()
    store = store_at(tmp_path / "killed")
    faers.load_quarters(store, series["2020q1"])
    patches = counting_patches(store)

    def dies(self: StatisticsState, info: object) -> None:
        raise KeyboardInterrupt  # killed once the store holds the patched graph

    with monkeypatch.context() as m:
        m.setattr(StatisticsState, "commit", dies)
        with pytest.raises(KeyboardInterrupt):
            faers.load_quarters(store, series["2020q2"])
    assert len(patches) == 1
    assert not state_of(store).record.exists()  # no saved rows claim the patched graph
    faers.load_quarters(store, series["2020q3"])
    assert len(patches) == 1  # written whole
    assert derived_graphs(store) == expected
    assert recorded_triples(store) == len(graph_lines(store, faers.STATISTICS_GRAPH))
    faers.load_quarters(store, series["2020q2"])
    assert len(patches) == 2  # and patched again from the rows saved with it
    store.close()


def test_saved_rows_of_another_format_or_graph_are_not_used(
    series: dict[str, Path], tmp_path: Path
) -> None:
    store = store_at(tmp_path / "s")
    faers.load_quarters(store, series["2020q1"])
    state = state_of(store)
    info = next(i for i in store.graphs() if i.graph == faers.STATISTICS_GRAPH)
    assert state.matches(info)
    saved = json.loads(state.record.read_text(encoding="utf-8"))
    state.record.write_text(json.dumps({**saved, "format": statistics_patch.FORMAT + 1}))
    assert not state.matches(info)
    state.record.write_text(json.dumps({**saved, "triples": info.triples + 1}))
    assert not state.matches(info)
    state.record.write_text(json.dumps(saved))
    (state.folder / "pairs.parquet").unlink()
    assert not state.matches(info)
    store.close()
