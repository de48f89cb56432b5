"""Which part of MeSH to keep: the ``--trees`` option and the rules that follow from it.

A filter names MeSH tree categories (``C`` diseases, ``D`` chemicals and drugs, ``F03`` mental
disorders, any tree number prefix). A descriptor is kept when one of its tree numbers lies in a
named category. So that what is kept stays a consistent piece of MeSH, the filter also keeps

* every descriptor that holds an ancestor tree number of a kept tree number (the path to the root);
* the pharmacological-action descriptors (tree ``D27``) that kept records point to, with their
  own paths to the root, so drug classes survive ``--trees C``;
* supplementary concept records whose class belongs to a named category (chemicals → ``D``,
  rare diseases → ``C``, organisms → ``B``, protocols → ``E``, populations → ``M``,
  anatomy → ``A``);
* the concepts and terms of every kept record.

Triples whose subject is not kept are dropped, and so are triples pointing at a MeSH resource of
the input that is not kept (a ``C`` descriptor's ``G`` tree number, say), so nothing dangles.

>>> f = parse_trees("C, D27")
>>> f.keeps("C17.800.859.675"), f.keeps("D27.505"), f.keeps("D12.776"), f.keeps("D2")
(True, True, False, False)
>>> parse_trees("").everything
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CATEGORY = re.compile(r"[A-Z](\d\d(\.\d{3})*)?")

SCR_CATEGORY = {
    "SCR_Chemical": "D",
    "SCR_Disease": "C",
    "SCR_Organism": "B",
    "SCR_Protocol": "E",
    "SCR_Population": "M",
    "SCR_Anatomy": "A",
}
"""The tree category a supplementary concept record class belongs to."""


@dataclass(frozen=True)
class TreeFilter:
    """The tree categories to keep; empty means the whole of MeSH.

    :param categories: tree number prefixes, e.g. ``("C", "D")`` or ``("F03",)``.
    """

    categories: tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        """Whether nothing is filtered out."""
        return not self.categories

    def keeps(self, tree_number: str) -> bool:
        """Whether ``tree_number`` lies in one of the categories (or is an ancestor is not asked).

        >>> TreeFilter(("C17",)).keeps("C17.800"), TreeFilter(("C17",)).keeps("C170")
        (True, False)
        """
        if self.everything:
            return True
        for category in self.categories:
            if len(category) == 1:
                if tree_number.startswith(category):
                    return True
            elif tree_number == category or tree_number.startswith(category + "."):
                return True
        return False

    def keeps_scr(self, scr_class: str | None) -> bool:
        """Whether a supplementary record of class ``scr_class`` (``SCR_Chemical``…) is kept."""
        if self.everything:
            return True
        letter = SCR_CATEGORY.get(scr_class or "")
        return letter is not None and any(c.startswith(letter) for c in self.categories)


def parse_trees(text: str | None) -> TreeFilter:
    """Parse the ``--trees`` option: comma-separated categories or tree number prefixes.

    :param text: e.g. ``"C,D"``; ``None`` or empty keeps everything.
    :return: the filter.
    :raises ValueError: if an item is not a tree category or tree number (``C``, ``D27``,
        ``C17.800``).

    >>> parse_trees("c,d").categories
    ('C', 'D')
    >>> parse_trees("C,x1")
    Traceback (most recent call last):
    ...
    ValueError: 'X1' is not a MeSH tree category or tree number (e.g. C, D27, C17.800)
    """
    if not text:
        return TreeFilter()
    items = []
    for raw in text.split(","):
        item = raw.strip().upper()
        if not item:
            continue
        if not _CATEGORY.fullmatch(item):
            raise ValueError(
                f"{item!r} is not a MeSH tree category or tree number (e.g. C, D27, C17.800)"
            )
        items.append(item)
    return TreeFilter(tuple(dict.fromkeys(items)))


def tree_ancestors(tree_number: str) -> list[str]:
    """The proper ancestors of a tree number, nearest first.

    >>> tree_ancestors("C17.800.859.675")
    ['C17.800.859', 'C17.800', 'C17']
    >>> tree_ancestors("C17")
    []
    """
    parts = tree_number.split(".")
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]
