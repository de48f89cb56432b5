"""DEMO rows of a FAERS quarter: one report and its patient each.

A row becomes a ``pv:SpontaneousReport`` (ids, version, quarter, dates, coded fields, sender,
countries) with a ``pv:Patient`` (age in years, sex, weight in kg), as N-Triples lines; the
report's case, version and FDA date go to the case base for deduplication. Legacy AERS quarters
have no case version (their DEMO header tells, see :attr:`ReportRows.legacy`): it reads as 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from loaders.faers import normalise as norm
from loaders.faers import terms
from loaders.faers.ntriples import (
    AGE,
    CASE_ID,
    CASE_VERSION,
    DECIMAL,
    ID,
    IN_QUARTER,
    INTEGER,
    PATIENT,
    PATIENT_CLASS,
    PRIMARY_ID,
    REPORT_CLASS,
    SEX_LINES,
    WEIGHT,
    A,
    date_literal,
    lit,
)
from loaders.faers.row_context import RowContext


class ReportRows:
    """Map DEMO rows (:meth:`demo`) into ``context``."""

    DEMO: ClassVar[tuple[str, ...]] = (
        "primaryid",
        "caseid",
        "caseversion",
        "i_f_code",
        "event_dt",
        "mfr_dt",
        "init_fda_dt",
        "fda_dt",
        "rept_cod",
        "mfr_sndr",
        "lit_ref",
        "age",
        "age_cod",
        "sex",
        "wt",
        "wt_cod",
        "rept_dt",
        "occp_cod",
        "reporter_country",
        "occr_country",
    )
    """The DEMO columns :meth:`demo` reads, in the order of its values."""
    _DATES = (
        ("event_dt", 4, str(terms.eventDate)),
        ("mfr_dt", 5, str(terms.manufacturerReceiptDate)),
        ("init_fda_dt", 6, str(terms.initialReceiptDate)),
        ("fda_dt", 7, str(terms.fdaReceiptDate)),
        ("rept_dt", 16, str(terms.reportDate)),
    )
    _CODES = (
        ("i_f_code", 3, norm.FOLLOW_UP, "initial/follow-up", str(terms.followUpCode)),
        ("rept_cod", 8, norm.REPORT_TYPES, "report type", str(terms.reportType)),
        ("occp_cod", 17, norm.OCCUPATIONS, "occupation", str(terms.reporterOccupation)),
    )
    _MEASURES: ClassVar[dict[str, tuple[int, str]]] = {
        "age": (11, AGE),  # age, age_cod
        "wt": (14, WEIGHT),  # wt, wt_cod
    }
    """The patient's measures: position of value and unit in the DEMO values, and predicate."""
    _DEMO_TEXTS = (
        (9, str(terms.manufacturerSender)),
        (10, str(terms.literatureReference)),
        (18, str(terms.reporterCountry)),
        (19, str(terms.occurrenceCountry)),
    )

    def __init__(self, context: RowContext) -> None:
        self.base = context.base
        self.quarter = context.quarter
        self._bad = context.bad
        self._dates = context.dates
        self.legacy = False
        """Whether the quarter is legacy AERS (no ``caseversion`` column); set from its header."""

    def demo(self, file: str, line: int, values: tuple[str, ...], out: list[str]) -> bool:
        """Map one DEMO row (values in :attr:`DEMO` order) to ``out``; return whether kept."""
        v = [x.strip() for x in values]
        pid, case, version_text = v[0], v[1], v[2]
        if not pid.isdigit() or not case.isdigit():
            self._bad(file, line, "primaryid", "primaryid and caseid must be digits")
            return False
        if pid in self.base.reports:
            self._bad(file, line, "primaryid", f"duplicate primaryid {pid}")
            return False
        if self.legacy:
            version = 0
        elif version_text.isdigit():
            version = int(version_text)
        else:
            self._bad(file, line, "caseversion", f"not a version number: {version_text[:20]!r}")
            return False
        rep = f"<{ID}faers/report/{pid}>"
        pat = f"<{ID}faers/report/{pid}/patient>"
        out.append(
            f"{rep} {A} {REPORT_CLASS} .\n"
            f'{rep} {PRIMARY_ID} "{pid}" .\n'
            f'{rep} {CASE_ID} "{case}" .\n'
            f'{rep} {CASE_VERSION} "{version}"{INTEGER} .\n'
            f"{rep} {IN_QUARTER} {self.quarter} .\n"
            f"{rep} {PATIENT} {pat} .\n"
            f"{pat} {A} {PATIENT_CLASS} .\n"
        )
        self._dates(file, line, rep, v, self._DATES, out)
        self._codes(file, line, rep, v, out)
        for at, prop in self._DEMO_TEXTS:
            if v[at]:
                out.append(f"{rep} {prop} {lit(v[at])} .\n")
        self._patient(file, line, pat, v, out)
        self.base.reports[pid] = (case, version, date_literal(v[7])[1])
        return True

    def _codes(self, file: str, line: int, rep: str, v: list[str], out: list[str]) -> None:
        """Write the report's coded fields (checked against the codes FAERS allows)."""
        for column, at, allowed, what, prop in self._CODES:
            try:
                value = norm.code(v[at], allowed, what)
            except ValueError as error:
                self._bad(file, line, column, str(error))
                continue
            if value is not None:
                out.append(f'{rep} {prop} "{value}" .\n')

    def _patient(self, file: str, line: int, pat: str, v: list[str], out: list[str]) -> None:
        """Write the patient's age, sex and weight."""
        self._measure(file, line, "age", norm.age_in_years, pat, v, out)
        sex = v[13].upper()
        if sex:
            sex_line = SEX_LINES.get(sex)
            if sex_line is None:
                self._bad(file, line, "sex", f"unknown sex code {sex[:10]!r}")
            else:
                out.append(pat + sex_line)
        self._measure(file, line, "wt", norm.weight_in_kg, pat, v, out)

    def _measure(
        self,
        file: str,
        line: int,
        column: str,
        convert: Callable[[str, str], str | None],
        pat: str,
        v: list[str],
        out: list[str],
    ) -> None:
        """Write the patient's age or weight (:attr:`_MEASURES` ``column``), read by ``convert``
        from its value and unit, as a decimal."""
        at, prop = self._MEASURES[column]
        try:
            value = convert(v[at], v[at + 1])
        except ValueError as error:
            self._bad(file, line, column, str(error))
            return
        if value is not None:
            out.append(f'{pat} {prop} "{value}"{DECIMAL} .\n')
