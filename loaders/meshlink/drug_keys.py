"""Drug-only match keys: the MeSH linker's rules read drug names as pharmacists do.

Three differences from the keys conditions use (:mod:`loaders.meshlink.normalise`):

* **single letters count.** :func:`~loaders.meshlink.normalise.variant_key` drops the stop word
  ``a``; in a drug name it is a vitamin or a type (``vitamin a d``, ``hepatitis a vaccine``),
  so a name holding it gets no variant or salt key and links only by its exact name
  (``vitamin a d`` never becomes ``vitamin d``);
* **no stubs.** The salt rule never cuts a name down to stub words of the drug-name rule table
  (``ferrous``, ``dimethyl``, ``magnesium``…): ``magnesium malate`` is not Magnesium;
* **active moiety.** A name is also tried as its active moiety
  (:func:`loaders.drugnames.active_moiety`: FDA biologic suffix, acid/-ate pair, INN/USAN
  synonym), so ``adalimumab-adaz`` links as adalimumab does.

>>> drug_variant_key("vitamin a d") is None, drug_variant_key("Arthritis, Psoriatic") is not None
(True, True)
>>> drug_ingredient_key("MAGNESIUM MALATE") is None, drug_ingredient_key("Metformin HCl")
(True, 'metformin')
>>> moiety_key("ADALIMUMAB-ADAZ"), moiety_key("Adalimumab") is None
('adalimumab', True)
"""

from __future__ import annotations

from loaders.drugnames import active_moiety, rule_table
from loaders.meshlink.normalise import exact_key, ingredient_key, variant_key

LETTER_WORDS = frozenset({"a"})
"""Stop words of the variant key that are meaningful single letters in drug names."""


def _has_letter_word(text: str) -> bool:
    return not LETTER_WORDS.isdisjoint(exact_key(text).split())


def drug_variant_key(text: str) -> str | None:
    """:func:`~loaders.meshlink.normalise.variant_key`, or ``None`` when it would drop a
    meaningful single letter."""
    if _has_letter_word(text):
        return None
    return variant_key(text)


def drug_ingredient_key(text: str) -> str | None:
    """:func:`~loaders.meshlink.normalise.ingredient_key`, or ``None`` when it would drop a
    meaningful single letter or leave stub words only."""
    if _has_letter_word(text):
        return None
    key = ingredient_key(text)
    if key is None or set(key.split()) <= rule_table().stubs:
        return None
    return key


def moiety_key(text: str) -> str | None:
    """Exact key of the active moiety of ``text``, or ``None`` when that is the name itself
    (or only salt words differ: the salt rule handles those)."""
    moiety = active_moiety(text)
    if not moiety.labels:
        return None
    key = exact_key(moiety.name)
    return key if key and key != exact_key(text) else None
