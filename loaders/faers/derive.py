"""The graphs FAERS derives from all loaded quarters, staged from the on-disk case base.

One :func:`derive` call computes, with DuckDB over the case base (never a read of RDF):

* the entity graph: one description of each drug and condition (:mod:`loaders.faers.entities`);
* the statistics graph (current 2×2 tables, PRR/ROR/χ²/IC, EBGM, first-signal quarters,
  indication counts: :mod:`loaders.faers.signals`);
* the history graph of every quarter that has none or whose inputs changed
  (:mod:`loaders.faers.history`);
* the deduplication graph of every quarter a change can have touched: the quarters given,
  those sharing a caseid with a quarter added or removed, and those with no graph yet
  (:mod:`loaders.faers.statuses`).

What it stages is swapped in by :mod:`loaders.faers.loader`; until then the store is unchanged.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
from pyoxigraph import NamedNode
from threadpoolctl import threadpool_limits

from kg.progress import Progress, no_progress
from kg.staging import StagedGraph
from kg.store import GraphInfo
from loaders.faers import ebgm
from loaders.faers.casestore import CaseStore, sql_path
from loaders.faers.counting import Counter, ReactionTables
from loaders.faers.entities import ENTITY_GRAPH, entity_names, write_entities
from loaders.faers.history import (
    first_signal_quarters,
    history_graph,
    inputs_name,
    save_flagged,
    write_history,
)
from loaders.faers.screening import EB05_MIN, FULL_MIN_A, PairMeasures, pair_measures
from loaders.faers.signals import (
    STATISTICS_GRAPH,
    Shrinkage,
    SignalCounts,
    head_lines,
    pair_rows,
    signal_counts,
    write_statistics,
)
from loaders.faers.statistics_patch import Patch, StatisticsRows, StatisticsState
from loaders.faers.statuses import dedup_graph, write_statuses


@dataclass(frozen=True)
class QuarterInput:
    """One loaded (or about to be loaded) quarter's case base directory."""

    key: str
    name: str
    folder: Path


@dataclass
class Steps:
    """Wall time per named step, for the load summary."""

    seconds: dict[str, float] = field(default_factory=dict)
    progress: Progress = no_progress
    """Told the name of each step as it starts (``pvkg load`` shows it)."""

    @contextlib.contextmanager
    def time(self, name: str) -> Iterator[None]:
        """Add the block's wall time to step ``name``."""
        self.progress(name, 0)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def note(self) -> str:
        """``steps: map 12.3 s, counts 1.0 s, …``."""
        return "steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())


@dataclass(frozen=True)
class StagedDerived:
    """A staged derived graph and the provenance ``files`` it records (its inputs)."""

    graph: NamedNode
    staged: StagedGraph
    inputs: tuple[str, ...]
    title: str


@dataclass(frozen=True)
class StagedStatistics:
    """The statistics graph staged either whole or as a patch of what the store holds
    (:mod:`loaders.faers.statistics_patch`).

    :param content: the whole graph, or the patch of the graph the store holds.
    :param checksum: of the rows it is written from (:meth:`StatisticsState.stage`).
    :param state: where its rows wait to become the saved state once swapped (None: not kept,
        the store cannot be patched).
    """

    content: StagedGraph | Patch
    checksum: str
    state: StatisticsState | None

    @property
    def sample(self) -> Path:
        """The file the shapes check: the whole graph, or the nodes a patch changes."""
        content = self.content
        return content.sample if isinstance(content, Patch) else content.path


@dataclass
class Derived:
    """Everything :func:`derive` staged."""

    statistics: StagedStatistics
    graphs: list[StagedDerived]
    counts: SignalCounts
    cases: int
    superseded: int
    deleted: int


def shrink(tables: ReactionTables) -> Shrinkage:
    """EBGM, EB05 and EB95 of every pair, with the MGPS prior fitted over all of them."""
    size = len(tables)
    if size == 0 or tables.n == 0:
        empty = np.full(size, np.nan)
        return Shrinkage(None, empty, empty, empty)
    n = tables.a.astype(np.float64)
    expected = (tables.a + tables.b) * (tables.a + tables.c) / float(tables.n)
    # the fit works on short vectors: a multi-threaded BLAS only spins (4x slower when the
    # machine is busy), so numpy's BLAS runs on one thread here
    full = tables.a >= FULL_MIN_A  # only full statistics nodes report EBGM (signals.py)
    gm, low, high = (np.full(size, np.nan) for _ in range(3))
    with threadpool_limits(1):
        prior = ebgm.fit_prior(n, expected)
        if full.any():
            gm[full], low[full], high[full] = ebgm.posterior(prior, n[full], expected[full])
    return Shrinkage(prior, gm, low, high)


