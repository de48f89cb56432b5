"""The entailment rules of the inferred graph, compiled from the ontology's axioms.

pvkg materialises a subset of RDFS and OWL 2 RL (``docs/decisions/0015-inferred-graph.md``):

* ``cax-sco`` / ``cax-eqc``: an instance of a class is an instance of its superclasses
  (``rdfs:subClassOf``, ``owl:equivalentClass`` both ways), transitively;
* ``prp-spo1`` / ``prp-eqp``: an edge of a property is an edge of its superproperties;
* ``prp-inv``: an edge of a property is the reversed edge of its inverses (``owl:inverseOf``);
* ``prp-dom`` / ``prp-rng``: the subject (object) of an edge is typed by the property's
  declared ``rdfs:domain`` (``rdfs:range``) when that is a named class, not a datatype;
* ``scm-sco`` / ``scm-spo``: the subclass and subproperty hierarchies themselves, closed.

Every rule above has one premise in the data once the axioms are fixed, so the axioms are
closed here, in Python (a few hundred triples), into a :class:`Ruleset`: for each class, all its
superclasses; for each property, every edge and every type one of its edges entails. One pass
over the data then yields the whole closure; no fixpoint iteration over the data is needed.
Axioms are read from the ontology graph only, never from the data.

>>> from pyoxigraph import NamedNode as N
>>> a, b, c = N("http://x/A"), N("http://x/B"), N("http://x/C")
>>> rules = compile_axioms([(a, SUBCLASS, b), (b, SUBCLASS, c)])
>>> sorted(d.value for d in rules.superclasses[a])
['http://x/B', 'http://x/C']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pyoxigraph import NamedNode, Triple

from kg.namespaces import OWL, RDF, RDFS, XSD

SUBCLASS = RDFS["subClassOf"]
SUBPROPERTY = RDFS["subPropertyOf"]
EQUIVALENT_CLASS = OWL["equivalentClass"]
EQUIVALENT_PROPERTY = OWL["equivalentProperty"]
INVERSE = OWL["inverseOf"]
DOMAIN = RDFS["domain"]
RANGE = RDFS["range"]

AXIOM_PREDICATES: tuple[NamedNode, ...] = (
    SUBCLASS,
    SUBPROPERTY,
    EQUIVALENT_CLASS,
    EQUIVALENT_PROPERTY,
    INVERSE,
    DOMAIN,
    RANGE,
)
"""The predicates of the axioms the rules use; other axioms are not materialised."""

_NOT_CLASSES = frozenset(
    {OWL["Thing"], RDFS["Resource"], RDFS["Literal"], RDF["PlainLiteral"], RDF["langString"]}
)

Axiom = tuple[NamedNode, NamedNode, NamedNode]
"""An axiom between two named terms: (subject, one of :data:`AXIOM_PREDICATES`, object)."""

Edge = tuple[NamedNode, bool]
"""An entailed edge: the property, and whether subject and object swap (an inverse)."""


@dataclass(frozen=True)
class Ruleset:
    """The axioms closed into single-premise rules.

    :param superclasses: class → every strict superclass (a type triple entails these).
    :param edges: property → the edges one of its edges entails, besides itself.
    :param subject_types: property → the classes its subject gets (domains, closed upward).
    :param object_types: property → the classes its object gets when not a literal.
    :param schema: closure triples of the hierarchies (``scm-sco``, ``scm-spo``, inverses).
    """

    superclasses: Mapping[NamedNode, frozenset[NamedNode]]
    edges: Mapping[NamedNode, frozenset[Edge]]
    subject_types: Mapping[NamedNode, frozenset[NamedNode]]
    object_types: Mapping[NamedNode, frozenset[NamedNode]]
    schema: frozenset[Triple]

    def type_rules(self) -> list[tuple[NamedNode, NamedNode]]:
        """(class, superclass) pairs, sorted."""
        return _pairs(self.superclasses)

    def edge_rules(self, *, inverted: bool) -> list[tuple[NamedNode, NamedNode]]:
        """(property, entailed property) pairs whose edges keep (or swap) their direction."""
        return sorted(
            ((p, q) for p, edges in self.edges.items() for q, inv in edges if inv is inverted),
            key=_key,
        )

    def typing_rules(self, *, of_object: bool) -> list[tuple[NamedNode, NamedNode]]:
        """(property, class) pairs typing each edge's subject (or non-literal object)."""
        return _pairs(self.object_types if of_object else self.subject_types)


def _key(pair: tuple[NamedNode, NamedNode]) -> tuple[str, str]:
    return (pair[0].value, pair[1].value)


