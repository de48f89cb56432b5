"""Link reaction and indication terms that have no MeSH name of their own.

MedDRA terms (as FAERS writes them) are often a MeSH heading plus words MeSH has no heading for:
"Pustular psoriasis", "Psoriasis aggravated", "Rash pruritic", "Injection site erythema". These
rules, tried only for conditions and only after the exact and variant rules of
:mod:`loaders.meshlink.matcher` found nothing, link such a term to the MeSH descriptor it falls
under. Precision comes first: a wrong broad link puts a term under the wrong heading in every
hierarchy query, so each rule drops only listed words, links only to descriptors of the disease
trees (``C``, ``F03``; never to the uninformative "Disease" or "Syndrome"), and leaves a term
whose candidates name several descriptors unmapped.

==========================  =======================================  ===============  ==========
rule                        example                                  predicate        confidence
==========================  =======================================  ===============  ==========
laboratory finding          Blood cholesterol increased → Hyper-     closeMatch       0.75
                            cholesterolemia; Lymphocyte count
                            decreased → Lymphopenia
"disorder" = "diseases"     Liver disorder → Liver Diseases;         closeMatch       0.75
                            Renal disorder → Kidney Diseases
MedDRA qualifier removed    Psoriasis aggravated, Bladder cancer     broadMatch       0.60
                            recurrent, Diabetes mellitus
                            inadequate control
modifier removed            Pustular psoriasis, Rash pruritic,       broadMatch       0.55
                            Acute myocardial infarction,
                            Hodgkin's disease stage IV
site or head noun kept      Injection site erythema → Erythema;      broadMatch       0.50
                            Testicular pain → Pain
==========================  =======================================  ===============  ==========

A laboratory finding is linked only when MeSH has the exact ``hyper…emia``/``hypo…emia`` (or
cell-count) heading for the analyte and direction; "X disorder" only when MeSH has "X Diseases".
Among the modifier rules the longest remaining phrase wins (so "Non-small cell lung cancer stage
III" keeps "non-small cell lung cancer").

>>> from loaders.meshlink.condition_rules import cores
>>> [" ".join(c.words) for c in cores("Pustular psoriasis")]
['psoriasis']
>>> [c.rule for c in cores("Psoriasis aggravated")]
['MedDRA qualifier removed']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyoxigraph import NamedNode

from loaders.meshlink import terms
from loaders.meshlink.lexicon import Entry, Lexicon
from loaders.meshlink.normalise import exact_key, variant_of_exact


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


QUALIFIERS = _words(
    "aggravated exacerbated exacerbation worsened worsening recurrent recurring recurrence "
    "relapse relapsing reactivation progression flare nos unspecified"
)
"""MedDRA's words for the course of a condition; the condition itself is what remains."""
QUALIFIER_PHRASES = (("inadequate", "control"), ("inadequately", "controlled"))

MODIFIERS = _words(
    # severity and course
    "acute subacute chronic severe mild moderate transient intermittent persistent refractory "
    "complicated uncomplicated idiopathic primary secondary seasonal atypical "
    # spread and malignancy
    "generalised generalized localised localized focal diffuse disseminated metastatic malignant "
    "benign invasive "
    # side and site words that do not change the heading
    "left right bilateral unilateral upper lower superficial neonatal infantile congenital "
    # morphology
    "pustular guttate plaque erythrodermic bullous erosive haemorrhagic hemorrhagic macular "
    "maculo papular maculopapular papulosquamous vesicular pruritic erythematous morbilliform "
    "scarlatiniform exfoliative necrotising necrotizing allergic postural "
    # agents
    "viral bacterial fungal infective infectious streptococcal staphylococcal enterococcal "
    "meningococcal pneumococcal clostridial klebsiella pseudomonas pseudomonal escherichia "
    "candida measles h1n1 mixed"
)
"""Words (severity, course, spread, side, morphology, agent) that make a term narrower than its
head without moving it elsewhere: a pustular psoriasis is a psoriasis."""

NUMBERED = frozenset({"stage", "grade", "type", "class"})
"""Words whose following number or Roman numeral is dropped with them ("stage IV")."""
_NUMERAL = re.compile(r"^(\d+|i{1,3}|iv|v|vi{1,3}|ix|x)[a-c]?$")