class Deriver:
    """Stages the derived graphs of one load; see the module docstring.

    :param con: a DuckDB connection (:func:`loaders.faers.casestore.connect`).
    :param cases: the case base.
    :param inputs: every quarter that will be loaded after the swap, in quarter order.
    :param recorded: the store's recorded graphs by IRI (before the swap).
    :param workdir: where staged files go.
    :param state: the saved rows of the statistics graph, for a store that can be patched.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        cases: CaseStore,
        inputs: Sequence[QuarterInput],
        recorded: dict[str, GraphInfo],
        workdir: Path | None,
        stack: contextlib.ExitStack,
        steps: Steps,
        state: StatisticsState | None = None,
    ) -> None:
        self.con = con
        self.state = state
        self.cases = cases
        self.inputs = sorted(inputs, key=lambda q: q.key)
        self.recorded = recorded
        self.workdir = workdir
        self.stack = stack
        self.steps = steps
        self.counter = Counter(con, [q.folder for q in self.inputs])

    def _stage(self) -> StagedGraph:
        return self.stack.enter_context(StagedGraph(self.workdir))

    def statistics(self, rows: StatisticsRows) -> StagedStatistics:
        """The statistics graph: a patch if the saved state is that of the graph the store
        holds, else the whole graph (see :mod:`loaders.faers.statistics_patch`)."""
        state = self.state
        checksum = "" if state is None else state.stage(self.con, rows)
        info = self.recorded.get(STATISTICS_GRAPH.value)
        if state is not None and info is not None and state.matches(info):
            folder = Path(self.stack.enter_context(tempfile.TemporaryDirectory(dir=self.workdir)))
            patch = state.patch(self.con, info.triples, folder)
            return StagedStatistics(patch, checksum, state)
        whole = self._stage()
        write_statistics(rows.pairs, rows.head, rows.indications, whole.write_lines)
        whole.finish()
        return StagedStatistics(whole, checksum or whole.checksum(), state)

    def _history_inputs(self, key: str) -> tuple[str, ...]:
        return tuple(q.name for q in self.inputs if q.key <= key)

    def _history_is_current(self, key: str) -> bool:
        info = self.recorded.get(history_graph(key).value)
        inputs = self._history_inputs(key)
        cached = self.cases.history_path(inputs_name(key, inputs)).is_file()
        # the meta graph keeps a graph's files unordered (GROUP_CONCAT): compare them as sets
        return info is not None and sorted(info.files) == sorted(inputs) and cached

    def _history(self, key: str, tables: ReactionTables, measures: PairMeasures) -> StagedDerived:
        inputs = self._history_inputs(key)
        staged = self._stage()
        flagged = write_history(key, tables, measures, staged.write_lines)
        staged.finish()
        save_flagged(self.con, key, flagged, self.cases.history_path(inputs_name(key, inputs)))
        title = f"FAERS cumulative statistics as of {key.upper()}"
        return StagedDerived(history_graph(key), staged, inputs, title)

    def stale_histories(self) -> list[StagedDerived]:
        """History graphs of quarters before the newest that are missing or out of date."""
        out = []
        for quarter in self.inputs[:-1]:
            if self._history_is_current(quarter.key):
                continue
            with self.steps.time("history"):
                self.counter.as_of(quarter.key)
                tables = self.counter.reaction_tables()
                out.append(self._history(quarter.key, tables, pair_measures(tables)))
        return out

    def changed(self) -> list[Path]:
        """Case base directories added or dropped since the statistics were last computed.

        The statistics graph's provenance lists the directories it was computed from, so a
        quarter swapped in by a load that died before its statistics counts as changed at the
        next load.
        """
        info = self.recorded.get(STATISTICS_GRAPH.value)
        before = set(info.files) if info is not None else set()
        now = {q.name for q in self.inputs}
        return [self.cases.path(name) for name in sorted(before ^ now) if self.cases.has(name)]

    def touched(self, changed: Sequence[Path]) -> set[str]:
        """Quarters whose deduplication graph may change: sharing a caseid with the case
        base directories ``changed`` (quarters added, replaced or removed), or with none yet."""
        keys = {q.key for q in self.inputs if dedup_graph(q.key).value not in self.recorded}
        if changed:
            reports = ", ".join(sql_path(f / "reports.parquet") for f in changed)
            deleted = ", ".join(sql_path(f / "deleted.parquet") for f in changed)
            rows = self.con.execute(
                "SELECT DISTINCT quarter FROM all_reports WHERE caseid IN ("  # noqa: S608
                f"SELECT caseid FROM read_parquet([{reports}]) "
                f"UNION SELECT caseid FROM read_parquet([{deleted}]))",
            ).fetchall()
            keys |= {row[0] for row in rows}
        return keys

    def _unchanged(self, graph: NamedNode, staged: StagedGraph) -> bool:
        info = self.recorded.get(graph.value)
        return info is not None and info.checksum == staged.checksum()

    def entities(self) -> list[StagedDerived]:
        """The entity graph over every quarter, unless it is what the store holds already."""
        staged = self._stage()
        tables = self.cases.names_files(q.folder for q in self.inputs)
        write_entities(entity_names(self.con, tables), staged.write_lines)
        staged.finish()
        if self._unchanged(ENTITY_GRAPH, staged):
            return []
        inputs = tuple(q.name for q in self.inputs)
        return [StagedDerived(ENTITY_GRAPH, staged, inputs, "FAERS drugs and conditions")]

    def dedup_graphs(self, keys: set[str]) -> list[StagedDerived]:
        """Deduplication graphs of the quarters ``keys`` (as of the newest quarter)."""
        out = []
        for quarter in self.inputs:
            if quarter.key not in keys:
                continue
            staged = self._stage()
            write_statuses(self.counter.statuses(quarter.key), staged.write_lines)
            staged.finish()
            if self._unchanged(dedup_graph(quarter.key), staged):
                continue  # unchanged: no swap
            inputs = tuple(q.name for q in self.inputs)
            title = f"FAERS deduplication status of the reports of {quarter.key.upper()}"
            out.append(StagedDerived(dedup_graph(quarter.key), staged, inputs, title))
        return out


def derive(deriver: Deriver, counted: tuple[str, ...]) -> Derived:
    """Stage every derived graph; see the module docstring.

    :param counted: the role codes counted as exposure.
    """
    steps = deriver.steps
    with steps.time("entities"):
        graphs = deriver.entities()
    graphs += deriver.stale_histories()
    newest = deriver.inputs[-1].key if deriver.inputs else "0000q0"
    with steps.time("counts"):
        deriver.counter.as_of(newest)
        tables = deriver.counter.reaction_tables()
        indications = deriver.counter.indication_counts()
    with steps.time("ebgm"):
        shrinkage = shrink(tables)
    with steps.time("measures"), np.errstate(invalid="ignore"):  # NaN: not computed
        measures = pair_measures(tables, also=shrinkage.eb05 >= EB05_MIN)
    if deriver.inputs and not deriver._history_is_current(newest):
        with steps.time("history"):
            graphs.append(deriver._history(newest, tables, measures))
    saved = [
        deriver.cases.history_path(inputs_name(q.key, deriver._history_inputs(q.key)))
        for q in deriver.inputs
    ]
    with steps.time("statistics"):
        first = first_signal_quarters(deriver.con, saved, tables)
        rows = pair_rows(tables, measures, shrinkage, first)
        head = head_lines(tables, counted, shrinkage.prior)
        counts = signal_counts(tables, rows, indications)
        del measures, first
        statistics = deriver.statistics(StatisticsRows(rows, indications, head))
        del tables, rows, indications
    with steps.time("dedup"):
        graphs += deriver.dedup_graphs(deriver.touched(deriver.changed()))
        counter = deriver.counter
        cases, superseded, deleted = (
            counter.cases(),
            counter.superseded(),
            counter.deleted_reports(),
        )
    return Derived(statistics, graphs, counts, cases, superseded, deleted)
