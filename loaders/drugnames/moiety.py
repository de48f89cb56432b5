"""Active-moiety names: one ingredient name per substance, as a pharmacist reads the label.

A raw ingredient text goes through four steps, each from the rule table
(:mod:`loaders.drugnames.rules`, explained in ``docs/drug-names.md``):

1. **clean**: lower case; brackets, strengths and edge punctuation removed;
2. **biologic suffix**: ``<INN>-xxxx`` (FDA's four-letter suffix after a biologic INN) → INN;
3. **salts and esters**: trailing salt, hydrate and ester words stripped one at a time, but only
   while what remains is not made of stub words alone (``dimethyl fumarate`` stays whole,
   ``ferrous sulfate anhydrous`` becomes ``ferrous sulfate``);
4. **synonyms**: acid/-ate pairs and INN/USAN spellings read as one name.

Everything is cached per distinct text: FAERS repeats the same few thousand names millions of
times.

>>> active_moiety("ADALIMUMAB-ADAZ")
Moiety(name='adalimumab', labels=('adalimumab-adaz',))
>>> active_moiety("DIMETHYL FUMARATE").name, active_moiety("ALENDRONIC ACID").name
('dimethyl fumarate', 'alendronate')
>>> [m.name for m in ingredients("TREMELIMUMAB\\\\TREMELIMUMAB-ACTL", "IMJUDO")]
['tremelimumab']
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from loaders.drugnames.rules import RuleTable, rule_table


class Moiety(NamedTuple):
    """An active-moiety name and the other names it was read from (product names kept as
    labels: ``adalimumab-adaz``, ``alendronic acid``); ``labels`` is empty when only salts,
    strengths or case were removed."""

    name: str
    labels: tuple[str, ...]


_DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:mg|mcg|ug|µg|g|ml|l|%|iu|units?|meq|mmol)\b(?:\s*/\s*\w+)?", re.I
)
_BRACKETS = re.compile(r"[(\[{].*?[)\]}]")
_SPACE = re.compile(r"\s+")
_EDGE = re.compile(r"^[^0-9a-z]+|[^0-9a-z]+$")
_SUFFIX = re.compile(r"^(.*[a-z])-([a-z]{4})$")
_PARTS = re.compile(r"[\\]|\s+\+\s+|;")
"""Separators of a combination product: FAERS' ``\\``, and `` + `` or ``;`` in free text."""


@lru_cache(maxsize=65536)
def clean_name(text: str) -> str:
    """A drug name in lower case without strengths, brackets or edge marks.

    >>> clean_name("Humira (adalimumab) 40 mg/0.8 ml")
    'humira'
    """
    name = _BRACKETS.sub(" ", text.lower())
    name = _DOSE.sub(" ", name)
    name = _SPACE.sub(" ", name).strip()
    return _EDGE.sub("", name)


@lru_cache(maxsize=65536)
def active_moiety(text: str) -> Moiety:
    """The active-moiety name of one ingredient text (see the module docstring).

    >>> active_moiety("ATORVASTATIN CALCIUM")
    Moiety(name='atorvastatin', labels=())
    >>> active_moiety("FERROUS SULFATE ANHYDROUS").name, active_moiety("VITAMIN D3").name
    ('ferrous sulfate', 'cholecalciferol')
    """
    rules = rule_table()
    cleaned = clean_name(text)
    name = _without_biologic_suffix(cleaned, rules)
    folded = name != cleaned
    name = _without_salts(name, rules)
    synonym = rules.synonyms.get(name)
    if synonym is not None:
        name, folded = synonym, True
    return Moiety(name, (cleaned,) if folded and cleaned != name else ())


def _without_biologic_suffix(name: str, rules: RuleTable) -> str:
    """``name`` without FDA's four-letter suffix when the rest is a biologic INN."""
    match = _SUFFIX.match(name)
    if match is None:
        return name
    core = match.group(1)
    words = core.split(" ")
    if words[-1].endswith(rules.biologic_endings) or words[0] in rules.biologic_heads:
        return core
    return name


def _without_salts(name: str, rules: RuleTable) -> str:
    """``name`` without trailing salt words, stopping before only stub words would remain."""
    words = name.split(" ")
    while len(words) > 1 and words[-1] in rules.salts:
        rest = words[:-1]
        if all(w in rules.stubs for w in rest):
            break
        words = rest
    return " ".join(words)


@lru_cache(maxsize=65536)
def ingredients(prod_ai: str, drugname: str) -> tuple[Moiety, ...]:
    """The active moieties of a FAERS DRUG row: ``prod_ai`` split into its parts, else
    ``drugname``; each part read by :func:`active_moiety`; parts that name the same moiety are
    merged (their labels joined); sorted by name.

    >>> [m.name for m in ingredients("ACETAMINOPHEN\\\\HYDROCODONE BITARTRATE", "NORCO")]
    ['acetaminophen', 'hydrocodone']
    """
    source = prod_ai if prod_ai.strip() else drugname
    found: dict[str, set[str]] = {}
    for part in _PARTS.split(source):
        moiety = active_moiety(part)
        if moiety.name and any(ch.isalnum() for ch in moiety.name):
            found.setdefault(moiety.name, set()).update(moiety.labels)
    return tuple(Moiety(name, tuple(sorted(found[name]))) for name in sorted(found))
