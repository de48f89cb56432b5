"""Cross-reference checks of a curated publication: unique ids, no dangling or cyclic references.

Run by :func:`loaders.casereport.publication.read_publication` after every entry has been parsed,
so that an error can name the entry and field holding the bad reference.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.errors import InputError
from loaders.casereport.exposures import Exposure, Treatment
from loaders.casereport.schema import Patient, Publication


class _Checker:
    """Raises :class:`InputError` for the publication's file."""

    def __init__(self, publication: Publication) -> None:
        self.path = str(publication.path)

    def fail(self, where: str, field: str, reason: str) -> InputError:
        return InputError(reason, path=self.path, entry=where, field=field)

    def unique(self, kind: str, ids: Iterable[tuple[str, str]]) -> set[str]:
        """Check that ids are unique; ``ids`` yields (place, id)."""
        seen: set[str] = set()
        for where, ident in ids:
            if ident in seen:
                raise self.fail(where, "id", f"{kind} id {ident!r} is used twice")
            seen.add(ident)
        return seen

    def known(self, where: str, field: str, value: str | None, pool: set[str], kind: str) -> None:
        """Check that ``value`` (if given) names one of ``pool``."""
        if value is not None and value not in pool:
            names = ", ".join(sorted(pool)) or "none"
            raise self.fail(where, field, f"no {kind} with id {value!r} (known: {names})")


def check_references(publication: Publication) -> None:
    """Check ids and references of ``publication``.

    :param publication: a parsed publication.
    :raises InputError: naming the entry and field of the first duplicate id, dangling reference
        or cycle in ``broader``.
    """
    check = _Checker(publication)
    drugs = check.unique("drug", ((f"drugs[{i}]", d.id) for i, d in enumerate(publication.drugs)))
    classes = {d.id for d in publication.drugs if d.kind == "drug-class"}
    ingredients = drugs - classes
    conditions = check.unique(
        "condition", ((f"conditions[{i}]", c.id) for i, c in enumerate(publication.conditions))
    )
    for i, drug in enumerate(publication.drugs):
        for member in drug.member_of:
            check.known(f"drugs[{i}]", "member_of", member, classes, "drug class")
        if drug.member_of and drug.kind == "drug-class":
            raise check.fail(f"drugs[{i}]", "member_of", "only a drug can be a member of a class")
    for i, condition in enumerate(publication.conditions):
        for broader in condition.broader:
            check.known(f"conditions[{i}]", "broader", broader, conditions, "condition")
    _check_acyclic(check, publication)
    check.unique("patient", ((f"patients[{i}]", p.id) for i, p in enumerate(publication.patients)))
    for i, patient in enumerate(publication.patients):
        _check_patient(check, f"patients[{i}]", patient, ingredients, conditions)
    for i, finding in enumerate(publication.population_findings):
        where = f"population_findings[{i}]"
        for drug_id in finding.drugs:
            check.known(where, "drugs", drug_id, drugs, "drug")
        for condition_id in finding.conditions:
            check.known(where, "conditions", condition_id, conditions, "condition")
    check.unique(
        "population finding",
        (
            (f"population_findings[{i}]", f.id)
            for i, f in enumerate(publication.population_findings)
        ),
    )


def _check_acyclic(check: _Checker, publication: Publication) -> None:
    broader = {c.id: c.broader for c in publication.conditions}
    for i, condition in enumerate(publication.conditions):
        stack, seen = list(condition.broader), set()
        while stack:
            current = stack.pop()
            if current == condition.id:
                raise check.fail(f"conditions[{i}]", "broader", "broader conditions form a cycle")
            if current not in seen:
                seen.add(current)
                stack.extend(broader.get(current, ()))


