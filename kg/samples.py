"""What part of a graph the shapes see: the whole graph when it is small, else a deterministic
sample of focus nodes with their neighbourhoods (ADR 0014).

A neighbourhood is a node's own triples plus the ``rdf:type`` triples, in the same graph, of
the IRIs it points to: what ``ontology/shapes.ttl`` constrains (it looks one hop out, no
further). Two sources:

* a staged file (:func:`from_staged`): sorted N-Triples, so a subject's triples are
  contiguous and a node's types are found by binary search. Subjects are taken at evenly
  spaced byte offsets, so the cost does not grow with the file;
* a graph in a store (:func:`from_store`): for each target of the shapes (a class, or the
  subjects of a property), the first nodes the store's index gives, then their
  neighbourhoods by one ``CONSTRUCT``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pyoxigraph import NamedNode, QuerySolutions, QueryTriples

from kg.namespaces import compact_iri
from kg.store import GraphStore

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


@dataclass(frozen=True)
class Target:
    """How a shape picks its focus nodes: instances of a class or subjects of a property."""

    kind: str
    """``class`` or ``subjects-of``."""
    iri: str


@dataclass(frozen=True)
class Sample:
    """N-Triples for the validator and which nodes to validate (``None``: every target)."""

    ntriples: str
    focus: tuple[str, ...] | None
    triples: int
    """Triples in the whole graph."""
    kinds: tuple[tuple[str, int], ...] = ()
    """Sampled focus nodes per type (CURIE, count), for the report."""

    def describe(self) -> str:
        """``whole graph (761 triples)`` or ``sample of 412 nodes (...) of 121,997 triples``."""
        if self.focus is None:
            return f"whole graph ({self.triples:,} triples)"
        kinds = ", ".join(f"{n:,} {kind}" for kind, n in self.kinds)
        nodes = f"{len(self.focus):,} node{'s' if len(self.focus) != 1 else ''}"
        return f"sample of {nodes} ({kinds}) of {self.triples:,} triples"


def whole(ntriples: str) -> Sample:
    """Validate everything in ``ntriples``."""
    return Sample(ntriples, None, ntriples.count("\n"))


def from_staged(path: Path, lines: int, *, limit: int, probes: int) -> Sample:
    """The whole staged file of ``lines`` lines when that is at most ``limit``, else
    ``probes`` subjects at evenly spaced byte offsets, each with its neighbourhood."""
    if lines <= limit:
        return Sample(path.read_text(encoding="utf-8"), None, lines)
    with path.open("rb") as source:
        size = os.fstat(source.fileno()).st_size
        blocks: dict[str, list[str]] = {}
        for offset in (size * i // probes for i in range(probes)):
            block = _block_after(source, offset)
            if block:
                blocks[_subject(block[0])] = block
        out = {line for block in blocks.values() for line in block}
        out.update(_object_types(source, size, blocks.values()))
    focus = tuple(s[1:-1] for s in blocks if s.startswith("<"))
    kinds = _kinds(out, set(blocks))
    return Sample("".join(sorted(out)), focus, lines, kinds)


def from_store(
    store: GraphStore, graph: NamedNode, targets: Iterable[Target], *, limit: int, per_target: int
) -> Sample:
    """The whole graph when it has at most ``limit`` triples, else up to ``per_target`` nodes
    of each target with their neighbourhoods."""
    total = _triples(store, graph)
    if total <= limit:
        triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        return Sample(_ntriples(triples), None, total)
    focus: dict[str, str] = {}
    for target in targets:
        for node in _target_nodes(store, graph, target, per_target):
            focus.setdefault(node, compact_iri(target.iri))
    text = _neighbourhoods(store, graph, sorted(focus))
    kinds = tuple(sorted(Counter(focus.values()).items()))
    return Sample(text, tuple(sorted(focus)), total, kinds)


# --- staged files ------------------------------------------------------------------------------


def _subject(line: str) -> str:
    return line.split(" ", 1)[0]


def _object(line: str) -> str:
    """The object of an N-Triples line as written (``<iri>``, ``"literal"^^<type>``…)."""
    return line.rstrip("\n")[:-2].split(" ", 2)[2]


def _block_after(source: IO[bytes], offset: int) -> list[str]:
    """The triples of the first subject that starts after ``offset`` (a whole block)."""
    source.seek(offset)
    if offset:
        source.readline()  # the rest of a line begun before the offset
    first = source.readline().decode("utf-8")
    if not first:
        return []
    subject = _subject(first)
    while first and _subject(first) == subject and offset:
        first = source.readline().decode("utf-8")  # skip the block the offset fell in
    if not first:
        return []
    subject = _subject(first)
    block = [first]
    while (line := source.readline().decode("utf-8")) and _subject(line) == subject:
        block.append(line)
    return block


def _object_types(source: IO[bytes], size: int, blocks: Iterable[list[str]]) -> list[str]:
    """``rdf:type`` lines of the IRI objects of ``blocks``, found by binary search."""
    objects = {_object(line) for block in blocks for line in block}
    objects = {o for o in objects if o.startswith("<") and o.endswith(">")}
    found: list[str] = []
    for iri in sorted(objects):
        found += _lines_with_prefix(source, size, f"{iri} {RDF_TYPE} ".encode())
    return found


def _lines_with_prefix(source: IO[bytes], size: int, prefix: bytes) -> list[str]:
    """Lines of the sorted file that start with ``prefix``."""
    low, high = 0, size
    while low < high:  # the first line start at or after mid whose line is >= prefix
        mid = (low + high) // 2
        source.seek(mid)
        if mid:
            source.readline()
        line = source.readline()
        if line and line < prefix:
            low = mid + 1
        else:
            high = mid
    source.seek(low)
    if low:
        source.readline()
    found = []
    while (line := source.readline()).startswith(prefix):
        found.append(line.decode("utf-8"))
    return found


def _kinds(lines: set[str], focus: set[str]) -> tuple[tuple[str, int], ...]:
    """Focus nodes per type, from the type lines among ``lines``."""
    counts: Counter[str] = Counter()
    for line in lines:
        subject, predicate, rest = line.split(" ", 2)
        if predicate == RDF_TYPE and subject in focus:
            counts[compact_iri(rest.rsplit(" ", 1)[0][1:-1])] += 1
    return tuple(sorted(counts.items()))


# --- stores ------------------------------------------------------------------------------------

# Graph and node IRIs are written into the text (``str(NamedNode)`` escapes them): bound as
# variables, oxigraph joins them after scanning every graph (71 s instead of 0.05 s for 50
# reports' neighbourhoods).
_TARGET_QUERIES = {
    "class": "SELECT ?s WHERE {{ GRAPH {g} {{ ?s a {t} }} }} LIMIT {n}",
    "subjects-of": "SELECT DISTINCT ?s WHERE {{ GRAPH {g} {{ ?s {t} ?o }} }} LIMIT {n}",
}


def _triples(store: GraphStore, graph: NamedNode) -> int:
    """The graph's triple count: from its provenance, else (the meta graph) counted."""
    recorded = next((g.triples for g in store.graphs() if g.graph == graph), None)
    if recorded is not None:
        return recorded
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    if not isinstance(rows, QuerySolutions):
        return 0
    return sum(int(row[0].value) for row in rows)


def _target_nodes(store: GraphStore, graph: NamedNode, target: Target, limit: int) -> list[str]:
    query = _TARGET_QUERIES[target.kind].format(g=graph, t=NamedNode(target.iri), n=limit)
    rows = store.query(query)
    if not isinstance(rows, QuerySolutions):
        return []
    return [row[0].value for row in rows if isinstance(row[0], NamedNode)]


def _neighbourhoods(store: GraphStore, graph: NamedNode, nodes: list[str]) -> str:
    if not nodes:
        return ""
    values = " ".join(str(NamedNode(node)) for node in nodes)
    triples = store.query(
        f"CONSTRUCT {{ ?s ?p ?o . ?o a ?t }} WHERE {{ GRAPH {graph} {{ VALUES ?s {{ {values} }} "
        "?s ?p ?o OPTIONAL { ?o a ?t } } }"
    )
    return _ntriples(triples)


def _ntriples(triples: object) -> str:
    if not isinstance(triples, (QueryTriples, Iterator)):
        return ""
    return "".join(sorted({f"{t} .\n" for t in triples}))
