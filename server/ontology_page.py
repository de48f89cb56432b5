"""The ontology at its own IRI's path, ``/ontology``: a reference page for people, the ontology
file for programs.

A browser (``Accept`` preferring HTML) gets every ``pv:`` term with its label, definition,
domain and range, alignments and how often the current store uses it; other clients get the
ontology as Turtle (the file itself), RDF/XML or JSON-LD (the release artefacts of
:mod:`kg.ontology_release`, the same bytes as ``ontology/pvkg.owl`` and ``pvkg.jsonld``) or
N-Triples, chosen by ``Accept`` or ``format=``. Term IRIs ``…/ontology#Drug`` land on the term's
row (its anchor).

The usage counts are one SPARQL aggregate over the data graphs (every graph but the ontology's),
run in a query process like any query (:class:`server.jobs.SparqlJob`, the server's deadline) and
kept per dataset version, so only the first page view after a load pays for it. When it does not
finish in time the page says so and shows no counts for that version.
"""

from __future__ import annotations

import io
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from pyoxigraph import RdfFormat, serialize

from kg.errors import QueryTimeoutError
from kg.iris import ONTOLOGY_GRAPH
from kg.namespaces import compact_iri
from kg.ontology_release import JSON_LD, RDF_XML, TURTLE, Ontology, json_ld, rdf_xml, read
from kg.ontology_terms import KINDS, Header, Term, header, term_iris, terms
from kg.shipped import shipped_dir
from server.jobs import SparqlJob
from server.negotiation import acceptable_list, choose, prefers_html
from server.pool import BusyError
from server.problems import problem
from server.service import Service, service

bp = Blueprint("ontology_page", __name__)

ONTOLOGY_FILE = shipped_dir("ontology") / "pvkg.ttl"
MEDIA_TYPES = {
    "turtle": TURTLE.media_type,
    "rdfxml": RDF_XML.media_type,
    "jsonld": JSON_LD.media_type,
    "ntriples": "application/n-triples",
}
PLURALS = {
    "class": "classes",
    "object property": "object properties",
    "datatype property": "datatype properties",
    "annotation property": "annotation properties",
    "individual": "individuals",
}
"""Section headings, by term kind (:data:`kg.ontology_terms.KINDS`)."""
_EXTENSION = "pvkg_ontology_counts"


@dataclass(frozen=True)
class Loaded:
    """The ontology file read once: its serialisations by format key, header and terms."""

    bodies: dict[str, bytes]
    header: Header
    terms: list[Term]


@lru_cache(maxsize=2)
def _loaded(path: Path, modified: int) -> Loaded:
    ontology = read(path)
    bodies = {
        "turtle": path.read_bytes(),
        "rdfxml": rdf_xml(ontology),
        "jsonld": json_ld(ontology),
        "ntriples": _ntriples(ontology),
    }
    return Loaded(bodies, header(ontology), terms(ontology))


def _ntriples(ontology: Ontology) -> bytes:
    buffer = io.BytesIO()
    serialize(ontology.triples, buffer, format=RdfFormat.N_TRIPLES)
    return buffer.getvalue()


def loaded(path: Path = ONTOLOGY_FILE) -> Loaded:
    """The ontology at ``path``, read again only when the file changes."""
    return _loaded(path, path.stat().st_mtime_ns)


@bp.get("/ontology")
def ontology() -> Response:
    """The reference page, or the ontology as RDF."""
    source = loaded()
    accept, asked = request.headers.get("Accept"), request.args.get("format")
    if prefers_html(accept) and not asked:
        counts, note = usage_counts(service(), source.terms)
        page = render_template("ontology.html", **_page(source, counts, note))
        response = Response(page, content_type="text/html; charset=utf-8")
    else:
        fmt = choose("CONSTRUCT", accept, asked)
        if fmt not in MEDIA_TYPES:
            return problem(406, "not-acceptable", f"available: {acceptable_list('CONSTRUCT')}")
        response = Response(source.bodies[fmt], content_type=MEDIA_TYPES[fmt])
    response.vary.add("Accept")
    return response


