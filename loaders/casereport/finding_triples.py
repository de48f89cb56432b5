"""Triples of curated lab findings (a test result of the case's patient at a time point) and
population findings (a figure the publication states about a population)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from pyoxigraph import NamedNode, Triple

from kg import vocab
from kg.iris import child_iri, condition_iri
from kg.namespaces import RDF, RDFS
from loaders.casereport.findings import LabFinding, PopulationFinding
from loaders.casereport.literals import decimal, integer, text
from loaders.casereport.values import ONSET_RELATIONS

_TYPE = RDF["type"]
_LABEL = RDFS["label"]
_COMMENT = RDFS["comment"]


def lab_triples(
    report: NamedNode, case_label: str, f: LabFinding, reactions: Mapping[str, NamedNode]
) -> list[Triple]:
    """The node of one lab finding of the case ``report``."""
    node = child_iri(report, "lab", f.id)
    label = f"{f.test}: {f.value} at {f.time_point} ({case_label})"
    out = [
        Triple(report, vocab.hasLabFinding, node),
        Triple(node, _TYPE, vocab.LabFinding),
        Triple(node, _LABEL, text(label)),
        Triple(node, vocab.labTest, text(f.test)),
        Triple(node, vocab.value, text(f.value)),
        Triple(node, vocab.timePoint, text(f.time_point)),
        Triple(node, vocab.quote, text(f.quote)),
    ]
    optional = ((vocab.unit, f.unit), (vocab.referenceRange, f.reference_range), (_COMMENT, f.note))
    out += [Triple(node, p, text(v)) for p, v in optional if v]
    if f.numeric_value is not None:
        out.append(Triple(node, vocab.numericValue, decimal(f.numeric_value)))
    if f.time_order is not None:
        out.append(Triple(node, vocab.timeOrder, integer(f.time_order)))
    if f.onset and f.reaction:
        out.append(Triple(node, ONSET_RELATIONS[f.onset], reactions[f.reaction]))
    return out


def population_triples(
    publication: NamedNode, f: PopulationFinding, drug: Callable[[str], NamedNode]
) -> list[Triple]:
    """The node of one population finding of ``publication``; ``drug`` gives a drug id's IRI."""
    node = child_iri(publication, "population", f.id)
    out = [
        Triple(publication, vocab.hasPopulationFinding, node),
        Triple(node, _TYPE, vocab.PopulationFinding),
        Triple(node, _LABEL, text(f.statement)),
        Triple(node, vocab.statement, text(f.statement)),
        Triple(node, vocab.population, text(f.population)),
        Triple(node, vocab.proportionLow, decimal(Decimal(str(f.percent_low)) / 100)),
        Triple(node, vocab.proportionHigh, decimal(Decimal(str(f.percent_high)) / 100)),
        Triple(node, vocab.quote, text(f.quote)),
    ]
    out += [Triple(node, vocab.findingDrug, drug(d)) for d in f.drugs]
    out += [Triple(node, vocab.findingCondition, condition_iri(c)) for c in f.conditions]
    if f.note:
        out.append(Triple(node, _COMMENT, text(f.note)))
    return out
