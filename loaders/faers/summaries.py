"""The lines a FAERS load reports: per quarter (tables and rows read) and for the statistics."""

from __future__ import annotations

from pathlib import Path

from kg.store import LoadSummary
from loaders.faers.derive import Derived, Steps
from loaders.faers.mapping import QuarterCounts
from loaders.faers.signals import STATISTICS_GRAPH
from loaders.faers.statistics_patch import Patch
from loaders.faers.tables import TABLES, QuarterFiles, Rejects


def quarter_notes(files: QuarterFiles, counts: QuarterCounts, deleted_listed: int) -> str:
    """What one quarter's tables held: reports, drug rows by role, the other tables' rows."""
    rows = counts.rows
    roles = " ".join(f"{r} {counts.roles[r]}" for r in ("PS", "SS", "C", "I"))
    tables = ", ".join(f"{k} {rows[k]}" for k in TABLES[2:])  # after DEMO and DRUG
    missing = [k for k in TABLES[1:] if k not in files.tables]
    absent = f"; absent tables: {', '.join(missing)}" if missing else ""
    return (
        f"{files.key}: {rows['DEMO']} reports, DRUG {rows['DRUG']} rows ({roles}), "
        f"{tables}, {deleted_listed} deleted caseids listed{absent}"
    )


def totals_notes(derived: Derived) -> tuple[str, str]:
    """Deduplication and statistics totals over every loaded quarter."""
    signals = derived.counts
    return (
        f"deduplicated: {derived.cases} cases (current reports), {derived.superseded} "
        f"superseded, {derived.deleted} deleted",
        f"statistics: {signals.reports_counted} reports counted, {signals.reaction_pairs} "
        f"drug-reaction pairs, {signals.signals} Evans signals, {signals.indication_pairs} "
        "drug-indication pairs",
    )


def _written(derived: Derived) -> str:
    """How the statistics graph was written: patched (ADR 0010) or whole."""
    patch = derived.statistics.content
    if not isinstance(patch, Patch):
        return "statistics graph written whole"
    return (
        f"statistics graph patched: {patch.changed_nodes} nodes changed, "
        f"{patch.removed_lines} lines removed, {patch.added_lines} added"
    )


def statistics_summary(
    derived: Derived, count: int, problems: Rejects, rejects_file: Path | None, steps: Steps
) -> LoadSummary:
    """The statistics graph's summary: triples, records counted, rejects, totals and steps."""
    return LoadSummary(
        graph=STATISTICS_GRAPH,
        triples=count,
        records=derived.cases + derived.superseded + derived.deleted,
        rejects=len(problems),
        rejects_file=rejects_file,
        notes=(*totals_notes(derived), _written(derived), steps.note()),
    )
