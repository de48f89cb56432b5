"""The FAERS statistics graph: deduplication flags, drug–reaction statistics, indication counts.

Computed over every loaded quarter (``pvgraph:faers-statistics``) and rebuilt whenever a quarter
is added or replaced. Its content:

* the definition node ``pvid:faers/statistics/definition`` (a ``pv:StatisticsDefinition``):
  what was counted, the roles counted as exposure, N;
* every report: ``pv:dedupStatus`` ``pv:CurrentReport`` / ``pv:SupersededReport`` /
  ``pv:DeletedReport``, and ``pv:supersededBy`` its case's current report;
* every (drug, reaction term) pair seen together in a counted report:
  ``pvid:association/induces/<drug>/<term>/faers``, a ``pv:DisproportionalityStatistics``
  with a, b, c, d, PRR, ROR (with 95% CIs), χ², IC, IC025 and the Evans flag
  (:mod:`loaders.faers.statistics`); for flagged pairs also ``<drug> pv:faersSignal <node>``
  and ``<term> pv:faersSignal <node>``, so a drug's or a term's signals are one lookup away;
* every (drug, indication) pair: ``pvid:association/treats/<drug>/<term>/faers``, a
  ``pv:IndicationReportCount`` with ``pv:reportCount``.

Counting unit: deduplicated reports (current version of each case, deleted cases left out).
The reaction statistics count reports with at least one drug in a counted role and at least
one reaction term; the indication counts count current reports, drugs in any role.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from kg import vocab
from kg.namespaces import PREFIXES, RDF, RDFS
from loaders.faers import terms
from loaders.faers.casebase import CaseBase
from loaders.faers.dedup import Dedup
from loaders.faers.statistics import TwoByTwo, compute

ID = PREFIXES["pvid"]
XSD = PREFIXES["xsd"]
A = str(RDF["type"])
INTEGER = f"^^<{XSD}integer>"
DOUBLE = f"^^<{XSD}double>"
BOOLEAN = f"^^<{XSD}boolean>"
DEFINITION = f"<{ID}faers/statistics/definition>"

_STATUS_LINES = {
    "current": f"{terms.dedupStatus} {terms.CurrentReport} .\n",
    "superseded": f"{terms.dedupStatus} {terms.SupersededReport} .\n",
    "deleted": f"{terms.dedupStatus} {terms.DeletedReport} .\n",
}


@dataclass(frozen=True)
class SignalCounts:
    """Sizes of what was computed."""

    reports_counted: int
    reaction_pairs: int
    indication_pairs: int
    signals: int


def _definition(roles: Iterable[str], n: int) -> list[str]:
    role_names = "+".join(roles)
    comment = (
        "FAERS disproportionality over deduplicated reports (current version of each case; "
        "deleted cases excluded). Unit: reports. Exposure: a drug in role "
        f"{role_names}. N: deduplicated reports with at least one such drug and at least one "
        "reaction term. a: with drug and term; b: drug without term; c: term without drug; "
        "d: neither. PRR and ROR with 95% CI (log method), chi-squared with Yates correction, "
        "BCPNN IC = log2((a+0.5)/(E+0.5)), E = (a+b)(a+c)/N, IC025 = IC - 3.3(a+0.5)^-0.5 "
        "- 2(a+0.5)^-1.5; Evans signal: PRR >= 2, chi-squared >= 4, a >= 3. Values undefined "
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
    return lines


def _dedup_lines(dedup: Dedup) -> list[str]:
    report = f"<{ID}faers/report/"
    lines = [f"{report}{pid}> {_STATUS_LINES['current']}" for pid in dedup.current]
    lines += [f"{report}{pid}> {_STATUS_LINES['deleted']}" for pid in dedup.deleted]
    for pid, winner in dedup.superseded.items():
        lines.append(f"{report}{pid}> {_STATUS_LINES['superseded']}")
        lines.append(f"{report}{pid}> {terms.supersededBy} {report}{winner}> .\n")
    return lines


_STATISTICS_TYPE = f" {A} {terms.DisproportionalityStatistics} .\n"
_SUBJECT_DRUG = f" {vocab.associationSubject} <{ID}drug/"
_OBJECT_CONDITION = f" {vocab.associationObject} <{ID}condition/"
_DEFINED_BY = f" {terms.statisticsDefinition} {DEFINITION} .\n"
_COUNT_A, _COUNT_B, _COUNT_C, _COUNT_D, _EVANS = (
    f' {prop} "'
    for prop in (terms.countA, terms.countB, terms.countC, terms.countD, terms.evansSignal)
)
_FAERS_SIGNAL = f" {terms.faersSignal} "
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


def _table_ends(t: TwoByTwo) -> tuple[tuple[str, ...], bool]:
    """The ends (`` predicate object .``) of the lines of a statistics node that depend on its
    2×2 table alone, and whether the table is an Evans signal."""
    s = compute(t)
    a, b, c, d = t
    ends = [
        _STATISTICS_TYPE,
        _DEFINED_BY,
        f'{_COUNT_A}{a}"{INTEGER} .\n',
        f'{_COUNT_B}{b}"{INTEGER} .\n',
        f'{_COUNT_C}{c}"{INTEGER} .\n',
        f'{_COUNT_D}{d}"{INTEGER} .\n',
        f'{_EVANS}{"true" if s.signal else "false"}"{BOOLEAN} .\n',
    ]
    for prop, value in zip(_MEASURES, s.measures, strict=True):
        if value is not None:
            ends.append(f'{prop}"{value:.6g}"{DOUBLE} .\n')
    return tuple(ends), s.signal


def _pair_lines(drug: str, event: str, ends: tuple[str, ...], signal: bool) -> str:
    """The N-Triples of one pair's statistics node, given its table's ends (:func:`_table_ends`)."""
    node = f"<{ID}association/induces/{drug}/{event}/faers>"
    text = (
        f"{node}{_SUBJECT_DRUG}{drug}> .\n"
        f"{node}{_OBJECT_CONDITION}{event}> .\n"
        f"{node}{node.join(ends)}"
    )
    if signal:
        text += (
            f"<{ID}drug/{drug}>{_FAERS_SIGNAL}{node} .\n"
            f"<{ID}condition/{event}>{_FAERS_SIGNAL}{node} .\n"
        )
    return text


def reaction_tables(
    base: CaseBase, dedup: Dedup
) -> tuple[int, Iterator[tuple[tuple[str, str], TwoByTwo]]]:
    """N, and the 2×2 table of every (drug, reaction term) pair seen together (made lazily).

    The pairs come drug by drug. Pairs of one drug whose terms have as many reports share one
    table, and often do (rare terms); :func:`write_statistics` computes such a table once.
    """
    drug_n: Counter[str] = Counter()
    event_n: Counter[str] = Counter()
    with_drug: dict[str, dict[str, int]] = {}
    n = 0
    for pid in dedup.current:
        drugs = base.exposures.get(pid)
        events = base.events.get(pid)
        if not drugs or not events:
            continue
        n += 1
        drug_n.update(drugs)
        event_n.update(events)
        for drug in drugs:
            counts = with_drug.get(drug)
            if counts is None:
                counts = with_drug[drug] = {}
            for event in events:
                counts[event] = counts.get(event, 0) + 1

    def tables() -> Iterator[tuple[tuple[str, str], TwoByTwo]]:
        for drug, counts in with_drug.items():
            exposed = drug_n[drug]
            for event, a in counts.items():
                b = exposed - a
                c = event_n[event] - a
                yield (drug, event), TwoByTwo(a, b, c, n - a - b - c)

    return n, tables()


def indication_counts(base: CaseBase, dedup: Dedup) -> Counter[tuple[str, str]]:
    """Deduplicated reports per (drug, indication term) pair."""
    counts: Counter[tuple[str, str]] = Counter()
    for pid in dedup.current:
        pairs = base.indications.get(pid)
        if pairs:
            counts.update(pairs)
    return counts


_CHUNK = 500
"""Statistics nodes per string handed to the sink (about 2 MB; see ``mapping._CHUNK``)."""


def _indication_lines(drug: str, term: str, count: int) -> str:
    node = f"<{ID}association/treats/{drug}/{term}/faers>"
    return (
        f"{node}{_INDICATION_TYPE}"
        f"{node}{_SUBJECT_DRUG}{drug}> .\n"
        f"{node}{_OBJECT_CONDITION}{term}> .\n"
        f"{node}{_DEFINED_BY}"
        f'{node}{_REPORT_COUNT}{count}"{INTEGER} .\n'
    )


def write_statistics(
    base: CaseBase, dedup: Dedup, roles: tuple[str, ...], sink: Callable[[list[str]], None]
) -> SignalCounts:
    """Write the statistics graph's lines to ``sink``; see the module docstring.

    Lines are handed over joined, :data:`_CHUNK` nodes per string (one write each).
    """
    n, tables = reaction_tables(base, dedup)
    sink(_definition(roles, n))
    sink(_dedup_lines(dedup))
    out: list[str] = []
    signals = 0
    pair_count = 0
    ends: dict[TwoByTwo, tuple[tuple[str, ...], bool]] = {}
    last_drug = ""
    for (drug, event), table in tables:
        if drug != last_drug:  # tables repeat within a drug: remember them for one drug
            ends.clear()
            last_drug = drug
        found = ends.get(table)
        if found is None:
            found = ends[table] = _table_ends(table)
        pair_count += 1
        signals += found[1]
        out.append(_pair_lines(drug, event, *found))
        if len(out) >= _CHUNK:
            sink(["".join(out)])
            out = []
    sink(["".join(out)])
    indications = indication_counts(base, dedup)
    lines = (_indication_lines(d, t, count) for (d, t), count in indications.items())
    while chunk := list(islice(lines, _CHUNK)):
        sink(["".join(chunk)])
    return SignalCounts(n, pair_count, len(indications), signals)