# --- usage counts -------------------------------------------------------------------------------


def count_query(listed: list[Term]) -> str:
    """One aggregate counting the uses of every listed term: a class as ``?s a ?term``, a
    property as ``?s ?term ?o``, an individual as ``?s ?p ?term``."""
    groups = term_iris(listed)
    patterns = {"class": "?s a ?term", "property": "?s ?term ?o", "individual": "?s ?p ?term"}
    parts = [
        f"{{ VALUES ?term {{ {' '.join(f'<{iri}>' for iri in iris)} }} {patterns[group]} }}"
        for group, iris in groups.items()
        if iris
    ]
    return f"SELECT ?term (COUNT(*) AS ?uses) WHERE {{ {' UNION '.join(parts)} }} GROUP BY ?term"


@dataclass
class _Kept:
    """Counts of one dataset version (``None`` with a note when they could not be had)."""

    version: str
    counts: dict[str, int] | None
    note: str | None
    transient: bool = False
    """Whether asking again soon may succeed (all query processes were busy)."""


def usage_counts(svc: Service, listed: list[Term]) -> tuple[dict[str, int] | None, str | None]:
    """Uses of each term in the store's data graphs, kept per dataset version.

    :return: the counts by term IRI (absent terms are unused), or ``None`` and why.
    """
    version = svc.dataset_version()
    lock, kept = current_app.extensions.setdefault(_EXTENSION, (threading.Lock(), {}))
    with lock:
        found: _Kept | None = kept.get("last")
        if found is None or found.version != version:
            found = _count(svc, listed, version)
            if not found.transient:
                kept["last"] = found
    return found.counts, found.note


def _count(svc: Service, listed: list[Term], version: str) -> _Kept:
    graphs = tuple(g["graph"] for g in svc.info()["graphs"] if g["graph"] != ONTOLOGY_GRAPH.value)
    if not graphs:
        return _Kept(version, {}, None)
    job = SparqlJob(count_query(listed), "json", len(listed) + 1, default_graphs=graphs)
    try:
        answer, rest = svc.pool.run(job, svc.settings.timeout)
    except QueryTimeoutError:
        limit = svc.settings.timeout
        return _Kept(version, None, f"counting took longer than the server's {limit:g} s limit")
    except BusyError:
        return _Kept(version, None, "every query process was busy; reload later", True)
    rows = json.loads(answer.body + b"".join(rest))["results"]["bindings"]
    counts = {row["term"]["value"]: int(row["uses"]["value"]) for row in rows}
    return _Kept(version, counts, None)


# --- the page -----------------------------------------------------------------------------------


def _link(iri: str) -> dict[str, str]:
    """A term for the template: its compact name and where it links (pv: terms: their row)."""
    short = compact_iri(iri)
    href = "#" + short[3:] if short.startswith("pv:") else iri
    return {"text": short, "href": href}


def _page(source: Loaded, counts: dict[str, int] | None, note: str | None) -> dict[str, Any]:
    rows: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS.values()}
    for term in source.terms:
        rows[term.kind].append(
            {
                "name": term.name,
                "iri": term.iri,
                "label": term.label,
                "definition": term.definition,
                "types": [_link(t) for t in term.types],
                "domain": [_link(d) for d in term.domain],
                "range": [_link(r) for r in term.range],
                "alignments": [
                    {"relation": compact_iri(a.relation), "target": _link(a.target)}
                    for a in term.alignments
                ],
                "notes": term.notes,
                "uses": None if counts is None else counts.get(term.iri, 0),
            }
        )
    return {
        "header": source.header,
        "sections": [(kind, PLURALS[kind], items) for kind, items in rows.items() if items],
        "count_note": note,
        "downloads": [
            ("Turtle", "turtle", TURTLE.file_name),
            ("RDF/XML", "rdfxml", RDF_XML.file_name),
            ("JSON-LD", "jsonld", JSON_LD.file_name),
        ],
        "term_count": len(source.terms),
    }
