"""The pvkg ontology's terms as pyoxigraph constants.

Every term here is declared, labelled and defined in ``ontology/pvkg.ttl``; a test checks that
the two agree, and another that every IRI a loader emits in the ``pv:`` namespace is declared.
Loaders and queries use these constants instead of spelling IRIs.

Layout of the model (see ``docs/architecture.md``):

* a :data:`Report` (a :data:`PublishedCaseReport` in a :data:`Publication`, or a
  :data:`SpontaneousReport` such as a FAERS or openFDA report) is about one :data:`Patient`;
* it has :data:`DrugExposure` nodes (drug given, role, indication, dose, route, dates,
  dechallenge/rechallenge) and :data:`AdverseReaction` nodes (condition, onset, seriousness,
  outcome, the exposures suspected of causing it);
* a :data:`ReactionTreatment` is a drug exposure given to manage a reaction, with its
  :data:`response`; a :data:`LabFinding` records a test result at a time point;
* :data:`treats` and :data:`induces` are the direct drug → condition edges, and each has a
  :data:`DrugConditionAssociation` node carrying its evidence.
"""

from __future__ import annotations

from typing import Final

from pyoxigraph import NamedNode

from kg.namespaces import PV

# --- classes -------------------------------------------------------------------------------
Drug: Final = PV["Drug"]
DrugClass: Final = PV["DrugClass"]
Condition: Final = PV["Condition"]
Patient: Final = PV["Patient"]
Publication: Final = PV["Publication"]
Report: Final = PV["Report"]
PublishedCaseReport: Final = PV["PublishedCaseReport"]
SpontaneousReport: Final = PV["SpontaneousReport"]
ReportCase: Final = PV["ReportCase"]
DrugExposure: Final = PV["DrugExposure"]
ReactionTreatment: Final = PV["ReactionTreatment"]
AdverseReaction: Final = PV["AdverseReaction"]
LabFinding: Final = PV["LabFinding"]
PopulationFinding: Final = PV["PopulationFinding"]
DrugConditionAssociation: Final = PV["DrugConditionAssociation"]
TreatsAssociation: Final = PV["TreatsAssociation"]
InducesAssociation: Final = PV["InducesAssociation"]
Source: Final = PV["Source"]
ExposureTiming: Final = PV["ExposureTiming"]
Misdiagnosis: Final = PV["Misdiagnosis"]

# value classes (closed sets of individuals below)
DrugRole: Final = PV["DrugRole"]
ChallengeResult: Final = PV["ChallengeResult"]
SeriousOutcome: Final = PV["SeriousOutcome"]
ReactionOutcome: Final = PV["ReactionOutcome"]
TreatmentResponse: Final = PV["TreatmentResponse"]
Sex: Final = PV["Sex"]
TimingRelation: Final = PV["TimingRelation"]

# --- direct drug–condition edges -----------------------------------------------------------
treats: Final = PV["treats"]
induces: Final = PV["induces"]

# --- report structure ----------------------------------------------------------------------
publication: Final = PV["publication"]
patient: Final = PV["patient"]
hasExposure: Final = PV["hasExposure"]
hasReaction: Final = PV["hasReaction"]
hasLabFinding: Final = PV["hasLabFinding"]
hasPopulationFinding: Final = PV["hasPopulationFinding"]
seriousOutcome: Final = PV["seriousOutcome"]
source: Final = PV["source"]

# --- patient -------------------------------------------------------------------------------
ageYears: Final = PV["ageYears"]
sex: Final = PV["sex"]
weightKg: Final = PV["weightKg"]
medicalHistory: Final = PV["medicalHistory"]
patientNote: Final = PV["patientNote"]

