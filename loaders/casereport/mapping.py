"""Map a validated curated publication to RDF triples (pure: no I/O, no store).

IRIs come from :mod:`kg.iris` and the curated ids, so the same file always gives the same
triples (no blank nodes). Besides the report structure (publication → case report → patient,
exposures, reactions, treatments, lab findings) the mapping derives the direct
``pv:treats`` / ``pv:induces`` edges and one association node per edge and publication:

* ``induces``: a reaction's condition, from the drug of each of its suspect exposures;
* ``treats``: the indication of an exposure or treatment when its ``indication_response`` is
  resolved or improved, and a treated reaction's condition when the treatment's ``response``
  is resolved or improved.

The rule is documented for curators in ``docs/casereport-format.md``. Exposure timing and
misdiagnoses (ADR 0016) are mapped by :mod:`loaders.casereport.curation_triples`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from kg import vocab
from kg.iris import association_iri, child_iri, condition_iri, drug_class_iri, drug_iri, record_iri
from kg.namespaces import DCTERMS, MESH, RDF, RDFS, SKOS, XSD
from loaders.casereport.curation_triples import (
    misdiagnosis_iri,
    misdiagnosis_triples,
    timing_triples,
)
from loaders.casereport.entities import Condition, Drug
from loaders.casereport.exposures import Exposure, Treatment
from loaders.casereport.finding_triples import lab_triples, population_triples
from loaders.casereport.hierarchy import ancestors
from loaders.casereport.literals import decimal, integer, text
from loaders.casereport.reactions import Reaction
from loaders.casereport.schema import Patient, Publication
from loaders.casereport.values import (
    CHALLENGES,
    FAVOURABLE_RESPONSES,
    OUTCOMES,
    RESPONSES,
    ROLES,
    SERIOUS_OUTCOMES,
    SEXES,
)

SOURCE = record_iri("source", "casereport")
"""The pv:Source standing for the curated case-report collection."""

_MATCH = {
    "exact": SKOS["exactMatch"],
    "close": SKOS["closeMatch"],
    "broad": SKOS["broadMatch"],
    "narrow": SKOS["narrowMatch"],
}
_TYPE = RDF["type"]
_LABEL = RDFS["label"]
_COMMENT = RDFS["comment"]


def publication_iri(key: str) -> NamedNode:
    """IRI of a curated publication: ``pvid:casereport/<key>``."""
    return record_iri("casereport", key)


def report_iri(key: str, patient_id: str) -> NamedNode:
    """IRI of the case report of one patient: ``pvid:casereport/<key>/<patient id>``."""
    return child_iri(publication_iri(key), patient_id)


def drug_entity_iri(drug: Drug) -> NamedNode:
    """IRI of a curated drug (``pvid:drug/…``) or drug class (``pvid:drug-class/…``)."""
    return drug_class_iri(drug.id) if drug.kind == "drug-class" else drug_iri(drug.id)


@dataclass
class _Evidence:
    """What supports one drug–condition edge within the publication."""

    reports: set[NamedNode] = field(default_factory=set)
    patients: set[NamedNode] = field(default_factory=set)
    quotes: set[str] = field(default_factory=set)


class _Mapper:
    """Holds the lookups of one publication while its triples are generated."""

    def __init__(self, publication: Publication) -> None:
        self.pub = publication
        self.pub_iri = publication_iri(publication.key)
        self.drugs = {d.id: d for d in publication.drugs}
        self.conditions = {c.id: c for c in publication.conditions}
        self.evidence: dict[tuple[str, str, str], _Evidence] = {}

    def drug(self, drug_id: str) -> NamedNode:
        return drug_entity_iri(self.drugs[drug_id])

    def label(self, drug_id: str) -> str:
        return self.drugs[drug_id].label

    def condition_label(self, condition_id: str) -> str:
        return self.conditions[condition_id].label

    def support(
        self, predicate: str, drug_id: str, condition_id: str, report: NamedNode, quote: str
    ) -> None:
        found = self.evidence.setdefault((predicate, drug_id, condition_id), _Evidence())
        found.reports.add(report)
        found.patients.add(child_iri(report, "patient"))
        found.quotes.add(quote)


def publication_triples(publication: Publication) -> list[Triple]:
    """All triples of one curated publication (its named graph's content).

    :param publication: a validated publication
        (:func:`~loaders.casereport.publication.read_publication`).
    :return: the triples, entities first; duplicates are possible and harmless (staging sorts
        and de-duplicates).
    """
    mapper = _Mapper(publication)
    triples = list(_publication(mapper))
    for drug in publication.drugs:
        triples += _drug(drug)
    closure = ancestors(publication.conditions)
    for condition in publication.conditions:
        triples += _condition(condition, closure[condition.id])
    for patient in publication.patients:
        triples += _patient(mapper, patient)
    for finding in publication.population_findings:
        triples += population_triples(mapper.pub_iri, finding, mapper.drug)
    triples += _associations(mapper)
    return triples


def _publication(m: _Mapper) -> Iterator[Triple]:
    pub, s = m.pub, m.pub_iri
    yield Triple(s, _TYPE, vocab.Publication)
    yield Triple(s, _TYPE, vocab.Source)
    yield Triple(s, _LABEL, text(pub.label))
    yield Triple(s, vocab.source, SOURCE)
    yield Triple(s, DCTERMS["source"], text(pub.source_file))
    yield Triple(s, DCTERMS["type"], text(pub.kind))
    yield Triple(s, vocab.quote, text(pub.quote))
    yield Triple(SOURCE, _TYPE, vocab.Source)
    yield Triple(SOURCE, _LABEL, text("curated published case reports"))
    if pub.title:
        yield Triple(s, DCTERMS["title"], text(pub.title))
    for comment in (pub.journal and f"Journal: {pub.journal}", pub.reports_on, pub.note):
        if comment:
            yield Triple(s, _COMMENT, text(comment))
    if pub.vagueness:
        yield Triple(s, vocab.vagueness, text(pub.vagueness))


def _drug(drug: Drug) -> list[Triple]:
    s = drug_entity_iri(drug)
    out = [
        Triple(s, _TYPE, vocab.DrugClass if drug.kind == "drug-class" else vocab.Drug),
        Triple(s, _LABEL, text(drug.label)),
        Triple(s, _MATCH[drug.match], MESH[drug.mesh]),
    ]
    out += [Triple(s, SKOS["altLabel"], text(a)) for a in drug.alt_labels]
    out += [Triple(s, vocab.memberOfClass, drug_class_iri(c)) for c in drug.member_of]
    if drug.note:
        out.append(Triple(s, _COMMENT, text(drug.note)))
    if drug.vagueness:
        out.append(Triple(s, vocab.vagueness, text(drug.vagueness)))
    return out


def _condition(condition: Condition, broader_all: set[str]) -> list[Triple]:
    s = condition_iri(condition.id)
    out = [
        Triple(s, _TYPE, vocab.Condition),
        Triple(s, _LABEL, text(condition.label)),
        Triple(s, _MATCH[condition.match], MESH[condition.mesh]),
    ]
    out += [Triple(s, SKOS["altLabel"], text(a)) for a in condition.alt_labels]
    out += [Triple(s, vocab.meshTreeNumber, text(t)) for t in condition.tree_numbers]
    out += [Triple(s, SKOS["broader"], condition_iri(b)) for b in condition.broader]
    out += [Triple(s, vocab.hasAncestor, condition_iri(a)) for a in sorted(broader_all)]
    if condition.note:
        out.append(Triple(s, _COMMENT, text(condition.note)))
    return out


def _patient(m: _Mapper, patient: Patient) -> list[Triple]:
    report = report_iri(m.pub.key, patient.id)
    person = child_iri(report, "patient")
    report_label = f"{m.pub.label}: {patient.label}"
    out = [
        Triple(report, _TYPE, vocab.PublishedCaseReport),
        Triple(report, _LABEL, text(report_label)),
        Triple(report, vocab.publication, m.pub_iri),
        Triple(report, vocab.source, SOURCE),
        Triple(report, vocab.patient, person),
        Triple(report, vocab.quote, text(patient.quote)),
        Triple(person, _TYPE, vocab.Patient),
        Triple(person, _LABEL, text(f"patient of {report_label}")),
        Triple(person, vocab.quote, text(patient.quote)),
    ]
    if patient.age_years is not None:
        out.append(Triple(person, vocab.ageYears, decimal(patient.age_years)))
    if patient.sex is not None:
        out.append(Triple(person, vocab.sex, SEXES[patient.sex]))
    if patient.note:
        out.append(Triple(person, vocab.patientNote, text(patient.note)))
    if patient.vagueness:
        out.append(Triple(report, vocab.vagueness, text(patient.vagueness)))
    for item in patient.history:
        out.append(Triple(person, vocab.medicalHistory, condition_iri(item.condition)))
        out.append(Triple(person, vocab.quote, text(item.quote)))
        if item.note:
            note = f"{m.condition_label(item.condition)}: {item.note}"
            out.append(Triple(person, vocab.patientNote, text(note)))
    out += [
        Triple(report, vocab.seriousOutcome, SERIOUS_OUTCOMES[o]) for o in patient.serious_outcomes
    ]
    if patient.follow_up:
        out.append(Triple(report, _COMMENT, text(f"Follow-up: {patient.follow_up}")))
    if patient.follow_up_quote:
        out.append(Triple(report, vocab.quote, text(patient.follow_up_quote)))
    nodes = {e.id: child_iri(report, "exposure", e.id) for e in patient.exposures}
    nodes |= {t.id: child_iri(report, "treatment", t.id) for t in patient.treatments}
    reactions = {r.id: child_iri(report, "reaction", r.id) for r in patient.reactions}
    for exposure in patient.exposures:
        out += _exposure(m, report, patient, exposure, nodes)
    drug_of = {e.id: e.drug for e in patient.exposures} | {t.id: t.drug for t in patient.treatments}
    condition_of = {r.id: r.condition for r in patient.reactions}
    for reaction in patient.reactions:
        out += _reaction(m, report, patient, reaction, nodes, drug_of)
    for treatment in patient.treatments:
        out += _treatment(m, report, patient, treatment, nodes, reactions, condition_of)
    for finding in patient.lab_findings:
        out += lab_triples(report, patient.label, finding, reactions)
    out += _curation(m, report, patient, nodes, reactions)
    return out


def _curation(
    m: _Mapper,
    report: NamedNode,
    patient: Patient,
    nodes: dict[str, NamedNode],
    reactions: dict[str, NamedNode],
) -> list[Triple]:
    """Timing statements of every exposure and treatment, and the case's misdiagnoses."""
    case = f"{m.pub.label}: {patient.label}"
    conditions = {c.id: c.label for c in m.pub.conditions}
    given: list[Exposure | Treatment] = [*patient.exposures, *patient.treatments]
    names = {
        "reaction": {r.id: conditions[r.condition] for r in patient.reactions},
        "exposure": {i.id: m.label(i.drug) for i in given},
    }
    targets = {"reaction": reactions, "exposure": nodes}
    out: list[Triple] = []
    for item in given:
        label = f"{m.label(item.drug)} ({case})"
        out += timing_triples(nodes[item.id], label, item.timing, targets, names)
    for misdiagnosis in patient.misdiagnoses:
        out += misdiagnosis_triples(report, misdiagnosis, reactions, conditions, case)
    return out


def _common(
    node: NamedNode, item: Exposure | Treatment, nodes: dict[str, NamedNode]
) -> list[Triple]:
    out = [Triple(node, vocab.quote, text(item.quote))]
    optional = (
        (vocab.dose, item.dose),
        (vocab.regimen, item.regimen),
        (vocab.route, item.route),
        (vocab.startTime, item.start),
        (vocab.endTime, item.end),
        (vocab.duration, item.duration),
        (vocab.vagueness, item.vagueness),
        (vocab.quote, item.response_quote),
        (_COMMENT, item.note),
    )
    out += [Triple(node, p, text(v)) for p, v in optional if v]
    if item.sequence is not None:
        out.append(Triple(node, vocab.sequenceNumber, integer(item.sequence)))
    if item.added_to:
        out.append(Triple(node, vocab.addedTo, nodes[item.added_to]))
    if item.replaces:
        out.append(Triple(node, vocab.replaces, nodes[item.replaces]))
    return out


def _exposure(
    m: _Mapper, report: NamedNode, patient: Patient, e: Exposure, nodes: dict[str, NamedNode]
) -> list[Triple]:
    node = nodes[e.id]
    label = f"{m.label(e.drug)} exposure ({m.pub.label}: {patient.label})"
    out = [
        Triple(report, vocab.hasExposure, node),
        Triple(node, _TYPE, vocab.DrugExposure),
        Triple(node, _LABEL, text(label)),
        Triple(node, vocab.drug, m.drug(e.drug)),
        Triple(node, vocab.role, ROLES[e.role]),
        *_common(node, e, nodes),
    ]
    if e.verbatim:
        out.append(Triple(node, vocab.verbatimDrugName, text(e.verbatim)))
    if e.indication:
        out.append(Triple(node, vocab.indication, condition_iri(e.indication)))
    if e.misdiagnosis:
        out.append(
            Triple(node, vocab.givenForMisdiagnosis, misdiagnosis_iri(report, e.misdiagnosis))
        )
    if e.indication_response:
        out.append(Triple(node, vocab.indicationResponse, RESPONSES[e.indication_response]))
        if e.indication and e.indication_response in FAVOURABLE_RESPONSES:
            m.support("treats", e.drug, e.indication, report, e.response_quote or e.quote)
    if e.dechallenge:
        out.append(Triple(node, vocab.dechallenge, CHALLENGES[e.dechallenge]))
    if e.rechallenge:
        out.append(Triple(node, vocab.rechallenge, CHALLENGES[e.rechallenge]))
    return out


def _reaction(
    m: _Mapper,
    report: NamedNode,
    patient: Patient,
    r: Reaction,
    nodes: dict[str, NamedNode],
    drug_of: dict[str, str],
) -> list[Triple]:
    node = child_iri(report, "reaction", r.id)
    label = f"{m.condition_label(r.condition)} ({m.pub.label}: {patient.label})"
    out = [
        Triple(report, vocab.hasReaction, node),
        Triple(node, _TYPE, vocab.AdverseReaction),
        Triple(node, _LABEL, text(label)),
        Triple(node, vocab.condition, condition_iri(r.condition)),
        Triple(node, vocab.quote, text(r.quote)),
    ]
    optional = (
        (vocab.verbatimTerm, r.verbatim),
        (vocab.onset, r.onset),
        (vocab.quote, r.outcome_quote),
        (vocab.vagueness, r.vagueness),
        (_COMMENT, r.note),
    )
    out += [Triple(node, p, text(v)) for p, v in optional if v]
    if r.serious is not None:
        out.append(
            Triple(node, vocab.serious, Literal(str(r.serious).lower(), datatype=XSD["boolean"]))
        )
    if r.outcome:
        out.append(Triple(node, vocab.reactionOutcome, OUTCOMES[r.outcome]))
    for suspect in r.suspects:
        out.append(Triple(node, vocab.suspectExposure, nodes[suspect]))
        m.support("induces", drug_of[suspect], r.condition, report, r.quote)
    return out


def _treatment(
    m: _Mapper,
    report: NamedNode,
    patient: Patient,
    t: Treatment,
    nodes: dict[str, NamedNode],
    reactions: dict[str, NamedNode],
    condition_of: dict[str, str],
) -> list[Triple]:
    node = nodes[t.id]
    treated = condition_of[t.reaction]
    label = f"{m.label(t.drug)} for {m.condition_label(treated)} ({m.pub.label}: {patient.label})"
    out = [
        Triple(report, vocab.hasExposure, node),
        Triple(node, _TYPE, vocab.ReactionTreatment),
        Triple(node, _TYPE, vocab.DrugExposure),
        Triple(node, _LABEL, text(label)),
        Triple(node, vocab.drug, m.drug(t.drug)),
        Triple(node, vocab.role, vocab.RoleTreatment),
        Triple(node, vocab.treatedReaction, reactions[t.reaction]),
        Triple(node, vocab.response, RESPONSES[t.response]),
        *_common(node, t, nodes),
    ]
    if t.score:
        out.append(Triple(node, vocab.responseScore, text(t.score)))
    if t.indication:
        out.append(Triple(node, vocab.indication, condition_iri(t.indication)))
    if t.indication and t.indication_response:
        out.append(Triple(node, vocab.indicationResponse, RESPONSES[t.indication_response]))
        if t.indication_response in FAVOURABLE_RESPONSES:
            m.support("treats", t.drug, t.indication, report, t.response_quote or t.quote)
    out += [Triple(node, vocab.causedReaction, reactions[c]) for c in t.caused]
    if t.response in FAVOURABLE_RESPONSES:
        m.support("treats", t.drug, treated, report, t.response_quote or t.quote)
    return out


def _associations(m: _Mapper) -> list[Triple]:
    out: list[Triple] = []
    edge = {"treats": vocab.treats, "induces": vocab.induces}
    kind = {"treats": vocab.TreatsAssociation, "induces": vocab.InducesAssociation}
    for (predicate, drug_id, condition_id), found in sorted(m.evidence.items()):
        drug, condition = m.drug(drug_id), condition_iri(condition_id)
        node = association_iri(predicate, drug_id, condition_id, f"casereport-{m.pub.key}")
        label = f"{m.label(drug_id)} {predicate} {m.condition_label(condition_id)} ({m.pub.label})"
        out += [
            Triple(drug, edge[predicate], condition),
            Triple(node, _TYPE, kind[predicate]),
            Triple(node, _TYPE, vocab.DrugConditionAssociation),
            Triple(node, _LABEL, text(label)),
            Triple(node, vocab.associationSubject, drug),
            Triple(node, vocab.associationPredicate, edge[predicate]),
            Triple(node, vocab.associationObject, condition),
            Triple(node, vocab.evidenceSource, m.pub_iri),
            Triple(node, vocab.reportCount, integer(len(found.reports))),
            Triple(node, vocab.patientCount, integer(len(found.patients))),
        ]
        out += [Triple(node, vocab.evidenceReport, r) for r in sorted(found.reports, key=str)]
        out += [Triple(node, vocab.quote, text(q)) for q in sorted(found.quotes)]
    return out
