"""The FAERS statistics graph: drug–reaction statistics, indication counts, their definition.

Computed over every loaded quarter (``pvgraph:faers-statistics``) and rebuilt whenever a quarter
is added, replaced or removed, from the counts of :mod:`loaders.faers.counting`. Its content:

* the definition node ``pvid:faers/statistics/definition`` (a ``pv:StatisticsDefinition``):
  what was counted, the roles counted as exposure, N, and the fitted EBGM prior;
* every (drug, reaction term) pair seen together in a counted report:
  ``pvid:association/induces/<drug>/<term>/faers``, a ``pv:DisproportionalityStatistics``
  with its count a; pairs that some screening criterion flags
  (:func:`loaders.faers.screening.screened`: a ≥ 3 and Evans, ROR025 > 1, IC025 > 0 or
  EB05 ≥ 2) also with PRR, ROR (with 95% CIs), χ², IC, IC025, EBGM with EB05 and EB95, the
  Evans flag (:mod:`loaders.faers.statistics`, :mod:`loaders.faers.ebgm`) and, for a pair
  flagged in some quarter, ``pv:firstSignalQuarter``; for flagged pairs also
  ``<drug> pv:faersSignal <node>`` and ``<term> pv:faersSignal <node>``, so a drug's or a
  term's signals are one lookup away;
* the margins: ``<drug> pv:drugReportCount`` (a + b) and ``<term> pv:eventReportCount``
  (a + c), from which the saved queries complete every pair's table (b, c and d change with
  almost every load, so no node stores them).
* every (drug, indication) pair: ``pvid:association/treats/<drug>/<term>/faers``, a
  ``pv:IndicationReportCount`` with ``pv:reportCount``.

Every new report changes N, and with it every measure. Pairs no criterion flags — nearly all
pairs — keep only their count a, which changes only when a report brings the pair again, so
that a load changes a small part of the graph (ADR 0010: the graph is patched from the rows it
was written from, :class:`PairRows`, :mod:`loaders.faers.statistics_patch`);
``pair-statistics`` computes their PRR, ROR and χ² from a and the margins.

Deduplication flags of the reports are in one graph per quarter (:mod:`loaders.faers.statuses`),
the statistics of earlier quarters in the history graphs (:mod:`loaders.faers.history`).

Counting unit: deduplicated reports (current version of each case, deleted cases left out).
The reaction statistics count reports with at least one drug in a counted role and at least
one reaction term; the indication counts count current reports, drugs in any role.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kg import vocab
from kg.iris import graph_iri
from kg.namespaces import PREFIXES, RDF, RDFS
from loaders.faers import terms
from loaders.faers.counting import IndicationCounts, ReactionTables
from loaders.faers.ebgm import Prior
from loaders.faers.screening import PairMeasures, screened
from loaders.faers.statistics import Statistics

STATISTICS_GRAPH = graph_iri("faers-statistics")

ID = PREFIXES["pvid"]
XSD = PREFIXES["xsd"]
A = str(RDF["type"])
INTEGER = f"^^<{XSD}integer>"
DOUBLE = f"^^<{XSD}double>"
BOOLEAN = f"^^<{XSD}boolean>"
DEFINITION = f"<{ID}faers/statistics/definition>"


@dataclass(frozen=True)
class SignalCounts:
    """Sizes of what was computed."""

    reports_counted: int
    reaction_pairs: int
    indication_pairs: int
    signals: int


def _definition(roles: Iterable[str], n: int, prior: Prior | None) -> list[str]:
    role_names = "+".join(roles)
    comment = (
        "FAERS disproportionality over deduplicated reports (current version of each case; "
        "deleted cases excluded). Unit: reports. Exposure: a drug in role "
        f"{role_names}. N: deduplicated reports with at least one such drug and at least one "
        "reaction term. a: with drug and term; b: drug without term; c: term without drug; "
        "d: neither. PRR and ROR with 95% CI (log method), chi-squared with Yates correction, "
        "BCPNN IC = log2((a+0.5)/(E+0.5)), E = (a+b)(a+c)/N, IC025 = IC - 3.3(a+0.5)^-0.5 "
        "- 2(a+0.5)^-1.5; EBGM, EB05, EB95: MGPS (DuMouchel 1999) with a two-gamma mixture "
        "prior fitted by maximum likelihood over all pairs with a >= 1; Evans signal: "
        "PRR >= 2, chi-squared >= 4, a >= 3. Values undefined "
        "for a zero cell are absent. Indication counts: deduplicated reports in which the "
        "drug (any role) was given for the indication ('used to treat', not curated 'treats')."
    )
    lines = [
        f"{DEFINITION} {A} {terms.StatisticsDefinition} .\n",
        f'{DEFINITION} {RDFS["label"]} "FAERS statistics definition" .\n',
        f'{DEFINITION} {RDFS["comment"]} "{comment}" .\n',
        f'{DEFINITION} {terms.reportTotal} "{n}"{INTEGER} .\n',
    ]
    lines += [f"{DEFINITION} {terms.countedRole} {vocab.FAERS_ROLE_CODES[r]} .\n" for r in roles]
    if prior is not None:
        values = (prior.alpha1, prior.beta1, prior.alpha2, prior.beta2, prior.p)
        lines += [
            f'{DEFINITION} {prop} "{value:.6g}"{DOUBLE} .\n'
            for prop, value in zip(_PRIOR, values, strict=True)
        ]
    return lines


_PRIOR = (terms.priorAlpha1, terms.priorBeta1, terms.priorAlpha2, terms.priorBeta2, terms.priorP)


_STATISTICS_TYPE = f" {A} {terms.DisproportionalityStatistics} .\n"
_SUBJECT_DRUG = f" {vocab.associationSubject} <{ID}drug/"
_OBJECT_CONDITION = f" {vocab.associationObject} <{ID}condition/"
_DEFINED_BY = f" {terms.statisticsDefinition} {DEFINITION} .\n"
_COUNT_A, _EVANS = (f' {prop} "' for prop in (terms.countA, terms.evansSignal))
_FAERS_SIGNAL = f" {terms.faersSignal} "
_FIRST_SIGNAL = f" {terms.firstSignalQuarter} "
_INDICATION_TYPE = f" {A} {terms.IndicationReportCount} .\n"
_REPORT_COUNT = f' {vocab.reportCount} "'
_MEASURES = tuple(
    f" {prop} "
    for prop in (
        terms.prr,
        terms.prrLower95,
        terms.prrUpper95,
        terms.ror,
        terms.rorLower95,
        terms.rorUpper95,
        terms.chiSquaredYates,
        terms.informationComponent,
        terms.informationComponent025,
    )
)
"""Predicates as ready-made N-Triples text: formatting a pyoxigraph term costs a call per line."""


_EB = tuple(f" {prop} " for prop in (terms.ebgm, terms.eb05, terms.eb95))
_DRUG_REPORTS = f' {terms.drugReportCount} "'
_EVENT_REPORTS = f' {terms.eventReportCount} "'


def _count_ends(a: int) -> tuple[str, ...]:
    """The ends of the lines of a node with its count a alone (a pair no criterion flags)."""
    return (_STATISTICS_TYPE, _DEFINED_BY, f'{_COUNT_A}{a}"{INTEGER} .\n')


def _table_ends(a: int, s: Statistics, eb: tuple[float, float, float]) -> tuple[str, ...]:
    """The ends (`` predicate object .``) of the lines of a screened pair's node: its count a,
    its measures ``s`` and EBGM, EB05, EB95 ``eb``."""
    ends = [
        *_count_ends(a),
        f'{_EVANS}{"true" if s.signal else "false"}"{BOOLEAN} .\n',
    ]
    for prop, value in zip(_MEASURES, s.measures, strict=True):
        if value is not None:
            ends.append(f'{prop}"{value:.6g}"{DOUBLE} .\n')
    ends += [
        f'{prop}"{value:.6g}"{DOUBLE} .\n'
        for prop, value in zip(_EB, eb, strict=True)
        if math.isfinite(value)
    ]
    return tuple(ends)


def _pair_lines(
    drug: str, event: str, ends: tuple[str, ...], signal: bool, first: str | None
) -> str:
    """The N-Triples of one pair's statistics node, given its table's ends (:func:`_table_ends`)."""
    node = f"<{ID}association/induces/{drug}/{event}/faers>"
    text = (
        f"{node}{_SUBJECT_DRUG}{drug}> .\n"
        f"{node}{_OBJECT_CONDITION}{event}> .\n"
        f"{node}{node.join(ends)}"
    )
    if first:
        text += f"{node}{_FIRST_SIGNAL}<{ID}faers/quarter/{first}> .\n"
    if signal:
        text += (
            f"<{ID}drug/{drug}>{_FAERS_SIGNAL}{node} .\n"
            f"<{ID}condition/{event}>{_FAERS_SIGNAL}{node} .\n"
        )
    return text


_CHUNK = 500
"""Statistics nodes per string handed to the sink (about 2 MB; see ``mapping._CHUNK``)."""


def indication_text(drug: str, term: str, count: int) -> str:
    """The N-Triples of one (drug, indication) count node."""
    node = f"<{ID}association/treats/{drug}/{term}/faers>"
    return (
        f"{node}{_INDICATION_TYPE}"
        f"{node}{_SUBJECT_DRUG}{drug}> .\n"
        f"{node}{_OBJECT_CONDITION}{term}> .\n"
        f"{node}{_DEFINED_BY}"
        f'{node}{_REPORT_COUNT}{count}"{INTEGER} .\n'
    )


Floats = npt.NDArray[np.float64]
Objects = npt.NDArray[np.object_]


def _margin_lines(tables: ReactionTables) -> list[str]:
    """``pv:drugReportCount`` of every drug and ``pv:eventReportCount`` of every term."""
    drugs, events = tables.drug_reports.items(), tables.event_reports.items()
    lines = [f'<{ID}drug/{k}>{_DRUG_REPORTS}{n}"{INTEGER} .\n' for k, n in drugs]
    lines += [f'<{ID}condition/{k}>{_EVENT_REPORTS}{n}"{INTEGER} .\n' for k, n in events]
    return lines


def head_lines(tables: ReactionTables, roles: Iterable[str], prior: Prior | None) -> list[str]:
    """The lines that are not about one pair: the definition node and the margins."""
    return _definition(roles, tables.n, prior) + _margin_lines(tables)


@dataclass(frozen=True)
class Shrinkage:
    """EBGM, EB05 and EB95 per pair (NaN where not computed) and the prior they come from."""

    prior: Prior | None
    ebgm: Floats
    eb05: Floats
    eb95: Floats


@dataclass(frozen=True)
class PairRows:
    """Per pair (in the order of the :class:`ReactionTables`), what its node's text is made of
    (:func:`pair_text`): the values that change its lines, and nothing else."""

    drug: Objects
    term: Objects
    a: npt.NDArray[np.int64]
    ends: Objects
    """For a screened pair the ends of its lines (count, measures, EBGM; see
    :func:`_table_ends`) as one string; None for a pair that keeps its count alone."""
    signal: npt.NDArray[np.bool_]
    first: Objects
    """The quarter (``yyyyqn``) the pair was first flagged in, or None."""

    def __len__(self) -> int:
        return len(self.a)


def pair_rows(
    tables: ReactionTables,
    measures: PairMeasures,
    shrinkage: Shrinkage,
    first_signal: Sequence[str | None],
) -> PairRows:
    """The rows of every pair: only the candidates of ``measures`` can be screened, so only
    they are looked at one by one."""
    size = len(tables)
    ends = np.full(size, None, dtype=object)
    signal = np.zeros(size, dtype=np.bool_)
    counts = tables.a
    for i, s in measures.statistics.items():
        a = int(counts[i])
        shrunk = (float(shrinkage.ebgm[i]), float(shrinkage.eb05[i]), float(shrinkage.eb95[i]))
        if screened(a, s, shrunk[1]):
            ends[i] = "".join(_table_ends(a, s, shrunk))
            signal[i] = s.signal
    first = np.empty(size, dtype=object)
    first[:] = list(first_signal)
    return PairRows(tables.drug, tables.term, counts, ends, signal, first)


def pair_text(
    drug: str, term: str, a: int, ends: str | None, signal: bool, first: str | None
) -> str:
    """The N-Triples of one pair's statistics node from its row (see :class:`PairRows`)."""
    parts = tuple(ends.splitlines(keepends=True)) if ends else _count_ends(a)
    return _pair_lines(drug, term, parts, signal, first)


