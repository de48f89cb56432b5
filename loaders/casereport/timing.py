"""When an exposure ran, relative to a reaction's onset or to another exposure (ADR 0016).

A curated exposure or treatment lists ``timing`` statements, each with the sentence that says
so::

    timing:
      - relation: ongoing-at-onset      # or stopped-before-onset, started-after-onset
        reaction: paradoxical-psoriasis
        quote: As he presented generalized pustulosis during the infliximab treatment, ...
      - relation: started-during        # or started-before
        exposure: infliximab
        quote: ...

:data:`RELATIONS` maps each value to its ``pv:TimingRelation`` individual, the direct edge the
loader writes beside the statement node, and the kind of reference it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from kg import vocab
from loaders.casereport.reader import Entry


@dataclass(frozen=True)
class Relation:
    """One timing value: its individual, its direct edge and what it is relative to."""

    individual: NamedNode
    edge: NamedNode
    reference: str
    """``"reaction"`` (its onset) or ``"exposure"`` (another exposure)."""
    words: str
    """How a label says it: ``ongoing at the onset of``."""


RELATIONS: dict[str, Relation] = {
    "ongoing-at-onset": Relation(
        vocab.OngoingAtOnset, vocab.ongoingAtOnsetOf, "reaction", "ongoing at the onset of"
    ),
    "stopped-before-onset": Relation(
        vocab.StoppedBeforeOnset,
        vocab.stoppedBeforeOnsetOf,
        "reaction",
        "stopped before the onset of",
    ),
    "started-after-onset": Relation(
        vocab.StartedAfterOnset, vocab.startedAfterOnsetOf, "reaction", "started after the onset of"
    ),
    "started-during": Relation(
        vocab.StartedDuring, vocab.startedDuring, "exposure", "started during"
    ),
    "started-before": Relation(
        vocab.StartedBefore, vocab.startedBefore, "exposure", "started before"
    ),
}

FIELDS = ("relation", "reaction", "exposure", "quote", "note")


@dataclass(frozen=True)
class Timing:
    """One timing statement of an exposure: the relation, its reference (a reaction id or an
    exposure id) and the quote."""

    relation: str
    reference: str
    quote: str
    note: str | None = None

    @property
    def reference_kind(self) -> str:
        """``"reaction"`` or ``"exposure"``."""
        return RELATIONS[self.relation].reference


def parse_timing(entry: Entry) -> Timing:
    """One ``timing`` item: a relation, exactly the reference it needs, and a quote.

    :raises InputError: naming the item and field when the relation is unknown or the reference
        is missing or of the wrong kind.
    """
    relation = str(entry.choice("relation", tuple(RELATIONS)))
    needed = RELATIONS[relation].reference
    other = "exposure" if needed == "reaction" else "reaction"
    if entry.has(other):
        reason = f"{relation!r} is relative to a {needed}, not to the {other} given here"
        raise entry.error(reason, field=other)
    if not entry.has(needed):
        raise entry.error(f"is required: {relation!r} is relative to a {needed}", field=needed)
    return Timing(
        relation=relation,
        reference=entry.identifier(needed),
        quote=entry.text("quote"),
        note=entry.optional_text("note"),
    )


def parse_timings(entry: Entry) -> tuple[Timing, ...]:
    """The ``timing`` list of an exposure or treatment entry (empty when absent)."""
    return tuple(
        parse_timing(Entry(item, entry.path, where, FIELDS))
        for where, item in entry.items("timing")
    )


def onset_relations(timings: tuple[Timing, ...]) -> set[str]:
    """The relations to reaction onsets among ``timings``."""
    return {t.relation for t in timings if t.reference_kind == "reaction"}
