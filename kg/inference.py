"""The inferred graph: entailments of the ontology and the data, materialised and swapped in.

``pvgraph:inferred`` holds what the rules of :mod:`kg.entailment` derive from every other graph
(except the meta graph and itself) and that no other graph states, so the union default graph
answers ``?x a schema:Drug`` or ``?d biolink:has_adverse_event ?c`` without a reasoner, and
holds no triple twice (ADR 0002). ``pvkg build``, ``load``, ``unload`` and ``link`` refresh it
after their own swaps (``docs/decisions/0015-inferred-graph.md``).

A refresh reads each input graph's premises with plain SELECTs through
:meth:`kg.store.GraphStore.query` (the rule table in a ``VALUES`` block, the graph named), so
remote stores work too; the rule heads are written in Python, staged and sorted like a loader's
output, the triples some graph already states are taken out (one ``comm`` pass against the
stated instances of the entailed classes and properties), and the file is swapped in with
:meth:`~kg.store.GraphStore.replace_graph`: a refresh that fails leaves the previous graph, and
the embedded store changes only the lines that differ (``incremental``).

Domain and range typing is applied to graphs from sources whose loaders do not type every
node they write (``pvkg load rdf``, Graph Store writes): on the loaders' graphs it entailed
nothing the class hierarchy did not, and cost most of the time (BENCHMARKS.md, issue 17).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, QuerySolutions

import kg
from kg.entailment import AXIOM_PREDICATES, Axiom, Ruleset, compile_axioms
from kg.errors import StoreError
from kg.iris import INFERRED_GRAPH, META_GRAPH, ONTOLOGY_GRAPH
from kg.namespaces import RDF
from kg.progress import Progress, no_progress
from kg.staging import StagedGraph, file_checksum
from kg.store import GraphStore, Provenance

LOADER = f"kg.inference {kg.__version__}"
TITLE = "Entailments of the ontology and the data (RDFS / OWL 2 RL subset, ADR 0015)"
TYPED_SOURCES = frozenset({"ontology", "casereport", "faers", "mesh", "mesh-links"})
"""Sources whose loaders type every node they write: domain and range add nothing there."""

_TYPE = RDF["type"]
FEW = 20_000
"""Up to this many entailed instances of a class, the stated ones are looked up one by one."""
BATCH = 500

_AXIOMS = f"""
SELECT ?s ?p ?o WHERE {{
  VALUES ?p {{ {" ".join(str(p) for p in AXIOM_PREDICATES)} }}
  GRAPH {ONTOLOGY_GRAPH} {{ ?s ?p ?o }}
  FILTER(isIRI(?s) && isIRI(?o))
}}"""

# One query per class or property, with the term and (for premises) the graph named, so
# that each is one index range: a VALUES block of terms was joined after scanning the graph
# (27 s instead of ~4 s on a 50,000-report quarter, benchmarks/inference.py).
_INSTANCES = "SELECT ?s WHERE {{ GRAPH {graph} {{ ?s {rdf_type} {cls} }} }}"
_EDGES = "SELECT ?s ?o WHERE {{ GRAPH {graph} {{ ?s {prop} ?o }} }}"
_NOT_INPUT = "FILTER(?g NOT IN ({meta}, {inferred}))"


@dataclass(frozen=True)
class Refresh:
    """What one refresh did: the graph's size now, rule heads per kind, and seconds taken."""

    graph: NamedNode
    triples: int
    by_rule: tuple[tuple[str, int], ...]
    seconds: float

    def describe(self) -> str:
        """One line for the command line (no time: the same store prints the same line)."""
        rules = ", ".join(f"{kind} {n:,}" for kind, n in self.by_rule if n)
        return f"{self.graph.value}: {self.triples:,} triples (rule heads: {rules or 'none'})"


def read_rules(store: GraphStore) -> tuple[Ruleset, frozenset[Axiom]]:
    """The ontology graph's axioms closed into rules, and the axioms as stated."""
    axioms = frozenset((row["s"], row["p"], row["o"]) for row in _select(store, _AXIOMS))
    return compile_axioms(axioms), axioms  # isIRI-filtered: named nodes only


