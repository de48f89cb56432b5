"""Saved-query answers for the HTML pages: rows as dicts, their IRIs' labels, and links.

The pages (a drug's signals, a condition's drugs, a saved query's own page) run saved queries
the way the API does — in a query process, under the deadline and the row cap, cached by
dataset version — and render the rows on the server. :func:`run` gives the dashboard answer
as a :class:`Table`; :func:`labels` asks the store, in one job, for the labels of the IRIs a
page shows, so a cell can read "infliximab" with the IRI on hover.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kg.namespaces import PREFIXES, compact_iri
from server.jobs import LabelsJob, SavedJob
from server.service import Service

ENTITIES = PREFIXES["pvid"]


@dataclass(frozen=True)
class Table:
    """A saved query's answer: column names and kinds (``iri``, an XSD CURIE…), rows as dicts,
    whether rows were cut, and the milliseconds the query took."""

    columns: list[dict[str, str]]
    rows: list[dict[str, Any]]
    truncated: bool
    elapsed_ms: float

    @property
    def names(self) -> list[str]:
        """The column names, in order."""
        return [column["name"] for column in self.columns]

    def iris(self) -> list[str]:
        """Every IRI the rows hold (in IRI-kind columns), each once."""
        kinds = {c["name"] for c in self.columns if c.get("datatype") == "iri"}
        found = (row[name] for row in self.rows for name in kinds if row.get(name) is not None)
        return list(dict.fromkeys(found))


def run(svc: Service, name: str, params: Mapping[str, str], limit: int, offset: int = 0) -> Table:
    """Run the saved query ``name`` with text ``params`` (resolved in the query process).

    :raises kg.errors.ParameterError: a parameter value the query refuses.
    :raises kg.errors.QueryTimeoutError: the query missed the deadline.
    """
    given = tuple(sorted(params.items()))
    job = SavedJob(name, given, "dashboard", limit, offset, svc.dataset_version())
    document = json.loads(svc.body(job))
    names = [column["name"] for column in document["columns"]]
    rows = [dict(zip(names, row, strict=True)) for row in document["rows"]]
    meta = document["meta"]
    return Table(document["columns"], rows, bool(meta.get("truncated")), meta["elapsed_ms"])


def labels(svc: Service, iris: Iterable[str]) -> dict[str, str]:
    """The label (``rdfs:label`` or ``skos:prefLabel``) of each of ``iris`` that has one."""
    wanted = tuple(sorted(set(iris)))
    if not wanted:
        return {}
    return dict(svc.facts(LabelsJob(wanted))["labels"])


def href(iri: str) -> str:
    """Where a page links an IRI: pvkg entities to their page here, others as they are."""
    return "/id/" + iri[len(ENTITIES) :] if iri.startswith(ENTITIES) else iri


def cell(value: Any, kind: str, names: Mapping[str, str]) -> dict[str, Any]:
    """One cell for a template: the text to show, the link and the IRI to show on hover."""
    if value is None:
        return {"text": ""}
    if kind == "iri":
        iri = str(value)
        return {"text": names.get(iri) or compact_iri(iri), "href": href(iri), "iri": iri}
    if isinstance(value, float):
        return {"text": f"{value:.4g}", "number": True}
    if isinstance(value, bool):
        return {"text": "yes" if value else "no"}
    if isinstance(value, int):
        return {"text": str(value), "number": True}
    return {"text": json.dumps(value) if isinstance(value, (list, dict)) else str(value)}
