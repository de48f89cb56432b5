"""The FAERS entity graph: one description of each drug and condition the loaded quarters name.

Every quarter mentions mostly the same drugs and reaction terms. Described in each quarter's
graph, every type and label came back once per quarter from the union default graph (a bag
across graphs in pyoxigraph), multiplying the work of any query that starts from
``?d a pv:Drug`` by the number of quarters, and a drug spelt differently in two quarters had
two labels. Instead each quarter's case base keeps the names it met (``names.parquet``,
:mod:`loaders.faers.casestore`) and ``pvgraph:faers-entities`` is derived from all of them on
every load and unload (ADR 0002, ADR 0010)::

    pvid:drug/<key>       a pv:Drug ;      rdfs:label "<label>" ; skos:altLabel "<other name>" .
    pvid:condition/<key>  a pv:Condition ; rdfs:label "<label>" ; skos:altLabel "<other name>" .

The label is the one given by the earliest quarter that names the entity, so a new quarter
does not relabel what is loaded; every other name (product names folded into an ingredient,
other quarters' spellings) is an alternative label unless it differs from one already written
only in case. An entity that no loaded quarter names any more is not in the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import duckdb

from kg import vocab
from kg.iris import graph_iri
from kg.namespaces import PREFIXES, RDF, RDFS, SKOS
from loaders.faers.normalise import literal_text

ID = PREFIXES["pvid"]
ENTITY_GRAPH = graph_iri("faers-entities")
"""The one description (type, label, other names) of every drug and condition FAERS mentions."""
_CLASSES = {
    "drug": f" {RDF['type']} {vocab.Drug} .\n",
    "condition": f" {RDF['type']} {vocab.Condition} .\n",
}
_LABEL = f" {RDFS['label']} "
_ALT_LABEL = f" {SKOS['altLabel']} "
_CHUNK = 5000

__all__ = ["ENTITY_GRAPH", "entity_names", "write_entities"]

Names = Iterable[tuple[str, str, str]]
"""(kind, key, name), ordered by kind and key; an entity's first name is its label."""


def entity_names(
    con: duckdb.DuckDBPyConnection, tables: Iterable[Path]
) -> Iterator[tuple[str, str, str]]:
    """Every distinct name of every entity in the names ``tables`` (case base directories'
    ``names.parquet``), in :data:`Names` order: an entity's first name is the label of the
    earliest quarter that labels it."""
    files = [str(p) for p in tables]
    if not files:
        return
    rows = con.execute(
        "SELECT kind, key, name, min(quarter) FILTER (WHERE preferred) AS first "
        "FROM read_parquet(?) GROUP BY kind, key, name "
        "ORDER BY kind, key, first NULLS LAST, name",
        [files],
    )
    while batch := rows.fetchmany(_CHUNK):
        for kind, key, name, _first in batch:
            yield kind, key, name


def _describe(kind: str, key: str, names: list[str]) -> str:
    node = f"<{ID}{kind}/{key}>"
    lines = [node + _CLASSES[kind], f'{node}{_LABEL}"{literal_text(names[0])}" .\n']
    seen = {names[0].casefold()}
    for other in names[1:]:
        folded = other.casefold()
        if folded not in seen:
            seen.add(folded)
            lines.append(f'{node}{_ALT_LABEL}"{literal_text(other)}" .\n')
    return "".join(lines)


def write_entities(names: Names, sink: Callable[[list[str]], None]) -> int:
    """Write the entity graph's lines for ``names`` to ``sink``; return the entities written."""
    out: list[str] = []
    written = 0
    for (kind, key), rows in groupby(names, key=itemgetter(0, 1)):
        out.append(_describe(kind, key, [row[2] for row in rows]))
        written += 1
        if len(out) >= _CHUNK:
            sink(["".join(out)])
            out = []
    sink(["".join(out)])
    return written
