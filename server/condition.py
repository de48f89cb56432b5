"""The sections of a condition's page (issue 16): the drugs that treat it and the drugs that
induce it (narrower forms folded in, naming the forms), the drugs that do both, and where the
condition sits in MeSH.

The rows come from saved queries run like any other (a query process, the deadline, the row
cap): ``condition-drugs`` for the two lists and ``mesh-neighbourhood`` for the tree. The
"treat and induce" list is the drugs on both sides of ``condition-drugs``; it links to
``drugs-treating-and-inducing``, the headline query, for every piece of evidence (and its CSV).
A query the catalogue lacks, or one that misses the deadline, leaves its part out with a note.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from kg.errors import ParameterError, QueryTimeoutError
from server import tables
from server.service import Service

DRUGS = "condition-drugs"
HEADLINE = "drugs-treating-and-inducing"
TREE = "mesh-neighbourhood"
MOST = 500
"""Drug rows (both sides together) a page shows at most."""


def section(svc: Service, iri: str) -> dict[str, Any]:
    """What a condition page shows beside its links: ``sides``, ``both``, ``tree`` and links,
    each part empty when its query is missing; ``notes`` says what could not be shown."""
    out: dict[str, Any] = {"sides": {}, "both": [], "tree": [], "notes": []}
    if DRUGS in svc.catalogue:
        _drugs(svc, iri, out)
    if TREE in svc.catalogue:
        _tree(svc, iri, out)
    return out


def _drugs(svc: Service, iri: str, out: dict[str, Any]) -> None:
    try:
        table = tables.run(svc, DRUGS, {"condition": iri}, MOST)
    except (ParameterError, QueryTimeoutError) as error:
        out["notes"].append(f"The drugs could not be listed: {error}.")
        return
    sides: dict[str, list[dict[str, Any]]] = {"treats": [], "induces": []}
    for row in table.rows:
        sides.setdefault(row["side"], []).append({**row, "href": tables.href(row["drug"])})
    treating = {row["drug"] for row in sides["treats"]}
    out["sides"] = sides
    both = [row for row in sides["induces"] if row["drug"] in treating]
    out["both"] = sorted(both, key=lambda row: str(row["drugLabel"] or row["drug"]).casefold())
    out["truncated"] = table.truncated
    out["headline"] = url_for("querypage.page", name=HEADLINE, condition=iri)
    out["csv"] = url_for("api.results", name=HEADLINE, condition=iri, format="csv")
    out["all"] = url_for("querypage.page", name=DRUGS, condition=iri)


def _tree(svc: Service, iri: str, out: dict[str, Any]) -> None:
    try:
        table = tables.run(svc, TREE, {"entity": iri}, MOST)
    except (ParameterError, QueryTimeoutError) as error:
        out["notes"].append(f"The MeSH tree could not be shown: {error}.")
        return
    keep = ("1 record", "2 broader", "3 narrower")
    out["tree"] = [
        {**row, "relation": row["relation"].split(" ", 1)[1]}
        for row in table.rows
        if row["relation"] in keep
    ]
