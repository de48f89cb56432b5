"""The curated case-report format (``pvkg-casereport/1``) and its validation.

One YAML file per publication; the format is documented for curators in
``docs/casereport-format.md``. :func:`parse_publication` parses a file into the frozen dataclasses
below and checks everything a curator can get wrong: unknown keys, missing required fields, bad
enum values, identifiers and MeSH IDs of the wrong shape (duplicate identifiers and dangling
references: :mod:`loaders.casereport.references`). Every error is an
:class:`~kg.errors.InputError` naming the file, the entry (``patients[1].exposures[2]``, counted
from 0) and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode

from kg import vocab
from loaders.casereport.reader import Entry, load_yaml

FORMAT = "pvkg-casereport/1"
"""Value of the ``format`` key of every curated file."""

MESH_UI = re.compile(r"[DC]\d{6}(?:\d{3})?")
"""Shape of a MeSH descriptor (``D011565``) or supplementary record (``C582435``) UI."""

TREE_NUMBER = re.compile(r"[A-Z]\d{2}(?:\.\d{3})*")
"""Shape of a MeSH tree number (``C17.800.859.675``)."""

MATCHES = ("exact", "close", "broad", "narrow")
"""How a drug or condition relates to its MeSH record (the SKOS mapping property used)."""

PUBLICATION_KINDS = ("case-report", "case-series", "news-article", "research-letter")

ROLES: dict[str, NamedNode] = {
    "primary-suspect": vocab.RolePrimarySuspect,
    "secondary-suspect": vocab.RoleSecondarySuspect,
    "suspect": vocab.RoleSuspect,
    "concomitant": vocab.RoleConcomitant,
    "interacting": vocab.RoleInteracting,
    "treatment": vocab.RoleTreatment,
}
RESPONSES: dict[str, NamedNode] = {
    "resolved": vocab.ResponseResolved,
    "improved": vocab.ResponseImproved,
    "partial": vocab.ResponsePartial,
    "none": vocab.ResponseNone,
    "worsened": vocab.ResponseWorsened,
    "relapsed": vocab.ResponseRelapsed,
}
FAVOURABLE_RESPONSES = ("resolved", "improved")
"""Responses that make an exposure or treatment evidence for a ``treats`` edge."""

OUTCOMES: dict[str, NamedNode] = {
    "recovered": vocab.Recovered,
    "recovering": vocab.Recovering,
    "not-recovered": vocab.NotRecovered,
    "recovered-with-sequelae": vocab.RecoveredWithSequelae,
    "fatal": vocab.Fatal,
    "unknown": vocab.OutcomeUnknown,
}
SERIOUS_OUTCOMES: dict[str, NamedNode] = {
    "death": vocab.OutcomeDeath,
    "life-threatening": vocab.OutcomeLifeThreatening,
    "hospitalisation": vocab.OutcomeHospitalization,
    "disability": vocab.OutcomeDisability,
    "congenital-anomaly": vocab.OutcomeCongenitalAnomaly,
    "required-intervention": vocab.OutcomeRequiredIntervention,
    "other-serious": vocab.OutcomeOtherSerious,
}
SEXES: dict[str, NamedNode] = {
    "female": vocab.Female,
    "male": vocab.Male,
    "unknown": vocab.SexUnknown,
}
CHALLENGES: dict[str, NamedNode] = {
    "positive": vocab.ChallengePositive,
    "negative": vocab.ChallengeNegative,
    "unknown": vocab.ChallengeUnknown,
    "not-applicable": vocab.ChallengeNotApplicable,
}
ONSET_RELATIONS: dict[str, NamedNode] = {
    "before": vocab.beforeOnsetOf,
    "at": vocab.atOnsetOf,
    "after": vocab.afterOnsetOf,
}


@dataclass(frozen=True)
class Drug:
    """A drug (active ingredient, or the unspecified member of a class) or a drug class."""

    id: str
    label: str
    kind: str
    mesh: str
    match: str
    alt_labels: tuple[str, ...] = ()
    member_of: tuple[str, ...] = ()
    note: str | None = None
    vagueness: str | None = None


@dataclass(frozen=True)
class Condition:
    """A disease or adverse-event term with its MeSH link and place in the hierarchy."""

    id: str
    label: str
    mesh: str
    match: str
    tree_numbers: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    alt_labels: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class HistoryItem:
    """A condition in the patient's past history."""

    condition: str
    quote: str
    note: str | None = None