# --- drug exposure -------------------------------------------------------------------------
drug: Final = PV["drug"]
role: Final = PV["role"]
indication: Final = PV["indication"]
verbatimDrugName: Final = PV["verbatimDrugName"]
dose: Final = PV["dose"]
doseAmount: Final = PV["doseAmount"]
doseUnit: Final = PV["doseUnit"]
regimen: Final = PV["regimen"]
route: Final = PV["route"]
startDate: Final = PV["startDate"]
endDate: Final = PV["endDate"]
startTime: Final = PV["startTime"]
endTime: Final = PV["endTime"]
duration: Final = PV["duration"]
dechallenge: Final = PV["dechallenge"]
rechallenge: Final = PV["rechallenge"]
sequenceNumber: Final = PV["sequenceNumber"]
addedTo: Final = PV["addedTo"]
replaces: Final = PV["replaces"]
indicationResponse: Final = PV["indicationResponse"]

# --- exposure timing and misdiagnoses (ADR 0016) ----------------------------------------------
timedExposure: Final = PV["timedExposure"]
timingRelation: Final = PV["timingRelation"]
referenceReaction: Final = PV["referenceReaction"]
referenceExposure: Final = PV["referenceExposure"]
ongoingAtOnsetOf: Final = PV["ongoingAtOnsetOf"]
stoppedBeforeOnsetOf: Final = PV["stoppedBeforeOnsetOf"]
startedAfterOnsetOf: Final = PV["startedAfterOnsetOf"]
startedDuring: Final = PV["startedDuring"]
startedBefore: Final = PV["startedBefore"]
hasMisdiagnosis: Final = PV["hasMisdiagnosis"]
initialDiagnosis: Final = PV["initialDiagnosis"]
finalDiagnosis: Final = PV["finalDiagnosis"]
misdiagnosedReaction: Final = PV["misdiagnosedReaction"]
givenForMisdiagnosis: Final = PV["givenForMisdiagnosis"]

# --- adverse reaction ----------------------------------------------------------------------
condition: Final = PV["condition"]
verbatimTerm: Final = PV["verbatimTerm"]
suspectExposure: Final = PV["suspectExposure"]
onset: Final = PV["onset"]
serious: Final = PV["serious"]
reactionOutcome: Final = PV["reactionOutcome"]

# --- treatment of a reaction ---------------------------------------------------------------
treatedReaction: Final = PV["treatedReaction"]
response: Final = PV["response"]
responseScore: Final = PV["responseScore"]
causedReaction: Final = PV["causedReaction"]

# --- lab finding ---------------------------------------------------------------------------
labTest: Final = PV["labTest"]
value: Final = PV["value"]
numericValue: Final = PV["numericValue"]
unit: Final = PV["unit"]
timePoint: Final = PV["timePoint"]
timeOrder: Final = PV["timeOrder"]
referenceRange: Final = PV["referenceRange"]
beforeOnsetOf: Final = PV["beforeOnsetOf"]
atOnsetOf: Final = PV["atOnsetOf"]
afterOnsetOf: Final = PV["afterOnsetOf"]

# --- population finding --------------------------------------------------------------------
statement: Final = PV["statement"]
population: Final = PV["population"]
proportionLow: Final = PV["proportionLow"]
proportionHigh: Final = PV["proportionHigh"]
findingDrug: Final = PV["findingDrug"]
findingCondition: Final = PV["findingCondition"]

# --- evidence and associations ---------------------------------------------------------------
quote: Final = PV["quote"]
vagueness: Final = PV["vagueness"]
associationSubject: Final = PV["associationSubject"]
associationObject: Final = PV["associationObject"]
associationPredicate: Final = PV["associationPredicate"]
evidenceReport: Final = PV["evidenceReport"]
evidenceSource: Final = PV["evidenceSource"]
reportCount: Final = PV["reportCount"]
patientCount: Final = PV["patientCount"]

# --- vocabulary links and hierarchy --------------------------------------------------------
meshTreeNumber: Final = PV["meshTreeNumber"]
hasAncestor: Final = PV["hasAncestor"]
memberOfClass: Final = PV["memberOfClass"]
concept: Final = PV["concept"]

