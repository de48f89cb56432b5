"""REAC, OUTC and RPSR rows of a FAERS quarter: what befell the patient and who sent the report.

A REAC row becomes a ``pv:AdverseReaction`` of its report (its MedDRA term as ``pv:condition``
and ``pv:verbatimTerm``), and the case base gets the report's reaction terms; an OUTC row adds a
``pv:seriousOutcome`` to the report and an RPSR row a report source code.
"""

from __future__ import annotations

from typing import ClassVar

from loaders.faers import normalise as norm
from loaders.faers.names import QuarterNames
from loaders.faers.ntriples import (
    HAS_REACTION,
    OUTCOME_LINES,
    REACTION_CLASS,
    REPORT_SOURCE,
    A,
)
from loaders.faers.row_context import RowContext


class ReactionRows:
    """Map REAC (:meth:`reac`), OUTC (:meth:`outc`) and RPSR (:meth:`rpsr`) rows into
    ``context``; ``names`` normalises reaction terms."""

    REAC: ClassVar[tuple[str, ...]] = ("primaryid", "pt")
    """The REAC columns :meth:`reac` reads, in the order of its values."""
    OUTC: ClassVar[tuple[str, ...]] = ("primaryid", "outc_cod")
    """The OUTC columns :meth:`outc` reads."""
    RPSR: ClassVar[tuple[str, ...]] = ("primaryid", "rpsr_cod")
    """The RPSR columns :meth:`rpsr` reads."""

    def __init__(self, context: RowContext, names: QuarterNames) -> None:
        self.base = context.base
        self._bad = context.bad
        self._report = context.report
        self._term = names.term

    def reac(self, file: str, line: int, v: tuple[str, ...], out: list[str]) -> bool:
        """Map one REAC row (values in :attr:`REAC` order) to ``out``; return whether kept."""
        pid, term = v[0].strip(), v[1].strip()
        report = self._report(file, line, pid)
        if report is None:
            return False
        found = self._term(term)
        if found is None:
            self._bad(file, line, "pt", "empty reaction term")
            return False
        rx = f"{report}/reaction/{found.key}>"
        out.append(
            f"{report}> {HAS_REACTION} {rx} .\n{rx} {A} {REACTION_CLASS} .\n"
            f"{rx}{found.condition}{rx}{found.verbatim}"
        )
        self.base.events.setdefault(pid, set()).add(found.key)
        return True

    def outc(self, file: str, line: int, v: tuple[str, ...], out: list[str]) -> bool:
        """Map one OUTC row (values in :attr:`OUTC` order) to ``out``; return whether kept."""
        pid, code = v[0].strip(), v[1].strip()
        report = self._report(file, line, pid)
        if report is None:
            return False
        outcome = OUTCOME_LINES.get(code.upper())
        if outcome is None:
            self._bad(file, line, "outc_cod", f"unknown outcome code {code[:10]!r}")
            return False
        out.append(f"{report}>{outcome}")
        return True

    def rpsr(self, file: str, line: int, v: tuple[str, ...], out: list[str]) -> bool:
        """Map one RPSR row (values in :attr:`RPSR` order) to ``out``; return whether kept."""
        pid = v[0].strip()
        report = self._report(file, line, pid)
        if report is None:
            return False
        try:
            value = norm.code(v[1], norm.REPORT_SOURCES, "report source")
        except ValueError as error:
            self._bad(file, line, "rpsr_cod", str(error))
            return False
        if value is None:
            self._bad(file, line, "rpsr_cod", "empty report source code")
            return False
        out.append(f'{report}> {REPORT_SOURCE} "{value}" .\n')
        return True
