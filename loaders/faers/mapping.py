"""Mapping one FAERS quarter onto the pvkg ontology as N-Triples lines.

Tables are streamed in order DEMO, DRUG, REAC, OUTC, INDI, THER, RPSR, deleted lists; each row
becomes a few ready-made N-Triples lines (``StagedGraph.write_lines``), and the facts that
deduplication and statistics need are kept in a :class:`~loaders.faers.casebase.CaseBase`.

Shapes (``pvid:`` = ``https://w3id.org/pvkg/id/``)::

    pvid:faers/report/<primaryid>            a pv:SpontaneousReport; ids, dates, codes
        pv:patient    …/patient               a pv:Patient; pv:ageYears, pv:sex, pv:weightKg
        pv:hasExposure …/drug/<drug_seq>      a pv:DrugExposure; pv:drug pvid:drug/<ingredient>,
                                              pv:role, pv:verbatimDrugName, dose, route,
                                              pv:dechallenge, pv:indication, therapy dates
        pv:hasReaction …/reaction/<term key>  a pv:AdverseReaction; pv:condition, pv:verbatimTerm
        pv:seriousOutcome pv:OutcomeDeath …

Drugs (``pvid:drug/<active moiety>``) and conditions are not described here: every quarter
mentions mostly the same ones, so their names go to the case base and one derived graph
describes each once (:mod:`loaders.faers.entities`).

A full quarter has millions of rows, so each row costs as little as it can: a table's columns
are found once (:class:`Columns`), terms are ready-made N-Triples text (formatting a pyoxigraph
term is a call per line), values that repeat (dates, drug names, reaction and indication terms)
are normalised once and remembered, and output goes to the sink as a few large strings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import ClassVar, NamedTuple

from kg import vocab
from kg.errors import InputError
from kg.namespaces import PREFIXES, RDF, RDFS
from loaders.faers import normalise as norm
from loaders.faers import terms
from loaders.faers.casebase import CaseBase
from loaders.faers.tables import Header, QuarterFiles, Rejects, TableFile, read_deleted, read_rows
from loaders.input_policy import check_losses

ID = PREFIXES["pvid"]
XSD = PREFIXES["xsd"]
A = str(RDF["type"])
LABEL = str(RDFS["label"])


def _typed(kind: str) -> str:
    return f"^^<{XSD}{kind}>"


INTEGER = _typed("integer")
DECIMAL = _typed("decimal")
_CHUNK = 2000
"""Output pieces (about a row each) joined into one string for the sink: a few MB, so that the
string and its encoded copy stay below the size at which each allocation is a fresh ``mmap``."""

# N-Triples text of the terms written for every row.
_REPORT_CLASS = str(vocab.SpontaneousReport)
_PATIENT_CLASS = str(vocab.Patient)
_PRIMARY_ID = str(terms.primaryId)
_CASE_ID = str(terms.caseId)
_CASE_VERSION = str(terms.caseVersion)
_IN_QUARTER = str(terms.faersQuarter)
_PATIENT = str(vocab.patient)
_AGE = str(vocab.ageYears)
_WEIGHT = str(vocab.weightKg)
_SEX_IRIS = {"Female": vocab.Female, "Male": vocab.Male, "SexUnknown": vocab.SexUnknown}
_SEX_LINES = {code: f" {vocab.sex} {_SEX_IRIS[name]} .\n" for code, name in norm.SEXES.items()}
_HAS_EXPOSURE = str(vocab.hasExposure)
_A_EXPOSURE = f"{A} {vocab.DrugExposure}"
_DRUG = str(vocab.drug)
_HAS_REACTION = str(vocab.hasReaction)
_REACTION_CLASS = str(vocab.AdverseReaction)
_CONDITION = str(vocab.condition)
_VERBATIM_TERM = str(vocab.verbatimTerm)
_OUTCOME_LINES = {
    code: f" {vocab.seriousOutcome} {iri} .\n" for code, iri in vocab.FAERS_OUTCOME_CODES.items()
}
_REPORT_SOURCE = str(terms.reportSource)
_INDICATION = str(vocab.indication)
_DURATION = str(vocab.duration)

RowStep = Callable[[str, int, tuple[str, ...], list[str]], bool]
"""Maps one row: (file, line, the row's values in the step's column order, output) → kept?"""


REQUIRED_TABLES = ("DEMO", "DRUG", "REAC")
"""Tables a quarter (other than a bare deleted-case list) must have, with rows."""


def required_tables(files: QuarterFiles) -> None:
    """Refuse a quarter lacking a required table.

    :raises InputError: naming the quarter's DEMO file and the missing table(s).
    """
    missing = [kind for kind in REQUIRED_TABLES if kind not in files.tables]
    if missing:
        some = next(iter(files.tables.values())).name
        raise InputError(
            f"quarter {files.key} has no {', '.join(missing)} table (required)", path=some
        )


def lit(text: str) -> str:
    """An N-Triples string literal."""
    return f'"{norm.literal_text(text)}"'


@lru_cache(maxsize=131072)
def _date_literal(text: str) -> tuple[str, str, str]:
    """A FAERS date field as (typed N-Triples literal, lexical form, error); ``""`` for none."""
    try:
        parsed = norm.faers_date(text)
    except ValueError as error:
        return "", "", str(error)
    if parsed is None:
        return "", "", ""
    return f'"{parsed[0]}"{_typed(parsed[1])}', parsed[0], ""


@dataclass
class QuarterCounts:
    """What was read from one quarter (rows kept, by table and role)."""

    rows: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)


class TermLines(NamedTuple):
    """A reaction or indication term: its condition key and the line ends that use it."""

    key: str
    condition: str
    """`` pv:condition <condition> .`` (of a reaction)"""
    verbatim: str
    """`` pv:verbatimTerm "text" .`` (of a reaction)"""
    indication: str
    """`` pv:indication <condition> .`` (of a drug exposure)"""


class Columns:
    """Positions of named columns in a header; a missing column reads as ``""``.

    Rows get one ``""`` appended so that a missing column's position (the width) reads empty.
    :attr:`pick` takes a row's values in the order of the names.
    """

    def __init__(self, header: Header, names: Iterable[str]) -> None:
        self.at = tuple(header.index.get(n, header.width) for n in names)
        self.pick: Callable[[list[str]], tuple[str, ...]] = itemgetter(*self.at)


class QuarterMapper:
    """Map the tables of one quarter; see the module docstring.

    :param files: the quarter.
    :param sink: receives lists of N-Triples lines.
    :param rejects: collects rows and fields that could not be read.
    :param counted_roles: FAERS role codes that count as exposure for statistics.
    """

    def __init__(
        self,
        files: QuarterFiles,
        sink: Callable[[list[str]], None],
        rejects: Rejects,
        counted_roles: frozenset[str],
        *,
        allow_partial: bool = False,
    ) -> None:
        self.files = files
        self.allow_partial = allow_partial
        self.sink = sink
        self.rejects = rejects
        self.counted = counted_roles
        self.base = CaseBase()
        self.counts = QuarterCounts()
        self.quarter = f"<{ID}faers/quarter/{files.key}>"
        self._drug_rows: dict[str, tuple[str, ...]] = {}
        self._drugs: dict[str, str] = {}
        self._drug_labels: dict[str, set[str]] = {}
        self._conditions: dict[str, str] = {}
        self._texts: dict[str, str] = {}
        self._terms: dict[str, TermLines] = {}
        self._ingredient_cache: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self.legacy = False

    # --- driver ------------------------------------------------------------------------------

    def run(self) -> CaseBase:
        """Map every table; return the case base of this quarter."""
        label = self.files.key.upper()
        self.sink(
            [
                f"{self.quarter} {A} {terms.FaersQuarter} .\n",
                f"{self.quarter} {LABEL} {lit('FAERS ' + label)} .\n",
            ]
        )
        steps: list[tuple[str, list[str], RowStep]] = [
            ("DEMO", self._DEMO, self._demo),
            ("DRUG", self._DRUG, self._drug),
            ("REAC", self._REAC, self._reac),
            ("OUTC", self._OUTC, self._outc),
            ("INDI", self._INDI, self._indi),
            ("THER", self._THER, self._ther),
            ("RPSR", self._RPSR, self._rpsr),
        ]
        if self.files.tables:
            required_tables(self.files)
        for kind, names, step in steps:
            table = self.files.tables.get(kind)
            if table is None:
                continue
            kept = self._map_table(table, names, step)
            if kept:
                self.counts.rows[kind] += kept
        for listing in self.files.deleted:
            cases = read_deleted(listing, self.rejects)
            self.base.deleted.update(cases)
            self.sink([f'{self.quarter} {terms.deletedCase} "{c}" .\n' for c in cases])
        self._entities()
        self._drug_rows.clear()
        return self.base

    def _map_table(self, table: TableFile, names: list[str], step: RowStep) -> int:
        """Map every row of ``table`` with ``step``; return how many rows were kept."""
        out: list[str] = []
        kept = read = 0
        pick = None
        before = len(self.rejects)
        for line, header, fields in read_rows(table, self.rejects):
            if pick is None:
                pick = self._columns(table.kind, header, names)
            fields.append("")
            read += 1
            kept += step(table.name, line, pick(fields), out)
            if len(out) > _CHUNK:
                self._flush(out)
        self._flush(out)
        unreadable = sum(1 for entry in self.rejects.entries[before:] if not entry[2])
        if table.kind in REQUIRED_TABLES and read + unreadable == 0:
            raise InputError(
                f"no data rows (header only): a {table.kind} table is required", path=table.name
            )
        check_losses(
            table.name,
            rows=read + unreadable,
            lost=unreadable + read - kept,
            allow_partial=self.allow_partial,
        )
        return kept

    def _columns(
        self, kind: str, header: Header, names: list[str]
    ) -> Callable[[list[str]], tuple[str, ...]]:
        """A table's column picker; DEMO's header also tells whether this is legacy AERS."""
        if kind == "DEMO":
            self.legacy = "caseversion" not in header.index
        return Columns(header, names).pick

    def _flush(self, out: list[str]) -> None:
        """Hand ``out`` to the sink as one string and empty it."""
        if out:
            self.sink(["".join(out)])
            out.clear()

    def _entities(self) -> None:
        """Keep the names of the drugs and conditions met: the entity graph, derived from every
        quarter's names, describes each once (:mod:`loaders.faers.entities`)."""
        names = self.base.names
        for key, name in self._drugs.items():
            names.add(("drug", key, name, True))
            names.update(("drug", key, other, False) for other in self._drug_labels.get(key, ()))
        names.update(("condition", key, name, True) for key, name in self._conditions.items())

    def _bad(self, file: str, line: int, column: str, reason: str) -> None:
        self.rejects.add(file, line, column, reason)

    def _report(self, file: str, line: int, pid: str) -> str | None:
        if pid not in self.base.reports:
            self._bad(file, line, "primaryid", f"no DEMO row for primaryid {pid[:20]!r}")
            return None
        return f"<{ID}faers/report/{pid}"

    def _term(self, text: str) -> TermLines | None:
        """A reaction or indication term (made once per distinct text), or ``None`` if empty."""
        found = self._terms.get(text)
        if found is None:
            key = norm.term_key(text)
            if key is None:
                return None
            self._conditions.setdefault(key, " ".join(text.split()))
            found = self._terms[text] = TermLines(
                key,
                f" {_CONDITION} <{ID}condition/{key}> .\n",
                f" {_VERBATIM_TERM} {lit(text)} .\n",
                f" {_INDICATION} <{ID}condition/{key}> .\n",
            )
        return found

    # --- DEMO --------------------------------------------------------------------------------

    _DEMO: ClassVar[list[str]] = [
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
    ]
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
    _DEMO_TEXTS = (
        (9, str(terms.manufacturerSender)),
        (10, str(terms.literatureReference)),
        (18, str(terms.reporterCountry)),
        (19, str(terms.occurrenceCountry)),
    )

    def _demo(self, file: str, line: int, values: tuple[str, ...], out: list[str]) -> bool:
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
            f"{rep} {A} {_REPORT_CLASS} .\n"
            f'{rep} {_PRIMARY_ID} "{pid}" .\n'
            f'{rep} {_CASE_ID} "{case}" .\n'
            f'{rep} {_CASE_VERSION} "{version}"{INTEGER} .\n'
            f"{rep} {_IN_QUARTER} {self.quarter} .\n"
            f"{rep} {_PATIENT} {pat} .\n"
            f"{pat} {A} {_PATIENT_CLASS} .\n"
        )
        self._dates(file, line, rep, v, self._DATES, out)
        self._codes(file, line, rep, v, out)
        for at, prop in self._DEMO_TEXTS:
            if v[at]:
                out.append(f"{rep} {prop} {lit(v[at])} .\n")
        self._patient(file, line, pat, v, out)
        self.base.reports[pid] = (case, version, _date_literal(v[7])[1])
        return True

    def _dates(
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
            literal, _, error = _date_literal(v[at])
            if error:
                self._bad(file, line, column, error)
            elif literal:
                out.append(f"{subject} {prop} {literal} .\n")

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
        try:
            age = norm.age_in_years(v[11], v[12])
        except ValueError as error:
            self._bad(file, line, "age", str(error))
            age = None
        if age is not None:
            out.append(f'{pat} {_AGE} "{age}"{DECIMAL} .\n')
        sex = v[13].upper()
        if sex:
            sex_line = _SEX_LINES.get(sex)
            if sex_line is None:
                self._bad(file, line, "sex", f"unknown sex code {sex[:10]!r}")
            else:
                out.append(pat + sex_line)
        try:
            weight = norm.weight_in_kg(v[14], v[15])
        except ValueError as error:
            self._bad(file, line, "wt", str(error))
            weight = None
        if weight is not None:
            out.append(f'{pat} {_WEIGHT} "{weight}"{DECIMAL} .\n')

    # --- DRUG --------------------------------------------------------------------------------

    _DRUG: ClassVar[list[str]] = [
        "primaryid",
        "drug_seq",
        "role_cod",
        "drugname",
        "prod_ai",
        "route",
        "dose_vbm",
        "dechal",
        "rechal",
    ]
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

    def _drug(self, file: str, line: int, v: tuple[str, ...], out: list[str]) -> bool:
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
        out.append(f"{report}> {_HAS_EXPOSURE} {exp} .\n{exp} {_A_EXPOSURE} .\n")
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
        for column, at, lines in (("dechal", 7, 0), ("rechal", 8, 1)):
            code = v[at].strip().upper()
            if code:
                challenge = self._CHALLENGE_LINES[lines].get(code)
                if challenge is None:
                    self._bad(file, line, column, f"unknown challenge code {code[:10]!r}")
                else:
                    out.append(exp + challenge)

    def _ingredients(self, prod_ai: str, drugname: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Ingredient keys of a DRUG row and the ``pv:drug`` line ends that link them."""
        cache_key = (prod_ai, drugname)
        found = self._ingredient_cache.get(cache_key)
        if found is None:
            keys = []
            for name, labels in norm.ingredients(prod_ai, drugname):
                key = norm.drug_key(name)
                if key is not None:
                    keys.append(key)
                    self._drugs.setdefault(key, name)
                    if labels:
                        self._drug_labels.setdefault(key, set()).update(labels)
            lines = tuple(f" {_DRUG} <{ID}drug/{k}> .\n" for k in keys)
            found = self._ingredient_cache[cache_key] = (tuple(keys), lines)
        return found

    # --- REAC, OUTC, RPSR ----------------------------------------------------------------------

    _REAC: ClassVar[list[str]] = ["primaryid", "pt"]

    def _reac(self, file: str, line: int, v: tuple[str, ...], out: list[str]) -> bool:
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
            f"{report}> {_HAS_REACTION} {rx} .\n{rx} {A} {_REACTION_CLASS} .\n"
            f"{rx}{found.condition}{rx}{found.verbatim}"
        )
        self.base.events.setdefault(pid, set()).add(found.key)
        return True

    _OUTC: ClassVar[list[str]] = ["primaryid", "outc_cod"]

    def _outc(self, file: str, line: int, v: tuple[str, ...], out: list[str]) -> bool:
        pid, code = v[0].strip(), v[1].strip()
        report = self._report(file, line, pid)
        if report is None:
            return False
        outcome = _OUTCOME_LINES.get(code.upper())
        if outcome is None:
            self._bad(file, line, "outc_cod", f"unknown outcome code {code[:10]!r}")
            return False
        out.append(f"{report}>{outcome}")
        return True

    _RPSR: ClassVar[list[str]] = ["primaryid", "rpsr_cod"]

    def _rpsr(self, file: str, line: int, v: tuple[str, ...], out: list[str]) -> bool:
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
        out.append(f'{report}> {_REPORT_SOURCE} "{value}" .\n')
        return True

    # --- INDI, THER ----------------------------------------------------------------------------

    def _exposure(self, file: str, line: int, pid: str, seq: str) -> tuple[str, ...] | None:
        keys = self._drug_rows.get(f"{pid}${seq}")
        if keys is None:
            self._bad(file, line, "drug_seq", f"no DRUG row {seq[:20]!r} in report {pid[:20]!r}")
        return keys

    _INDI: ClassVar[list[str]] = ["primaryid", "drug_seq", "indi_pt"]

    def _indi(self, file: str, line: int, v: tuple[str, ...], out: list[str]) -> bool:
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

    _THER: ClassVar[list[str]] = ["primaryid", "drug_seq", "start_dt", "end_dt", "dur", "dur_cod"]
    _THER_DATES = (("start_dt", 2, str(vocab.startDate)), ("end_dt", 3, str(vocab.endDate)))

    def _ther(self, file: str, line: int, values: tuple[str, ...], out: list[str]) -> bool:
        v = [x.strip() for x in values]
        if self._exposure(file, line, v[0], v[1]) is None:
            return False
        exp = f"<{ID}faers/report/{v[0]}/drug/{v[1]}>"
        self._dates(file, line, exp, v, self._THER_DATES, out)
        if v[4] and v[4].upper() not in norm.MISSING:
            duration = f"{v[4]} {v[5]}".strip()
            out.append(f"{exp} {_DURATION} {lit(duration)} .\n")
        return True
