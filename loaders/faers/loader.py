"""Loading FAERS quarters into a store: map, deduplicate, compute statistics, then swap graphs.

Everything is read, mapped and computed before the store is touched: each quarter is staged
as a complete N-Triples file and its per-report facts are written to the on-disk case base
(:mod:`loaders.faers.casestore`); the derived graphs over all quarters (statistics, history,
deduplication: :mod:`loaders.faers.derive`) are computed from the case base with DuckDB and
staged too, and only then are the graphs replaced (:mod:`loaders.faers.swaps`: the derived
graphs, statistics first, then the quarter). No quarter already in the store is read
again, so adding a quarter costs about the same however many are loaded (ADR 0010). Bad input
leaves the store as it was; rows that cannot be read are listed in a rejects file instead.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode

from kg import vocab
from kg.errors import InputError
from kg.location import is_remote
from kg.progress import Progress, no_progress
from kg.shapes import ShapeReport
from kg.staging import StagedGraph, replace_staged
from kg.store import GraphInfo, GraphStore, LoadSummary, PatchableStore, Provenance
from loaders.faers.casebase import CaseBase, read_casebase
from loaders.faers.casestore import CaseStore, connect, quarter_dir_name
from loaders.faers.derive import Derived, Deriver, QuarterInput, Steps, derive
from loaders.faers.history import history_graph, inputs_name
from loaders.faers.mapping import QuarterCounts, QuarterMapper
from loaders.faers.statistics_patch import StatisticsState
from loaders.faers.statuses import dedup_graph
from loaders.faers.summaries import quarter_notes, statistics_summary
from loaders.faers.swaps import (
    LOADER,
    check_shapes,
    quarter_graph,
    quarter_of,
    shapes_note,
    swap_derived,
)
from loaders.faers.tables import QuarterFiles, Rejects, discover

DEFAULT_ROLES = ("PS", "SS")


def parse_roles(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """Role codes counted as exposure, from ``"PS,SS"`` or a sequence.

    :raises InputError: for a code that is not PS, SS, C or I.
    """
    if text is None:
        return DEFAULT_ROLES
    items = text.split(",") if isinstance(text, str) else list(text)
    roles = tuple(dict.fromkeys(r.strip().upper() for r in items if r.strip()))
    unknown = [r for r in roles if r not in vocab.FAERS_ROLE_CODES]
    if unknown or not roles:
        raise InputError(
            f"roles must be among PS, SS, C, I (got {text!r})", entry="--roles", field="roles"
        )
    return roles


@dataclass
class StagedQuarter:
    """One mapped quarter waiting to be swapped in."""

    files: QuarterFiles
    staged: StagedGraph
    counts: QuarterCounts
    deleted_listed: int
    input: QuarterInput

    @property
    def graph(self) -> NamedNode:
        """Its named graph."""
        return quarter_graph(self.files.key)


def case_store(store: GraphStore, given: Path | None = None) -> CaseStore:
    """The case base of ``store``: ``given``, else ``$PVKG_CASEBASE``, else ``<store>/casebase``
    for an embedded store, else a directory per server URL under the user's data directory."""
    if given is not None:
        return CaseStore(given)
    if os.environ.get("PVKG_CASEBASE"):
        return CaseStore(Path(os.environ["PVKG_CASEBASE"]))
    if not is_remote(store.location):
        return CaseStore(Path(store.location) / "casebase")
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    digest = hashlib.sha256(store.location.encode()).hexdigest()[:16]
    return CaseStore(data / "pvkg" / "casebase" / digest)


def _stage_quarter(
    files: QuarterFiles,
    rejects: Rejects,
    roles: tuple[str, ...],
    workdir: Path | None,
    cases: CaseStore,
    steps: Steps,
    allow_partial: bool = False,
) -> StagedQuarter:
    """Map one quarter to a staged graph and write its case base directory."""
    staged = StagedGraph(workdir)
    with contextlib.ExitStack() as on_failure:
        on_failure.enter_context(staged)
        with steps.time("map"):
            mapper = QuarterMapper(
                files, staged.write_lines, rejects, frozenset(roles), allow_partial=allow_partial
            )
            base = mapper.run()
            staged.finish()
        with steps.time("case base"):
            name = quarter_dir_name(files.key, staged.checksum(), roles)
            folder = cases.write(name, files.key, base)
        on_failure.pop_all()
    deleted = len(base.deleted)
    del base
    mapper.base = CaseBase()
    return StagedQuarter(
        files, staged, mapper.counts, deleted, QuarterInput(files.key, name, folder)
    )


def _loaded(recorded: dict[str, GraphInfo]) -> dict[str, GraphInfo]:
    """The recorded quarter graphs by quarter key."""
    found = {}
    for info in recorded.values():
        key = quarter_of(quarter_graph, info.graph)
        if key is not None:
            found[key] = info
    return found


