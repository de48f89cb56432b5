"""Curated adverse reactions and misdiagnoses: the conditions a case's patient was found to have
after a drug, and the diagnoses that were made first and later replaced (ADR 0016).

A misdiagnosis names the condition first diagnosed, the later diagnosis and, when that is a
reaction of the case, the reaction; the drugs given for the first diagnosis point to it with
``given_for_misdiagnosis`` (and have no ``indication``)::

    misdiagnoses:
      - id: varicella
        initial_diagnosis: varicella
        final_diagnosis: paradoxical-psoriasis
        reaction: paradoxical-psoriasis
        quote: He was diagnosed with varicella, and acyclovir was administered ...
        final_quote: ... a diagnosis of paradoxical psoriasis induced by infliximab was made.
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.casereport.reader import Entry
from loaders.casereport.values import OUTCOMES


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
class Misdiagnosis:
    """A diagnosis made first and later replaced, with the sentences that say both."""

    id: str
    initial: str
    final: str
    quote: str
    reaction: str | None = None
    final_quote: str | None = None
    note: str | None = None


REACTION_FIELDS = (
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
MISDIAGNOSIS_FIELDS = (
    "id",
    "initial_diagnosis",
    "final_diagnosis",
    "reaction",
    "quote",
    "final_quote",
    "note",
)


def parse_reaction(entry: Entry) -> Reaction:
    """One ``reactions`` item (it needs at least one suspect exposure)."""
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


def parse_misdiagnosis(entry: Entry) -> Misdiagnosis:
    """One ``misdiagnoses`` item: two different conditions and the quote of the first diagnosis."""
    initial = entry.identifier("initial_diagnosis")
    final = entry.identifier("final_diagnosis")
    if initial == final:
        raise entry.error("is the initial diagnosis itself", field="final_diagnosis")
    return Misdiagnosis(
        id=entry.identifier("id"),
        initial=initial,
        final=final,
        quote=entry.text("quote"),
        reaction=entry.optional_identifier("reaction"),
        final_quote=entry.optional_text("final_quote"),
        note=entry.optional_text("note"),
    )
