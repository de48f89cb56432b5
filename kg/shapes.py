"""SHACL validation of pvkg's graphs against ``ontology/shapes.ttl`` (ADR 0014).

:func:`check_staged` runs before every swap (:func:`kg.staging.replace_staged`): a staged
graph that breaks a shape raises :class:`ShapeError` and never reaches the store.
:func:`validate_graph` checks a graph already in a store (``pvkg validate``). Each sees a
:class:`kg.samples.Sample`: a small graph whole, a big one as a deterministic sample of focus
nodes with their neighbourhoods, and the report says which.

pySHACL does the validating; it works on rdflib graphs, so it is fed N-Triples text and its
report is read back as N-Triples into pyoxigraph: kg never handles rdflib objects, and only
bounded samples pass through rdflib (slow: ~30k triples/s).
"""

from __future__ import annotations

import sys
import time
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, QuerySolutions, QueryTriples, RdfFormat, Store

from kg.errors import PvkgError
from kg.namespaces import compact_iri
from kg.samples import Sample, Target, from_staged, from_store
from kg.shipped import shipped_dir
from kg.store import GraphStore

if TYPE_CHECKING:
    from pyshacl.pytypes import GraphLike

SHAPES_FILE = shipped_dir("ontology") / "shapes.ttl"
ONTOLOGY_FILE = shipped_dir("ontology") / "pvkg.ttl"
WHOLE_LIMIT = 1_500
"""Graphs of at most this many triples are validated whole (pySHACL: ~6k triples/s)."""
PROBES = 50
"""Subjects sampled from a bigger staged file (evenly spaced byte offsets)."""
PER_TARGET = 50
"""Nodes sampled per shape target from a bigger graph in a store."""
ENTAILED_SOURCES = frozenset({"inferred"})
"""Provenance sources of graphs that only restate other graphs' nodes (entailed types and
links, ``kg.inference``): the shapes describe asserted nodes, so ``pvkg validate`` skips these
unless they are named."""
SHOWN = 20
"""Violations listed in a report (the count covers all)."""

SH = "http://www.w3.org/ns/shacl#"
_RESULTS = f"""PREFIX sh: <{SH}>
SELECT ?focus ?path ?message ?value WHERE {{
  ?report sh:result ?r . ?r sh:focusNode ?focus ; sh:resultSeverity sh:Violation .
  OPTIONAL {{ ?r sh:resultPath ?path }}
  OPTIONAL {{ ?r sh:resultMessage ?message }}
  OPTIONAL {{ ?r sh:value ?value }}
}}"""
_ALTERNATIVES = f"""PREFIX sh: <{SH}> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?path ?p WHERE {{ ?path sh:alternativePath/rdf:rest*/rdf:first ?p }}"""
_INDIVIDUALS = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
CONSTRUCT { ?i a ?c } WHERE { ?i a owl:NamedIndividual, ?c FILTER(?c != owl:NamedIndividual) }"""
_TARGETS = f"""PREFIX sh: <{SH}>
SELECT ?kind ?t WHERE {{
  {{ ?shape sh:targetClass ?t BIND("class" AS ?kind) }}
  UNION {{ ?shape sh:targetSubjectsOf ?t BIND("subjects-of" AS ?kind) }}
}} ORDER BY ?kind ?t"""


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result: the node, the property path, why, and the offending value."""

    focus: str
    path: str
    message: str
    value: str

    def render(self) -> str:
        """``<focus> pv:drug: message (value: x)``."""
        text = f"{self.focus} {self.path or '(node)'}: {self.message}"
        return f"{text} (value: {self.value})" if self.value else text


@dataclass(frozen=True)
class ShapeReport:
    """The outcome of validating one graph."""

    graph: str
    sample: str
    violations: tuple[Violation, ...]
    seconds: float

    @property
    def conforms(self) -> bool:
        """Whether no shape was broken."""
        return not self.violations

    def render(self) -> str:
        """A readable report: a summary line, then up to :data:`SHOWN` violations."""
        head = (
            f"graph <{self.graph}>: {self.sample}: "
            f"{len(self.violations):,} violation{'s' if len(self.violations) != 1 else ''} "
            f"({self.seconds:.1f} s)"
        )
        lines = [f"  {v.render()}" for v in self.violations[:SHOWN]]
        if len(self.violations) > SHOWN:
            lines.append(f"  ... and {len(self.violations) - SHOWN:,} more")
        return "\n".join([head, *lines])


class ShapeError(PvkgError, ValueError):
    """A graph breaks the shapes; ``str()`` is the report (the first line summarises it)."""

    def __init__(self, report: ShapeReport, source: str | None = None) -> None:
        self.report = report
        where = f"{source}: " if source else ""
        super().__init__(f"{where}refused by the shapes in {SHAPES_FILE.name}: {report.render()}")