def _chunked(texts: Iterable[str], sink: Callable[[list[str]], None]) -> None:
    out: list[str] = []
    for text in texts:
        out.append(text)
        if len(out) >= _CHUNK:
            sink(["".join(out)])
            out = []
    sink(["".join(out)])


def write_statistics(
    rows: PairRows,
    head: list[str],
    indications: IndicationCounts,
    sink: Callable[[list[str]], None],
) -> None:
    """Write the whole statistics graph's lines to ``sink``: the ``head`` lines
    (:func:`head_lines`), the pairs' nodes and the indication counts' nodes.

    Lines are handed over joined, :data:`_CHUNK` nodes per string (one write each).
    """
    sink(["".join(head)])
    columns = (rows.drug, rows.term, rows.a, rows.ends, rows.signal, rows.first)
    _chunked(
        (pair_text(*row) for row in zip(*(c.tolist() for c in columns), strict=True)),
        sink,
    )
    counted = (indications.drug, indications.term, indications.count)
    _chunked(
        (indication_text(*row) for row in zip(*(c.tolist() for c in counted), strict=True)),
        sink,
    )


def signal_counts(
    tables: ReactionTables, rows: PairRows, indications: IndicationCounts
) -> SignalCounts:
    """The sizes of what was computed, for the load summary."""
    return SignalCounts(
        tables.n, len(tables), len(indications.count), int(np.count_nonzero(rows.signal))
    )
