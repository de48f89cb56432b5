"""What the row mappers of one FAERS quarter share, and what they record besides N-Triples.

Each table's rows are mapped by a small class (:mod:`loaders.faers.report_rows`,
:mod:`loaders.faers.drug_rows`, :mod:`loaders.faers.reaction_rows`); they all write into one
:class:`RowContext`: the quarter's :class:`~loaders.faers.casebase.CaseBase`, its
:class:`QuarterCounts` and its rejects, with the checks every table makes (is there a DEMO row
for this primaryid? is this date readable?).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from loaders.faers.casebase import CaseBase
from loaders.faers.ntriples import ID, date_literal
from loaders.faers.tables import Rejects


@dataclass
class QuarterCounts:
    """What was read from one quarter (rows kept, by table and role)."""

    rows: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)


class RowContext:
    """The quarter the rows belong to and where their facts, counts and problems go.

    :param quarter: the quarter's IRI as N-Triples text.
    :param base: receives the facts deduplication and statistics need.
    :param counts: counts what was read.
    :param rejects: collects rows and fields that could not be read.
    """

    def __init__(
        self, quarter: str, base: CaseBase, counts: QuarterCounts, rejects: Rejects
    ) -> None:
        self.quarter = quarter
        self.base = base
        self.counts = counts
        self.rejects = rejects

    def bad(self, file: str, line: int, column: str, reason: str) -> None:
        """Record a field (or with ``column`` ``""`` a row) that could not be read."""
        self.rejects.add(file, line, column, reason)

    def report(self, file: str, line: int, pid: str) -> str | None:
        """The IRI of report ``pid`` without its closing ``>`` (the row's subjects extend it), or
        ``None`` (and a reject) when no DEMO row has that primaryid."""
        if pid not in self.base.reports:
            self.bad(file, line, "primaryid", f"no DEMO row for primaryid {pid[:20]!r}")
            return None
        return f"<{ID}faers/report/{pid}"

    def dates(
        self,
        file: str,
        line: int,
        subject: str,
        v: list[str],
        dates: tuple[tuple[str, int, str], ...],
        out: list[str],
    ) -> None:
        """Write ``subject``'s date fields ((column, position in ``v``, predicate) each)."""
        for column, at, prop in dates:
            literal, _, error = date_literal(v[at])
            if error:
                self.bad(file, line, column, error)
            elif literal:
                out.append(f"{subject} {prop} {literal} .\n")