def check_staged(
    graph: NamedNode, staged: Path, lines: int, source: str | None = None
) -> ShapeReport:
    """Validate a staged N-Triples file of ``lines`` triples that is to become ``graph``.

    :param source: the input, named in the error (a loader's files).
    :raises ShapeError: if a shape is broken.
    """
    started = time.perf_counter()
    sample = from_staged(staged, lines, limit=WHOLE_LIMIT, probes=PROBES)
    report = _report(graph, sample, started)
    if not report.conforms:
        raise ShapeError(report, source)
    return report


def validate_graph(store: GraphStore, graph: NamedNode, *, whole: bool = False) -> ShapeReport:
    """Validate ``graph`` as it is in ``store``: whole if small or ``whole``, else sampled."""
    started = time.perf_counter()
    limit = sys.maxsize if whole else WHOLE_LIMIT
    sample = from_store(store, graph, targets(), limit=limit, per_target=PER_TARGET)
    return _report(graph, sample, started)


@lru_cache(maxsize=1)
def shapes_text() -> str:
    """The shapes file's Turtle."""
    return SHAPES_FILE.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def targets() -> tuple[Target, ...]:
    """Every target the shapes declare, in a fixed order."""
    rows = _rows(_parsed(shapes_text(), RdfFormat.TURTLE), _TARGETS)
    return tuple(Target(_text(kind), iri.value) for kind, iri in rows if isinstance(iri, NamedNode))


@lru_cache(maxsize=1)
def _individuals() -> str:
    """The ontology's coded values with their classes, as N-Triples: sh:class checks roles,
    outcomes and the like against them, so the shapes need not list them."""
    ontology = _parsed(ONTOLOGY_FILE.read_text(encoding="utf-8"), RdfFormat.TURTLE)
    triples = ontology.query(_INDIVIDUALS)
    if not isinstance(triples, QueryTriples):
        return ""
    return "".join(sorted(f"{t} .\n" for t in triples))


@lru_cache(maxsize=1)
def _shapes_graph() -> GraphLike:
    """The shapes parsed once per process by pySHACL (0.1-0.2 s each time otherwise)."""
    from pyshacl.rdfutil.load import load_from_source  # here: rdflib loads only when validating

    graph: GraphLike = load_from_source(shapes_text(), rdf_format="turtle")
    return graph


def _report(graph: NamedNode, sample: Sample, started: float) -> ShapeReport:
    violations = _violations(sample) if sample.ntriples else ()
    return ShapeReport(graph.value, sample.describe(), violations, time.perf_counter() - started)


def _violations(sample: Sample) -> tuple[Violation, ...]:
    """Run pySHACL on the sample; the results as :class:`Violation` values, sorted."""
    from pyshacl import validate  # here: rdflib loads only when validating

    with warnings.catch_warnings():  # rdflib's deprecations inside pySHACL, not ours
        warnings.simplefilter("ignore", DeprecationWarning)
        conforms, results, _ = validate(
            sample.ntriples + _individuals(),
            data_graph_format="nt",
            shacl_graph=_shapes_graph(),
            focus_nodes=list(sample.focus) if sample.focus is not None else None,
            allow_warnings=True,
        )
    if conforms:
        return ()
    report = _parsed(results.serialize(format="nt"), RdfFormat.N_TRIPLES)
    alternatives: dict[str, list[str]] = {}
    for path, member in _rows(report, _ALTERNATIVES):
        alternatives.setdefault(str(path), []).append(_term(member))
    return tuple(
        sorted(
            {
                Violation(
                    _term(focus),
                    "|".join(sorted(alternatives.get(str(path), []))) or _term(path),
                    _text(message),
                    _term(value),
                )
                for focus, path, message, value in _rows(report, _RESULTS)
            }
        )
    )


def _rows(store: Store, query: str) -> list[tuple[object, ...]]:
    """A SELECT's rows as tuples of terms (``None`` where unbound)."""
    rows = store.query(query)
    if not isinstance(rows, QuerySolutions):
        return []
    width = len(rows.variables)
    return [tuple(row[i] for i in range(width)) for row in rows]


def _term(term: object) -> str:
    if isinstance(term, NamedNode):
        curie = compact_iri(term.value)
        return curie if curie != term.value else f"<{term.value}>"
    if isinstance(term, Literal):
        return str(term)
    return "" if term is None else str(term)


def _text(term: object) -> str:
    return term.value if isinstance(term, Literal) else ""


def _parsed(text: str, rdf_format: RdfFormat) -> Store:
    store = Store()
    store.load(text.encode("utf-8"), format=rdf_format)
    return store
