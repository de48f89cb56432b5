"""The store interface every pvkg backend implements, and how to open one.

A pvkg store is an RDF dataset of named graphs, one per source and release
(``docs/decisions/0002-graph-layout.md``). The interface is small on purpose so that an
existing SPARQL 1.1 server can stand behind it as well as the embedded pyoxigraph store:

* :meth:`GraphStore.query` runs SPARQL with variables bound to typed terms (never spliced text);
* :meth:`GraphStore.replace_graph` swaps one named graph for the content of a staged
  N-Triples file, atomically as seen by any later reader, and records its provenance;
* :meth:`GraphStore.graphs`, :meth:`GraphStore.export` and :meth:`GraphStore.dataset_version`
  describe and dump what is there.

The default graph of a query is the union of all named graphs unless the caller says otherwise
(the SPARQL endpoint leaves the meta graph, provenance queried by name, out of it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, runtime_checkable

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Triple,
)

Term = NamedNode | BlankNode | Literal
"""An RDF term a query variable can be bound to."""

QueryResult = QuerySolutions | QueryBoolean | QueryTriples | Iterator[Triple]
"""What a query returns: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""


@dataclass(frozen=True)
class Provenance:
    """Where a graph's content came from; stored in the meta graph with PROV-O and VoID terms.

    :param source: short source name (``casereport``, ``faers``, ``mesh``, ``ontology``).
    :param files: the input files read, as given by the user.
    :param checksum: ``sha256:<hex>`` over the inputs (or the staged file for derived graphs).
    :param loader: loader name and version, e.g. ``loaders.faers 0.1.0``.
    :param title: human title of the graph.
    :param derived_from: graphs this one was computed from (statistics, closures).
    """

    source: str
    files: tuple[str, ...]
    checksum: str
    loader: str
    title: str
    derived_from: tuple[NamedNode, ...] = ()


@dataclass(frozen=True)
class LoadSummary:
    """What one load did, for the command line and tests.

    :param graph: the graph replaced.
    :param triples: triples in it now.
    :param records: source records read (reports, entries, lines).
    :param rejects: records that could not be read (kept out of the graph, listed in the file).
    :param rejects_file: where the rejected records are described, one per line.
    :param notes: other facts worth printing (``"933 reports, 920 cases"``).
    """

    graph: NamedNode
    triples: int
    records: int = 0
    rejects: int = 0
    rejects_file: Path | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class GraphInfo:
    """One named graph as recorded in the meta graph (counts are exact, taken at load time)."""

    graph: NamedNode
    triples: int
    source: str
    title: str
    checksum: str
    loader: str
    loaded_at: str
    files: tuple[str, ...]


@runtime_checkable
class GraphStore(Protocol):
    """What pvkg needs from a quad store. Implementations: embedded (default) and remote."""

    location: str
    read_only: bool

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graphs: Sequence[NamedNode] | None = None,
        named_graphs: Sequence[NamedNode] | None = None,
        timeout: float | None = None,
        base_iri: str | None = None,
        include_meta: bool = True,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query.

        :param sparql: the query text.
        :param bindings: variable name (without ``?``) → term, bound before evaluation.
        :param default_graphs: graphs that form the default graph; ``None`` means the union
            of all named graphs (unless the query has ``FROM`` / ``FROM NAMED``).
        :param named_graphs: graphs visible to ``GRAPH``; ``None`` means all.
        :param timeout: seconds, forwarded to engines that support one.
        :param base_iri: the IRI relative IRIs in the query resolve against (``None``: a
            relative IRI is an error unless the query declares ``BASE``).
        :param include_meta: whether that union holds the meta graph. ``False`` is what a
            client of the endpoint expects (a ``COUNT(*)`` without provenance triples; ``GRAPH``
            still sees the meta graph), but the embedded store then lists the graphs one by one,
            3-7x slower on heavy queries (``docs/server.md``); pvkg's own saved queries and
            loaders match no provenance triple and keep the engine's union.
        :return: solutions, a boolean or triples.
        :raises QueryError: if the query does not parse or is refused.
        :raises StoreError: if the store cannot answer.
        """
        ...

    def replace_graph(
        self,
        graph: NamedNode,
        ntriples: Path,
        provenance: Provenance,
        *,
        optimize: bool = True,
        incremental: bool = False,
    ) -> int:
        """Make ``graph`` hold exactly the triples of the staged N-Triples file.

        The file must be complete and valid before the call (loaders validate their input
        first), one triple per line without duplicates, as :meth:`kg.staging.StagedGraph.finish`
        writes it. Readers see either the old or the new graph, never a mix. ``incremental``
        asks a backend that can to change only what differs from the last load of the graph
        (the embedded store, :mod:`kg.kept`); others replace the whole graph.

        :return: the number of triples in the new graph.
        :raises StoreError: if the store cannot be written.
        """
        ...

    def drop_graph(self, graph: NamedNode) -> None:
        """Remove a graph and its provenance; no error if it is absent."""
        ...

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL 1.1 Update (used by derived-graph steps and the token-guarded write API);
        relative IRIs resolve against ``base_iri``.

        :raises QueryError: if the update does not parse.
        :raises StoreError: if the store is read-only or cannot be written.
        """
        ...

    def optimize(self) -> None:
        """Let the engine compact or re-index after loads (a no-op where there is nothing to do)."""
        ...

    def graphs(self) -> list[GraphInfo]:
        """The named graphs with their provenance, sorted by IRI."""
        ...

    def export(self, out: IO[bytes], *, graphs: Sequence[NamedNode] | None = None) -> int:
        """Write N-Quads of the given graphs (default: all), sorted; return the quad count."""
        ...

    def dataset_version(self) -> str:
        """A short hash that changes whenever any graph changes (for ETags and caches)."""
        ...

    def close(self) -> None:
        """Release the store (flush, unlock)."""
        ...


@runtime_checkable
class PatchableStore(Protocol):
    """A store that can change a graph by a known difference (the embedded store)."""

    def patch_graph(
        self, graph: NamedNode, removed: Path, added: Path, provenance: Provenance, *, triples: int
    ) -> int:
        """Remove the triples of ``removed`` from ``graph`` and add those of ``added`` (staged
        N-Triples files), as one recoverable replacement, and record ``provenance`` and
        ``triples`` for the graph.

        The caller knows the difference from what the graph holds (its own record of the last
        content, tied to the store's record of the graph); ``triples`` is the count after it.

        :return: ``triples``.
        :raises StoreError: if the store cannot be written.
        """
        ...
