"""Turn the text a user gives for a saved-query parameter into a typed RDF term.

Entity parameters (``drug``, ``condition``, ``drug-class``, ``entity``) accept a label
(``psoriasis``), a CURIE (``mesh:D011565``) or an IRI (``<https://…>`` or ``https://…``). A MeSH
IRI resolves to the pvkg entity linked to it by ``skos:exactMatch``. Once ``pvkg link`` has
run, every entity found stands for its concept (``pv:concept``, ADR 0012): a value naming the
FAERS spelling, the curated entity or the MeSH record of one concept resolves to that concept,
and is ambiguous only when it names several concepts. Literal parameters are
parsed and range-checked. Every failure is a :class:`~kg.errors.ParameterError` naming the
parameter; nothing the user typed ever reaches the query text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from pyoxigraph import Literal, NamedNode, QuerySolutions

from kg import vocab
from kg.catalogue import Parameter, SavedQuery
from kg.errors import ParameterError
from kg.iris import entity_iri, slug
from kg.namespaces import PREFIXES, XSD, expand_curie
from kg.store import GraphStore, QueryResult, Term

ENTITY_CLASSES: dict[str, NamedNode | None] = {
    "drug": vocab.Drug,
    "condition": vocab.Condition,
    "drug-class": vocab.DrugClass,
    "entity": None,
}
"""Class an entity parameter's value must be an instance of (``None``: any)."""

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
_IRI_LIKE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)

_TO_CONCEPT = """
  OPTIONAL { ?x <https://w3id.org/pvkg/ontology#concept> ?concept }
  BIND(COALESCE(?concept, ?x) AS ?e)
"""
"""An entity found stands for its concept (``pv:concept``, written by ``pvkg link``; ADR 0012)."""
_BY_LINK = (
    """
SELECT DISTINCT ?e WHERE {
  ?x <http://www.w3.org/2004/02/skos/core#exactMatch>? ?target .
  %s"""
    + _TO_CONCEPT
    + """} ORDER BY ?e LIMIT 5
"""
)
_BY_LABEL = (
    """
SELECT DISTINCT ?e WHERE {
  ?x <http://www.w3.org/2000/01/rdf-schema#label>
     |<http://www.w3.org/2004/02/skos/core#altLabel> ?l .
  FILTER(LCASE(STR(?l)) = ?text)
  %s"""
    + _TO_CONCEPT
    + """} ORDER BY ?e LIMIT 5
"""
)
_OF_CLASS = "?x a ?class ."
_ANY_ENTITY = "FILTER(STRSTARTS(STR(?x), ?base))"
"""For ``entity`` parameters: any pvkg entity, not the MeSH records pvkg entities link to."""


def resolve_parameters(
    store: GraphStore, query: SavedQuery, given: Mapping[str, str]
) -> dict[str, Term]:
    """Resolve every parameter of ``query`` from ``given`` text values (defaults fill gaps).

    :raises ParameterError: for an unknown, missing or bad parameter.
    """
    known = {p.name for p in query.params}
    for name in given:
        if name not in known:
            expected = ", ".join(sorted(known)) or "none"
            raise ParameterError(name, f"{query.name} takes no such parameter (takes: {expected})")
    bound: dict[str, Term] = {}
    for param in query.params:
        text = given.get(param.name, param.default)
        if text is None:
            raise ParameterError(param.name, "is required")
        bound[param.name] = resolve(store, param, text)
    return bound


def run_saved(store: GraphStore, query: SavedQuery, given: Mapping[str, str]) -> QueryResult:
    """Resolve the parameters of ``query`` and run it on ``store``."""
    return store.query(query.sparql, bindings=resolve_parameters(store, query, given))


def resolve(store: GraphStore, param: Parameter, text: str) -> Term:
    """Resolve one parameter value; see the module docstring."""
    text = text.strip()
    if not text:
        raise ParameterError(param.name, "is empty")
    if param.type in ENTITY_CLASSES:
        return _entity(store, param, text)
    if param.type == "iri":
        return _iri(param, text)
    if param.type == "faers-quarter":
        return _quarter(store, param, text)
    return _literal(param, text)


_QUARTER = re.compile(r"^(\d{2}|\d{4})[qQ]([1-4])$")
_QUARTER_NODE = PREFIXES["pvid"] + "faers/quarter/"
_QUARTERS = f"SELECT ?q WHERE {{ ?q a <{PREFIXES['pv']}FaersQuarter> }} ORDER BY ?q"


