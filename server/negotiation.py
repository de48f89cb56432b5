"""Content negotiation: pick a result format from ``Accept`` (with q-values) or ``format=``.

Offers depend on the query form: solutions (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE).
``format=`` wins over ``Accept`` and takes a short name (``json``, ``csv``, ``turtle``, …) or a
media type. Among equally preferred types the server's order decides (SPARQL JSON, Turtle first).

>>> choose("SELECT", "text/csv;q=0.5, application/sparql-results+xml")
'xml'
>>> choose("CONSTRUCT", "*/*")
'turtle'
>>> choose("SELECT", "text/turtle") is None
True
>>> choose("CONSTRUCT", "application/json", fmt="ntriples")
'ntriples'
>>> choose("GRAPH", "application/n-quads"), choose("CONSTRUCT", "application/n-quads")
('nquads', None)
>>> prefers_html("*/*"), prefers_html("text/html,application/xhtml+xml,*/*;q=0.8")
(False, True)
"""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

SOLUTION_OFFERS: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
"""Media types a SELECT or ASK answer can be sent as, in the server's order of preference."""

GRAPH_OFFERS: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/x-turtle": "turtle",
    "text/plain": "ntriples",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
}
"""Media types a CONSTRUCT or DESCRIBE answer can be sent as, in the server's order."""

GRAPH_STORE_OFFERS: dict[str, str] = {**GRAPH_OFFERS, "application/n-quads": "nquads"}
"""Media types a graph of the Graph Store Protocol (``GRAPH``) can be sent as, in order."""

_SOLUTION_NAMES = {"json", "xml", "csv", "tsv", "srj", "srx"}
_GRAPH_NAMES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "ntriples": "ntriples",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "rdfxml": "rdfxml",
    "rdf/xml": "rdfxml",
    "xml": "rdfxml",
    "nquads": "nquads",
    "nq": "nquads",
    "n-quads": "nquads",
}
_GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE", "GRAPH")


def offers_for(form: str) -> dict[str, str]:
    """The media types on offer for a query form (``GRAPH``: a Graph Store Protocol graph)."""
    if form == "GRAPH":
        return GRAPH_STORE_OFFERS
    return GRAPH_OFFERS if form in _GRAPH_FORMS else SOLUTION_OFFERS


def choose(form: str, accept: str | None, fmt: str | None = None) -> str | None:
    """The format key to answer a ``form`` query with, or ``None`` if nothing is acceptable.

    :param form: ``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE`` or ``GRAPH`` (a graph of the
        Graph Store Protocol, which can also be sent as N-Quads).
    :param accept: the ``Accept`` header (missing means anything).
    :param fmt: the ``format`` parameter, which overrides ``Accept``.
    """
    graph = form in _GRAPH_FORMS
    offers = offers_for(form)
    if fmt:
        key = fmt.strip().lower()
        if key in offers:
            return offers[key]
        if graph:
            name = _GRAPH_NAMES.get(key)
            return name if name in offers.values() else None
        if key in _SOLUTION_NAMES:
            return {"srj": "json", "srx": "xml"}.get(key, key)
        return None
    if not accept or not accept.strip():
        return next(iter(offers.values()))
    best = parse_accept(accept).best_match(list(offers))
    return None if best is None else offers[best]


def parse_accept(accept: str) -> MIMEAccept:
    """An ``Accept`` header, its media types without parameters (``charset=utf-8``) but ``q``.

    Parameters a client adds to a type pvkg sends without them do not make it unacceptable.

    >>> parse_accept("application/sparql-results+json; charset=utf-8").best_match(
    ...     ["application/sparql-results+json"])
    'application/sparql-results+json'
    """
    parsed = parse_accept_header(accept, MIMEAccept)
    return MIMEAccept([(value.split(";", 1)[0].strip(), quality) for value, quality in parsed])


def acceptable_list(form: str) -> str:
    """The media types on offer, for a 406 message."""
    return ", ".join(offers_for(form))


def prefers_html(accept: str | None) -> bool:
    """Whether a browser-like ``Accept`` asks for HTML before any RDF or JSON format."""
    if not accept:
        return False
    parsed = parse_accept(accept)
    if not any(value in _HTML and quality > 0 for value, quality in parsed):
        return False
    best = parsed.best_match([*_HTML, *GRAPH_STORE_OFFERS, *SOLUTION_OFFERS])
    return best in _HTML


_HTML = ("text/html", "application/xhtml+xml")