HEADS = _words(
    "pain oedema edema haemorrhage hemorrhage haematoma hematoma pruritus erythema rash abscess "
    "necrosis atrophy ulcer fibrosis cyst infection inflammation thrombosis embolism spasm "
    "neoplasm cancer carcinoma anaemia anemia haemangioma hemangioma polyp fistula "
    "infarction hyperplasia calcification"
)
"""Head nouns general enough that any anatomical words before them may be dropped
("Gingival pain" is a pain, "Pericardial haemorrhage" a haemorrhage). Not "tumour" (a "brown
tumour" is no neoplasm), not "injury" ("Hepatocellular injury" is no wound), not "disorder"."""

BLOCKERS = _words(
    "no non not without free absence fear risk history family prophylaxis prevention test "
    "screening exposure of to in on at for with by from"
)
"""Words that, when dropped before a head noun, would change what the term is about
("Fear of pain" is not a pain, "Non-cardiac chest pain" is kept to itself)."""

_LINKING = _words("of to in on at for with by from and or the a an")
"""Words a remaining phrase may not begin or end with."""

TOO_GENERAL = frozenset({"D004194", "D013577", "D020969"})
"""Descriptors never targeted by a rule: Disease, Syndrome, Disease Attributes."""

_TREES = ("C", "F03")

ANALYTES = {
    "cholesterol": "cholesterol",
    "calcium": "calc",
    "bilirubin": "bilirubin",
    "uric acid": "uric",
    "triglycerides": "triglycerid",
    "triglyceride": "triglycerid",
    "albumin": "albumin",
    "prolactin": "prolactin",
    "magnesium": "magnes",
    "potassium": "kal",
    "sodium": "natr",
    "glucose": "glyc",
    "phosphate": "phosphat",
    "phosphorus": "phosphat",
    "ammonia": "ammon",
    "chloride": "chlor",
}
"""Blood analyte → stem of its ``hyper…emia`` / ``hypo…emia`` heading."""
COUNTS = {
    "lymphocyte": ("lymphocytosis", "lymphopenia"),
    "neutrophil": ("neutrophilia", "neutropenia"),
    "platelet": ("thrombocytosis", "thrombocytopenia"),
    "white blood cell": ("leukocytosis", "leukopenia"),
    "leukocyte": ("leukocytosis", "leukopenia"),
    "eosinophil": ("eosinophilia", "eosinopenia"),
    "red blood cell": ("polycythemia", "anemia"),
}
"""Blood cell count → (heading when increased, heading when decreased)."""
UP = frozenset({"increased", "elevated", "raised", "high"})
DOWN = frozenset({"decreased", "reduced", "lowered", "low"})
_BLOOD = ("blood", "serum", "plasma")

ORGANS = {
    "hepatic": "liver",
    "renal": "kidney",
    "cardiac": "heart",
    "pulmonary": "lung",
    "gastric": "stomach",
    "cerebral": "brain",
    "ocular": "eye",
    "oral": "mouth",
    "dental": "tooth",
}
"""Adjective → the noun MeSH uses in "… Diseases" headings."""


@dataclass(frozen=True)
class Core:
    """What remains of a term after a rule dropped words from either end."""

    words: tuple[str, ...]
    rule: str
    confidence: float


@dataclass(frozen=True)
class RuleHit:
    """A condition rule's link target."""

    entry: Entry
    rule: str
    key: str
    predicate: NamedNode
    confidence: float


def _droppable(words: list[str], allowed: frozenset[str]) -> bool:
    """Whether every word is in ``allowed`` or is a numbered word with its number."""
    for i, word in enumerate(words):
        if word in allowed:
            continue
        number_follows = i + 1 < len(words) and _NUMERAL.match(words[i + 1]) is not None
        if word in NUMBERED and number_follows:
            continue
        if i > 0 and words[i - 1] in NUMBERED and _NUMERAL.match(word):
            continue
        return False
    return True


def _strip_phrases(words: list[str]) -> list[str]:
    for phrase in QUALIFIER_PHRASES:
        if tuple(words[-len(phrase) :]) == phrase and len(words) > len(phrase):
            return [*words[: -len(phrase)], "nos"]
    return words


def _judge(left: list[str], core: list[str], right: list[str]) -> Core | None:
    """The rule under which dropping ``left`` and ``right`` from a term keeps ``core``."""
    dropped = left + right
    if not core or core[0] in _LINKING or core[-1] in _LINKING:
        return None
    if all(w in QUALIFIERS for w in dropped):
        return Core(tuple(core), "MedDRA qualifier removed", 0.60)
    allowed = QUALIFIERS | MODIFIERS
    if not _droppable(right, allowed):
        return None
    if _droppable(left, allowed):
        return Core(tuple(core), "modifier removed", 0.55)
    if len(left) == 2 and left[1] == "site" and left[0] not in BLOCKERS:
        return Core(tuple(core), "site or head noun kept", 0.50)
    if core[-1] in HEADS and not any(w in BLOCKERS for w in left):
        return Core(tuple(core), "site or head noun kept", 0.50)
    return None


