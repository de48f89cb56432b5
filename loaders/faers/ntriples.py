"""Ready-made N-Triples text that the FAERS quarter mapping writes row after row.

Formatting a pyoxigraph term costs a call per line, so the mapping (:mod:`loaders.faers.mapping`
and its row mappers) writes plain strings instead: the IRIs of the predicates and classes every
row uses (``<…>`` text, made once here), whole line ends for coded values (`` pv:sex pv:Female .``
and the like), and helpers for literals (:func:`lit`, :func:`date_literal`, a memoised date
parser, and the datatype suffixes :data:`INTEGER` and :data:`DECIMAL`).
"""

from __future__ import annotations

from functools import lru_cache

from kg import vocab
from kg.namespaces import PREFIXES, RDF, RDFS
from loaders.faers import normalise as norm
from loaders.faers import terms

ID = PREFIXES["pvid"]
XSD = PREFIXES["xsd"]
A = str(RDF["type"])
LABEL = str(RDFS["label"])


def typed(kind: str) -> str:
    """The N-Triples datatype suffix (``^^<xsd:kind>``) of a literal of XSD type ``kind``."""
    return f"^^<{XSD}{kind}>"


INTEGER = typed("integer")
DECIMAL = typed("decimal")

# N-Triples text of the terms written for every row.
REPORT_CLASS = str(vocab.SpontaneousReport)
PATIENT_CLASS = str(vocab.Patient)
PRIMARY_ID = str(terms.primaryId)
CASE_ID = str(terms.caseId)
CASE_VERSION = str(terms.caseVersion)
IN_QUARTER = str(terms.faersQuarter)
PATIENT = str(vocab.patient)
AGE = str(vocab.ageYears)
WEIGHT = str(vocab.weightKg)
_SEX_IRIS = {"Female": vocab.Female, "Male": vocab.Male, "SexUnknown": vocab.SexUnknown}
SEX_LINES = {code: f" {vocab.sex} {_SEX_IRIS[name]} .\n" for code, name in norm.SEXES.items()}
"""FAERS sex code → `` pv:sex <sex> .`` (of a patient)."""
HAS_EXPOSURE = str(vocab.hasExposure)
A_EXPOSURE = f"{A} {vocab.DrugExposure}"
DRUG = str(vocab.drug)
HAS_REACTION = str(vocab.hasReaction)
REACTION_CLASS = str(vocab.AdverseReaction)
CONDITION = str(vocab.condition)
VERBATIM_TERM = str(vocab.verbatimTerm)
OUTCOME_LINES = {
    code: f" {vocab.seriousOutcome} {iri} .\n" for code, iri in vocab.FAERS_OUTCOME_CODES.items()
}
"""FAERS outcome code → `` pv:seriousOutcome <outcome> .`` (of a report)."""
REPORT_SOURCE = str(terms.reportSource)
INDICATION = str(vocab.indication)
DURATION = str(vocab.duration)


def lit(text: str) -> str:
    """An N-Triples string literal."""
    return f'"{norm.literal_text(text)}"'


@lru_cache(maxsize=131072)
def date_literal(text: str) -> tuple[str, str, str]:
    """A FAERS date field as (typed N-Triples literal, lexical form, error); ``""`` for none."""
    try:
        parsed = norm.faers_date(text)
    except ValueError as error:
        return "", "", str(error)
    if parsed is None:
        return "", "", ""
    return f'"{parsed[0]}"{typed(parsed[1])}', parsed[0], ""
