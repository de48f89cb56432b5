"""Content negotiation: pick a result format from ``Accept`` (with q-values) or ``format=``.

Offers depend on the query form: solutions (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE).
``format=`` wins over ``Accept`` and takes a short name (``json``, ``csv``, ``turtle``, ``n3``,
…), a media type or a list of them; it may be repeated with values that name the same format.
Among equally preferred types the server's order decides (SPARQL JSON, Turtle first).

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

from kg.errors import QueryError

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
    "text/n3": "turtle",
    "text/rdf+n3": "turtle",
    "application/n3": "turtle",
    "application/turtle": "turtle",
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
    "n3": "turtle",
    "rdf+xml": "rdfxml",
    "rdf": "rdfxml",
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
    if fmt:
        return format_named(form, fmt)
    offers = offers_for(form)
    if not accept or not accept.strip():
        return next(iter(offers.values()))
    best = parse_accept(accept).best_match(list(offers))
    return None if best is None else offers[best]


def format_named(form: str, value: str) -> str | None:
    """The format key a ``format=`` value names for a ``form`` query, ``None`` if none fits.

    The value is a short name (``tsv``, ``n3``, ``rdf+xml``), a media type, or a list of media
    types as in ``Accept`` (SPARQLWrapper sends ``format=json-ld`` and
    ``format=application/ld+json,application/x-json+ld``).

    >>> format_named("SELECT", "text/tab-separated-values"), format_named("CONSTRUCT", "n3")
    ('tsv', 'turtle')
    >>> format_named("CONSTRUCT", "application/ld+json,application/x-json+ld")
    'jsonld'
    """
    offers = offers_for(form)
    key = value.strip().lower()
    if key in offers:
        return offers[key]
    if form in _GRAPH_FORMS:
        name = _GRAPH_NAMES.get(key)
        if name is not None:
            return name if name in offers.values() else None
    elif key in _SOLUTION_NAMES:
        return {"srj": "json", "srx": "xml"}.get(key, key)
    if "/" not in key:
        return None
    best = parse_accept(value).best_match(list(offers))
    return None if best is None else offers[best]


def choose_among(form: str, accept: str | None, formats: list[str]) -> str | None:
    """:func:`choose` with every ``format=`` value of a request (blank ones are skipped).

    Clients repeat the parameter with the same format in other words (SPARQLWrapper:
    ``format=tsv&format=text/tab-separated-values``), which is fine; values that fit no
    format are passed over when another one fits.

    >>> choose_among("SELECT", None, ["tsv", "text/tab-separated-values", ""])
    'tsv'
    >>> choose_among("CONSTRUCT", "text/turtle", [])
    'turtle'

    :raises QueryError: if the values name two different formats.
    """
    values = [v for v in formats if v.strip()]
    if not values:
        return choose(form, accept)
    named = {format_named(form, v) for v in values} - {None}
    if len(named) > 1:
        raise QueryError(f"the 'format' values name different formats: {', '.join(values)}")
    return named.pop() if named else None


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
