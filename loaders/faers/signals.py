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
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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


def _double(value: float) -> str:
    return f'"{value:.6g}"{DOUBLE}'


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


def _pair_lines(drug: str, event: str, t: TwoByTwo) -> list[str]:
    node = f"<{ID}association/induces/{drug}/{event}/faers>"
    s = compute(t)
    lines = [
        f"{node} {A} {terms.DisproportionalityStatistics} .\n",
        f"{node} {vocab.associationSubject} <{ID}drug/{drug}> .\n",
        f"{node} {vocab.associationObject} <{ID}condition/{event}> .\n",
        f"{node} {terms.statisticsDefinition} {DEFINITION} .\n",
        f'{node} {terms.countA} "{t.a}"{INTEGER} .\n',
        f'{node} {terms.countB} "{t.b}"{INTEGER} .\n',
        f'{node} {terms.countC} "{t.c}"{INTEGER} .\n',
        f'{node} {terms.countD} "{t.d}"{INTEGER} .\n',
        f'{node} {terms.evansSignal} "{"true" if s.signal else "false"}"{BOOLEAN} .\n',
    ]
    if s.signal:
        lines.append(f"<{ID}drug/{drug}> {terms.faersSignal} {node} .\n")
        lines.append(f"<{ID}condition/{event}> {terms.faersSignal} {node} .\n")
    for prop, value in (
        (terms.prr, s.prr),
        (terms.prrLower95, s.prr_lower),
        (terms.prrUpper95, s.prr_upper),
        (terms.ror, s.ror),
        (terms.rorLower95, s.ror_lower),
        (terms.rorUpper95, s.ror_upper),
        (terms.chiSquaredYates, s.chi2),
        (terms.informationComponent, s.ic),
        (terms.informationComponent025, s.ic025),
    ):
        if value is not None:
            lines.append(f"{node} {prop} {_double(value)} .\n")
    return lines


def reaction_tables(base: CaseBase, dedup: Dedup) -> tuple[int, dict[tuple[str, str], TwoByTwo]]:
    """N and the 2×2 table of every (drug, reaction term) pair seen together."""
    drug_n: Counter[str] = Counter()
    event_n: Counter[str] = Counter()
    pairs: dict[tuple[str, str], int] = {}
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
            for event in events:
                key = (drug, event)
                pairs[key] = pairs.get(key, 0) + 1
    tables = {}
    for (drug, event), a in pairs.items():
        b = drug_n[drug] - a
        c = event_n[event] - a
        tables[(drug, event)] = TwoByTwo(a, b, c, n - a - b - c)
    return n, tables


def indication_counts(base: CaseBase, dedup: Dedup) -> Counter[tuple[str, str]]:
    """Deduplicated reports per (drug, indication term) pair."""
    counts: Counter[tuple[str, str]] = Counter()
    for pid in dedup.current:
        pairs = base.indications.get(pid)
        if pairs:
            counts.update(pairs)
    return counts


def write_statistics(
    base: CaseBase, dedup: Dedup, roles: tuple[str, ...], sink: Callable[[list[str]], None]
) -> SignalCounts:
    """Write the statistics graph's lines to ``sink``; see the module docstring."""
    n, tables = reaction_tables(base, dedup)
    sink(_definition(roles, n))
    sink(_dedup_lines(dedup))
    out: list[str] = []
    signals = 0
    for (drug, event), table in tables.items():
        lines = _pair_lines(drug, event, table)
        signals += lines[8].endswith(f'"true"{BOOLEAN} .\n')
        out += lines
        if len(out) > 50000:
            sink(out)
            out = []
    sink(out)
    indications = indication_counts(base, dedup)
    out = []
    for (drug, term), count in indications.items():
        node = f"<{ID}association/treats/{drug}/{term}/faers>"
        out += [
            f"{node} {A} {terms.IndicationReportCount} .\n",
            f"{node} {vocab.associationSubject} <{ID}drug/{drug}> .\n",
            f"{node} {vocab.associationObject} <{ID}condition/{term}> .\n",
            f"{node} {terms.statisticsDefinition} {DEFINITION} .\n",
            f'{node} {vocab.reportCount} "{count}"{INTEGER} .\n',
        ]
    sink(out)
    return SignalCounts(n, len(tables), len(indications), signals)