def _quarter(store: GraphStore, param: Parameter, text: str) -> NamedNode:
    """A loaded FAERS quarter's node from ``2024q1``, ``2024Q1`` or ``24Q1``.

    Bound as the node itself, not a string the query turns into it: an engine can then look
    up by it (``new-signals``: 12 s → 2.5 s on eight quarters with pyoxigraph).
    """
    found = _QUARTER.match(text)
    if found is None:
        raise ParameterError(param.name, f"{text!r} is not a quarter (yyyyqn, e.g. 2024q1)")
    year = found.group(1) if len(found.group(1)) == 4 else "20" + found.group(1)
    node = NamedNode(f"{_QUARTER_NODE}{year}q{found.group(2)}")
    result = store.query(_QUARTERS)
    if not isinstance(result, QuerySolutions):
        raise TypeError("a SELECT query must yield solutions")
    loaded = [row["q"].value.removeprefix(_QUARTER_NODE) for row in result]
    if node.value.removeprefix(_QUARTER_NODE) not in loaded:
        raise ParameterError(
            param.name,
            f"no FAERS quarter {text!r} is loaded (loaded: {', '.join(loaded) or 'none'})",
        )
    return node


def _iri(param: Parameter, text: str) -> NamedNode:
    raw = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    if not _IRI_LIKE.match(raw):
        expanded = expand_curie(raw)
        if expanded is None:
            raise ParameterError(param.name, f"{text!r} is neither an IRI nor a known CURIE")
        raw = expanded
    try:
        return NamedNode(raw)
    except ValueError as error:
        raise ParameterError(param.name, f"{text!r} is not a valid IRI ({error})") from None


def _entity(store: GraphStore, param: Parameter, text: str) -> NamedNode:
    cls = ENTITY_CLASSES[param.type]
    kind = param.type if param.type != "entity" else "entity"
    looks_like_iri = text.startswith("<") or _IRI_LIKE.match(text) or expand_curie(text)
    if looks_like_iri:
        target = _iri(param, text)
        found = _match(store, _BY_LINK, cls, {"target": target})
        if not found:
            raise ParameterError(param.name, f"no {kind} is or links to {target.value}")
    else:
        if cls is not None and param.type != "entity":
            direct = entity_iri(param.type, text) if _has_key(text) else None
            named = _match(store, _BY_LINK, cls, {"target": direct}) if direct else []
            if len(named) == 1:
                return named[0]
        found = _match(store, _BY_LABEL, cls, {"text": Literal(text.lower())})
        if not found:
            raise ParameterError(param.name, f"no {kind} is labelled {text!r}")
    if len(found) > 1:
        names = ", ".join(n.value for n in found)
        raise ParameterError(param.name, f"{text!r} is ambiguous: {names}")
    return found[0]


def _has_key(text: str) -> bool:
    try:
        slug(text)
    except ValueError:
        return False
    return True


def _match(
    store: GraphStore, sparql: str, cls: NamedNode | None, bindings: dict[str, Term]
) -> list[NamedNode]:
    if cls is None:
        sparql = sparql % _ANY_ENTITY
        bindings = {**bindings, "base": Literal(PREFIXES["pvid"])}
    else:
        sparql = sparql % _OF_CLASS
        bindings = {**bindings, "class": cls}
    result = store.query(sparql, bindings=bindings)
    if not isinstance(result, QuerySolutions):
        raise TypeError("a SELECT query must yield solutions")
    return [row["e"] for row in result if isinstance(row["e"], NamedNode)]


def _literal(param: Parameter, text: str) -> Literal:
    kind = param.type
    if kind == "string":
        if param.choices and text not in param.choices:
            raise ParameterError(param.name, f"{text!r} is not one of {', '.join(param.choices)}")
        return Literal(text)
    if kind == "boolean":
        low = text.lower()
        if low not in _TRUE | _FALSE:
            raise ParameterError(param.name, f"{text!r} is not a boolean (true/false)")
        return Literal("true" if low in _TRUE else "false", datatype=XSD["boolean"])
    if kind == "date":
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ParameterError(param.name, f"{text!r} is not a date (YYYY-MM-DD)") from None
        return Literal(day.isoformat(), datatype=XSD["date"])
    return _number(param, text)


def _number(param: Parameter, text: str) -> Literal:
    try:
        number = int(text) if param.type == "integer" else Decimal(text)
    except (ValueError, InvalidOperation):
        article = "an" if param.type == "integer" else "a"
        raise ParameterError(param.name, f"{text!r} is not {article} {param.type}") from None
    if isinstance(number, Decimal) and not number.is_finite():
        raise ParameterError(param.name, f"{text!r} is not a finite number")
    if param.minimum is not None and number < param.minimum:
        raise ParameterError(param.name, f"{text} is below the minimum {param.minimum}")
    if param.maximum is not None and number > param.maximum:
        raise ParameterError(param.name, f"{text} is above the maximum {param.maximum}")
    return Literal(str(number), datatype=XSD[param.type])
