"""The closed sets of values a curator writes (``role: suspect``, ``outcome: recovered``, …) and
the ontology individuals each one stands for.

One table per field kind; the schema modules check a field against a table's keys and the mapping
writes the table's value. ``docs/casereport-format.md`` lists the same values for curators.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from kg import vocab

ROLES: dict[str, NamedNode] = {
    "primary-suspect": vocab.RolePrimarySuspect,
    "secondary-suspect": vocab.RoleSecondarySuspect,
    "suspect": vocab.RoleSuspect,
    "concomitant": vocab.RoleConcomitant,
    "not-suspected": vocab.RoleNotSuspected,
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
"""When a lab finding was made relative to a reaction's onset."""
