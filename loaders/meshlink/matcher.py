"""Match one drug or condition name to a MeSH record: overrides first, then lexical rules.

Rules, tried in order; the first that finds a record of the right kind wins (drugs link to
``D``-tree descriptors and chemical supplementary records, conditions to ``C``/``F``/``G``
descriptors and rare-disease records):

=========================  ===================  ==============  ==========================
rule                       key                  predicate       confidence (pref. / entry)
=========================  ===================  ==============  ==========================
curated override           exact key            as curated      1.00
name or entry term         exact key            exactMatch      0.95 / 0.90
spelling/order variant     variant key          exactMatch      0.85 / 0.80
active moiety (drugs)      exact key of moiety  exactMatch      0.85 / 0.80
salt, ester, dose words    ingredient key       closeMatch      0.70 / 0.65
condition rules            see condition_rules  close/broad     0.75 to 0.50
=========================  ===================  ==============  ==========================

The condition rules (:mod:`loaders.meshlink.condition_rules`: laboratory findings, "X disorder",
MedDRA qualifiers and modifiers removed) are tried for conditions only, after every label failed
the rules above: a laboratory finding or "X disorder" to the descriptor it reports
(``skos:closeMatch``), any other form to the descriptor it falls under (``skos:broadMatch``).

Drug names use the keys of :mod:`loaders.meshlink.drug_keys`: a single letter (``vitamin a``)
is never dropped, the salt rule never leaves stub words only (``ferrous``, ``magnesium``), and
the active moiety (``adalimumab-adaz`` is adalimumab) is tried before salt words are removed.

When one rule finds several records, a record's preferred name beats an entry term and a
descriptor beats a supplementary record; if that still leaves more than one, the name is left
unmapped as ambiguous rather than guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyoxigraph import NamedNode

from kg.namespaces import MESH
from loaders.meshlink import terms
from loaders.meshlink.condition_rules import ConditionRules, RuleHit
from loaders.meshlink.drug_keys import drug_ingredient_key, drug_variant_key, moiety_key
from loaders.meshlink.lexicon import Entry, Lexicon
from loaders.meshlink.mapping import Link
from loaders.meshlink.normalise import exact_key, variant_key
from loaders.meshlink.overrides import Override


@dataclass(frozen=True)
class Unmapped:
    """A name no rule could link, and why."""

    subject: NamedNode
    kind: str
    label: str
    reason: str


@dataclass(frozen=True)
class _Rule:
    name: str
    key: Callable[[str], str | None]
    index: str
    predicate: NamedNode
    confidence: tuple[float, float]
    kinds: tuple[str, ...]


RULES = (
    _Rule(
        "name or entry term",
        exact_key,
        "exact",
        terms.exactMatch,
        (0.95, 0.90),
        ("drug", "condition"),
    ),
    _Rule(
        "spelling/word-order variant",
        variant_key,
        "variant",
        terms.exactMatch,
        (0.85, 0.80),
        ("condition",),
    ),
    _Rule(
        "spelling/word-order variant",
        drug_variant_key,
        "variant",
        terms.exactMatch,
        (0.85, 0.80),
        ("drug",),
    ),
    _Rule(
        "active moiety (biologic suffix, acid/-ate pair, synonym)",
        moiety_key,
        "exact",
        terms.exactMatch,
        (0.85, 0.80),
        ("drug",),
    ),
    _Rule(
        "salt/ester/dose words removed",
        drug_ingredient_key,
        "variant",
        terms.closeMatch,
        (0.70, 0.65),
        ("drug",),
    ),
)


class Matcher:
    """Links names to MeSH with a :class:`Lexicon` and curated overrides.

    :param lexicon: MeSH names.
    :param overrides: curated decisions by (kind, exact key of the name).
    """

    def __init__(self, lexicon: Lexicon, overrides: dict[tuple[str, str], Override]) -> None:
        self.lexicon = lexicon
        self.overrides = overrides
        self.condition_rules = ConditionRules(lexicon)

    def match(self, subject: NamedNode, kind: str, labels: list[str]) -> Link | Unmapped:
        """Link entity ``subject`` of ``kind`` (``drug``/``condition``) by its ``labels``.

        Labels are tried in order, each through all rules, so an entity's main label decides
        before its alternative labels.
        """
        reasons: list[str] = []
        for label in labels:
            override = self.overrides.get((kind, exact_key(label)))
            if override is not None:
                if override.target is None:
                    return Unmapped(subject, kind, label, f"curated: {override.comment}")
                if override.target not in self.lexicon.labels:
                    why = f"curated target mesh:{override.target} is not in the loaded MeSH"
                    return Unmapped(subject, kind, label, why)
                return self._curated(subject, label, override)
            for rule in RULES:
                if kind not in rule.kinds:
                    continue
                key = rule.key(label)
                if not key:
                    continue
                found = self._lookup(rule, key, kind)
                if isinstance(found, str):
                    reasons.append(found)
                    break
                if found is not None:
                    return self._link(subject, label, rule, key, found)
        if kind == "condition" and not reasons:
            for label in labels:
                hit = self.condition_rules.match(label)
                if isinstance(hit, RuleHit):
                    return self._rule_link(subject, label, hit)
                if hit is not None:
                    reasons.append(hit)
                    break
        reason = reasons[0] if reasons else "no MeSH name or entry term matches"
        return Unmapped(subject, kind, labels[0] if labels else "", reason)

    def _lookup(self, rule: _Rule, key: str, kind: str) -> Entry | str | None:
        index = self.lexicon.exact if rule.index == "exact" else self.lexicon.variant
        hits = [e for e in index.get(key, ()) if self.lexicon.fits(e.ui, kind)]
        if not hits:
            return None
        if any(e.preferred for e in hits):
            hits = [e for e in hits if e.preferred]
        if any(self.lexicon.is_descriptor(e.ui) for e in hits):
            hits = [e for e in hits if self.lexicon.is_descriptor(e.ui)]
        uis = sorted({e.ui for e in hits})
        if len(uis) > 1:
            return f"ambiguous ({rule.name}): " + ", ".join(uis)
        return hits[0]

    def _link(self, subject: NamedNode, label: str, rule: _Rule, key: str, entry: Entry) -> Link:
        preferred, entry_term = rule.confidence
        which = "preferred name" if entry.preferred else f"entry term '{entry.name}'"
        return Link(
            subject=subject,
            object=MESH[entry.ui],
            predicate=rule.predicate,
            justification=terms.LexicalMatching,
            confidence=preferred if entry.preferred else entry_term,
            subject_label=label,
            object_label=self.lexicon.labels.get(entry.ui, ""),
            match_string=key,
            comment=f"{rule.name}: {which}",
        )

    def _rule_link(self, subject: NamedNode, label: str, hit: RuleHit) -> Link:
        return Link(
            subject=subject,
            object=MESH[hit.entry.ui],
            predicate=hit.predicate,
            justification=terms.LexicalMatching,
            confidence=hit.confidence if hit.entry.preferred else hit.confidence - 0.05,
            subject_label=label,
            object_label=self.lexicon.labels.get(hit.entry.ui, ""),
            match_string=hit.key,
            comment=f"{hit.rule}: '{hit.key}'",
        )

    def _curated(self, subject: NamedNode, label: str, override: Override) -> Link:
        target = override.target
        if target is None:
            raise ValueError("a 'never link' override has no target")
        return Link(
            subject=subject,
            object=MESH[target],
            predicate=override.predicate,
            justification=terms.ManualMappingCuration,
            confidence=1.0,
            subject_label=label,
            object_label=self.lexicon.labels.get(target, ""),
            match_string=exact_key(label),
            comment=f"curated override: {override.comment}" if override.comment else "curated",
        )
