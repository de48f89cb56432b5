"""The per-report facts that deduplication and statistics need, for one or more quarters.

A :class:`CaseBase` holds, per report (``primaryid``): its case, version and FDA date; the
drug ingredients it exposes in the counted roles; its reaction terms; its (drug, indication)
pairs; and the caseids listed as deleted. It also holds the names of the drugs and conditions the
quarter mentions, from which the one description of every FAERS entity is derived
(:mod:`loaders.faers.entities`). It is filled while a quarter is mapped, or read back
from the store for quarters loaded earlier (:func:`read_casebase`), so that statistics are
always computed over every loaded quarter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, QuerySolutions

from kg import vocab
from kg.namespaces import PREFIXES, RDFS, SKOS
from kg.store import GraphStore
from loaders.faers import terms
from loaders.faers.entities import ENTITY_GRAPH

DRUG_PREFIX = PREFIXES["pvid"] + "drug/"
CONDITION_PREFIX = PREFIXES["pvid"] + "condition/"
REPORT_PREFIX = PREFIXES["pvid"] + "faers/report/"


@dataclass
class CaseBase:
    """Per-report facts of some quarters; all keys are strings (ids and IRI keys)."""

    reports: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    """primaryid → (caseid, caseversion, FDA date as ``YYYY-MM-DD`` or ``""``)."""
    exposures: dict[str, set[str]] = field(default_factory=dict)
    """primaryid → drug keys exposed in a counted role."""
    events: dict[str, set[str]] = field(default_factory=dict)
    """primaryid → reaction term keys."""
    indications: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    """primaryid → (drug key, indication term key) pairs, any role."""
    deleted: set[str] = field(default_factory=set)
    """caseids FDA listed as deleted."""
    names: set[tuple[str, str, str, bool]] = field(default_factory=set)
    """(kind ``drug`` or ``condition``, key, name, whether it is the quarter's label)."""

    def merge(self, other: CaseBase) -> None:
        """Add ``other``'s facts (a report in both keeps ``other``'s record).

        When this case base is empty it takes ``other``'s containers over instead of copying.
        """
        if not (self.reports or self.exposures or self.events or self.indications):
            self.reports, self.exposures = other.reports, other.exposures
            self.events, self.indications = other.events, other.indications
            self.deleted |= other.deleted
            self.names |= other.names
            return
        self.reports.update(other.reports)
        for mine, theirs in (
            (self.exposures, other.exposures),
            (self.events, other.events),
        ):
            for key, values in theirs.items():
                mine.setdefault(key, set()).update(values)
        for key, pairs in other.indications.items():
            self.indications.setdefault(key, set()).update(pairs)
        self.deleted |= other.deleted
        self.names |= other.names


_REPORTS = f"""
SELECT ?r ?case ?version ?date WHERE {{
  ?r {terms.caseId} ?case ; {terms.caseVersion} ?version .
  OPTIONAL {{ ?r {terms.fdaReceiptDate} ?date }}
}}"""
_EXPOSURES = f"""
SELECT ?r ?drug ?role WHERE {{
  ?r {vocab.hasExposure} ?x . ?x {vocab.role} ?role ; {vocab.drug} ?drug .
}}"""
_EVENTS = f"""
SELECT ?r ?c WHERE {{ ?r {vocab.hasReaction} ?x . ?x {vocab.condition} ?c . }}"""
_INDICATIONS = f"""
SELECT ?r ?drug ?c WHERE {{
  ?r {vocab.hasExposure} ?x . ?x {vocab.drug} ?drug ; {vocab.indication} ?c .
}}"""
_DELETED = f"SELECT ?case WHERE {{ ?q {terms.deletedCase} ?case . }}"
_NAMES = f"""
SELECT DISTINCT ?kind ?x ?name ?preferred WHERE {{
  {{ ?use {vocab.drug} ?x BIND("drug" AS ?kind) }}
  UNION {{ ?use {vocab.condition}|{vocab.indication} ?x BIND("condition" AS ?kind) }}
  {{ ?x {RDFS["label"]} ?name BIND(true AS ?preferred) }}
  UNION {{ ?x {SKOS["altLabel"]} ?name BIND(false AS ?preferred) }}
}}"""


def _rows(store: GraphStore, sparql: str, graphs: list[NamedNode]) -> QuerySolutions:
    result = store.query(sparql, default_graphs=graphs)
    if not isinstance(result, QuerySolutions):
        raise TypeError("a SELECT query must yield solutions")
    return result


def _pid(iri: object) -> str:
    return str(getattr(iri, "value", "")).removeprefix(REPORT_PREFIX)


def read_casebase(
    store: GraphStore, graphs: Iterable[NamedNode], roles: Iterable[NamedNode]
) -> CaseBase:
    """Read the case base of quarters already in ``store``.

    :param graphs: the quarter graphs to read.
    :param roles: role individuals that count as exposure.
    """
    chosen = list(graphs)
    base = CaseBase()
    if not chosen:
        return base
    counted = {r.value for r in roles}
    for row in _rows(store, _REPORTS, chosen):
        date = row["date"]
        base.reports[_pid(row["r"])] = (
            row["case"].value,
            int(row["version"].value),
            date.value if date is not None else "",
        )
    for row in _rows(store, _EXPOSURES, chosen):
        if row["role"].value in counted:
            drug = row["drug"].value.removeprefix(DRUG_PREFIX)
            base.exposures.setdefault(_pid(row["r"]), set()).add(drug)
    for row in _rows(store, _EVENTS, chosen):
        event = row["c"].value.removeprefix(CONDITION_PREFIX)
        base.events.setdefault(_pid(row["r"]), set()).add(event)
    for row in _rows(store, _INDICATIONS, chosen):
        pair = (
            row["drug"].value.removeprefix(DRUG_PREFIX),
            row["c"].value.removeprefix(CONDITION_PREFIX),
        )
        base.indications.setdefault(_pid(row["r"]), set()).add(pair)
    for row in _rows(store, _DELETED, chosen):
        base.deleted.add(row["case"].value)
    # a quarter's entities are described in the entity graph (older stores: in the quarter)
    for row in _rows(store, _NAMES, [*chosen, ENTITY_GRAPH]):
        prefix = DRUG_PREFIX if row["kind"].value == "drug" else CONDITION_PREFIX
        key = row["x"].value.removeprefix(prefix)
        base.names.add(
            (row["kind"].value, key, row["name"].value, row["preferred"].value == "true")
        )
    return base
