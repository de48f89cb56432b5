"""Checks across curated files: distinct publication keys, one description per shared entity.

Drugs and conditions are shared entities (``pvid:drug/infliximab`` is the same node in every
graph), so every file that declares one must give it the same label, kind, MeSH link and tree
numbers; otherwise the union graph would hold two labels or two MeSH links for one entity.
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.errors import InputError
from loaders.casereport.entities import Condition, Drug
from loaders.casereport.schema import Publication

_DRUG_FIELDS = ("label", "kind", "mesh", "match")
_CONDITION_FIELDS = ("label", "mesh", "match", "tree_numbers")


def check_shared_entities(publications: Sequence[Publication]) -> None:
    """Check that publications have distinct keys and describe shared entities alike.

    :param publications: validated publications, in load order.
    :raises InputError: naming the later file, the entry and the field that disagrees.
    """
    keys: dict[str, Publication] = {}
    seen: dict[tuple[str, str], tuple[Publication, Drug | Condition]] = {}
    for pub in publications:
        if pub.key in keys:
            reason = f"key {pub.key!r} is also used by {keys[pub.key].path}"
            raise InputError(reason, path=str(pub.path), field="key")
        keys[pub.key] = pub
        described: list[tuple[str, int, Drug | Condition, tuple[str, ...]]] = [
            ("drugs", i, d, _DRUG_FIELDS) for i, d in enumerate(pub.drugs)
        ]
        described += [("conditions", i, c, _CONDITION_FIELDS) for i, c in enumerate(pub.conditions)]
        for section, index, entity, fields in described:
            ident = (section, entity.id)
            if ident not in seen:
                seen[ident] = (pub, entity)
                continue
            first_pub, first = seen[ident]
            for name in fields:
                if getattr(entity, name) != getattr(first, name):
                    reason = (
                        f"{getattr(entity, name)!r} differs from {getattr(first, name)!r} "
                        f"given for the same id in {first_pub.path}"
                    )
                    where = f"{section}[{index}]"
                    raise InputError(reason, path=str(pub.path), entry=where, field=name)