class _Heads:
    """Writes rule heads as N-Triples lines and counts them per rule kind."""

    def __init__(self, staged: StagedGraph) -> None:
        self.staged = staged
        self.counts: dict[str, int] = {}
        self.classes: set[NamedNode] = set()
        self.properties: set[NamedNode] = set()
        self.few: dict[NamedNode, set[str] | None] = {}
        """class → its typed subjects while there are at most :data:`FEW` (else ``None``)."""

    def _typed(self, classes: Iterable[NamedNode], subjects: Sequence[str]) -> None:
        blank = any(s.startswith("_:") for s in subjects)  # no blank node in a VALUES block
        for cls in classes:
            self.classes.add(cls)
            kept = self.few.setdefault(cls, set())
            if kept is not None:
                kept.update(subjects)
                if blank or len(kept) > FEW:
                    self.few[cls] = None  # scan the stated instances instead

    def types_of_all(
        self, kind: str, subjects: Iterable[object], classes: Iterable[NamedNode]
    ) -> None:
        """Type each subject with every class (one string per line, no per-row list)."""
        tails = [f" {_TYPE} {c} .\n" for c in sorted(classes, key=lambda c: c.value)]
        texts: list[str] = []
        written = 0

        def lines() -> Iterator[str]:
            nonlocal written
            for subject in subjects:
                text = str(subject)
                written += 1
                if written <= FEW + 1:
                    texts.append(text)
                for tail in tails:
                    yield text + tail

        self.staged.write_lines(lines())
        if written:
            self._typed(classes, texts)
            self.counts[kind] = self.counts.get(kind, 0) + written * len(tails)

    def types(self, kind: str, subject: object, classes: Iterable[NamedNode]) -> None:
        if not classes:
            return
        lines = [f"{subject} {_TYPE} {c} .\n" for c in classes]
        self._typed(classes, (str(subject),))
        self.staged.write_lines(lines)
        self.counts[kind] = self.counts.get(kind, 0) + len(lines)

    def edge(self, kind: str, subject: object, predicate: NamedNode, obj: object) -> None:
        self.properties.add(predicate)
        self.staged.write_lines((f"{subject} {predicate} {obj} .\n",))
        self.counts[kind] = self.counts.get(kind, 0) + 1


def apply_rules(
    store: GraphStore, graph: NamedNode, rules: Ruleset, heads: _Heads, *, typing: bool
) -> None:
    """Write the heads of every rule whose premise is in ``graph`` (domain/range if ``typing``)."""
    for cls, supers in sorted(rules.superclasses.items(), key=lambda kv: kv[0].value):
        text = _INSTANCES.format(graph=graph, rdf_type=_TYPE, cls=cls)
        heads.types_of_all("class hierarchy", (row["s"] for row in _select(store, text)), supers)
    properties = set(rules.edges)
    if typing:
        properties |= set(rules.subject_types) | set(rules.object_types)
    for p in sorted(properties, key=lambda t: t.value):
        edges = sorted(rules.edges.get(p, ()), key=lambda e: e[0].value)
        of_subject = rules.subject_types.get(p, frozenset()) if typing else frozenset()
        of_object = rules.object_types.get(p, frozenset()) if typing else frozenset()
        for row in _select(store, _EDGES.format(graph=graph, prop=p)):
            s, o = row["s"], row["o"]
            for q, inverted in edges:
                if not inverted:
                    heads.edge("property hierarchy", s, q, o)
                elif not isinstance(o, Literal):
                    heads.edge("inverse properties", o, q, s)
            heads.types("domains", s, of_subject)
            if not isinstance(o, Literal):
                heads.types("ranges", o, of_object)


