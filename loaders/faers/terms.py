# ruff: noqa: N816 - constants are named exactly as the ontology's local names
"""Ontology terms the FAERS loader needs beyond :mod:`kg.vocab`, with their definitions.

Every term is in the ``pv:`` namespace. :data:`DECLARATIONS` gives each one's kind, label and
definition so that the ontology (``ontology/pvkg.ttl``) can declare them; the FAERS loader emits
no other ``pv:`` IRI than these and those of :mod:`kg.vocab`.
"""

from __future__ import annotations

from typing import Final

from kg.namespaces import PV

# --- report identifiers, dates and codes ---------------------------------------------------
primaryId: Final = PV["primaryId"]
caseId: Final = PV["caseId"]
caseVersion: Final = PV["caseVersion"]
followUpCode: Final = PV["followUpCode"]
eventDate: Final = PV["eventDate"]
initialReceiptDate: Final = PV["initialReceiptDate"]
fdaReceiptDate: Final = PV["fdaReceiptDate"]
manufacturerReceiptDate: Final = PV["manufacturerReceiptDate"]
reportDate: Final = PV["reportDate"]
reportType: Final = PV["reportType"]
reporterOccupation: Final = PV["reporterOccupation"]
reporterCountry: Final = PV["reporterCountry"]
occurrenceCountry: Final = PV["occurrenceCountry"]
reportSource: Final = PV["reportSource"]
manufacturerSender: Final = PV["manufacturerSender"]
literatureReference: Final = PV["literatureReference"]
faersQuarter: Final = PV["faersQuarter"]

# --- quarters and deleted cases --------------------------------------------------------------
FaersQuarter: Final = PV["FaersQuarter"]
deletedCase: Final = PV["deletedCase"]

# --- deduplication ---------------------------------------------------------------------------
dedupStatus: Final = PV["dedupStatus"]
supersededBy: Final = PV["supersededBy"]
CurrentReport: Final = PV["CurrentReport"]
SupersededReport: Final = PV["SupersededReport"]
DeletedReport: Final = PV["DeletedReport"]
DedupStatus: Final = PV["DedupStatus"]

# --- statistics ------------------------------------------------------------------------------
DisproportionalityStatistics: Final = PV["DisproportionalityStatistics"]
IndicationReportCount: Final = PV["IndicationReportCount"]
StatisticsDefinition: Final = PV["StatisticsDefinition"]
statisticsDefinition: Final = PV["statisticsDefinition"]
countedRole: Final = PV["countedRole"]
reportTotal: Final = PV["reportTotal"]
countA: Final = PV["countA"]
countB: Final = PV["countB"]
countC: Final = PV["countC"]
countD: Final = PV["countD"]
prr: Final = PV["prr"]
prrLower95: Final = PV["prrLower95"]
prrUpper95: Final = PV["prrUpper95"]
ror: Final = PV["ror"]
rorLower95: Final = PV["rorLower95"]
rorUpper95: Final = PV["rorUpper95"]
chiSquaredYates: Final = PV["chiSquaredYates"]
informationComponent: Final = PV["informationComponent"]
informationComponent025: Final = PV["informationComponent025"]
evansSignal: Final = PV["evansSignal"]
faersSignal: Final = PV["faersSignal"]
ebgm: Final = PV["ebgm"]
eb05: Final = PV["eb05"]
eb95: Final = PV["eb95"]
priorAlpha1: Final = PV["priorAlpha1"]
priorBeta1: Final = PV["priorBeta1"]
priorAlpha2: Final = PV["priorAlpha2"]
priorBeta2: Final = PV["priorBeta2"]
priorP: Final = PV["priorP"]
firstSignalQuarter: Final = PV["firstSignalQuarter"]
drugReportCount: Final = PV["drugReportCount"]
eventReportCount: Final = PV["eventReportCount"]

# --- signals over time -----------------------------------------------------------------------
SignalHistoryPoint: Final = PV["SignalHistoryPoint"]
historyOf: Final = PV["historyOf"]
asOfQuarter: Final = PV["asOfQuarter"]