def _check_patient(
    check: _Checker, where: str, patient: Patient, drugs: set[str], conditions: set[str]
) -> None:
    exposures = check.unique(
        "exposure or treatment",
        [(f"{where}.exposures[{i}]", e.id) for i, e in enumerate(patient.exposures)]
        + [(f"{where}.treatments[{i}]", t.id) for i, t in enumerate(patient.treatments)],
    )
    reactions = check.unique(
        "reaction", ((f"{where}.reactions[{i}]", r.id) for i, r in enumerate(patient.reactions))
    )
    check.unique(
        "lab finding",
        ((f"{where}.lab_findings[{i}]", f.id) for i, f in enumerate(patient.lab_findings)),
    )
    for i, item in enumerate(patient.history):
        check.known(f"{where}.history[{i}]", "condition", item.condition, conditions, "condition")
    for i, exposure in enumerate(patient.exposures):
        at = f"{where}.exposures[{i}]"
        check.known(at, "drug", exposure.drug, drugs, "drug (kind: drug)")
        check.known(at, "indication", exposure.indication, conditions, "condition")
        for field, ref in (("added_to", exposure.added_to), ("replaces", exposure.replaces)):
            check.known(at, field, ref, exposures - {exposure.id}, "other exposure or treatment")
    for i, reaction in enumerate(patient.reactions):
        at = f"{where}.reactions[{i}]"
        check.known(at, "condition", reaction.condition, conditions, "condition")
        for suspect in reaction.suspects:
            check.known(at, "suspects", suspect, exposures, "exposure or treatment")
    suspects = {r.id: r.suspects for r in patient.reactions}
    for i, treatment in enumerate(patient.treatments):
        at = f"{where}.treatments[{i}]"
        check.known(at, "drug", treatment.drug, drugs, "drug (kind: drug)")
        check.known(at, "reaction", treatment.reaction, reactions, "reaction")
        check.known(at, "indication", treatment.indication, conditions, "condition")
        for field, ref in (("added_to", treatment.added_to), ("replaces", treatment.replaces)):
            check.known(at, field, ref, exposures - {treatment.id}, "other exposure or treatment")
        for caused in treatment.caused:
            check.known(at, "caused", caused, reactions - {treatment.reaction}, "other reaction")
            if treatment.id not in suspects[caused]:
                reason = f"reaction {caused!r} does not list {treatment.id!r} among its suspects"
                raise check.fail(at, "caused", reason)
    for i, finding in enumerate(patient.lab_findings):
        check.known(
            f"{where}.lab_findings[{i}]", "reaction", finding.reaction, reactions, "reaction"
        )
    _check_misdiagnoses(check, where, patient, conditions)
    timed: list[tuple[str, Exposure | Treatment]] = [
        (f"{where}.exposures[{i}]", e) for i, e in enumerate(patient.exposures)
    ]
    timed += [(f"{where}.treatments[{i}]", t) for i, t in enumerate(patient.treatments)]
    for at, timed_item in timed:
        _check_timing(check, at, timed_item, exposures, reactions)


def _check_misdiagnoses(
    check: _Checker, where: str, patient: Patient, conditions: set[str]
) -> None:
    """Misdiagnoses name known conditions and, if given, the reaction the final diagnosis is;
    exposures given for one name it."""
    ids = check.unique(
        "misdiagnosis",
        ((f"{where}.misdiagnoses[{i}]", m.id) for i, m in enumerate(patient.misdiagnoses)),
    )
    condition_of = {r.id: r.condition for r in patient.reactions}
    for i, misdiagnosis in enumerate(patient.misdiagnoses):
        at = f"{where}.misdiagnoses[{i}]"
        check.known(at, "initial_diagnosis", misdiagnosis.initial, conditions, "condition")
        check.known(at, "final_diagnosis", misdiagnosis.final, conditions, "condition")
        check.known(at, "reaction", misdiagnosis.reaction, set(condition_of), "reaction")
        if misdiagnosis.reaction and condition_of[misdiagnosis.reaction] != misdiagnosis.final:
            reason = (
                f"reaction {misdiagnosis.reaction!r} is {condition_of[misdiagnosis.reaction]!r},"
                f" not the final diagnosis {misdiagnosis.final!r}"
            )
            raise check.fail(at, "reaction", reason)
    for i, exposure in enumerate(patient.exposures):
        at = f"{where}.exposures[{i}]"
        check.known(at, "given_for_misdiagnosis", exposure.misdiagnosis, ids, "misdiagnosis")


def _check_timing(
    check: _Checker,
    where: str,
    item: Exposure | Treatment,
    exposures: set[str],
    reactions: set[str],
) -> None:
    """Each timing item refers to a known reaction or another exposure, at most once each."""
    seen: set[tuple[str, str]] = set()
    for i, timing in enumerate(item.timing):
        at = f"{where}.timing[{i}]"
        kind = timing.reference_kind
        if kind == "reaction":
            check.known(at, "reaction", timing.reference, reactions, "reaction")
        else:
            others = exposures - {item.id}
            check.known(at, "exposure", timing.reference, others, "other exposure or treatment")
        if (kind, timing.reference) in seen:
            reason = f"the timing relative to {kind} {timing.reference!r} is given twice"
            raise check.fail(at, kind, reason)
        seen.add((kind, timing.reference))
