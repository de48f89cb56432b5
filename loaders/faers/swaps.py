"""Swapping a FAERS load's staged derived graphs into the store, in the order that keeps the
store repairable and the load fast (ADR 0010).

The statistics graph goes first: its provenance lists the case base directories it was
computed from, so a load that dies after it is repaired by the next one. Then the entity,
history and deduplication graphs; the quarter's own graph is swapped last by the loader (its
bulk load sets the database compacting, which stalled removals that came after it). Per-quarter
derived graphs of quarters that are not loaded, left by a load that died before its quarter,
are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pyoxigraph import NamedNode

from kg.iris import graph_iri
from kg.shapes import ShapeReport, check_staged
from kg.staging import count_lines, replace_staged
from kg.store import GraphStore, PatchableStore, Provenance
from loaders.faers.derive import Derived, QuarterInput, StagedStatistics, Steps
from loaders.faers.history import history_graph
from loaders.faers.signals import STATISTICS_GRAPH
from loaders.faers.statistics_patch import Patch
from loaders.faers.statuses import dedup_graph

LOADER = "loaders.faers 0.1.0"


def quarter_graph(key: str) -> NamedNode:
    """The named graph of one quarter: ``pvgraph:faers/2020q3``."""
    return graph_iri("faers", key)


def _kind(graph: NamedNode) -> str:
    """A derived graph's step name: ``dedup`` for ``pvgraph:faers-dedup/2020q3``.

    >>> _kind(graph_iri("faers-entities"))
    'entities'
    """
    path = graph.value.removeprefix(graph_iri("x").value[:-1])
    return path.split("/")[0].removeprefix("faers-")


def check_shapes(
    derived: Derived, quarters: Sequence[tuple[NamedNode, Path]], steps: Steps
) -> dict[NamedNode, ShapeReport]:
    """Validate every staged graph of the load against the shapes before the first swap, so
    that a graph the shapes refuse leaves the store as it was (ADR 0014).

    :param quarters: each staged quarter's graph and file.
    :raises kg.shapes.ShapeError: naming the first graph that breaks a shape.
    """
    staged = [
        (STATISTICS_GRAPH, derived.statistics.sample),
        *((item.graph, item.staged.path) for item in derived.graphs),
        *quarters,
    ]
    with steps.time("shapes"):
        return {graph: check_staged(graph, path, count_lines(path)) for graph, path in staged}


def shapes_note(reports: dict[NamedNode, ShapeReport], graph: NamedNode) -> str:
    """``shapes: 5 graphs conform, 0.9 s; <graph>: sample of …`` for the load summary."""
    seconds = sum(r.seconds for r in reports.values())
    return f"shapes: {len(reports)} graphs conform, {seconds:.1f} s; {reports[graph].sample}"


def swap_derived(
    store: GraphStore,
    derived: Derived,
    inputs: list[QuarterInput],
    steps: Steps,
    checked: dict[NamedNode, ShapeReport],
) -> int:
    """Swap the staged derived graphs in, the statistics graph first; return its triples.

    The statistics graph's provenance lists the case base directories it was computed from,
    so it goes first: a load that dies after it is repaired by the next (ADR 0010). Per-quarter
    graphs of quarters not loaded (left by a load that died before its quarter) are dropped.
    ``checked`` holds their shape reports (:func:`check_shapes`).
    """
    derived_from = tuple(quarter_graph(q.key) for q in inputs)
    with steps.time("swap statistics"):
        provenance = Provenance(
            source="faers",
            files=tuple(q.name for q in inputs),
            checksum=derived.statistics.checksum,
            loader=LOADER,
            title="FAERS disproportionality statistics",
            derived_from=derived_from,
        )
        count = _swap_statistics(store, derived.statistics, provenance, checked)
    for item in derived.graphs:
        with steps.time(f"swap {_kind(item.graph)}"):
            provenance = Provenance(
                source="faers",
                files=item.inputs,
                checksum=item.staged.checksum(),
                loader=LOADER,
                title=item.title,
                derived_from=derived_from,
            )
            _replace(store, item.graph, item.staged.path, provenance, checked)
    keys = {q.key for q in inputs}
    for info in store.graphs():
        key = quarter_of(dedup_graph, info.graph) or quarter_of(history_graph, info.graph)
        if key is not None and key not in keys:
            store.drop_graph(info.graph)
    return count


def _replace(
    store: GraphStore,
    graph: NamedNode,
    staged: Path,
    provenance: Provenance,
    checked: dict[NamedNode, ShapeReport],
) -> int:
    """Replace a derived graph with its staged file, incrementally where the store can."""
    return replace_staged(
        store,
        graph,
        staged,
        provenance,
        allow_empty=True,
        optimize=False,
        incremental=True,
        shapes=checked[graph],
    )


def _swap_statistics(
    store: GraphStore,
    staged: StagedStatistics,
    provenance: Provenance,
    checked: dict[NamedNode, ShapeReport],
) -> int:
    """Patch or replace the statistics graph, then save the rows it was written from as the
    state of the graph the store now records (:mod:`loaders.faers.statistics_patch`)."""
    state, content = staged.state, staged.content
    if state is not None:
        state.forget()  # until the store records the new graph, no saved state matches it
    if not isinstance(content, Patch):
        count = _replace(store, STATISTICS_GRAPH, content.path, provenance, checked)
    elif isinstance(store, PatchableStore):
        count = store.patch_graph(
            STATISTICS_GRAPH, content.removed, content.added, provenance, triples=content.triples
        )
    else:  # pragma: no cover - a patch is staged only for a store that takes one
        raise TypeError(f"store {store.location} cannot be patched")
    if state is not None:
        info = next((i for i in store.graphs() if i.graph == STATISTICS_GRAPH), None)
        if info is not None:
            state.commit(info)
    return count


def quarter_of(make: Callable[[str], NamedNode], graph: NamedNode) -> str | None:
    """The quarter key of ``graph`` if ``make`` names it (``quarter_graph``, ``dedup_graph``,
    ``history_graph``), else None.

    >>> quarter_of(quarter_graph, quarter_graph("2020q3"))
    '2020q3'
    """
    prefix = make("2000q1").value[: -len("2000q1")]
    return graph.value.removeprefix(prefix) if graph.value.startswith(prefix) else None
