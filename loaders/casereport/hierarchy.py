"""The ``pv:hasAncestor`` closure among the conditions of one curated publication.

A condition's ancestors are the conditions of the same file that are broader than it, either
because a curator said so (``broader``, for terms MeSH lacks such as paradoxical psoriasis) or
because one of its MeSH tree numbers lies below one of theirs (``C17.800.859.675.175`` psoriatic
arthritis under ``C17.800.859.675`` psoriasis). The closure is transitive and never reflexive,
the same semantics as the cross-source closure computed from the whole of MeSH.

>>> from pathlib import Path
>>> from loaders.casereport.entities import Condition
>>> ps = Condition("psoriasis", "psoriasis", "D011565", "exact", ("C17.800.859.675",))
>>> psa = Condition("psa", "psoriatic arthritis", "D015535", "exact", ("C17.800.859.675.175",))
>>> pp = Condition("pp", "paradoxical psoriasis", "D011565", "broad", broader=("psoriasis",))
>>> sorted((k, sorted(v)) for k, v in ancestors([ps, psa, pp]).items())
[('pp', ['psoriasis']), ('psa', ['psoriasis']), ('psoriasis', [])]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from loaders.casereport.entities import Condition


def below(tree: str, other: str) -> bool:
    """Whether MeSH tree number ``tree`` lies strictly below ``other``.

    >>> below("C17.800.859.675.175", "C17.800.859.675"), below("C17.800", "C17.800")
    (True, False)
    """
    return tree.startswith(other + ".")


def direct_parents(condition: Condition, conditions: Iterable[Condition]) -> set[str]:
    """Ids of the conditions broader than ``condition``: those named in its ``broader`` list and
    those with a tree number above one of its tree numbers."""
    parents = set(condition.broader)
    for other in conditions:
        if other.id != condition.id and any(
            below(mine, theirs) for mine in condition.tree_numbers for theirs in other.tree_numbers
        ):
            parents.add(other.id)
    return parents


def ancestors(conditions: Sequence[Condition]) -> dict[str, set[str]]:
    """The transitive, non-reflexive ancestor sets of ``conditions``, by condition id.

    :param conditions: the conditions of one publication (``broader`` must be acyclic, as
        :func:`loaders.casereport.references.check_references` ensures).
    :return: for each id, the ids of all broader conditions.
    """
    parents = {c.id: direct_parents(c, conditions) for c in conditions}
    closure: dict[str, set[str]] = {}
    for condition in conditions:
        found: set[str] = set()
        stack = list(parents[condition.id])
        while stack:
            current = stack.pop()
            if current not in found and current != condition.id:
                found.add(current)
                stack.extend(parents.get(current, ()))
        closure[condition.id] = found
    return closure
