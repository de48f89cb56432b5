"""MeSH hierarchies: descriptor ancestors from tree numbers, drug classes from actions.

The descriptor hierarchy is NLM's ``meshv:broaderDescriptor`` relation (a descriptor is narrower
than the descriptors holding the parents of its tree numbers), closed transitively here so that
queries need no ``broader*`` path (slow on Oxigraph). A closure can be limited to some tree
categories, e.g. the disease trees for condition hierarchies.

Drug classes are MeSH pharmacological actions (descriptors in tree ``D27``). A drug belongs to
its actions and to their broader actions, up to but excluding the generic top of ``D27``
(tree numbers of fewer than :data:`MIN_CLASS_DEPTH` parts, such as "Molecular Mechanisms of
Pharmacological Action").

>>> h = MeshHierarchy(
...     trees={"D1": ["C17"], "D2": ["C17.800"], "D3": ["C17.800.859", "C05.550"], "D4": ["C05"]},
... )
>>> sorted(h.ancestors("D3"))
['D1', 'D2', 'D4']
>>> sorted(h.ancestors("D3", categories=("C17",)))
['D1', 'D2']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from loaders.mesh.trees import TreeFilter

ACTION_TREE = "D27"
"""Tree of the pharmacological actions (``D27.505``, Pharmacologic Actions)."""

MIN_CLASS_DEPTH = 4
"""Broader actions need at least this many tree-number parts to count as a drug class."""

CONDITION_TREES = ("C", "F03")
"""Tree categories whose hierarchy conditions follow: diseases and mental disorders."""


@dataclass
class MeshHierarchy:
    """Tree numbers and pharmacological actions of MeSH records, by UI (``D011565``).

    :param trees: record UI → its tree numbers.
    :param actions: record UI → UIs of its pharmacological-action descriptors.
    :param labels: record UI → name.
    """

    trees: Mapping[str, list[str]]
    actions: Mapping[str, list[str]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._holders: dict[str, str] = {}
        for ui, numbers in self.trees.items():
            for number in numbers:
                self._holders[number] = ui
        self._memo: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}

    def holder(self, tree_number: str) -> str | None:
        """UI of the descriptor holding ``tree_number``."""
        return self._holders.get(tree_number)

    def parents(self, ui: str, categories: tuple[str, ...] = ()) -> set[str]:
        """Descriptors directly broader than ``ui`` (through tree numbers in ``categories``)."""
        tree_filter = TreeFilter(categories)
        found = set()
        for number in self.trees.get(ui, ()):
            if "." not in number or not tree_filter.keeps(number):
                continue
            parent = self._holders.get(number.rsplit(".", 1)[0])
            if parent is not None and parent != ui:
                found.add(parent)
        return found

    def ancestors(self, ui: str, categories: tuple[str, ...] = ()) -> frozenset[str]:
        """All descriptors broader than ``ui``, transitively; never ``ui`` itself.

        :param ui: a descriptor UI.
        :param categories: follow only tree numbers in these categories (all when empty).
        """
        key = (ui, categories)
        if key in self._memo:
            return self._memo[key]
        seen: set[str] = set()
        frontier = [ui]
        while frontier:
            for parent in self.parents(frontier.pop(), categories):
                if parent not in seen:
                    seen.add(parent)
                    frontier.append(parent)
        seen.discard(ui)
        result = frozenset(seen)
        self._memo[key] = result
        return result

    def in_trees(self, ui: str, categories: Iterable[str]) -> bool:
        """Whether ``ui`` has a tree number in one of ``categories``."""
        tree_filter = TreeFilter(tuple(categories))
        return any(tree_filter.keeps(n) for n in self.trees.get(ui, ()))

    def drug_classes(self, ui: str, extra: Mapping[str, Iterable[str]] | None = None) -> set[str]:
        """The pharmacological-action classes of a drug record, with their broader actions.

        :param ui: a descriptor or supplementary-record UI.
        :param extra: curated additions, record UI → action UIs, joined to MeSH's.
        """
        direct = set(self.actions.get(ui, ()))
        if extra is not None:
            direct.update(extra.get(ui, ()))
        found = set(direct)
        for action in direct:
            for broader in self.ancestors(action, (ACTION_TREE,)):
                if any(
                    n.startswith(ACTION_TREE) and n.count(".") + 1 >= MIN_CLASS_DEPTH
                    for n in self.trees.get(broader, ())
                ):
                    found.add(broader)
        return found