DECLARATIONS: Final[dict[str, tuple[str, str, str]]] = {
    # local name: (kind, label, definition)
    "primaryId": ("datatype", "primary id", "FAERS primaryid (legacy AERS: ISR) of a report."),
    "caseId": ("datatype", "case id", "FAERS caseid (legacy AERS: CASE); versions share it."),
    "caseVersion": ("datatype", "case version", "FAERS caseversion; legacy AERS reports get 0."),
    "followUpCode": ("datatype", "initial or follow-up", "FAERS i_f_code: I initial, F follow-up."),
    "eventDate": ("datatype", "event date", "Date the adverse event occurred (event_dt)."),
    "initialReceiptDate": (
        "datatype",
        "initial FDA receipt date",
        "Date FDA received the first version of the case (init_fda_dt).",
    ),
    "fdaReceiptDate": (
        "datatype",
        "FDA receipt date",
        "Date FDA received this version of the case (fda_dt).",
    ),
    "manufacturerReceiptDate": (
        "datatype",
        "manufacturer receipt date",
        "Date the manufacturer received the information (mfr_dt).",
    ),
    "reportDate": ("datatype", "report date", "Date the report was sent (rept_dt)."),
    "reportType": ("datatype", "report type", "FAERS rept_cod: EXP, PER, DIR, 5DAY, 30DAY."),
    "reporterOccupation": (
        "datatype",
        "reporter occupation",
        "FAERS occp_cod: MD, PH, OT, LW, CN (HP in legacy AERS).",
    ),
    "reporterCountry": ("datatype", "reporter country", "Country of the reporter."),
    "occurrenceCountry": ("datatype", "occurrence country", "Country where the event occurred."),
    "reportSource": (
        "datatype",
        "report source",
        "FAERS RPSR rpsr_cod: FGN, SDY, LIT, CSM, HP, UF, CR, DT, OTH.",
    ),
    "manufacturerSender": ("datatype", "sender", "Manufacturer that sent the report (mfr_sndr)."),
    "literatureReference": ("datatype", "literature reference", "FAERS lit_ref."),
    "faersQuarter": ("object", "FAERS quarter", "The quarterly extract a report was read from."),
    "FaersQuarter": ("class", "FAERS quarter", "One quarterly FAERS or legacy AERS extract."),
    "deletedCase": (
        "datatype",
        "deleted case",
        "A caseid FDA listed as deleted in this quarter's deleted-case file.",
    ),
    "dedupStatus": (
        "object",
        "deduplication status",
        "Whether a report is the current version of its case, superseded, or deleted.",
    ),
    "supersededBy": ("object", "superseded by", "The current report of the same case."),
    "DedupStatus": ("class", "deduplication status", "Outcome of FAERS deduplication."),
    "CurrentReport": (
        "individual",
        "current report",
        "Highest caseversion of its case (ties: latest FDA date), case not deleted.",
    ),
    "SupersededReport": (
        "individual",
        "superseded report",
        "A report replaced by a later version of the same case.",
    ),
    "DeletedReport": ("individual", "deleted report", "A report of a case FDA deleted."),
    "DisproportionalityStatistics": (
        "class",
        "disproportionality statistics",
        "2x2 counts and PRR, ROR, chi-squared, IC of one drug and reaction term over "
        "deduplicated FAERS reports.",
    ),
    "IndicationReportCount": (
        "class",
        "FAERS indication report count",
        "Deduplicated FAERS reports in which a drug was given for an indication.",
    ),
    "StatisticsDefinition": (
        "class",
        "statistics definition",
        "How the FAERS statistics were counted (unit, roles, formulas).",
    ),
    "statisticsDefinition": ("object", "statistics definition", "How these figures were counted."),
    "countedRole": ("object", "counted role", "A drug role that counts as exposure."),
    "reportTotal": ("datatype", "report total", "N: deduplicated reports counted."),
    "countA": ("datatype", "a", "Reports with the drug and the event."),
    "countB": ("datatype", "b", "Reports with the drug, without the event."),
    "countC": ("datatype", "c", "Reports with the event, without the drug."),
    "countD": ("datatype", "d", "Reports with neither."),
    "prr": ("datatype", "PRR", "Proportional reporting ratio (a/(a+b))/(c/(c+d))."),
    "prrLower95": ("datatype", "PRR lower 95%", "Lower bound of the 95% CI of the PRR."),
    "prrUpper95": ("datatype", "PRR upper 95%", "Upper bound of the 95% CI of the PRR."),
    "ror": ("datatype", "ROR", "Reporting odds ratio (a*d)/(b*c)."),
    "rorLower95": ("datatype", "ROR lower 95%", "Lower bound of the 95% CI of the ROR."),
    "rorUpper95": ("datatype", "ROR upper 95%", "Upper bound of the 95% CI of the ROR."),
    "chiSquaredYates": ("datatype", "chi-squared", "Pearson chi-squared with Yates correction."),
    "informationComponent": (
        "datatype",
        "IC",
        "BCPNN information component log2((a+0.5)/(E+0.5)), E=(a+b)(a+c)/N.",
    ),
    "informationComponent025": ("datatype", "IC025", "Lower 95% credibility bound of the IC."),
    "evansSignal": ("datatype", "Evans signal", "PRR >= 2 and chi-squared >= 4 and a >= 3."),
    "faersSignal": (
        "object",
        "FAERS signal",
        "Links a drug or a reaction term to the statistics of a pair flagged by the Evans "
        "criteria (a shortcut for finding signals).",
    ),
    "ebgm": (
        "datatype",
        "EBGM",
        "Empirical Bayes geometric mean of the relative reporting ratio (MGPS, DuMouchel 1999).",
    ),
    "eb05": ("datatype", "EB05", "5th percentile of the MGPS posterior of the reporting ratio."),
    "eb95": ("datatype", "EB95", "95th percentile of the MGPS posterior of the reporting ratio."),
    "priorAlpha1": ("datatype", "prior alpha1", "Shape of the first gamma of the MGPS prior."),
    "priorBeta1": ("datatype", "prior beta1", "Rate of the first gamma of the MGPS prior."),
    "priorAlpha2": ("datatype", "prior alpha2", "Shape of the second gamma of the MGPS prior."),
    "priorBeta2": ("datatype", "prior beta2", "Rate of the second gamma of the MGPS prior."),
    "priorP": ("datatype", "prior mixing weight", "Weight of the first gamma of the MGPS prior."),
    "firstSignalQuarter": (
        "object",
        "first signal quarter",
        "The first FAERS quarter as of which the pair met the Evans criteria (cumulative "
        "statistics over the quarters up to it).",
    ),
    "drugReportCount": (
        "datatype",
        "FAERS reports with the drug",
        "Deduplicated FAERS reports counted in the statistics that expose the drug (a + b).",
    ),
    "eventReportCount": (
        "datatype",
        "FAERS reports with the event",
        "Deduplicated FAERS reports counted in the statistics with the reaction term (a + c).",
    ),
    "SignalHistoryPoint": (
        "class",
        "signal history point",
        "Cumulative FAERS statistics of a drug and reaction term as of one quarter.",
    ),
    "historyOf": (
        "object",
        "history of",
        "The current statistics node whose earlier state this history point records.",
    ),
    "asOfQuarter": (
        "object",
        "as of quarter",
        "The last FAERS quarter counted in these cumulative statistics.",
    ),
}
"""Local name → (``class``/``object``/``datatype``/``individual``, label, definition)."""
