"""Drug names as pharmacists read them: one active-moiety name per substance, for every loader.

Loaders that mint ``pvid:drug/<key>`` entities read ingredient names through
:func:`active_moiety` (one name) or :func:`ingredients` (a FAERS ``prod_ai``/``drugname`` pair,
combinations split), so ``ADALIMUMAB-ADAZ`` and ``ADALIMUMAB``, ``ALENDRONIC ACID`` and
``ALENDRONATE SODIUM`` become one entity each, while ``DIMETHYL FUMARATE`` is never cut down to
``dimethyl``. The rules are a checked table shipped with the package (``rules.tsv``), so keys do
not depend on load order or on MeSH being loaded; ``docs/drug-names.md`` explains each rule.
Not a source loader (no ``SOURCE_NAME``).
"""

from __future__ import annotations

from loaders.drugnames.moiety import Moiety, active_moiety, clean_name, ingredients
from loaders.drugnames.rules import RuleTable, read_rules, rule_table

__all__ = [
    "Moiety",
    "RuleTable",
    "active_moiety",
    "clean_name",
    "ingredients",
    "read_rules",
    "rule_table",
]
