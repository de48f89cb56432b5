"""Linked data: entity IRIs ``https://w3id.org/pvkg/id/<key>`` dereference at ``/id/<key>``.

A browser (``Accept`` preferring ``text/html``) gets a page with the entity's label, types,
links (to other entities' pages), MeSH links and the evidence of its drug–condition
associations; other clients get the entity's triples (outgoing and incoming) as Turtle,
N-Triples, JSON-LD or RDF/XML. An IRI with no triples is a 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request, url_for

from kg.errors import UnknownQueryError
from kg.namespaces import PREFIXES, compact_iri
from server import condition, forest
from server.jobs import PAGE_ROWS, EntityJob
from server.negotiation import acceptable_list, choose, prefers_html
from server.problems import problem
from server.service import service

bp = Blueprint("linkeddata", __name__)

LABELS = (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel")
TYPE = PREFIXES["rdf"] + "type"
MESH = PREFIXES["mesh"]
DRUGS = PREFIXES["pvid"] + "drug/"
CONDITIONS = PREFIXES["pvid"] + "condition/"
MEMBER_OF = PREFIXES["pv"] + "memberOfClass"


class UnknownEntityError(UnknownQueryError):
    """No triple mentions the requested entity (HTTP 404)."""


@bp.get("/id/<path:key>")
def entity(key: str) -> Response:
    """The description of one entity, as HTML or RDF."""
    svc = service()
    iri = PREFIXES["pvid"] + key
    accept = request.headers.get("Accept")
    if prefers_html(accept) and not request.args.get("format"):
        rows = svc.facts(EntityJob(iri, "page", PAGE_ROWS))
        if not rows["out"] and not rows["in"]:
            raise UnknownEntityError(f"nothing is known about {iri}")
        signals = forest.section(svc, iri) if iri.startswith(DRUGS) else None
        drugs = condition.section(svc, iri) if iri.startswith(CONDITIONS) else None
        page = render_template("entity.html", **_page(iri, rows), signals=signals, condition=drugs)
        response = Response(page, content_type="text/html; charset=utf-8")
    else:
        fmt = choose("DESCRIBE", accept, request.args.get("format"))
        if fmt is None:
            return problem(406, "not-acceptable", f"available: {acceptable_list('DESCRIBE')}")
        response = svc.respond(EntityJob(iri, fmt, svc.settings.max_rows), etag=True)
        if response.headers.get("Pvkg-Rows") == "0":
            raise UnknownEntityError(f"nothing is known about {iri}")
    response.vary.add("Accept")
    return response


def _page(iri: str, rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    out = rows["out"]
    label = next((r["o"]["value"] for r in out if r["p"]["value"] in LABELS), compact_iri(iri))
    types = [_link(r["o"], r.get("label")) for r in out if r["p"]["value"] == TYPE]
    classes = [_link(r["o"], r.get("label")) for r in out if r["p"]["value"] == MEMBER_OF]
    mesh = [
        _link(r["o"], r.get("label"))
        for r in out
        if r["o"]["type"] == "uri" and r["o"]["value"].startswith(MESH)
    ]
    return {
        "more": rows.get("more", []),
        "page_rows": PAGE_ROWS,
        "iri": iri,
        "label": label,
        "types": types,
        "classes": classes,
        "mesh": mesh,
        "outgoing": [
            {"predicate": _link(r["p"]), "value": _link(r["o"], r.get("label"))}
            for r in out
            if r["p"]["value"] not in LABELS and r["p"]["value"] != TYPE
        ],
        "incoming": [
            {"predicate": _link(r["p"]), "value": _link(r["s"], r.get("label"))} for r in rows["in"]
        ],
        "evidence": [_evidence(r, iri) for r in rows["evidence"]],
    }


FAERS_KINDS = {
    PREFIXES["pv"] + "DisproportionalityStatistics": "FAERS reaction statistics",
    PREFIXES["pv"] + "IndicationReportCount": "FAERS indication reports",
}


REPORTS_BEHIND = {
    PREFIXES["pv"] + "DisproportionalityStatistics": ("pair-reports", "event"),
    PREFIXES["pv"] + "IndicationReportCount": ("indication-reports", "condition"),
}
"""The saved query listing the reports behind each kind of FAERS evidence, and the name of
its condition parameter (its drug parameter is ``drug``)."""


def _evidence(row: dict[str, Any], iri: str) -> dict[str, Any]:
    """One association for the page: what kind of evidence it is, with what, how strong, and
    where its reports are (the case reports it cites; for FAERS evidence the reports behind
    it, through :data:`REPORTS_BEHIND`)."""
    value = {name: cell["value"] for name, cell in row.items()}
    kind = FAERS_KINDS.get(value.get("faers", ""))
    subject = value.get("subject", "")
    term = value["other"] if subject == iri else iri  # the page is the drug's or the term's
    behind = REPORTS_BEHIND.get(value.get("faers", ""))
    reports_page = None
    if behind is not None:
        pair: dict[str, Any] = {"drug": subject, behind[1]: term}
        reports_page = url_for("querypage.page", name=behind[0], **pair)
    return {
        "predicate": _link(row["predicate"]) if "predicate" in row else None,
        "kind": kind or "curated edge",
        "other": _link(row["other"], row.get("otherLabel")),
        "reports_of": [
            _link({"type": "uri", "value": report}) for report in value.get("evidence", "").split()
        ],
        "reports_page": reports_page,
        "quotes": [q for q in value.get("quotes", "").split("\n") if q],
        "source": value.get("source"),
        "reports": value.get("countA") or value.get("reports"),
        "prr": float(value["prr"]) if "prr" in value else None,
        "signal": value.get("signal") == "true",
    }


def _link(term: dict[str, Any], label: dict[str, Any] | None = None) -> dict[str, Any]:
    """A term for the template: text to show, and a link for IRIs (local for pvkg entities)."""
    if term["type"] != "uri":
        return {"text": term["value"], "href": None, "datatype": term.get("datatype")}
    value = term["value"]
    href = "/id/" + value[len(PREFIXES["pvid"]) :] if value.startswith(PREFIXES["pvid"]) else value
    text = label["value"] if label else compact_iri(value)
    return {"text": text, "href": href, "iri": value}
