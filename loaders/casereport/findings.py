"""Curated lab findings (a test result of the patient at a time point) and population findings
(a figure the publication states about a population)."""

from __future__ import annotations

from dataclasses import dataclass

from loaders.casereport.reader import Entry
from loaders.casereport.values import ONSET_RELATIONS


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


LAB_FIELDS = (
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
POPULATION_FIELDS = (
    "id",
    "statement",
    "population",
    "percent",
    "drugs",
    "conditions",
    "note",
    "quote",
)


def parse_lab(entry: Entry) -> LabFinding:
    """One ``lab_findings`` item (``onset`` needs the reaction it refers to)."""
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


def parse_population(entry: Entry) -> PopulationFinding:
    """One ``population_findings`` item (``percent``: a number or ``[low, high]`` in 0..100)."""
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