def _existing_input(
    store: GraphStore, cases: CaseStore, key: str, info: GraphInfo, roles: tuple[str, ...]
) -> QuarterInput:
    """The case base directory of a quarter already in the store; read back from the store
    once when missing (a store loaded before the case base existed, or with other roles)."""
    name = quarter_dir_name(key, info.checksum, roles)
    if not cases.has(name):
        counted = [vocab.FAERS_ROLE_CODES[r] for r in roles]
        cases.write(name, key, read_casebase(store, [info.graph], counted))
    return QuarterInput(key, name, cases.path(name))


def _rejects_path(store: GraphStore, keys: list[str], given: Path | None) -> Path:
    if given is not None:
        return given
    name = f"faers-{'-'.join(keys)}-rejects.tsv"
    local = Path(store.location)
    if not is_remote(store.location) and local.is_dir():
        return local / "rejects" / name
    return Path(tempfile.gettempdir()) / name


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for the block (its previous state is restored after).

    Mapping and statistics make tens of millions of objects that live until the end and form
    no reference cycles; the collector would walk them all again and again for nothing (about
    a tenth of the CPU time of a load). Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _derive(
    store: GraphStore,
    cases: CaseStore,
    inputs: list[QuarterInput],
    counted: tuple[str, ...],
    workdir: Path | None,
    stack: contextlib.ExitStack,
    steps: Steps,
) -> Derived:
    """Stage the derived graphs over ``inputs`` (only reads the store's graph list)."""
    recorded = {info.graph.value: info for info in store.graphs()}
    con = connect(cases.root / "scratch")
    stack.callback(con.close)
    patchable = isinstance(store, PatchableStore)
    state = StatisticsState(cases.root / "statistics") if patchable else None
    deriver = Deriver(con, cases, inputs, recorded, workdir, stack, steps, state)
    with collector_paused():
        return derive(deriver, counted)


def _collect(cases: CaseStore, inputs: list[QuarterInput]) -> None:
    """Remove case base directories and cached tables the store no longer names."""
    cases.collect(q.name for q in inputs)
    cases.collect_history(
        inputs_name(q.key, [i.name for i in inputs if i.key <= q.key]) for q in inputs
    )


def load_quarters(
    store: GraphStore,
    path: Path,
    *,
    rejects: Path | None = None,
    roles: str | Sequence[str] | None = None,
    workdir: Path | None = None,
    casebase: Path | None = None,
    optimize: bool = False,
    allow_partial: bool = False,
    progress: Progress = no_progress,
) -> list[LoadSummary]:
    """Load every quarter found at ``path`` and recompute the derived graphs.

    :param store: where to load.
    :param path: a quarter directory or zip, or a directory of them (see
        :func:`loaders.faers.tables.discover`).
    :param rejects: where to list unreadable rows (default: ``<store>/rejects/…``).
    :param roles: drug roles counted as exposure (default ``PS,SS``).
    :param workdir: where staged files go (default: the system temporary directory).
    :param casebase: the case base directory (default: see :func:`case_store`).
    :param optimize: compact the whole store after the swaps (its cost grows with the store;
        FAERS queries measured no faster after it, ADR 0010).
    :param allow_partial: load a table even when it lost more than the share of rows
        :data:`loaders.input_policy.MAX_LOSS` allows.
    :param progress: told the name of each step as it starts.
    :return: one summary per quarter, then the statistics graph's.
    :raises InputError: if ``path`` is not a FAERS quarter or a table is unreadable; the store
        is then unchanged.
    """
    counted = parse_roles(roles)
    found = discover(path)
    problems = Rejects()
    steps = Steps(progress=progress)
    cases = case_store(store, casebase)
    with contextlib.ExitStack() as stack:
        quarters = []
        with collector_paused():
            for files in found:
                quarter = _stage_quarter(
                    files, problems, counted, workdir, cases, steps, allow_partial
                )
                stack.enter_context(quarter.staged)
                quarters.append(quarter)
        inputs = [q.input for q in quarters]
        given = {q.files.key for q in quarters}
        with steps.time("case base"):
            for key, info in _loaded({i.graph.value: i for i in store.graphs()}).items():
                if key not in given:
                    inputs.append(_existing_input(store, cases, key, info, counted))
        derived = _derive(store, cases, inputs, counted, workdir, stack, steps)
        rejects_file = None
        if problems:
            rejects_file = _rejects_path(store, [q.files.key for q in quarters], rejects)
            problems.write(rejects_file)
        # derived graphs first: the quarter's bulk load sets the database compacting, and
        # the removals of an incremental swap right after it stalled (ADR 0010)
        checked = check_shapes(derived, [(q.graph, q.staged.path) for q in quarters], steps)
        count = swap_derived(store, derived, inputs, steps, checked)
        with steps.time("swap quarter"):
            summaries = [_swap_quarter(store, q, problems, rejects_file, checked) for q in quarters]
        if optimize:
            with steps.time("optimize"):
                store.optimize()
        _collect(cases, inputs)
        summaries.append(statistics_summary(derived, count, problems, rejects_file, steps))
    return summaries