@dataclass(frozen=True)
class Exposure:
    """A drug given to the patient (not to manage a reaction), with its indication."""

    id: str
    drug: str
    role: str
    quote: str
    indication: str | None = None
    verbatim: str | None = None
    dose: str | None = None
    regimen: str | None = None
    route: str | None = None
    start: str | None = None
    end: str | None = None
    duration: str | None = None
    sequence: int | None = None
    added_to: str | None = None
    replaces: str | None = None
    indication_response: str | None = None
    response_quote: str | None = None
    dechallenge: str | None = None
    rechallenge: str | None = None
    note: str | None = None
    vagueness: str | None = None


@dataclass(frozen=True)
class Reaction:
    """An adverse reaction: a condition the source attributes to suspect exposures."""

    id: str
    condition: str
    suspects: tuple[str, ...]
    quote: str
    verbatim: str | None = None
    onset: str | None = None
    serious: bool | None = None
    outcome: str | None = None
    outcome_quote: str | None = None
    note: str | None = None
    vagueness: str | None = None


@dataclass(frozen=True)
class Treatment:
    """A drug given to manage a reaction, with the reaction's response and what it caused."""

    id: str
    drug: str
    reaction: str
    response: str
    quote: str
    response_quote: str | None = None
    score: str | None = None
    sequence: int | None = None
    dose: str | None = None
    regimen: str | None = None
    route: str | None = None
    start: str | None = None
    end: str | None = None
    duration: str | None = None
    added_to: str | None = None
    replaces: str | None = None
    indication: str | None = None
    indication_response: str | None = None
    caused: tuple[str, ...] = ()
    note: str | None = None
    vagueness: str | None = None


@dataclass(frozen=True)
class LabFinding:
    """A lab test result at a time point of the case."""

    id: str
    test: str
    value: str
    time_point: str
    quote: str
    numeric_value: float | None = None
    unit: str | None = None
    reference_range: str | None = None
    time_order: int | None = None
    onset: str | None = None
    reaction: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Patient:
    """One patient of the publication (one published case report)."""

    id: str
    label: str
    quote: str
    age_years: float | None = None
    sex: str | None = None
    note: str | None = None
    vagueness: str | None = None
    history: tuple[HistoryItem, ...] = ()
    serious_outcomes: tuple[str, ...] = ()
    exposures: tuple[Exposure, ...] = ()
    reactions: tuple[Reaction, ...] = ()
    treatments: tuple[Treatment, ...] = ()
    lab_findings: tuple[LabFinding, ...] = ()
    follow_up: str | None = None
    follow_up_quote: str | None = None


@dataclass(frozen=True)
class PopulationFinding:
    """A figure the publication states about a population, as a proportion range in percent."""

    id: str
    statement: str
    population: str
    percent_low: float
    percent_high: float
    quote: str
    drugs: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Publication:
    """One curated publication: the whole content of one file."""

    key: str
    source_file: str
    kind: str
    label: str
    quote: str
    path: Path
    title: str | None = None
    journal: str | None = None
    reports_on: str | None = None
    note: str | None = None
    vagueness: str | None = None
    drugs: tuple[Drug, ...] = ()
    conditions: tuple[Condition, ...] = ()
    patients: tuple[Patient, ...] = ()
    population_findings: tuple[PopulationFinding, ...] = ()


