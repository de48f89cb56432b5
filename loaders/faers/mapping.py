"""Mapping one FAERS quarter onto the pvkg ontology as N-Triples lines.

Tables are streamed in order DEMO, DRUG, REAC, OUTC, INDI, THER, RPSR, deleted lists; each row
becomes a few ready-made N-Triples lines (``StagedGraph.write_lines``), and the facts that
deduplication and statistics need are kept in a :class:`~loaders.faers.casebase.CaseBase`.
:class:`QuarterMapper` drives the tables; the rows of each are mapped by
:class:`~loaders.faers.report_rows.ReportRows` (DEMO),
:class:`~loaders.faers.drug_rows.DrugRows` (DRUG, INDI, THER) and
:class:`~loaders.faers.reaction_rows.ReactionRows` (REAC, OUTC, RPSR).

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
term is a call per line; :mod:`loaders.faers.ntriples`), values that repeat (dates, drug names,
reaction and indication terms) are normalised once and remembered (:mod:`loaders.faers.names`),
and output goes to the sink as a few large strings (:data:`_CHUNK`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import itemgetter

from kg.errors import InputError
from loaders.faers import terms
from loaders.faers.casebase import CaseBase
from loaders.faers.drug_rows import DrugRows
from loaders.faers.names import QuarterNames
from loaders.faers.ntriples import ID, LABEL, A, lit
from loaders.faers.reaction_rows import ReactionRows
from loaders.faers.report_rows import ReportRows
from loaders.faers.row_context import QuarterCounts, RowContext
from loaders.faers.tables import Header, QuarterFiles, Rejects, TableFile, read_deleted, read_rows
from loaders.input_policy import check_losses

__all__ = ["REQUIRED_TABLES", "Columns", "QuarterCounts", "QuarterMapper", "required_tables"]

_CHUNK = 2000
"""Output pieces (about a row each) joined into one string for the sink: a few MB, so that the
string and its encoded copy stay below the size at which each allocation is a fresh ``mmap``."""

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

    The row mappers (:attr:`reports`, :attr:`drugs`, :attr:`reactions`) share one
    :class:`~loaders.faers.row_context.RowContext`: they write into :attr:`base` and
    :attr:`counts` as made here, and normalise names through one memo (:attr:`names`).

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
        context = RowContext(self.quarter, self.base, self.counts, rejects)
        self.names = QuarterNames()
        self.reports = ReportRows(context)
        self.drugs = DrugRows(context, self.names, counted_roles)
        self.reactions = ReactionRows(context, self.names)

    @property
    def legacy(self) -> bool:
        """Whether the quarter is legacy AERS (its DEMO header has no ``caseversion``)."""
        return self.reports.legacy

    def run(self) -> CaseBase:
        """Map every table; return the case base of this quarter."""
        label = self.files.key.upper()
        self.sink(
            [
                f"{self.quarter} {A} {terms.FaersQuarter} .\n",
                f"{self.quarter} {LABEL} {lit('FAERS ' + label)} .\n",
            ]
        )
        steps: list[tuple[str, tuple[str, ...], RowStep]] = [
            ("DEMO", ReportRows.DEMO, self.reports.demo),
            ("DRUG", DrugRows.DRUG, self.drugs.drug),
            ("REAC", ReactionRows.REAC, self.reactions.reac),
            ("OUTC", ReactionRows.OUTC, self.reactions.outc),
            ("INDI", DrugRows.INDI, self.drugs.indi),
            ("THER", DrugRows.THER, self.drugs.ther),
            ("RPSR", ReactionRows.RPSR, self.reactions.rpsr),
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
        # the entity graph, derived from every quarter's names, describes each drug and
        # condition once (loaders.faers.entities)
        self.names.add_to(self.base.names)
        self.drugs.clear()
        return self.base

    def _map_table(self, table: TableFile, names: tuple[str, ...], step: RowStep) -> int:
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
        self, kind: str, header: Header, names: tuple[str, ...]
    ) -> Callable[[list[str]], tuple[str, ...]]:
        """A table's column picker; DEMO's header also tells whether this is legacy AERS."""
        if kind == "DEMO":
            self.reports.legacy = "caseversion" not in header.index
        return Columns(header, names).pick

    def _flush(self, out: list[str]) -> None:
        """Hand ``out`` to the sink as one string and empty it."""
        if out:
            self.sink(["".join(out)])
            out.clear()