def _pairs(table: Mapping[NamedNode, frozenset[NamedNode]]) -> list[tuple[NamedNode, NamedNode]]:
    return sorted(((k, v) for k, values in table.items() for v in values), key=_key)


def is_class(term: NamedNode) -> bool:
    """Whether a domain or range is a class instances can be typed by (not a datatype)."""
    return term not in _NOT_CLASSES and not term.value.startswith(XSD[""].value)


def _closure(links: Mapping[NamedNode, set[NamedNode]]) -> dict[NamedNode, frozenset[NamedNode]]:
    """Each key's strict ancestors through ``links`` (cycles allowed; a term is never its own)."""
    closed: dict[NamedNode, frozenset[NamedNode]] = {}
    for start in links:
        seen: set[NamedNode] = set()
        todo = list(links[start])
        while todo:
            term = todo.pop()
            if term not in seen:
                seen.add(term)
                todo.extend(links.get(term, ()))
        seen.discard(start)
        if seen:
            closed[start] = frozenset(seen)
    return closed


@dataclass
class _Axioms:
    """The axioms grouped by kind, before closing."""

    broader_classes: defaultdict[NamedNode, set[NamedNode]]
    broader_properties: defaultdict[NamedNode, set[NamedNode]]
    inverses: defaultdict[NamedNode, set[NamedNode]]
    domains: defaultdict[NamedNode, set[NamedNode]]
    ranges: defaultdict[NamedNode, set[NamedNode]]

    @classmethod
    def group(cls, axioms: Iterable[Axiom]) -> _Axioms:
        grouped = cls(
            defaultdict(set), defaultdict(set), defaultdict(set), defaultdict(set), defaultdict(set)
        )
        for s, p, o in axioms:
            grouped.add(s, p, o)
        return grouped

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode) -> None:
        both = {
            EQUIVALENT_CLASS: self.broader_classes,
            EQUIVALENT_PROPERTY: self.broader_properties,
        }
        if p in both or p == INVERSE:
            table = self.inverses if p == INVERSE else both[p]
            table[s].add(o)
            table[o].add(s)
        elif p in (SUBCLASS, SUBPROPERTY):
            (self.broader_classes if p == SUBCLASS else self.broader_properties)[s].add(o)
        elif p in (DOMAIN, RANGE) and is_class(o):
            (self.domains if p == DOMAIN else self.ranges)[s].add(o)


def compile_axioms(axioms: Iterable[Axiom]) -> Ruleset:
    """Close the axioms into a :class:`Ruleset`."""
    grouped = _Axioms.group(axioms)
    supers = _closure(grouped.broader_classes)
    super_properties = _closure(grouped.broader_properties)

    def upward(classes: Iterable[NamedNode]) -> set[NamedNode]:
        out: set[NamedNode] = set()
        for c in classes:
            out |= {c} | supers.get(c, frozenset())
        return out

    properties = set(super_properties) | set(grouped.inverses) | set(grouped.domains)
    properties |= set(grouped.ranges)
    edges, subject_types, object_types = {}, {}, {}
    for prop in properties:
        reached = _edges_of(prop, super_properties, grouped.inverses)
        of_subject, of_object = set(), set()
        for q, inverted in reached | {(prop, False)}:
            domain, range_ = upward(grouped.domains[q]), upward(grouped.ranges[q])
            of_subject |= range_ if inverted else domain
            of_object |= domain if inverted else range_
        if reached:
            edges[prop] = frozenset(reached)
        if of_subject:
            subject_types[prop] = frozenset(of_subject)
        if of_object:
            object_types[prop] = frozenset(of_object)
    schema = {Triple(c, SUBCLASS, d) for c, ds in supers.items() for d in ds}
    schema |= {Triple(p, SUBPROPERTY, q) for p, qs in super_properties.items() for q in qs}
    schema |= {Triple(p, INVERSE, q) for p, qs in grouped.inverses.items() for q in qs}
    return Ruleset(supers, edges, subject_types, object_types, frozenset(schema))


def _edges_of(
    prop: NamedNode,
    super_properties: Mapping[NamedNode, frozenset[NamedNode]],
    inverses: Mapping[NamedNode, set[NamedNode]],
) -> set[Edge]:
    """Every (property, swapped) edge one ``prop`` edge entails, itself excluded."""
    seen: set[Edge] = set()
    todo: list[Edge] = [(prop, False)]
    while todo:
        q, inverted = todo.pop()
        nxt = [(s, inverted) for s in super_properties.get(q, ())]
        nxt += [(r, not inverted) for r in inverses.get(q, ())]
        for edge in nxt:
            if edge not in seen:
                seen.add(edge)
                todo.append(edge)
    seen.discard((prop, False))
    return seen