def refresh(
    store: GraphStore,
    *,
    type_all: bool = False,
    progress: Progress = no_progress,
) -> Refresh | None:
    """Recompute the inferred graph from the ontology and every other graph and swap it in.

    :param type_all: apply domain and range typing to every graph, not only to graphs from
        sources outside :data:`TYPED_SOURCES`.
    :return: what was done, or ``None`` when the store holds no ontology graph and no inferred
        graph (a store of other RDF: nothing to infer, no graph made).
    :raises StoreError: if the store cannot be read or written; the old graph then stays.
    """
    started = time.perf_counter()
    graphs = {g.graph for g in store.graphs()}
    if ONTOLOGY_GRAPH not in graphs and INFERRED_GRAPH not in graphs:
        return None
    rules, stated_axioms = read_rules(store)
    inputs = [g for g in store.graphs() if g.graph not in (META_GRAPH, INFERRED_GRAPH)]
    with StagedGraph(getattr(store, "staging", None)) as heads_file:
        heads = _Heads(heads_file)
        schema = [
            t for t in rules.schema if (t.subject, t.predicate, t.object) not in stated_axioms
        ]
        heads_file.extend(schema)
        heads.counts["schema"] = len(schema)
        for done, graph in enumerate(inputs):
            progress("inferring: graphs read", done, len(inputs))
            typing = type_all or graph.source not in TYPED_SOURCES
            apply_rules(store, graph.graph, rules, heads, typing=typing)
        candidates = heads_file.finish()
        with StagedGraph(candidates.parent) as stated:
            _write_stated(store, heads, stated)
            result = candidates.with_name("inferred.nt")
            only_in_first(candidates, stated.finish(), result)
        provenance = Provenance(
            source="inferred",
            files=(),
            checksum=file_checksum([result]),
            loader=LOADER,
            title=TITLE,
            derived_from=tuple(g.graph for g in inputs),
        )
        # not kg.staging.replace_staged: its checks are for a loader's output (an empty graph
        # is legitimate here, and the staged-graph shapes describe asserted nodes, not types)
        # no optimize(): a full compaction of the whole store, which grows with it (9 s of a
        # 50,000-report store's 20 s refresh); FAERS loads do not compact either (ADR 0010)
        triples = store.replace_graph(
            INFERRED_GRAPH, result, provenance, optimize=False, incremental=True
        )
    by_rule = tuple(sorted(heads.counts.items()))
    return Refresh(INFERRED_GRAPH, triples, by_rule, time.perf_counter() - started)


def _write_stated(store: GraphStore, heads: _Heads, stated: StagedGraph) -> None:
    """Stage the triples any input graph states of the classes and properties entailed."""
    outside = _NOT_INPUT.format(meta=META_GRAPH, inferred=INFERRED_GRAPH)
    for cls in sorted(heads.classes, key=lambda t: t.value):
        pattern = _INSTANCES.format(graph="?g", rdf_type=_TYPE, cls=cls)[:-1] + outside + " }"
        few = heads.few.get(cls)
        if few is None:  # many entailed: one scan of the stated instances
            texts = [pattern]
        else:  # few entailed: look each up (a class may have millions stated, few entailed)
            subjects = sorted(few)
            texts = [
                pattern.replace("WHERE { ", "WHERE { VALUES ?s { " + " ".join(part) + " } ", 1)
                for part in (subjects[i : i + BATCH] for i in range(0, len(subjects), BATCH))
            ]
        for text in texts:
            stated.write_lines(f"{r['s']} {_TYPE} {cls} .\n" for r in _select(store, text))
    for prop in sorted(heads.properties, key=lambda t: t.value):
        text = _EDGES.format(graph="?g", prop=prop)[:-1] + outside + " }"
        stated.write_lines(f"{r['s']} {prop} {r['o']} .\n" for r in _select(store, text))


def only_in_first(first: Path, second: Path, out: Path) -> None:
    """Write the lines of ``first`` not in ``second`` (both sorted bytewise, unique) to ``out``."""
    comm = shutil.which("comm")
    if comm is None:  # pragma: no cover - every supported system has comm
        others = set(second.read_bytes().splitlines(keepends=True))
        lines = first.read_bytes().splitlines(keepends=True)
        out.write_bytes(b"".join(line for line in lines if line not in others))
        return
    env = {**os.environ, "LC_ALL": "C"}
    with out.open("wb") as sink:
        subprocess.run(  # noqa: S603 - fixed argv
            [comm, "-23", str(first), str(second)], stdout=sink, env=env, check=True
        )


def _select(store: GraphStore, text: str) -> QuerySolutions:
    result = store.query(text)
    if not isinstance(result, QuerySolutions):
        raise StoreError(f"the store answered a SELECT with {type(result).__name__}")
    return result