_TOP = (
    "format",
    "key",
    "source_file",
    "publication",
    "drugs",
    "conditions",
    "patients",
    "population_findings",
)
_PUBLICATION = ("kind", "label", "title", "journal", "reports_on", "quote", "note", "vagueness")
_DRUG = ("id", "label", "kind", "mesh", "match", "alt_labels", "member_of", "note", "vagueness")
_CONDITION = ("id", "label", "mesh", "match", "tree_numbers", "broader", "alt_labels", "note")
_PATIENT = (
    "id",
    "label",
    "age_years",
    "sex",
    "note",
    "vagueness",
    "quote",
    "history",
    "serious_outcomes",
    "exposures",
    "reactions",
    "treatments",
    "lab_findings",
    "follow_up",
    "follow_up_quote",
)
_HISTORY = ("condition", "note", "quote")
_EXPOSURE = (
    "id",
    "drug",
    "role",
    "indication",
    "verbatim",
    "dose",
    "regimen",
    "route",
    "start",
    "end",
    "duration",
    "sequence",
    "added_to",
    "replaces",
    "indication_response",
    "response_quote",
    "dechallenge",
    "rechallenge",
    "note",
    "vagueness",
    "quote",
)
_REACTION = (
    "id",
    "condition",
    "suspects",
    "verbatim",
    "onset",
    "serious",
    "outcome",
    "outcome_quote",
    "note",
    "vagueness",
    "quote",
)
_TREATMENT = (
    "id",
    "drug",
    "reaction",
    "response",
    "response_quote",
    "score",
    "sequence",
    "dose",
    "regimen",
    "route",
    "start",
    "end",
    "duration",
    "added_to",
    "replaces",
    "indication",
    "indication_response",
    "caused",
    "note",
    "vagueness",
    "quote",
)
_LAB = (
    "id",
    "test",
    "value",
    "numeric_value",
    "unit",
    "reference_range",
    "time_point",
    "time_order",
    "onset",
    "reaction",
    "note",
    "quote",
)
_POPULATION = ("id", "statement", "population", "percent", "drugs", "conditions", "note", "quote")


def parse_publication(path: Path) -> Publication:
    """Read one curated file and validate each entry on its own (its cross-references are
    checked by :func:`loaders.casereport.publication.read_publication`).

    :param path: a ``.yaml`` file in the ``pvkg-casereport/1`` format.
    :return: the publication, its references not yet checked.
    :raises InputError: naming file, entry and field for the first problem found.
    """
    top = Entry(load_yaml(path), path, "", _TOP)
    fmt = top.text("format")
    if fmt != FORMAT:
        raise top.error(f"{fmt!r} is not the supported format {FORMAT!r}", field="format")
    if not top.has("publication"):
        raise top.error("is required", field="publication")
    pub = Entry(top.data["publication"], path, "publication", _PUBLICATION)
    drugs = tuple(_drug(Entry(d, path, w, _DRUG)) for w, d in top.items("drugs", required=True))
    conditions = tuple(
        _condition(Entry(c, path, w, _CONDITION)) for w, c in top.items("conditions", required=True)
    )
    patients = tuple(
        _patient(Entry(p, path, w, _PATIENT)) for w, p in top.items("patients", required=True)
    )
    findings = tuple(
        _population(Entry(f, path, w, _POPULATION)) for w, f in top.items("population_findings")
    )
    publication = Publication(
        key=top.identifier("key"),
        source_file=top.text("source_file"),
        kind=str(pub.choice("kind", PUBLICATION_KINDS)),
        label=pub.text("label"),
        quote=pub.text("quote"),
        path=path,
        title=pub.optional_text("title"),
        journal=pub.optional_text("journal"),
        reports_on=pub.optional_text("reports_on"),
        note=pub.optional_text("note"),
        vagueness=pub.optional_text("vagueness"),
        drugs=drugs,
        conditions=conditions,
        patients=patients,
        population_findings=findings,
    )
    return publication


def _mesh(entry: Entry) -> tuple[str, str]:
    mesh = entry.text("mesh")
    if not MESH_UI.fullmatch(mesh):
        reason = f"{mesh!r} is not a MeSH UI (D or C followed by 6 or 9 digits, e.g. D011565)"
        raise entry.error(reason, field="mesh")
    match = entry.choice("match", MATCHES, required=False) or "exact"
    return mesh, match


