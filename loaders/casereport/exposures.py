"""Curated drug exposures and treatments of reactions: their fields, and what each entry must
say on its own (references to other entries: :mod:`loaders.casereport.references`).

An exposure's role and its timing must agree (ADR 0016): ``concomitant`` is only for a drug
stated to be ongoing at the onset of a reaction (``timing: ongoing-at-onset``), and
``not-suspected`` for every other drug the source does not suspect (stopped before the onset,
started after it, or timing not stated). So the role no longer hides whether a non-suspect drug
was taken at onset or earlier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loaders.casereport.reader import Entry
from loaders.casereport.timing import Timing, onset_relations, parse_timings
from loaders.casereport.values import CHALLENGES, RESPONSES, ROLES


@dataclass(frozen=True, kw_only=True)
class Given:
    """What exposures and treatments share: the drug, how and when it was given, its indication
    and the sentences behind it."""

    id: str
    drug: str
    quote: str
    indication: str | None = None
    indication_response: str | None = None
    response_quote: str | None = None
    dose: str | None = None
    regimen: str | None = None
    route: str | None = None
    start: str | None = None
    end: str | None = None
    duration: str | None = None
    sequence: int | None = None
    added_to: str | None = None
    replaces: str | None = None
    timing: tuple[Timing, ...] = ()
    note: str | None = None
    vagueness: str | None = None


@dataclass(frozen=True, kw_only=True)
class Exposure(Given):
    """A drug given to the patient (not to manage a reaction), with its indication."""

    role: str
    misdiagnosis: str | None = None
    verbatim: str | None = None
    dechallenge: str | None = None
    rechallenge: str | None = None


@dataclass(frozen=True, kw_only=True)
class Treatment(Given):
    """A drug given to manage a reaction, with the reaction's response and what it caused."""

    reaction: str
    response: str
    score: str | None = None
    caused: tuple[str, ...] = ()


_SHARED = (
    "id",
    "drug",
    "indication",
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
    "timing",
    "note",
    "vagueness",
    "quote",
)
EXPOSURE_FIELDS = (
    *_SHARED,
    "role",
    "given_for_misdiagnosis",
    "verbatim",
    "dechallenge",
    "rechallenge",
)
TREATMENT_FIELDS = (*_SHARED, "reaction", "response", "score", "caused")


def _given(entry: Entry) -> dict[str, Any]:
    """The fields of :class:`Given` read from ``entry`` (``indication_response`` is read by
    the caller, whose rule for it differs)."""
    texts = ("dose", "regimen", "route", "start", "end", "duration", "response_quote", "note")
    ids = ("indication", "added_to", "replaces")
    return {
        "id": entry.identifier("id"),
        "drug": entry.identifier("drug"),
        "quote": entry.text("quote"),
        "sequence": entry.integer("sequence"),
        "timing": parse_timings(entry),
        "vagueness": entry.optional_text("vagueness"),
        **{field: entry.optional_text(field) for field in texts},
        **{field: entry.optional_identifier(field) for field in ids},
    }


def parse_exposure(entry: Entry) -> Exposure:
    """One ``exposures`` item.

    :raises InputError: naming the item and field of the first problem, including a role that
        contradicts the timing.
    """
    if entry.has("indication") and entry.has("given_for_misdiagnosis"):
        reason = "a drug given for a misdiagnosis has no indication (the patient did not have it)"
        raise entry.error(reason, field="indication")
    response = entry.choice("indication_response", tuple(RESPONSES), required=False)
    if response is not None and not (
        entry.has("indication") or entry.has("given_for_misdiagnosis")
    ):
        raise entry.error("needs an indication to respond", field="indication_response")
    roles = tuple(r for r in ROLES if r != "treatment")
    exposure = Exposure(
        **_given(entry),
        role=str(entry.choice("role", roles)),
        indication_response=response,
        misdiagnosis=entry.optional_identifier("given_for_misdiagnosis"),
        verbatim=entry.optional_text("verbatim"),
        dechallenge=entry.choice("dechallenge", tuple(CHALLENGES), required=False),
        rechallenge=entry.choice("rechallenge", tuple(CHALLENGES), required=False),
    )
    _check_role(entry, exposure)
    return exposure


def _check_role(entry: Entry, exposure: Exposure) -> None:
    ongoing = "ongoing-at-onset" in onset_relations(exposure.timing)
    if exposure.role == "concomitant" and not ongoing:
        reason = (
            "'concomitant' means taken when a reaction began: add a timing item "
            "'relation: ongoing-at-onset' with its quote, or use 'not-suspected'"
        )
        raise entry.error(reason, field="role")
    if exposure.role == "not-suspected" and ongoing:
        reason = "a drug not suspected but ongoing at the onset of a reaction is 'concomitant'"
        raise entry.error(reason, field="role")


def parse_treatment(entry: Entry) -> Treatment:
    """One ``treatments`` item.

    :raises InputError: naming the item and field of the first problem, including a timing that
        puts the treatment before the onset of the reaction it treats.
    """
    indication_response = entry.choice("indication_response", tuple(RESPONSES), required=False)
    if indication_response is not None and not entry.has("indication"):
        raise entry.error("needs an indication to respond", field="indication_response")
    treatment = Treatment(
        **_given(entry),
        reaction=entry.identifier("reaction"),
        response=str(entry.choice("response", tuple(RESPONSES))),
        indication_response=indication_response,
        score=entry.optional_text("score"),
        caused=entry.identifiers("caused"),
    )
    for timing in treatment.timing:
        same = timing.reference_kind == "reaction" and timing.reference == treatment.reaction
        if same and timing.relation != "started-after-onset":
            reason = f"a treatment of {treatment.reaction!r} cannot be {timing.relation!r} of it"
            raise entry.error(reason, field="timing")
    return treatment