def cores(label: str) -> list[Core]:
    """Shorter phrases a term falls under, longest first (rule order breaks ties).

    >>> [" ".join(c.words) for c in cores("Hodgkin's disease stage IV")]
    ['hodgkin s disease']
    >>> [" ".join(c.words) for c in cores("Fear of pain")]
    []
    """
    words = _strip_phrases(exact_key(label).split())
    found: list[Core] = []
    for start in range(len(words)):
        for end in range(len(words), start, -1):
            if start == 0 and end == len(words):
                continue
            core = _judge(words[:start], words[start:end], words[end:])
            if core is not None:
                found.append(core)
    return sorted(found, key=lambda c: (-len(c.words), -c.confidence))


def lab_names(label: str) -> list[str]:
    """MeSH-style names of the finding a laboratory term reports, if it is one.

    >>> lab_names("Blood cholesterol increased"), lab_names("Platelet count decreased")
    (['hypercholesterolemia'], ['thrombocytopenia'])
    """
    words = exact_key(label).split()
    if len(words) < 2 or words[-1] not in UP | DOWN:
        return []
    up = words[-1] in UP
    rest = words[1:-1] if words[0] in _BLOOD else words[:-1]
    if rest[-1:] == ["count"]:
        pair = COUNTS.get(" ".join(rest[:-1]))
        return [pair[0] if up else pair[1]] if pair else []
    stem = ANALYTES.get(" ".join(rest))
    return [("hyper" if up else "hypo") + stem + "emia"] if stem else []


def disease_names(label: str) -> list[str]:
    """The "X Diseases" forms of a "X disorder" (or "X disease") term.

    >>> disease_names("Renal disorder")
    ['renal diseases', 'kidney diseases']
    """
    words = exact_key(label).split()
    if len(words) < 2 or words[-1] not in ("disorder", "disorders", "disease"):
        return []
    head = words[:-1]
    names = [" ".join([*head, "diseases"])]
    mapped = [ORGANS.get(w, w) for w in head]
    if mapped != head:
        names.append(" ".join([*mapped, "diseases"]))
    return names


class ConditionRules:
    """The rules of this module over one :class:`Lexicon`."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def match(self, label: str) -> RuleHit | str | None:
        """The descriptor ``label`` falls under, a reason when that is ambiguous, or ``None``."""
        for names, rule, predicate, confidence in (
            (lab_names(label), "laboratory finding", terms.closeMatch, 0.75),
            (disease_names(label), '"disorder" read as "diseases"', terms.closeMatch, 0.75),
        ):
            for name in names:
                found = self._lookup(exact_key(name), rule)
                if found is not None:
                    if isinstance(found, str):
                        return found
                    return RuleHit(found, rule, name, predicate, confidence)
        return self._broad(label)

    def _broad(self, label: str) -> RuleHit | str | None:
        candidates = cores(label)
        length = 0
        hits: list[tuple[Entry, Core]] = []
        for core in candidates:
            if hits and len(core.words) < length:
                break
            found = self._lookup(" ".join(core.words), core.rule)
            if isinstance(found, str):
                return found
            if found is not None:
                hits.append((found, core))
                length = len(core.words)
        uis = sorted({entry.ui for entry, _ in hits})
        if len(uis) > 1:
            return "ambiguous (broader heading): " + ", ".join(uis)
        if not hits:
            return None
        entry, core = hits[0]
        key = " ".join(core.words)
        return RuleHit(entry, core.rule, key, terms.broadMatch, core.confidence)

    def _lookup(self, key: str, rule: str) -> Entry | str | None:
        lexicon = self.lexicon
        for index, look in ((lexicon.exact, key), (lexicon.variant, variant_of_exact(key))):
            hits = [e for e in index.get(look, ()) if self._fits(e.ui)]
            if not hits:
                continue
            if any(e.preferred for e in hits):
                hits = [e for e in hits if e.preferred]
            uis = sorted({e.ui for e in hits})
            if len(uis) > 1:
                return f"ambiguous ({rule}): " + ", ".join(uis)
            return hits[0]
        return None

    def _fits(self, ui: str) -> bool:
        return (
            ui not in TOO_GENERAL
            and self.lexicon.is_descriptor(ui)
            and self.lexicon.hierarchy.in_trees(ui, _TREES)
        )