def _drug(entry: Entry) -> Drug:
    mesh, match = _mesh(entry)
    return Drug(
        id=entry.identifier("id"),
        label=entry.text("label"),
        kind=str(entry.choice("kind", ("drug", "drug-class"), required=False) or "drug"),
        mesh=mesh,
        match=match,
        alt_labels=entry.strings("alt_labels"),
        member_of=entry.identifiers("member_of"),
        note=entry.optional_text("note"),
        vagueness=entry.optional_text("vagueness"),
    )


def _condition(entry: Entry) -> Condition:
    mesh, match = _mesh(entry)
    trees = entry.strings("tree_numbers")
    for tree in trees:
        if not TREE_NUMBER.fullmatch(tree):
            raise entry.error(f"{tree!r} is not a MeSH tree number", field="tree_numbers")
    if trees and match != "exact":
        reason = "tree numbers belong to the MeSH descriptor, so only with match: exact"
        raise entry.error(reason, field="tree_numbers")
    return Condition(
        id=entry.identifier("id"),
        label=entry.text("label"),
        mesh=mesh,
        match=match,
        tree_numbers=trees,
        broader=entry.identifiers("broader"),
        alt_labels=entry.strings("alt_labels"),
        note=entry.optional_text("note"),
    )


def _patient(entry: Entry) -> Patient:
    def parts(field: str, allowed: tuple[str, ...]) -> list[Entry]:
        return [Entry(item, entry.path, where, allowed) for where, item in entry.items(field)]

    outcomes = entry.strings("serious_outcomes")
    for outcome in outcomes:
        if outcome not in SERIOUS_OUTCOMES:
            reason = f"{outcome!r} is not one of: {', '.join(SERIOUS_OUTCOMES)}"
            raise entry.error(reason, field="serious_outcomes")
    return Patient(
        id=entry.identifier("id"),
        label=entry.text("label"),
        quote=entry.text("quote"),
        age_years=entry.number("age_years", low=0, high=130),
        sex=entry.choice("sex", tuple(SEXES), required=False),
        note=entry.optional_text("note"),
        vagueness=entry.optional_text("vagueness"),
        history=tuple(
            HistoryItem(h.identifier("condition"), h.text("quote"), h.optional_text("note"))
            for h in parts("history", _HISTORY)
        ),
        serious_outcomes=outcomes,
        exposures=tuple(_exposure(e) for e in parts("exposures", _EXPOSURE)),
        reactions=tuple(_reaction(r) for r in parts("reactions", _REACTION)),
        treatments=tuple(_treatment(t) for t in parts("treatments", _TREATMENT)),
        lab_findings=tuple(_lab(f) for f in parts("lab_findings", _LAB)),
        follow_up=entry.optional_text("follow_up"),
        follow_up_quote=entry.optional_text("follow_up_quote"),
    )


def _exposure(entry: Entry) -> Exposure:
    response = entry.choice("indication_response", tuple(RESPONSES), required=False)
    if response is not None and not entry.has("indication"):
        raise entry.error("needs an indication to respond", field="indication_response")
    return Exposure(
        id=entry.identifier("id"),
        drug=entry.identifier("drug"),
        role=str(entry.choice("role", tuple(r for r in ROLES if r != "treatment"))),
        quote=entry.text("quote"),
        indication=entry.optional_identifier("indication"),
        verbatim=entry.optional_text("verbatim"),
        dose=entry.optional_text("dose"),
        regimen=entry.optional_text("regimen"),
        route=entry.optional_text("route"),
        start=entry.optional_text("start"),
        end=entry.optional_text("end"),
        duration=entry.optional_text("duration"),
        sequence=entry.integer("sequence"),
        added_to=entry.optional_identifier("added_to"),
        replaces=entry.optional_identifier("replaces"),
        indication_response=response,
        response_quote=entry.optional_text("response_quote"),
        dechallenge=entry.choice("dechallenge", tuple(CHALLENGES), required=False),
        rechallenge=entry.choice("rechallenge", tuple(CHALLENGES), required=False),
        note=entry.optional_text("note"),
        vagueness=entry.optional_text("vagueness"),
    )


