"""The drug and condition names met in one FAERS quarter, each normalised once.

The same reaction terms, indication terms and drug names come back on row after row, so the row
mappers ask :class:`QuarterNames` for them: a term's key and ready-made N-Triples line ends
(:class:`TermLines`) and a DRUG row's ingredient keys with their ``pv:drug`` line ends are made
once per distinct text and remembered. The names met are kept so that, after the quarter, they can
go to the case base, from which one derived graph describes each drug and condition once
(:mod:`loaders.faers.entities`).
"""

from __future__ import annotations

from typing import NamedTuple

from loaders.faers import normalise as norm
from loaders.faers.ntriples import CONDITION, DRUG, ID, INDICATION, VERBATIM_TERM, lit


class TermLines(NamedTuple):
    """A reaction or indication term: its condition key and the line ends that use it."""

    key: str
    condition: str
    """`` pv:condition <condition> .`` (of a reaction)"""
    verbatim: str
    """`` pv:verbatimTerm "text" .`` (of a reaction)"""
    indication: str
    """`` pv:indication <condition> .`` (of a drug exposure)"""


class QuarterNames:
    """The memo of one quarter's terms and drug names, and the names met (see the module)."""

    def __init__(self) -> None:
        self._drugs: dict[str, str] = {}
        self._drug_labels: dict[str, set[str]] = {}
        self._conditions: dict[str, str] = {}
        self._terms: dict[str, TermLines] = {}
        self._ingredient_cache: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def term(self, text: str) -> TermLines | None:
        """A reaction or indication term (made once per distinct text), or ``None`` if empty."""
        found = self._terms.get(text)
        if found is None:
            key = norm.term_key(text)
            if key is None:
                return None
            self._conditions.setdefault(key, " ".join(text.split()))
            found = self._terms[text] = TermLines(
                key,
                f" {CONDITION} <{ID}condition/{key}> .\n",
                f" {VERBATIM_TERM} {lit(text)} .\n",
                f" {INDICATION} <{ID}condition/{key}> .\n",
            )
        return found

    def ingredients(self, prod_ai: str, drugname: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Ingredient keys of a DRUG row and the ``pv:drug`` line ends that link them."""
        cache_key = (prod_ai, drugname)
        found = self._ingredient_cache.get(cache_key)
        if found is None:
            keys = []
            for name, labels in norm.ingredients(prod_ai, drugname):
                key = norm.drug_key(name)
                if key is not None:
                    keys.append(key)
                    self._drugs.setdefault(key, name)
                    if labels:
                        self._drug_labels.setdefault(key, set()).update(labels)
            lines = tuple(f" {DRUG} <{ID}drug/{k}> .\n" for k in keys)
            found = self._ingredient_cache[cache_key] = (tuple(keys), lines)
        return found

    def add_to(self, names: set[tuple[str, str, str, bool]]) -> None:
        """Add the drugs and conditions met to a case base's ``names`` (kind, key, name, whether
        it is the quarter's label): each drug's moiety name and each condition's term text are
        labels; the other names a drug was read from are not."""
        for key, name in self._drugs.items():
            names.add(("drug", key, name, True))
            names.update(("drug", key, other, False) for other in self._drug_labels.get(key, ()))
        names.update(("condition", key, name, True) for key, name in self._conditions.items())
