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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from kg import vocab
from kg.namespaces import PREFIXES, RDF, RDFS
from loaders.faers import normalise as norm
from loaders.faers import terms
from loaders.faers.casebase import CaseBase
from loaders.faers.tables import Header, QuarterFiles, Rejects, read_deleted, read_rows

ID = PREFIXES["pvid"]
XSD = PREFIXES["xsd"]
A = str(RDF["type"])
LABEL = str(RDFS["label"])


def _typed(kind: str) -> str:
    return f"^^<{XSD}{kind}>"


INTEGER = _typed("integer")
_HAS_EXPOSURE = str(vocab.hasExposure)
_A_EXPOSURE = f"{A} {vocab.DrugExposure}"
_SEX = {"Female": vocab.Female, "Male": vocab.Male, "SexUnknown": vocab.SexUnknown}
DECIMAL = _typed("decimal")


def lit(text: str) -> str:
    """An N-Triples string literal."""
    return f'"{norm.literal_text(text)}"'


@dataclass
class QuarterCounts:
    """What was read from one quarter (rows kept, by table and role)."""

    rows: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)


class Columns:
    """Positions of named columns in a header; a missing column reads as ``""``.

    Rows get one ``""`` appended so that a missing column's position (the width) reads empty.
    """

    def __init__(self, header: Header, names: Iterable[str]) -> None:
        self.at = tuple(header.index.get(n, header.width) for n in names)


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
    ) -> None:
        self.files = files
        self.sink = sink
        self.rejects = rejects
        self.counted = counted_roles
        self.base = CaseBase()
        self.counts = QuarterCounts()
        self.quarter = f"<{ID}faers/quarter/{files.key}>"
        self._drug_rows: dict[str, tuple[str, ...]] = {}
        self._drugs: dict[str, str] = {}
        self._conditions: dict[str, str] = {}
        self._texts: dict[str, str] = {}
        self._reaction_tails: dict[str, tuple[str, str]] = {}
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
        steps: list[tuple[str, Callable[[str, int, Header, list[str], list[str]], None]]] = [
            ("DEMO", self._demo),
            ("DRUG", self._drug),
            ("REAC", self._reac),
            ("OUTC", self._outc),
            ("INDI", self._indi),
            ("THER", self._ther),
            ("RPSR", self._rpsr),
        ]
        for kind, step in steps:
            table = self.files.tables.get(kind)
            if table is None:
                continue
            out: list[str] = []
            for line, header, fields in read_rows(table, self.rejects):
                fields.append("")
                step(table.name, line, header, fields, out)
                if len(out) > 50000:
                    self.sink(out)
                    out = []
            self.sink(out)
        for listing in self.files.deleted:
            cases = read_deleted(listing, self.rejects)
            self.base.deleted.update(cases)
            self.sink([f'{self.quarter} {terms.deletedCase} "{c}" .\n' for c in cases])
        self._entities()
        self._drug_rows.clear()
        return self.base

    def _entities(self) -> None:
        out = []
        for key, name in self._drugs.items():
            out.append(f"<{ID}drug/{key}> {A} {vocab.Drug} .\n")
            out.append(f"<{ID}drug/{key}> {LABEL} {lit(name)} .\n")
        for key, name in self._conditions.items():
            out.append(f"<{ID}condition/{key}> {A} {vocab.Condition} .\n")
            out.append(f"<{ID}condition/{key}> {LABEL} {lit(name)} .\n")
        self.sink(out)

    def _bad(self, file: str, line: int, column: str, reason: str) -> None:
        self.rejects.add(file, line, column, reason)

    def _report(self, file: str, line: int, pid: str) -> str | None:
        if pid not in self.base.reports:
            self._bad(file, line, "primaryid", f"no DEMO row for primaryid {pid[:20]!r}")
            return None
        return f"<{ID}faers/report/{pid}"

    def _condition(self, text: str) -> str | None:
        key = norm.term_key(text)
        if key is not None and key not in self._conditions:
            self._conditions[key] = " ".join(text.split())
        return key

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
        ("event_dt", 4, terms.eventDate),
        ("mfr_dt", 5, terms.manufacturerReceiptDate),
        ("init_fda_dt", 6, terms.initialReceiptDate),
        ("fda_dt", 7, terms.fdaReceiptDate),
        ("rept_dt", 16, terms.reportDate),
    )
    _CODES = (
        ("i_f_code", 3, norm.FOLLOW_UP, "initial/follow-up", terms.followUpCode),
        ("rept_cod", 8, norm.REPORT_TYPES, "report type", terms.reportType),
        ("occp_cod", 17, norm.OCCUPATIONS, "occupation", terms.reporterOccupation),
    )

    def _demo(self, file: str, line: int, header: Header, f: list[str], out: list[str]) -> None:
        cols = self._demo_cols(header)
        v = [f[i].strip() for i in cols.at]
        pid, case, version_text = v[0], v[1], v[2]
        if not pid.isdigit() or not case.isdigit():
            self._bad(file, line, "primaryid", "primaryid and caseid must be digits")
            return
        if pid in self.base.reports:
            self._bad(file, line, "primaryid", f"duplicate primaryid {pid}")
            return
        if self.legacy:
            version = 0
        elif version_text.isdigit():
            version = int(version_text)
        else:
            self._bad(file, line, "caseversion", f"not a version number: {version_text[:20]!r}")
            return
        rep = f"<{ID}faers/report/{pid}>"
        pat = f"<{ID}faers/report/{pid}/patient>"
        out += [
            f"{rep} {A} {vocab.SpontaneousReport} .\n",
            f'{rep} {terms.primaryId} "{pid}" .\n',
            f'{rep} {terms.caseId} "{case}" .\n',
            f'{rep} {terms.caseVersion} "{version}"{INTEGER} .\n',
            f"{rep} {terms.faersQuarter} {self.quarter} .\n",
            f"{rep} {vocab.patient} {pat} .\n",
            f"{pat} {A} {vocab.Patient} .\n",
        ]
        fda = ""
        for column, at, prop in self._DATES:
            try:
                parsed = norm.faers_date(v[at])
            except ValueError as error:
                self._bad(file, line, column, str(error))
                continue
            if parsed is not None:
                out.append(f'{rep} {prop} "{parsed[0]}"{_typed(parsed[1])} .\n')
                if at == 7:
                    fda = parsed[0]
        for column, at, allowed, what, prop in self._CODES:
            try:
                value = norm.code(v[at], allowed, what)
            except ValueError as error:
                self._bad(file, line, column, str(error))
                continue
            if value is not None:
                out.append(f'{rep} {prop} "{value}" .\n')
        for at, prop in (
            (9, terms.manufacturerSender),
            (10, terms.literatureReference),
            (18, terms.reporterCountry),
            (19, terms.occurrenceCountry),
        ):
            if v[at]:
                out.append(f"{rep} {prop} {lit(v[at])} .\n")
        self._patient(file, line, pat, v, out)
        self.base.reports[pid] = (case, version, fda)
        self.counts.rows["DEMO"] += 1

    def _demo_cols(self, header: Header) -> Columns:
        if getattr(self, "_demo_header", None) is not header:
            self._demo_header = header
            self.legacy = "caseversion" not in header.index
            self._demo_columns = Columns(header, self._DEMO)
        return self._demo_columns

    def _patient(self, file: str, line: int, pat: str, v: list[str], out: list[str]) -> None:
        try:
            age = norm.age_in_years(v[11], v[12])
        except ValueError as error:
            self._bad(file, line, "age", str(error))
            age = None
        if age is not None:
            out.append(f'{pat} {vocab.ageYears} "{age}"{DECIMAL} .\n')
        sex = v[13].upper()
        if sex:
            name = norm.SEXES.get(sex)
            if name is None:
                self._bad(file, line, "sex", f"unknown sex code {sex[:10]!r}")
            else:
                out.append(f"{pat} {vocab.sex} {_SEX[name]} .\n")
        try:
            weight = norm.weight_in_kg(v[14], v[15])
        except ValueError as error:
            self._bad(file, line, "wt", str(error))
            weight = None
        if weight is not None:
            out.append(f'{pat} {vocab.weightKg} "{weight}"{DECIMAL} .\n')

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

    def _drug(self, file: str, line: int, header: Header, f: list[str], out: list[str]) -> None:
        v = [f[i] for i in self._cols(header, self._DRUG).at]
        pid, seq = v[0].strip(), v[1].strip()
        report = self._report(file, line, pid)
        if report is None:
            return
        if not seq.isdigit():
            self._bad(file, line, "drug_seq", f"not a sequence number: {seq[:20]!r}")
            return
        row_key = f"{pid}${seq}"
        if row_key in self._drug_rows:
            self._bad(file, line, "drug_seq", f"duplicate drug_seq {seq} in report {pid}")
            return
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
            out.append("".join(exp + d for d in drug_lines))
        else:
            self._bad(file, line, "drugname", "no drug name or active ingredient")
        self._drug_rows[row_key] = keys
        if keys and role in self.counted:
            self.base.exposures.setdefault(pid, set()).update(keys)
        texts = self._texts
        for at, prop in self._TEXT_PROPS:
            value = v[at]
            if value:
                literal = texts.get(value)
                if literal is None:
                    literal = texts[value] = lit(value.strip()) + " .\n"
                out.append(exp + prop + literal)
        for column, at, lines in (("dechal", 7, 0), ("rechal", 8, 1)):
            code = v[at].strip().upper()
            if code:
                challenge = self._CHALLENGE_LINES[lines].get(code)
                if challenge is None:
                    self._bad(file, line, column, f"unknown challenge code {code[:10]!r}")
                else:
                    out.append(exp + challenge)
        self.counts.rows["DRUG"] += 1

    def _ingredients(self, prod_ai: str, drugname: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Ingredient keys of a DRUG row and the ``pv:drug`` line ends that link them."""
        cache_key = (prod_ai, drugname)
        found = self._ingredient_cache.get(cache_key)
        if found is None:
            keys = []
            for name in norm.ingredient_names(prod_ai, drugname):
                key = norm.drug_key(name)
                if key is not None:
                    keys.append(key)
                    self._drugs.setdefault(key, name)
            lines = tuple(f" {vocab.drug} <{ID}drug/{k}> .\n" for k in keys)
            found = self._ingredient_cache[cache_key] = (tuple(keys), lines)
        return found

    def _cols(self, header: Header, names: list[str]) -> Columns:
        cache: dict[int, tuple[Header, Columns]] = self.__dict__.setdefault("_col_cache", {})
        found = cache.get(id(names))
        if found is None or found[0] is not header:
            found = (header, Columns(header, names))
            cache[id(names)] = found
        return found[1]

    # --- REAC, OUTC, RPSR ----------------------------------------------------------------------

    _REAC: ClassVar[list[str]] = ["primaryid", "pt"]

    def _reac(self, file: str, line: int, header: Header, f: list[str], out: list[str]) -> None:
        v = [f[i].strip() for i in self._cols(header, self._REAC).at]
        report = self._report(file, line, v[0])
        if report is None:
            return
        key = self._condition(v[1])
        if key is None:
            self._bad(file, line, "pt", "empty reaction term")
            return
        rx = f"{report}/reaction/{key}>"
        tails = self._reaction_tails.get(v[1])
        if tails is None:
            tails = self._reaction_tails[v[1]] = (
                f" {vocab.condition} <{ID}condition/{key}> .\n",
                f" {vocab.verbatimTerm} {lit(v[1])} .\n",
            )
        out.append(
            f"{report}> {vocab.hasReaction} {rx} .\n{rx} {A} {vocab.AdverseReaction} .\n"
            f"{rx}{tails[0]}{rx}{tails[1]}"
        )
        self.base.events.setdefault(v[0], set()).add(key)
        self.counts.rows["REAC"] += 1

    _OUTC: ClassVar[list[str]] = ["primaryid", "outc_cod"]

    def _outc(self, file: str, line: int, header: Header, f: list[str], out: list[str]) -> None:
        v = [f[i].strip() for i in self._cols(header, self._OUTC).at]
        report = self._report(file, line, v[0])
        if report is None:
            return
        outcome = vocab.FAERS_OUTCOME_CODES.get(v[1].upper())
        if outcome is None:
            self._bad(file, line, "outc_cod", f"unknown outcome code {v[1][:10]!r}")
            return
        out.append(f"{report}> {vocab.seriousOutcome} {outcome} .\n")
        self.counts.rows["OUTC"] += 1

    _RPSR: ClassVar[list[str]] = ["primaryid", "rpsr_cod"]

    def _rpsr(self, file: str, line: int, header: Header, f: list[str], out: list[str]) -> None:
        v = [f[i].strip() for i in self._cols(header, self._RPSR).at]
        report = self._report(file, line, v[0])
        if report is None:
            return
        try:
            value = norm.code(v[1], norm.REPORT_SOURCES, "report source")
        except ValueError as error:
            self._bad(file, line, "rpsr_cod", str(error))
            return
        if value is None:
            self._bad(file, line, "rpsr_cod", "empty report source code")
            return
        out.append(f'{report}> {terms.reportSource} "{value}" .\n')
        self.counts.rows["RPSR"] += 1

    # --- INDI, THER ----------------------------------------------------------------------------

    def _exposure(self, file: str, line: int, pid: str, seq: str) -> tuple[str, ...] | None:
        keys = self._drug_rows.get(f"{pid}${seq}")
        if keys is None:
            self._bad(file, line, "drug_seq", f"no DRUG row {seq[:20]!r} in report {pid[:20]!r}")
        return keys

    _INDI: ClassVar[list[str]] = ["primaryid", "drug_seq", "indi_pt"]

    def _indi(self, file: str, line: int, header: Header, f: list[str], out: list[str]) -> None:
        pid, seq, term = (f[i].strip() for i in self._cols(header, self._INDI).at)
        keys = self._exposure(file, line, pid, seq)
        if keys is None:
            return
        key = self._condition(term)
        if key is None:
            self._bad(file, line, "indi_pt", "empty indication term")
            return
        out.append(
            f"<{ID}faers/report/{pid}/drug/{seq}> {vocab.indication} <{ID}condition/{key}> .\n"
        )
        if keys:
            self.base.indications.setdefault(pid, set()).update((k, key) for k in keys)
        self.counts.rows["INDI"] += 1

    _THER: ClassVar[list[str]] = ["primaryid", "drug_seq", "start_dt", "end_dt", "dur", "dur_cod"]

    def _ther(self, file: str, line: int, header: Header, f: list[str], out: list[str]) -> None:
        v = [f[i].strip() for i in self._cols(header, self._THER).at]
        if self._exposure(file, line, v[0], v[1]) is None:
            return
        exp = f"<{ID}faers/report/{v[0]}/drug/{v[1]}>"
        for column, at, prop in (("start_dt", 2, vocab.startDate), ("end_dt", 3, vocab.endDate)):
            try:
                parsed = norm.faers_date(v[at])
            except ValueError as error:
                self._bad(file, line, column, str(error))
                continue
            if parsed is not None:
                out.append(f'{exp} {prop} "{parsed[0]}"{_typed(parsed[1])} .\n')
        if v[4] and v[4].upper() not in norm.MISSING:
            duration = f"{v[4]} {v[5]}".strip()
            out.append(f"{exp} {vocab.duration} {lit(duration)} .\n")
        self.counts.rows["THER"] += 1
