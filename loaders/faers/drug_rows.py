"""DRUG, INDI and THER rows of a FAERS quarter: a report's drug exposures.

A DRUG row becomes a ``pv:DrugExposure`` of its report (role, the ingredients it names as
``pv:drug``, verbatim name, route, dose, de- and rechallenge); INDI rows add its indications and
THER rows its therapy dates and duration. Both refer to a DRUG row by (primaryid, drug_seq), so
the exposures met are indexed until the quarter is done (:meth:`DrugRows.clear`). The case base
gets each report's drugs in a counted role and its (drug, indication) pairs.
"""

from __future__ import annotations

from typing import ClassVar

from kg import vocab
from loaders.faers import normalise as norm
from loaders.faers.names import QuarterNames
from loaders.faers.ntriples import A_EXPOSURE, DURATION, HAS_EXPOSURE, ID, lit
from loaders.faers.row_context import RowContext


class DrugRows:
    """Map DRUG (:meth:`drug`), INDI (:meth:`indi`) and THER (:meth:`ther`) rows into
    ``context``; ``names`` normalises drug names and indication terms; drugs in a role of
    ``counted`` count as the report's exposures for statistics."""

    DRUG: ClassVar[tuple[str, ...]] = (
        "primaryid",
        "drug_seq",
        "role_cod",
        "drugname",
        "prod_ai",
        "route",
        "dose_vbm",
        "dechal",
        "rechal",
    )
    """The DRUG columns :meth:`drug` reads, in the order of its values."""
    INDI: ClassVar[tuple[str, ...]] = ("primaryid", "drug_seq", "indi_pt")
    """The INDI columns :meth:`indi` reads."""
    THER: ClassVar[tuple[str, ...]] = (
        "primaryid",
        "drug_seq",
        "start_dt",
        "end_dt",
        "dur",
        "dur_cod",
    )
    """The THER columns :meth:`ther` reads."""
    _ROLE_LINES: ClassVar[dict[str, str]] = {
        code: f" {vocab.role} {iri} .\n" for code, iri in vocab.FAERS_ROLE_CODES.items()
    }
    _CHALLENGE_LINES: ClassVar[tuple[dict[str, str], dict[str, str]]] = (
        {c: f" {vocab.dechallenge} {i} .\n" for c, i in vocab.CHALLENGE_CODES.items()},
        {c: f" {vocab.rechallenge} {i} .\n" for c, i in vocab.CHALLENGE_CODES.items()},
    )
    _TEXT_PROPS: ClassVar[tuple[tuple[int, str], ...]] = (
        (3, f" {vocab.verbatimDrugName} "),
        (5, f" {vocab.route} "),
        (6, f" {vocab.dose} "),
    )
    _THER_DATES = (("start_dt", 2, str(vocab.startDate)), ("end_dt", 3, str(vocab.endDate)))

    def __init__(self, context: RowContext, names: QuarterNames, counted: frozenset[str]) -> None:
        self.base = context.base
        self.counts = context.counts
        self.counted = counted
        self._bad = context.bad
        self._report = context.report
        self._dates = context.dates
        self._term = names.term
        self._ingredients = names.ingredients
        self._drug_rows: dict[str, tuple[str, ...]] = {}
        """``primaryid$drug_seq`` of each DRUG row kept → its ingredient keys."""
        self._texts: dict[str, str] = {}
        """Verbatim name, route or dose text → its N-Triples literal and line end."""

    def clear(self) -> None:
        """Forget the DRUG rows met (INDI and THER rows refer to them; no more will come)."""
        self._drug_rows.clear()

    # --- DRUG --------------------------------------------------------------------------------

    def drug(self, file: str, line: int, v: tuple[str, ...], out: list[str]) -> bool:
        """Map one DRUG row (values in :attr:`DRUG` order) to ``out``; return whether kept."""
        pid, seq = v[0].strip(), v[1].strip()
        report = self._report(file, line, pid)
        if report is None:
            return False
        if not seq.isdigit():
            self._bad(file, line, "drug_seq", f"not a sequence number: {seq[:20]!r}")
            return False
        row_key = f"{pid}${seq}"
        if row_key in self._drug_rows:
            self._bad(file, line, "drug_seq", f"duplicate drug_seq {seq} in report {pid}")
            return False
        exp = f"{report}/drug/{seq}>"
        out.append(f"{report}> {HAS_EXPOSURE} {exp} .\n{exp} {A_EXPOSURE} .\n")
        role = v[2].strip().upper()
        role_line = self._ROLE_LINES.get(role)
        if role_line is None:
            self._bad(file, line, "role_cod", f"unknown role code {role[:10]!r}")
        else:
            out.append(exp + role_line)
            self.counts.roles[role] += 1
        keys, drug_lines = self._ingredients(v[4], v[3])
        if keys:
            out.append(exp + exp.join(drug_lines))  # exp before each ready-made line end
        else:
            self._bad(file, line, "drugname", "no drug name or active ingredient")
        self._drug_rows[row_key] = keys
        if keys and role in self.counted:
            self.base.exposures.setdefault(pid, set()).update(keys)
        self._drug_texts(exp, v, out)
        self._challenges(file, line, exp, v, out)
        return True

    def _drug_texts(self, exp: str, v: tuple[str, ...], out: list[str]) -> None:
        """Write the exposure's verbatim drug name, route and dose."""
        texts = self._texts
        for at, prop in self._TEXT_PROPS:
            value = v[at]
            if value:
                literal = texts.get(value)
                if literal is None:
                    literal = texts[value] = lit(value.strip()) + " .\n"
                out.append(exp + prop + literal)

    def _challenges(
        self, file: str, line: int, exp: str, v: tuple[str, ...], out: list[str]
    ) -> None:
        """Write the exposure's dechallenge and rechallenge results."""
        for column, at, lines in (("dechal", 7, 0), ("rechal", 8, 1)):
            code = v[at].strip().upper()
            if code:
                challenge = self._CHALLENGE_LINES[lines].get(code)
                if challenge is None:
                    self._bad(file, line, column, f"unknown challenge code {code[:10]!r}")
                else:
                    out.append(exp + challenge)

    # --- INDI, THER ----------------------------------------------------------------------------

    def _exposure(self, file: str, line: int, pid: str, seq: str) -> tuple[str, ...] | None:
        """The ingredient keys of DRUG row (``pid``, ``seq``), or ``None`` (and a reject)."""
        keys = self._drug_rows.get(f"{pid}${seq}")
        if keys is None:
            self._bad(file, line, "drug_seq", f"no DRUG row {seq[:20]!r} in report {pid[:20]!r}")
        return keys

    def indi(self, file: str, line: int, v: tuple[str, ...], out: list[str]) -> bool:
        """Map one INDI row (values in :attr:`INDI` order) to ``out``; return whether kept."""
        pid, seq, term = v[0].strip(), v[1].strip(), v[2].strip()
        keys = self._exposure(file, line, pid, seq)
        if keys is None:
            return False
        found = self._term(term)
        if found is None:
            self._bad(file, line, "indi_pt", "empty indication term")
            return False
        out.append(f"<{ID}faers/report/{pid}/drug/{seq}>{found.indication}")
        if keys:
            self.base.indications.setdefault(pid, set()).update([(k, found.key) for k in keys])
        return True

    def ther(self, file: str, line: int, values: tuple[str, ...], out: list[str]) -> bool:
        """Map one THER row (values in :attr:`THER` order) to ``out``; return whether kept."""
        v = [x.strip() for x in values]
        if self._exposure(file, line, v[0], v[1]) is None:
            return False
        exp = f"<{ID}faers/report/{v[0]}/drug/{v[1]}>"
        self._dates(file, line, exp, v, self._THER_DATES, out)
        if v[4] and v[4].upper() not in norm.MISSING:
            duration = f"{v[4]} {v[5]}".strip()
            out.append(f"{exp} {DURATION} {lit(duration)} .\n")
        return True
