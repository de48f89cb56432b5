"""Triples of the curation model of ADR 0016: when each exposure ran, and misdiagnoses.

A timing statement becomes a ``pv:ExposureTiming`` node (``<exposure>/timing/<kind>/<id>``)
with its relation, its reference and its quote, plus the direct edge it stands for
(``pv:ongoingAtOnsetOf`` …) so that simple queries need not go through the node. A misdiagnosis
becomes a ``pv:Misdiagnosis`` node (``<report>/misdiagnosis/<id>``) that the exposures given for
it point to with ``pv:givenForMisdiagnosis``.
"""

from __future__ import annotations

from collections.abc import Mapping

from pyoxigraph import NamedNode, Triple

from kg import vocab
from kg.iris import child_iri, condition_iri
from kg.namespaces import RDF, RDFS
from loaders.casereport.literals import text
from loaders.casereport.reactions import Misdiagnosis
from loaders.casereport.timing import RELATIONS, Timing

_TYPE = RDF["type"]
_LABEL = RDFS["label"]
_COMMENT = RDFS["comment"]
_REFERENCE = {"reaction": vocab.referenceReaction, "exposure": vocab.referenceExposure}


def misdiagnosis_iri(report: NamedNode, misdiagnosis_id: str) -> NamedNode:
    """IRI of a misdiagnosis of a case: ``<report>/misdiagnosis/<id>``."""
    return child_iri(report, "misdiagnosis", misdiagnosis_id)


def timing_triples(
    node: NamedNode,
    label: str,
    timings: tuple[Timing, ...],
    targets: Mapping[str, Mapping[str, NamedNode]],
    names: Mapping[str, Mapping[str, str]],
) -> list[Triple]:
    """The timing statements of one exposure and their direct edges.

    :param node: the exposure (or treatment) node.
    :param label: what the exposure is called in labels (``acyclovir (… Case 2)``).
    :param targets: the nodes of the case by kind (``"reaction"``, ``"exposure"``) and id.
    :param names: what each reaction or exposure is called, by kind and id.
    """
    out: list[Triple] = []
    for timing in timings:
        relation, kind = RELATIONS[timing.relation], timing.reference_kind
        target = targets[kind][timing.reference]
        statement = child_iri(node, "timing", kind, timing.reference)
        about = names[kind][timing.reference]
        out += [
            Triple(node, relation.edge, target),
            Triple(statement, _TYPE, vocab.ExposureTiming),
            Triple(statement, _LABEL, text(f"{label}: {relation.words} {about}")),
            Triple(statement, vocab.timedExposure, node),
            Triple(statement, vocab.timingRelation, relation.individual),
            Triple(statement, _REFERENCE[kind], target),
            Triple(statement, vocab.quote, text(timing.quote)),
        ]
        if timing.note:
            out.append(Triple(statement, _COMMENT, text(timing.note)))
    return out


def misdiagnosis_triples(
    report: NamedNode,
    misdiagnosis: Misdiagnosis,
    reactions: Mapping[str, NamedNode],
    condition_labels: Mapping[str, str],
    case_label: str,
) -> list[Triple]:
    """The node of one misdiagnosis of the case ``report``."""
    node = misdiagnosis_iri(report, misdiagnosis.id)
    first, final = condition_labels[misdiagnosis.initial], condition_labels[misdiagnosis.final]
    out = [
        Triple(report, vocab.hasMisdiagnosis, node),
        Triple(node, _TYPE, vocab.Misdiagnosis),
        Triple(node, _LABEL, text(f"{first}, later diagnosed as {final} ({case_label})")),
        Triple(node, vocab.initialDiagnosis, condition_iri(misdiagnosis.initial)),
        Triple(node, vocab.finalDiagnosis, condition_iri(misdiagnosis.final)),
        Triple(node, vocab.quote, text(misdiagnosis.quote)),
    ]
    if misdiagnosis.reaction:
        out.append(Triple(node, vocab.misdiagnosedReaction, reactions[misdiagnosis.reaction]))
    if misdiagnosis.final_quote:
        out.append(Triple(node, vocab.quote, text(misdiagnosis.final_quote)))
    if misdiagnosis.note:
        out.append(Triple(node, _COMMENT, text(misdiagnosis.note)))
    return out
