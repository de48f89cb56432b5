"""Deduplication of FAERS reports as FDA recommends, keeping the lineage.

For each ``caseid`` the report with the highest ``caseversion`` is current (ties: the latest
FDA receipt date, then the highest ``primaryid``); the others are superseded by it. Every report
of a case listed in a deleted-case file is deleted. Nothing is removed from the quarter graphs:
the statistics graph flags each report, so counts can be made with or without the lineage.

>>> from loaders.faers.casebase import CaseBase
>>> base = CaseBase(reports={"11": ("1", 1, "2020-01-01"), "12": ("1", 2, "2019-01-01"),
...                          "21": ("2", 1, ""), "31": ("3", 5, "")}, deleted={"3"})
>>> result = deduplicate(base)
>>> sorted(result.current), result.superseded, sorted(result.deleted)
(['12', '21'], {'11': '12'}, ['31'])
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.faers.casebase import CaseBase


@dataclass(frozen=True)
class Dedup:
    """The outcome: current reports, superseded report → its current report, deleted reports."""

    current: frozenset[str]
    superseded: dict[str, str]
    deleted: frozenset[str]

    @property
    def cases(self) -> int:
        """Cases left after deduplication (one current report each)."""
        return len(self.current)


def _rank(pid: str, record: tuple[str, int, str]) -> tuple[int, str, int]:
    return record[1], record[2], int(pid)


def deduplicate(base: CaseBase) -> Dedup:
    """Pick one current report per case and flag the rest; see the module docstring."""
    best: dict[str, str] = {}
    for pid, record in base.reports.items():
        case = record[0]
        held = best.get(case)
        if held is None or _rank(pid, record) > _rank(held, base.reports[held]):
            best[case] = pid
    current = set()
    deleted = set()
    superseded = {}
    for pid, (case, _, _) in base.reports.items():
        if case in base.deleted:
            deleted.add(pid)
        elif best[case] == pid:
            current.add(pid)
        else:
            superseded[pid] = best[case]
    return Dedup(frozenset(current), superseded, frozenset(deleted))