def _reaction(entry: Entry) -> Reaction:
    suspects = entry.identifiers("suspects")
    if not suspects:
        raise entry.error("is required (the ids of the suspect exposures)", field="suspects")
    return Reaction(
        id=entry.identifier("id"),
        condition=entry.identifier("condition"),
        suspects=suspects,
        quote=entry.text("quote"),
        verbatim=entry.optional_text("verbatim"),
        onset=entry.optional_text("onset"),
        serious=entry.flag("serious"),
        outcome=entry.choice("outcome", tuple(OUTCOMES), required=False),
        outcome_quote=entry.optional_text("outcome_quote"),
        note=entry.optional_text("note"),
        vagueness=entry.optional_text("vagueness"),
    )


def _treatment(entry: Entry) -> Treatment:
    indication_response = entry.choice("indication_response", tuple(RESPONSES), required=False)
    if indication_response is not None and not entry.has("indication"):
        raise entry.error("needs an indication to respond", field="indication_response")
    return Treatment(
        id=entry.identifier("id"),
        drug=entry.identifier("drug"),
        reaction=entry.identifier("reaction"),
        response=str(entry.choice("response", tuple(RESPONSES))),
        quote=entry.text("quote"),
        response_quote=entry.optional_text("response_quote"),
        score=entry.optional_text("score"),
        sequence=entry.integer("sequence"),
        dose=entry.optional_text("dose"),
        regimen=entry.optional_text("regimen"),
        route=entry.optional_text("route"),
        start=entry.optional_text("start"),
        end=entry.optional_text("end"),
        duration=entry.optional_text("duration"),
        added_to=entry.optional_identifier("added_to"),
        replaces=entry.optional_identifier("replaces"),
        indication=entry.optional_identifier("indication"),
        indication_response=indication_response,
        caused=entry.identifiers("caused"),
        note=entry.optional_text("note"),
        vagueness=entry.optional_text("vagueness"),
    )


def _lab(entry: Entry) -> LabFinding:
    onset = entry.choice("onset", tuple(ONSET_RELATIONS), required=False)
    if onset is not None and not entry.has("reaction"):
        raise entry.error("needs the reaction whose onset it refers to", field="reaction")
    return LabFinding(
        id=entry.identifier("id"),
        test=entry.text("test"),
        value=entry.text("value"),
        time_point=entry.text("time_point"),
        quote=entry.text("quote"),
        numeric_value=entry.number("numeric_value", low=-1e12, high=1e12),
        unit=entry.optional_text("unit"),
        reference_range=entry.optional_text("reference_range"),
        time_order=entry.integer("time_order"),
        onset=onset,
        reaction=entry.optional_identifier("reaction"),
        note=entry.optional_text("note"),
    )


def _population(entry: Entry) -> PopulationFinding:
    percent = entry.data.get("percent")
    if percent is None:
        raise entry.error("is required (a number or [low, high])", field="percent")
    raw: list[object] = percent if isinstance(percent, list) else [percent]
    values = [float(v) for v in raw if isinstance(v, int | float) and not isinstance(v, bool)]
    if not 1 <= len(raw) <= 2 or len(values) != len(raw) or not all(0 <= v <= 100 for v in values):
        raise entry.error("must be a number 0..100 or a list [low, high]", field="percent")
    low, high = values[0], values[-1]
    if low > high:
        raise entry.error(f"low {low} is above high {high}", field="percent")
    return PopulationFinding(
        id=entry.identifier("id"),
        statement=entry.text("statement"),
        population=entry.text("population"),
        percent_low=low,
        percent_high=high,
        quote=entry.text("quote"),
        drugs=entry.identifiers("drugs"),
        conditions=entry.identifiers("conditions"),
        note=entry.optional_text("note"),
    )
