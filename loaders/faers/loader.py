"""Loading FAERS quarters into a store: map, deduplicate, compute statistics, then swap graphs.

Everything is read, mapped and computed before the store is touched: each quarter is staged
as a complete N-Triples file, the statistics over all quarters (those given plus those
already loaded) are staged too, and only then are the graphs replaced. Bad input therefore
leaves the store as it was; rows that cannot be read are listed in a rejects file instead.
"""

from __future__ import annotations

import contextlib
import gc
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode

from kg import vocab
from kg.errors import InputError
from kg.iris import graph_iri
from kg.staging import StagedGraph
from kg.store import GraphStore, LoadSummary, Provenance
from loaders.faers.casebase import CaseBase, read_casebase
from loaders.faers.dedup import Dedup, deduplicate
from loaders.faers.mapping import QuarterCounts, QuarterMapper
from loaders.faers.signals import SignalCounts, write_statistics
from loaders.faers.tables import QuarterFiles, Rejects, discover

LOADER = "loaders.faers 0.1.0"
STATISTICS_GRAPH = graph_iri("faers-statistics")
DEFAULT_ROLES = ("PS", "SS")


def quarter_graph(key: str) -> NamedNode:
    """The named graph of one quarter: ``pvgraph:faers/2020q3``."""
    return graph_iri("faers", key)


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
    base: CaseBase

    @property
    def graph(self) -> NamedNode:
        """Its named graph."""
        return quarter_graph(self.files.key)


def _loaded_quarters(store: GraphStore, exclude: set[str]) -> list[NamedNode]:
    prefix = quarter_graph("2000q1").value.rsplit("/", 1)[0] + "/"
    return [
        info.graph
        for info in store.graphs()
        if info.graph.value.startswith(prefix) and info.graph.value not in exclude
    ]


def _stage_quarter(
    files: QuarterFiles, rejects: Rejects, roles: tuple[str, ...], workdir: Path | None
) -> StagedQuarter:
    staged = StagedGraph(workdir)
    mapper = QuarterMapper(files, staged.write_lines, rejects, frozenset(roles))
    base = mapper.run()
    staged.finish()
    return StagedQuarter(files, staged, mapper.counts, base)


def _rejects_path(store: GraphStore, keys: list[str], given: Path | None) -> Path:
    if given is not None:
        return given
    name = f"faers-{'-'.join(keys)}-rejects.tsv"
    local = Path(store.location)
    if not store.location.startswith(("http://", "https://")) and local.is_dir():
        return local / "rejects" / name
    return Path(tempfile.gettempdir()) / name


def _quarter_notes(q: StagedQuarter) -> str:
    rows = q.counts.rows
    roles = " ".join(f"{r} {q.counts.roles[r]}" for r in ("PS", "SS", "C", "I"))
    tables = ", ".join(f"{k} {rows[k]}" for k in ("REAC", "OUTC", "INDI", "THER", "RPSR"))
    missing = [
        k for k in ("DRUG", "REAC", "OUTC", "INDI", "THER", "RPSR") if k not in q.files.tables
    ]
    absent = f"; absent tables: {', '.join(missing)}" if missing else ""
    return (
        f"{q.files.key}: {rows['DEMO']} reports, DRUG {rows['DRUG']} rows ({roles}), "
        f"{tables}, {len(q.base.deleted)} deleted caseids listed{absent}"
    )


def _totals_note(dedup: Dedup, signals: SignalCounts) -> tuple[str, str]:
    return (
        f"deduplicated: {dedup.cases} cases (current reports), {len(dedup.superseded)} "
        f"superseded, {len(dedup.deleted)} deleted",
        f"statistics: {signals.reports_counted} reports counted, {signals.reaction_pairs} "
        f"drug-reaction pairs, {signals.signals} Evans signals, {signals.indication_pairs} "
        "drug-indication pairs",
    )


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


@dataclass
class Staging:
    """Everything a FAERS load writes, staged: the quarters, the statistics and their notes."""

    quarters: list[StagedQuarter]
    statistics: StagedGraph
    others: list[NamedNode]
    """Quarter graphs already in the store that the statistics also cover."""
    notes: tuple[str, str]
    quarter_notes: list[str]
    reports: int


