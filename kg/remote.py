"""The remote store: pvkg's store interface on an existing SPARQL 1.1 server.

Queries go over the SPARQL 1.1 Protocol and come back as the same pyoxigraph types the embedded
store returns (:func:`pyoxigraph.parse_query_results`, :func:`pyoxigraph.parse`). Loads go over the
Graph Store HTTP Protocol in chunks, or as SPARQL Update ``INSERT DATA`` chunks where the server
has no Graph Store endpoint. Endpoints, credentials and engine quirks come from the store URL
(:mod:`kg.remote_config`); see ``docs/deployment.md``.

**Replacing a graph** (``docs/decisions/0007-remote-store.md``), ``switch=move`` (the default):
the staged file is uploaded into
a staging graph ``urn:pvkg:staging:<key of the graph>`` (one per target graph, emptied first),
counted, and then switched in with *one* update request that drops the old graph, moves the
staging graph onto it and replaces its provenance (:mod:`kg.provenance`). Until that request
commits, the old graph and its provenance answer as before; a load that fails or is killed leaves
at most a staging graph behind, which the next load of the same graph empties.
With ``switch=put`` (Oxigraph's profile) the whole file goes in one Graph Store ``PUT`` that the
engine runs as one transaction, and the provenance follows in a second request.

**The dataset**: the default graph of a query is the union of the graphs pvkg has recorded in its
meta graph, plus the meta graph unless the caller leaves it out (``include_meta=False``, as the
SPARQL endpoint does); ``GRAPH`` sees the same graphs and the meta graph. pvkg names them explicitly
(``default-graph-uri``/``named-graph-uri``), because engines differ in what a query without a
dataset sees (Virtuoso includes its own system graphs) and staging graphs must stay invisible.
A query with its own ``FROM``/``FROM NAMED`` keeps them.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

from pyoxigraph import (
    NamedNode,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
    serialize,
)
from pyoxigraph import Quad as OxQuad

from kg.binding import bind_values, declares_dataset, query_form
from kg.errors import QueryError, StoreError
from kg.iris import META_GRAPH
from kg.namespaces import VOID
from kg.provenance import (
    GRAPHS_QUERY,
    drop_provenance_update,
    graph_infos,
    now_literal,
    provenance_triples,
    replace_provenance_update,
)
from kg.remote_config import RemoteConfig
from kg.sparql_protocol import ProtocolClient, copy_body
from kg.staging import sort_lines
from kg.store import GraphInfo, Provenance, QueryResult, Term

STAGING_PREFIX = "urn:pvkg:staging:"
"""Graphs being loaded are named ``urn:pvkg:staging:<16 hex digits>``; they are never queried."""

_INSERT_CHUNK_LINES = 5000
"""Triples per ``INSERT DATA`` request when loading without a Graph Store endpoint."""

_RESULT_FORMATS = {
    "json": ("application/sparql-results+json", QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", QueryResultsFormat.XML),
}
_EMPTY_GRAPH = "urn:pvkg:empty"
"""Named in the protocol when a caller asks for no graphs (the protocol cannot say 'none')."""
_RECORDED_GRAPHS = f"SELECT ?g WHERE {{ GRAPH {META_GRAPH} {{ ?g a {VOID['Dataset']} }} }}"


def with_base(text: str, base_iri: str | None) -> str:
    """``text`` with a ``BASE`` declaration in front (on its first line, so that line numbers
    in the engine's messages stay right); unchanged without ``base_iri``.

    >>> with_base("SELECT * WHERE { <s> ?p ?o }", "http://x.org/sparql")
    'BASE <http://x.org/sparql> SELECT * WHERE { <s> ?p ?o }'
    """
    if base_iri is None:
        return text
    return f"BASE {NamedNode(base_iri)} {text}"


def staging_graph(graph: NamedNode) -> NamedNode:
    """The staging graph a replacement of ``graph`` is loaded into.

    >>> staging_graph(NamedNode("https://w3id.org/pvkg/graph/mesh")).value
    'urn:pvkg:staging:8806e8f6e3de395f'
    """
    return NamedNode(STAGING_PREFIX + hashlib.sha256(graph.value.encode()).hexdigest()[:16])


class RemoteStore:
    """A pvkg store on a SPARQL 1.1 server; see the module docstring.

    :param config: endpoints, credentials and engine quirks.
    :param read_only: refuse writes.
    """

    def __init__(self, config: RemoteConfig, *, read_only: bool = False) -> None:
        self.config = config
        self.location = config.location or config.display_url
        self.read_only = read_only
        self._client = ProtocolClient(config)

    @classmethod
    def from_url(cls, url: str, *, read_only: bool = False) -> RemoteStore:
        """Open the store behind a SPARQL endpoint URL (nothing is sent until it is used).

        :param url: the query endpoint with optional options; see :mod:`kg.remote_config`.
        :param read_only: refuse writes.
        :raises StoreError: if the URL or an option is malformed.
        """
        return cls(RemoteConfig.from_url(url), read_only=read_only)

    # --- reading ---------------------------------------------------------------------------

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
        """Run a SPARQL query on the engine; see :meth:`kg.store.GraphStore.query`.

        The protocol has no base IRI parameter: ``base_iri`` goes first as a ``BASE``
        declaration (a ``BASE`` of the query's own comes later and wins).

        :raises QueryError: if the query is not a query or the engine rejects it.
        :raises QueryTimeoutError: if ``timeout`` passes.
        :raises EngineError: if the engine cannot be reached or fails (a StoreError).
        """
        text = with_base(bind_values(sparql, bindings or {}), base_iri)
        form = query_form(text)
        if form is None:
            raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
        default, named = self._dataset(text, default_graphs, named_graphs, timeout, include_meta)
        return self._run(text, form, default, named, timeout)

    def graphs(self) -> list[GraphInfo]:
        """The recorded named graphs with their provenance, sorted by IRI."""
        return graph_infos(self._select(GRAPHS_QUERY))

    def dataset_version(self) -> str:
        """A 16-hex-digit hash of every graph's checksum and load time (as the embedded store)."""
        digest = hashlib.sha256()
        for info in self.graphs():
            digest.update(f"{info.graph.value} {info.checksum} {info.loaded_at}\n".encode())
        return digest.hexdigest()[:16]

    def export(self, out: IO[bytes], *, graphs: Sequence[NamedNode] | None = None) -> int:
        """Write sorted, duplicate-free N-Quads of ``graphs`` (default: every recorded graph and
        the meta graph); return the number of quads.

        :raises EngineError: if the engine cannot be reached or fails (a StoreError).
        """
        chosen = sorted(graphs or self._recorded_graphs(), key=lambda g: g.value)
        with tempfile.TemporaryDirectory(prefix="pvkg-export-") as tmp:
            raw = Path(tmp) / "raw.nq"
            with raw.open("wb") as sink:
                for graph in chosen:
                    triples = Path(tmp) / "graph.nt"
                    with triples.open("wb") as part:
                        self._download(graph, part)
                    quads = (
                        OxQuad(q.subject, q.predicate, q.object, graph)
                        for q in parse(path=triples, format=RdfFormat.N_TRIPLES)
                    )
                    serialize(quads, sink, format=RdfFormat.N_QUADS)
            return sort_lines(raw, out)

    # --- writing ---------------------------------------------------------------------------

    def replace_graph(
        self,
        graph: NamedNode,
        ntriples: Path,
        provenance: Provenance,
        *,
        optimize: bool = True,
        incremental: bool = False,
    ) -> int:
        """Replace ``graph`` with the staged N-Triples file: load into a staging graph, then
        switch in one update (see the module docstring). ``optimize`` and ``incremental`` have no
        effect here.

        :return: the number of triples in the new graph, as counted by the engine.
        :raises StoreError: if the store is read-only or the engine cannot be written; the old
            graph then still answers.
        """
        self._require_writable()
        self._client.ping()  # uploads wait long for a busy engine: check it is there first
        if self.config.switch == "put":
            self._put(graph, ntriples)
            count = self._count(graph)
            meta = provenance_triples(graph, provenance, count, now_literal())
            self._client.update(replace_provenance_update(graph, meta))
            return count
        staging = staging_graph(graph)
        self._client.update(f"DROP SILENT GRAPH {staging}")
        self._upload(staging, ntriples)
        count = self._count(staging)
        meta = provenance_triples(graph, provenance, count, now_literal())
        self._client.update(
            f"DROP SILENT GRAPH {graph};\n"
            f"MOVE SILENT GRAPH {staging} TO GRAPH {graph};\n"
            + replace_provenance_update(graph, meta)
        )
        return count

    def drop_graph(self, graph: NamedNode) -> None:
        """Remove ``graph`` and its provenance in one update; no error if it is absent."""
        self._require_writable()
        self._client.update(f"DROP SILENT GRAPH {graph};\n" + drop_provenance_update(graph))

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL 1.1 Update on the engine (``base_iri`` as in :meth:`query`).

        :raises QueryError: if the engine rejects it.
        :raises StoreError: if the store is read-only or the engine cannot be written.
        """
        self._require_writable()
        self._client.update(with_base(sparql, base_iri))

    def optimize(self) -> None:
        """Nothing to do: remote engines index as they load."""

    def close(self) -> None:
        """Close this thread's HTTP connections."""
        self._client.close()

    # --- internals -------------------------------------------------------------------------

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"store {self.location} is open read-only")

    def _dataset(
        self,
        text: str,
        default_graphs: Sequence[NamedNode] | None,
        named_graphs: Sequence[NamedNode] | None,
        timeout: float | None,
        include_meta: bool = True,
    ) -> tuple[list[str], list[str]]:
        """``default-graph-uri`` and ``named-graph-uri`` values for a query."""
        if default_graphs is None and named_graphs is None and declares_dataset(text):
            return [], []
        recorded: list[str] | None = None
        if default_graphs is None or named_graphs is None:
            recorded = [g.value for g in self._recorded_graphs(timeout)]
        union = [g for g in recorded or [] if include_meta or g != META_GRAPH.value]
        default = union if default_graphs is None else [g.value for g in default_graphs]
        named = recorded if named_graphs is None else [g.value for g in named_graphs]
        return list(default or [_EMPTY_GRAPH]), list(named or [_EMPTY_GRAPH])

    def _recorded_graphs(self, timeout: float | None = None) -> list[NamedNode]:
        """The graphs recorded in the meta graph, and the meta graph itself."""
        rows = self._select(_RECORDED_GRAPHS, timeout)
        found = {NamedNode(row["g"].value) for row in rows}
        found.add(META_GRAPH)
        return sorted(found, key=lambda g: g.value)

    def _run(
        self,
        text: str,
        form: str,
        default: list[str],
        named: list[str],
        timeout: float | None,
    ) -> QueryResult:
        media, results_format = _RESULT_FORMATS[self.config.results]
        accept = "application/n-triples" if form in ("CONSTRUCT", "DESCRIBE") else media
        response = self._client.query(
            text, accept=accept, default_graphs=default, named_graphs=named, timeout=timeout
        )
        body = response.content
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            if form in ("CONSTRUCT", "DESCRIBE"):
                return _triples(body, kind)
            return parse_query_results(body, format=_results_format(kind, results_format))
        except SyntaxError as error:
            raise StoreError(
                f"{self.location} answered with unreadable {kind or 'results'}: {error}"
            ) from None

    def _select(self, text: str, timeout: float | None = None) -> QuerySolutions:
        """Run an internal SELECT over the whole store (no dataset restriction)."""
        result = self._run(text, "SELECT", [], [], timeout)
        if not isinstance(result, QuerySolutions):
            raise StoreError(f"{self.location} answered a SELECT query without solutions")
        return result

    def _count(self, graph: NamedNode) -> int:
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        for row in rows:
            return int(row["n"].value)
        return 0

    def _upload(self, staging: NamedNode, ntriples: Path) -> None:
        """Send the staged file in chunks of whole lines into ``staging``."""
        try:
            source = ntriples.open("rb")
        except OSError as error:
            raise StoreError(f"cannot read staged graph {ntriples}: {error}") from None
        with source:
            if self.config.gsp_url is not None:
                for chunk in _chunks(source, self.config.chunk_bytes, None):
                    self._client.graph_post(staging.value, chunk)
            else:
                limit = min(self.config.chunk_bytes, 1 << 20)
                for chunk in _chunks(source, limit, _INSERT_CHUNK_LINES):
                    body = chunk.decode("utf-8")
                    self._client.update(f"INSERT DATA {{ GRAPH {staging} {{\n{body}}} }}")

    def _put(self, graph: NamedNode, ntriples: Path) -> None:
        """Replace ``graph`` with the whole staged file in one Graph Store ``PUT``."""
        try:
            source = ntriples.open("rb")
        except OSError as error:
            raise StoreError(f"cannot read staged graph {ntriples}: {error}") from None
        with source:
            self._client.graph_put(graph.value, source)

    def _download(self, graph: NamedNode, sink: IO[bytes]) -> None:
        """Write the N-Triples of ``graph`` to ``sink`` (Graph Store GET, else CONSTRUCT)."""
        if self.config.gsp_url is not None:
            self._client.graph_get(graph.value, sink)
            return
        response = self._client.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}",
            accept="application/n-triples",
        )
        copy_body(response, sink, self.location)


def _results_format(kind: str, fallback: QueryResultsFormat) -> QueryResultsFormat:
    if kind.endswith("json"):
        return QueryResultsFormat.JSON
    if kind.endswith("xml"):
        return QueryResultsFormat.XML
    if kind == "text/tab-separated-values":
        return QueryResultsFormat.TSV
    return fallback


def _triples(body: bytes, kind: str) -> Iterator[Triple]:
    """Parse a CONSTRUCT/DESCRIBE answer (N-Triples unless the engine says otherwise)."""
    rdf_format = RdfFormat.from_media_type(kind) if kind else None
    quads = list(parse(body, format=rdf_format or RdfFormat.N_TRIPLES))
    return iter([q.triple for q in quads])


def _chunks(source: IO[bytes], limit: int, max_lines: int | None) -> Iterator[bytes]:
    """Whole lines of ``source`` in pieces of about ``limit`` bytes (and ``max_lines`` lines)."""
    lines: list[bytes] = []
    size = 0
    for line in source:
        lines.append(line if line.endswith(b"\n") else line + b"\n")
        size += len(line)
        if size >= limit or (max_lines is not None and len(lines) >= max_lines):
            yield b"".join(lines)
            lines, size = [], 0
    if lines:
        yield b"".join(lines)
