"""Signals over time: cumulative statistics as of each quarter, and when each signal appeared.

For every loaded quarter *q*, ``pvgraph:faers-history/<q>`` holds the statistics of every
(drug, term) pair that a screening criterion flagged as of *q* (a ≥ 3 and Evans, ROR025 > 1 or
IC025 > 0: :func:`loaders.faers.signals.screened` without EB05, whose prior is fitted for the
current statistics only) computed over the quarters up to and including *q* — what an analyst
would have seen when *q* came out. A quarter in which the pair was not disproportionate by any
of them has no point for it::

    pvid:association/induces/<drug>/<term>/faers/<q>
        a pv:SignalHistoryPoint ; pv:historyOf <the pair's statistics node> ;
        pv:asOfQuarter pvid:faers/quarter/<q> ; pv:countA a ; pv:prr … ;
        pv:prrLower95 … ; pv:prrUpper95 … ; pv:informationComponent025 … ; pv:evansSignal … .

A history graph depends only on the quarters up to *q*, so it is written once when *q* is the
newest quarter (its figures are then the current statistics, computed anyway) and rewritten
only when an earlier quarter is added, replaced or removed later. Its provenance lists the case
base directories it was computed from; that list decides whether it is up to date.

Each history graph's flagged pairs are also kept as a small Parquet table in the case base
(``history/<q>-<inputs>.parquet``), from which ``pv:firstSignalQuarter`` of every pair is
computed without reading RDF.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import duckdb
from pyoxigraph import NamedNode

from kg.iris import graph_iri
from kg.namespaces import PREFIXES, RDF
from loaders.faers import terms
from loaders.faers.casestore import sql_path, tsv_to_parquet
from loaders.faers.counting import ReactionTables
from loaders.faers.screening import PairMeasures, screened

ID = PREFIXES["pvid"]
XSD = PREFIXES["xsd"]
_CHUNK = 500
_TYPE = f" {RDF['type']} {terms.SignalHistoryPoint} .\n"
_HISTORY_OF = f" {terms.historyOf} <{ID}association/induces/"
_AS_OF = f" {terms.asOfQuarter} <{ID}faers/quarter/"
_COUNT_A = f' {terms.countA} "'
_EVANS = f' {terms.evansSignal} "'
_DOUBLES = tuple(
    f" {p} " for p in (terms.prr, terms.prrLower95, terms.prrUpper95, terms.informationComponent025)
)
_INTEGER = f'"^^<{XSD}integer> .\n'
_BOOLEAN = f'"^^<{XSD}boolean> .\n'
_DOUBLE = f'"^^<{XSD}double> .\n'


def history_graph(key: str) -> NamedNode:
    """The history graph of one quarter: ``pvgraph:faers-history/2020q3``."""
    return graph_iri("faers-history", key)


def inputs_name(key: str, inputs: Iterable[str]) -> str:
    """The cache name of quarter ``key``'s signal table computed from the case base
    directories ``inputs``.

    >>> inputs_name("2020q3", ["2020q2-aa-PS+SS", "2020q3-bb-PS+SS"])
    '2020q3-5b0d9ee3bd0f3d2c'
    """
    digest = hashlib.sha256("\n".join(sorted(inputs)).encode()).hexdigest()[:16]
    return f"{key}-{digest}"


def _point(
    key: str, drug: str, term: str, a: int, measures: Sequence[float | None], signal: bool
) -> str:
    pair = f"{drug}/{term}/faers"
    node = f"<{ID}association/induces/{pair}/{key}>"
    lines = [
        f"{node}{_TYPE}",
        f"{node}{_HISTORY_OF}{pair}> .\n",
        f"{node}{_AS_OF}{key}> .\n",
        f"{node}{_COUNT_A}{a}{_INTEGER}",
        f"{node}{_EVANS}{'true' if signal else 'false'}{_BOOLEAN}",
    ]
    lines += [
        f'{node}{prop}"{value:.6g}{_DOUBLE}'
        for prop, value in zip(_DOUBLES, measures, strict=True)
        if value is not None and math.isfinite(value)
    ]
    return "".join(lines)


def write_history(
    key: str,
    tables: ReactionTables,
    measures: PairMeasures,
    sink: Callable[[list[str]], None],
) -> list[tuple[str, str]]:
    """Write quarter ``key``'s history graph to ``sink`` from the tables as of ``key``.

    :return: the (drug, term) pairs flagged as of ``key``.
    """
    out: list[str] = []
    flagged: list[tuple[str, str]] = []
    drugs, terms_, counts = tables.drug, tables.term, tables.a
    for i, s in measures.statistics.items():  # no other pair can be screened
        a = int(counts[i])
        if not screened(a, s):  # no history point: no criterion flags the pair then
            continue
        drug, term = str(drugs[i]), str(terms_[i])
        values = (s.prr, s.prr_lower, s.prr_upper, s.ic025)
        out.append(_point(key, drug, term, a, values, s.signal))
        if s.signal:
            flagged.append((drug, term))
        if len(out) >= _CHUNK:
            sink(["".join(out)])
            out = []
    sink(["".join(out)])
    return flagged


def save_flagged(
    con: duckdb.DuckDBPyConnection, key: str, flagged: list[tuple[str, str]], path: Path
) -> None:
    """Keep the pairs flagged as of quarter ``key`` as a Parquet table at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tsv")
    with partial.open("w", encoding="utf-8") as sink:
        sink.writelines(f"{key}\t{drug}\t{term}\n" for drug, term in flagged)
    columns = (("quarter", "VARCHAR"), ("drug", "VARCHAR"), ("term", "VARCHAR"))
    tsv_to_parquet(con, partial, path, columns)
    partial.unlink()


def first_signal_quarters(
    con: duckdb.DuckDBPyConnection, saved: Sequence[Path], tables: ReactionTables
) -> list[str | None]:
    """For each pair of ``tables``, the first quarter whose saved table flags it, or None."""
    if not saved:
        return [None] * len(tables)
    files = ", ".join(sql_path(p) for p in saved)
    rows = con.execute(
        f"SELECT drug, term, min(quarter) FROM read_parquet([{files}]) GROUP BY drug, term"  # noqa: S608
    ).fetchall()
    first = {(drug, term): quarter for drug, term, quarter in rows}
    return [
        first.get((drug, term))
        for drug, term in zip(tables.drug.tolist(), tables.term.tolist(), strict=True)
    ]