def stage(
    store: GraphStore,
    found: list[QuarterFiles],
    problems: Rejects,
    counted: tuple[str, ...],
    workdir: Path | None,
    stack: contextlib.ExitStack,
) -> Staging:
    """Map the quarters and compute the statistics over them and those in ``store``.

    Only reads ``store``. The staged files are removed when ``stack`` closes; the case base is
    released before the statistics are sorted (``sort`` runs in a child process with its own
    buffer) and the store swaps that follow.
    """
    with collector_paused():
        quarters = []
        for files in found:
            quarter = _stage_quarter(files, problems, counted, workdir)
            stack.enter_context(quarter.staged)
            quarters.append(quarter)
        others = _loaded_quarters(store, {q.graph.value for q in quarters})
        base = read_casebase(store, others, [vocab.FAERS_ROLE_CODES[r] for r in counted])
        for quarter in quarters:
            base.merge(quarter.base)
        dedup = deduplicate(base)
        stats = stack.enter_context(StagedGraph(workdir))
        signal_counts = write_statistics(base, dedup, counted, stats.write_lines)
        totals = _totals_note(dedup, signal_counts)
        notes = [_quarter_notes(q) for q in quarters]
        reports = len(base.reports)
        del base, dedup
        for quarter in quarters:
            quarter.base = CaseBase()
    stats.finish()  # GNU sort, in a child process: after the case base is gone, not beside it
    return Staging(quarters, stats, others, totals, notes, reports)


def load_quarters(
    store: GraphStore,
    path: Path,
    *,
    rejects: Path | None = None,
    roles: str | Sequence[str] | None = None,
    workdir: Path | None = None,
) -> list[LoadSummary]:
    """Load every quarter found at ``path`` and recompute the statistics graph.

    :param store: where to load.
    :param path: a quarter directory or zip, or a directory of them (see
        :func:`loaders.faers.tables.discover`).
    :param rejects: where to list unreadable rows (default: ``<store>/rejects/…``).
    :param roles: drug roles counted as exposure (default ``PS,SS``).
    :param workdir: where staged files go (default: the system temporary directory).
    :return: one summary per quarter, then the statistics graph's.
    :raises InputError: if ``path`` is not a FAERS quarter or a table is unreadable; the store
        is then unchanged.
    """
    counted = parse_roles(roles)
    found = discover(path)
    problems = Rejects()
    with contextlib.ExitStack() as stack:
        staged = stage(store, found, problems, counted, workdir, stack)
        quarters, stats = staged.quarters, staged.statistics
        rejects_file = None
        if problems:
            rejects_file = _rejects_path(store, [q.files.key for q in quarters], rejects)
            problems.write(rejects_file)
        summaries = []
        for quarter, quarter_note in zip(quarters, staged.quarter_notes, strict=True):
            provenance = Provenance(
                source="faers",
                files=quarter.files.names,
                checksum=quarter.staged.checksum(),
                loader=LOADER,
                title=f"FAERS quarterly extract {quarter.files.key.upper()}",
            )
            count = store.replace_graph(
                quarter.graph, quarter.staged.path, provenance, optimize=False
            )
            mine = sum(1 for entry in problems.entries if entry[0] in quarter.files.names)
            summaries.append(
                LoadSummary(
                    graph=quarter.graph,
                    triples=count,
                    records=quarter.counts.rows["DEMO"],
                    rejects=mine,
                    rejects_file=rejects_file if mine else None,
                    notes=(quarter_note,),
                )
            )
        derived = tuple(
            sorted([*staged.others, *(q.graph for q in quarters)], key=lambda g: g.value)
        )
        provenance = Provenance(
            source="faers",
            files=(),
            checksum=stats.checksum(),
            loader=LOADER,
            title="FAERS deduplication and disproportionality statistics",
            derived_from=derived,
        )
        count = store.replace_graph(STATISTICS_GRAPH, stats.path, provenance)
        summaries.append(
            LoadSummary(
                graph=STATISTICS_GRAPH,
                triples=count,
                records=staged.reports,
                rejects=len(problems),
                rejects_file=rejects_file,
                notes=staged.notes,
            )
        )
    return summaries


def load(store: GraphStore, path: Path, **options: object) -> LoadSummary:
    """Load the FAERS quarter(s) at ``path``; see :func:`load_quarters`.

    :return: the quarter's summary (with the statistics notes added); for several quarters,
        the statistics graph's summary with one note per quarter.
    """
    rejects = options.get("rejects")
    roles = options.get("roles")
    workdir = options.get("workdir")
    summaries = load_quarters(
        store,
        Path(path),
        rejects=Path(str(rejects)) if rejects else None,
        roles=str(roles) if roles else None,
        workdir=Path(str(workdir)) if workdir else None,
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
