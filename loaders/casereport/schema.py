"""The curated case-report format (``pvkg-casereport/1``): a publication and its patients.

One YAML file per publication; the format is documented for curators in
``docs/casereport-format.md``. :func:`parse_publication` parses a file into frozen dataclasses
and checks everything a curator can get wrong within one entry: unknown keys, missing required
fields, bad enum values, identifiers and MeSH IDs of the wrong shape. The entries' own modules
hold their fields and checks: :mod:`.entities` (drugs, conditions), :mod:`.exposures` and
:mod:`.timing` (exposures, treatments and when they ran), :mod:`.reactions` (reactions,
misdiagnoses), :mod:`.findings` (lab and population findings). Duplicate identifiers and
dangling references are checked afterwards (:mod:`loaders.casereport.references`). Every error
is an :class:`~kg.errors.InputError` naming the file, the entry (``patients[1].exposures[2]``,
counted from 0) and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loaders.casereport.entities import (
    CONDITION_FIELDS,
    DRUG_FIELDS,
    Condition,
    Drug,
    parse_condition,
    parse_drug,
)
from loaders.casereport.exposures import (
    EXPOSURE_FIELDS,
    TREATMENT_FIELDS,
    Exposure,
    Treatment,
    parse_exposure,
    parse_treatment,
)
from loaders.casereport.findings import (
    LAB_FIELDS,
    POPULATION_FIELDS,
    LabFinding,
    PopulationFinding,
    parse_lab,
    parse_population,
)
from loaders.casereport.reactions import (
    MISDIAGNOSIS_FIELDS,
    REACTION_FIELDS,
    Misdiagnosis,
    Reaction,
    parse_misdiagnosis,
    parse_reaction,
)
from loaders.casereport.reader import Entry, load_yaml
from loaders.casereport.values import SERIOUS_OUTCOMES, SEXES

FORMAT = "pvkg-casereport/1"
"""Value of the ``format`` key of every curated file."""

PUBLICATION_KINDS = ("case-report", "case-series", "news-article", "research-letter")


@dataclass(frozen=True)
class HistoryItem:
    """A condition in the patient's past history."""

    condition: str
    quote: str
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
    misdiagnoses: tuple[Misdiagnosis, ...] = ()
    lab_findings: tuple[LabFinding, ...] = ()
    follow_up: str | None = None
    follow_up_quote: str | None = None


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
    "misdiagnoses",
    "lab_findings",
    "follow_up",
    "follow_up_quote",
)
_HISTORY = ("condition", "note", "quote")


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
    drugs = tuple(
        parse_drug(Entry(d, path, w, DRUG_FIELDS)) for w, d in top.items("drugs", required=True)
    )
    conditions = tuple(
        parse_condition(Entry(c, path, w, CONDITION_FIELDS))
        for w, c in top.items("conditions", required=True)
    )
    patients = tuple(
        _patient(Entry(p, path, w, _PATIENT)) for w, p in top.items("patients", required=True)
    )
    findings = tuple(
        parse_population(Entry(f, path, w, POPULATION_FIELDS))
        for w, f in top.items("population_findings")
    )
    return Publication(
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
        exposures=tuple(parse_exposure(e) for e in parts("exposures", EXPOSURE_FIELDS)),
        reactions=tuple(parse_reaction(r) for r in parts("reactions", REACTION_FIELDS)),
        treatments=tuple(parse_treatment(t) for t in parts("treatments", TREATMENT_FIELDS)),
        misdiagnoses=tuple(
            parse_misdiagnosis(m) for m in parts("misdiagnoses", MISDIAGNOSIS_FIELDS)
        ),
        lab_findings=tuple(parse_lab(f) for f in parts("lab_findings", LAB_FIELDS)),
        follow_up=entry.optional_text("follow_up"),
        follow_up_quote=entry.optional_text("follow_up_quote"),
    )
