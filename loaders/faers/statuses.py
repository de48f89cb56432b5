"""The deduplication graphs: each report's status, one graph per quarter.

``pvgraph:faers-dedup/<yyyy>q<n>`` says, for every report read in that quarter, whether it is
the current version of its case, superseded (and by which report) or deleted, as of every
loaded quarter (ADR 0008). A new quarter changes the status of earlier reports only where it
brings a follow-up or deletes a case, so a load rewrites only the graphs whose content changed
(their staged checksum differs from the recorded one): the cost of a load does not grow with
the number of quarters loaded before it (ADR 0010).
"""

from __future__ import annotations

from collections.abc import Callable

from pyoxigraph import NamedNode

from kg.iris import graph_iri
from kg.namespaces import PREFIXES
from loaders.faers import terms
from loaders.faers.counting import Statuses

ID = PREFIXES["pvid"]
_STATUS_LINES = {
    "current": f" {terms.dedupStatus} {terms.CurrentReport} .\n",
    "superseded": f" {terms.dedupStatus} {terms.SupersededReport} .\n",
    "deleted": f" {terms.dedupStatus} {terms.DeletedReport} .\n",
}
_SUPERSEDED_BY = f" {terms.supersededBy} <{ID}faers/report/"
_CHUNK = 20_000


def dedup_graph(key: str) -> NamedNode:
    """The deduplication graph of one quarter: ``pvgraph:faers-dedup/2020q3``."""
    return graph_iri("faers-dedup", key)


def write_statuses(statuses: Statuses, sink: Callable[[list[str]], None]) -> int:
    """Write one quarter's status lines to ``sink``; return the number of reports."""
    out: list[str] = []
    rows = zip(
        statuses.pid.tolist(), statuses.status.tolist(), statuses.winner.tolist(), strict=True
    )
    for pid, status, winner in rows:
        report = f"<{ID}faers/report/{pid}>"
        out.append(report + _STATUS_LINES[status])
        if status == "superseded":
            out.append(f"{report}{_SUPERSEDED_BY}{winner}> .\n")
        if len(out) >= _CHUNK:
            sink(["".join(out)])
            out = []
    sink(["".join(out)])
    return len(statuses.pid)