def _swap_quarter(
    store: GraphStore,
    quarter: StagedQuarter,
    problems: Rejects,
    rejects_file: Path | None,
    checked: dict[NamedNode, ShapeReport],
) -> LoadSummary:
    provenance = Provenance(
        source="faers",
        files=quarter.files.names,
        checksum=quarter.staged.checksum(),
        loader=LOADER,
        title=f"FAERS quarterly extract {quarter.files.key.upper()}",
    )
    staged, shapes = quarter.staged.path, checked[quarter.graph]  # checked before any swap
    count = replace_staged(store, quarter.graph, staged, provenance, optimize=False, shapes=shapes)
    mine = sum(1 for entry in problems.entries if entry[0] in quarter.files.names)
    return LoadSummary(
        graph=quarter.graph,
        triples=count,
        records=quarter.counts.rows["DEMO"],
        rejects=mine,
        rejects_file=rejects_file if mine else None,
        notes=(
            quarter_notes(quarter.files, quarter.counts, quarter.deleted_listed),
            shapes_note(checked, quarter.graph),
        ),
    )


def unload(
    store: GraphStore,
    key: str,
    *,
    roles: str | Sequence[str] | None = None,
    workdir: Path | None = None,
    casebase: Path | str | None = None,
    optimize: bool = False,
) -> LoadSummary:
    """Remove quarter ``key`` (``2024q1``) and recompute the derived graphs without it.

    :raises InputError: if no such quarter is loaded; the store is then unchanged.
    """
    counted = parse_roles(roles)
    steps = Steps()
    cases = case_store(store, Path(casebase) if casebase else None)
    loaded = _loaded({i.graph.value: i for i in store.graphs()})
    wanted = key.strip().lower()
    if wanted not in loaded:
        known = ", ".join(sorted(loaded)) or "none"
        raise InputError(
            f"no FAERS quarter {key!r} is loaded (loaded: {known})", entry=key, field="quarter"
        )
    with contextlib.ExitStack() as stack:
        with steps.time("case base"):
            inputs = [_existing_input(store, cases, k, info, counted) for k, info in loaded.items()]
        inputs = [q for q in inputs if q.key != wanted]
        derived = _derive(store, cases, inputs, counted, workdir, stack, steps)
        checked = check_shapes(derived, [], steps)
        with steps.time("drop"):
            for graph in (quarter_graph(wanted), dedup_graph(wanted), history_graph(wanted)):
                store.drop_graph(graph)
        count = swap_derived(store, derived, inputs, steps, checked)
        if optimize:
            with steps.time("optimize"):
                store.optimize()
        _collect(cases, inputs)
        return statistics_summary(derived, count, Rejects(), None, steps)


def load(
    store: GraphStore, path: Path, progress: Progress = no_progress, **options: object
) -> LoadSummary:
    """Load the FAERS quarter(s) at ``path``; see :func:`load_quarters`.

    :return: the quarter's summary (with the statistics notes added); for several quarters,
        the statistics graph's summary with one note per quarter.
    """
    rejects = options.get("rejects")
    roles = options.get("roles")
    workdir = options.get("workdir")
    casebase = options.get("casebase")
    optimize = options.get("optimize", "never") == "always"
    summaries = load_quarters(
        store,
        Path(path),
        rejects=Path(str(rejects)) if rejects else None,
        roles=str(roles) if roles else None,
        workdir=Path(str(workdir)) if workdir else None,
        casebase=Path(str(casebase)) if casebase else None,
        optimize=optimize,
        allow_partial=bool(options.get("allow_partial")),
        progress=progress,
    )
    stats = summaries[-1]
    quarters = summaries[:-1]
    if len(quarters) == 1:
        only = quarters[0]
        return LoadSummary(
            graph=only.graph,
            triples=only.triples,
            records=only.records,
            rejects=stats.rejects,
            rejects_file=stats.rejects_file,
            notes=(*only.notes, *stats.notes),
        )
    return LoadSummary(
        graph=stats.graph,
        triples=sum(s.triples for s in summaries),
        records=sum(s.records for s in quarters),
        rejects=stats.rejects,
        rejects_file=stats.rejects_file,
        notes=(*(n for s in quarters for n in s.notes), *stats.notes),
    )