# --- individuals: drug roles -----------------------------------------------------------------
RolePrimarySuspect: Final = PV["RolePrimarySuspect"]
RoleSecondarySuspect: Final = PV["RoleSecondarySuspect"]
RoleSuspect: Final = PV["RoleSuspect"]
RoleConcomitant: Final = PV["RoleConcomitant"]
RoleNotSuspected: Final = PV["RoleNotSuspected"]
RoleInteracting: Final = PV["RoleInteracting"]
RoleTreatment: Final = PV["RoleTreatment"]

# --- individuals: dechallenge / rechallenge --------------------------------------------------
ChallengePositive: Final = PV["ChallengePositive"]
ChallengeNegative: Final = PV["ChallengeNegative"]
ChallengeUnknown: Final = PV["ChallengeUnknown"]
ChallengeNotApplicable: Final = PV["ChallengeNotApplicable"]

# --- individuals: report-level (serious) outcomes, FAERS OUTC codes --------------------------
OutcomeDeath: Final = PV["OutcomeDeath"]
OutcomeLifeThreatening: Final = PV["OutcomeLifeThreatening"]
OutcomeHospitalization: Final = PV["OutcomeHospitalization"]
OutcomeDisability: Final = PV["OutcomeDisability"]
OutcomeCongenitalAnomaly: Final = PV["OutcomeCongenitalAnomaly"]
OutcomeRequiredIntervention: Final = PV["OutcomeRequiredIntervention"]
OutcomeOtherSerious: Final = PV["OutcomeOtherSerious"]

# --- individuals: reaction-level outcomes (E2B / openFDA reactionoutcome) -------------------
Recovered: Final = PV["Recovered"]
Recovering: Final = PV["Recovering"]
NotRecovered: Final = PV["NotRecovered"]
RecoveredWithSequelae: Final = PV["RecoveredWithSequelae"]
Fatal: Final = PV["Fatal"]
OutcomeUnknown: Final = PV["OutcomeUnknown"]

# --- individuals: response of a reaction to its treatment ------------------------------------
ResponseResolved: Final = PV["ResponseResolved"]
ResponseImproved: Final = PV["ResponseImproved"]
ResponsePartial: Final = PV["ResponsePartial"]
ResponseNone: Final = PV["ResponseNone"]
ResponseWorsened: Final = PV["ResponseWorsened"]
ResponseRelapsed: Final = PV["ResponseRelapsed"]

# --- individuals: timing of an exposure (ADR 0016) --------------------------------------------
OngoingAtOnset: Final = PV["OngoingAtOnset"]
StoppedBeforeOnset: Final = PV["StoppedBeforeOnset"]
StartedAfterOnset: Final = PV["StartedAfterOnset"]
StartedDuring: Final = PV["StartedDuring"]
StartedBefore: Final = PV["StartedBefore"]

# --- individuals: sex ------------------------------------------------------------------------
Female: Final = PV["Female"]
Male: Final = PV["Male"]
SexUnknown: Final = PV["SexUnknown"]

FAERS_OUTCOME_CODES: Final[dict[str, NamedNode]] = {
    "DE": OutcomeDeath,
    "LT": OutcomeLifeThreatening,
    "HO": OutcomeHospitalization,
    "DS": OutcomeDisability,
    "CA": OutcomeCongenitalAnomaly,
    "RI": OutcomeRequiredIntervention,
    "OT": OutcomeOtherSerious,
}
"""FAERS OUTC ``outc_cod`` values mapped to their outcome individuals."""

FAERS_ROLE_CODES: Final[dict[str, NamedNode]] = {
    "PS": RolePrimarySuspect,
    "SS": RoleSecondarySuspect,
    "C": RoleConcomitant,
    "I": RoleInteracting,
}
"""FAERS DRUG ``role_cod`` values mapped to their role individuals."""

CHALLENGE_CODES: Final[dict[str, NamedNode]] = {
    "Y": ChallengePositive,
    "N": ChallengeNegative,
    "U": ChallengeUnknown,
    "D": ChallengeNotApplicable,
}
"""FAERS ``dechal``/``rechal`` values (Y positive, N negative, U unknown, D does not apply)."""
