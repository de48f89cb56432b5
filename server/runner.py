"""What a query process does: open the store once, then run the jobs it is sent.

pyoxigraph cannot interrupt a running query, so queries run in child processes the web process
can kill (:mod:`server.pool`). Each child opens the store (read-only by default) and the
catalogue once and then answers jobs (:mod:`server.jobs`) sent over a pipe: it runs the query,
serialises the answer (:mod:`server.results`) and sends back the bytes, large answers in pieces.
It answers only once the whole result is written, so the web process's deadline covers
evaluation and serialisation, and the row cap bounds the size of the answer.

Errors a user caused (:class:`kg.errors.PvkgError`) are sent back by class name; anything else
is a bug, logged here with its traceback and reported as one line.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import logging
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, cast

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions

from kg.binding import bind_values
from kg.catalogue import Catalogue, SavedQuery
from kg.errors import PvkgError, QueryError
from kg.location import open_store
from kg.params import resolve_parameters
from kg.store import GraphStore, QueryResult, Term
from server import describe, labels, search, updates, uploads
from server.cells import term_json
from server.jobs import (
    Answer,
    DumpJob,
    EntityJob,
    GraphDropJob,
    GraphJob,
    GraphWriteJob,
    Job,
    LabelsJob,
    SavedJob,
    SearchJob,
    SparqlJob,
    UpdateJob,
)
from server.lifeline import exit_with
from server.results import (
    GRAPH_FORMATS,
    Page,
    Written,
    write_boolean,
    write_solutions,
    write_triples,
)

log = logging.getLogger(__name__)

_RESOLVED_ENTRIES = 4096

_NAMED_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
_DEFAULT_GRAPH = "CONSTRUCT WHERE { ?s ?p ?o }"


@dataclass(frozen=True)
class _Bound:
    """A saved query's resolved parameters and its text with them bound (``VALUES``)."""

    bindings: dict[str, Term]
    text: str


class _Runner:
    """The state of one query process: its store, the catalogue and a cache of parameters."""

    def __init__(
        self, location: str, read_only: bool, catalogue_dir: str | None, timeout: float | None
    ) -> None:
        self.store: GraphStore = open_store(location, read_only=read_only)
        self.timeout = timeout
        self.read_only = read_only
        self.catalogue_dir = catalogue_dir
        self._epoch = time.time_ns()
        self._writes = 0
        self._catalogue: Catalogue | None = None
        self._resolved: OrderedDict[tuple[str, tuple[tuple[str, str], ...]], _Bound]
        self._resolved = OrderedDict()
        self._search: tuple[int, list[search.Entry]] | None = None

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            self._catalogue = Catalogue(Path(self.catalogue_dir) if self.catalogue_dir else None)
        return self._catalogue

    def run(self, job: Job) -> Written | dict[str, Any]:
        if isinstance(job, SparqlJob):
            return self._sparql(job)
        if isinstance(job, SavedJob):
            return self._saved(job)
        if isinstance(job, EntityJob):
            return self._entity(job)
        if isinstance(job, SearchJob):
            return {"results": search.search(self._index(), job.text, job.kind, job.limit)}
        if isinstance(job, LabelsJob):
            return {"labels": labels.lookup(self.store, job.iris, self.timeout)}
        if isinstance(job, GraphJob):
            return self._graph(job)
        if isinstance(job, DumpJob):
            return {"quads": self._dump(job)}
        if isinstance(job, UpdateJob | GraphWriteJob | GraphDropJob):
            done = self._change(job)
            self._writes += 1
            self._resolved.clear()
            return {**done, **self._info()}
        return self._info()

    def _change(self, job: UpdateJob | GraphWriteJob | GraphDropJob) -> dict[str, Any]:
        if isinstance(job, UpdateJob):
            self.store.update(updates.with_refresh(self.store, job.text), base_iri=job.base_iri)
            return {}
        graph = _node(job.graph)
        if isinstance(job, GraphDropJob):
            return uploads.drop(self.store, graph)
        parts = [(Path(body), fmt) for body, fmt in job.parts]
        return uploads.put(self.store, graph, parts, merge=job.merge)

    def _graph(self, job: GraphJob) -> Written:
        if job.graph is None:
            graph = None

            def run() -> QueryResult:
                return self.store.query(_DEFAULT_GRAPH, timeout=self.timeout)
        else:
            graph = _node(job.graph)

            def run() -> QueryResult:
                return self.store.query(_NAMED_GRAPH, bindings={"g": graph}, timeout=self.timeout)

        return _write(run, job.fmt, Page(limit=job.max_rows), {}, graph)

    def _dump(self, job: DumpJob) -> int:
        target = Path(job.target)
        partial = target.with_name(target.name + ".part")
        quads = 0
        with (
            partial.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as out,
        ):
            if job.graphs:  # export() reads "no graphs" as all of them
                quads = self.store.export(cast(IO[bytes], out), graphs=_nodes(job.graphs))
        partial.replace(target)
        return quads

    def _index(self) -> list[search.Entry]:
        """The search index, built on first use and again after a write."""
        if self._search is None or self._search[0] != self._writes:
            result = self.store.query(search.INDEX_QUERY, timeout=self.timeout)
            if not isinstance(result, QuerySolutions):
                raise TypeError("a SELECT query must yield solutions")
            rows = (
                {
                    "e": row["e"].value,
                    "kind": row["kind"].value,
                    "name": row["name"].value,
                    "label": row["label"].value == "true",
                    "mesh": row["mesh"].value if row["mesh"] is not None else None,
                }
                for row in result
            )
            self._search = (self._writes, search.build(rows))
        return self._search[1]

    def _info(self) -> dict[str, Any]:
        graphs = [
            {"graph": g.graph.value, "triples": g.triples, "title": g.title, "source": g.source}
            for g in self.store.graphs()
        ]
        return {"dataset_version": self._version(), "graphs": graphs}

    def _version(self) -> str:
        """The store's dataset version; in write mode also marked by this process's writes.

        A SPARQL Update changes the store's version only through the recorded graphs it
        refreshes (:mod:`server.updates`), not when it writes the default graph or an unrecorded
        one, so a writable process adds its start time and write count: ETags change with every
        write (and with every restart in write mode, which costs cache hits, never correctness).
        """
        version = self.store.dataset_version()
        if self.read_only:
            return version
        mark = hashlib.sha256(f"{self._epoch} {self._writes}".encode()).hexdigest()[:8]
        return f"{version}-{mark}"

    def _sparql(self, job: SparqlJob) -> Written:
        def run() -> QueryResult:
            return self.store.query(
                job.text,
                default_graphs=_nodes(job.default_graphs),
                named_graphs=_nodes(job.named_graphs),
                timeout=self.timeout,
                base_iri=job.base_iri,
                include_meta=job.include_meta,
            )

        return _write(run, job.fmt, Page(limit=job.max_rows, columns=job.columns), {})

    def _entity(self, job: EntityJob) -> Written | dict[str, Any]:
        try:
            bindings: dict[str, Term] = {"e": NamedNode(job.iri)}
        except ValueError as error:
            raise QueryError(f"not an IRI: {error}") from None
        if job.fmt != "page":

            def run() -> QueryResult:
                return self.store.query(describe.GRAPH, bindings=bindings, timeout=self.timeout)

            return _write(run, job.fmt, Page(limit=job.max_rows), {})
        found = {
            name: _rows(
                self.store.query(text, bindings=bindings, timeout=self.timeout), job.max_rows + 1
            )
            for name, text in (
                ("out", describe.OUT),
                ("in", describe.IN),
                ("evidence", describe.EVIDENCE),
            )
        }
        more = [name for name, rows in found.items() if len(rows) > job.max_rows]
        return {**{name: rows[: job.max_rows] for name, rows in found.items()}, "more": more}

    def _saved(self, job: SavedJob) -> Written:
        query = self.catalogue.get(job.name)
        bound = self._bind(query, job.params)
        bindings = bound.bindings
        given = dict(job.params)
        meta = {
            "query": query.name,
            "parameters": {p.name: given.get(p.name, p.default) for p in query.params},
            "bound": {name: str(term) for name, term in sorted(bindings.items())},
            "dataset_version": job.dataset_version,
            "limit": job.limit,
            "offset": job.offset,
        }
        page = Page(limit=job.limit, offset=job.offset)

        def run() -> QueryResult:
            return self.store.query(bound.text, timeout=self.timeout)

        return _write(run, job.fmt, page, meta)

    def _bind(self, query: SavedQuery, params: tuple[tuple[str, str], ...]) -> _Bound:
        """Resolve the parameters and bind them into the text (cached: the store is fixed)."""
        key = (query.name, params)
        found = self._resolved.get(key)
        if found is None:
            bindings = resolve_parameters(self.store, query, dict(params))
            found = _Bound(bindings, bind_values(query.sparql, bindings))
            self._resolved[key] = found
            if len(self._resolved) > _RESOLVED_ENTRIES:
                self._resolved.popitem(last=False)
        return found


def _nodes(iris: tuple[str, ...] | None) -> list[NamedNode] | None:
    return None if iris is None else [_node(i) for i in iris]


def _node(iri: str) -> NamedNode:
    try:
        return NamedNode(iri)
    except ValueError as error:
        raise QueryError(f"not a graph IRI: {error}") from None


def _rows(result: Any, limit: int) -> list[dict[str, Any]]:
    """Solutions as dicts of SPARQL JSON terms (for pages rendered by the web process)."""
    if not isinstance(result, QuerySolutions):
        raise TypeError("a SELECT query must yield solutions")
    names = [v.value for v in result.variables]
    return [
        {n: term_json(row[n]) for n in names if row[n] is not None} for row in islice(result, limit)
    ]


def _write(
    run: Callable[[], QueryResult],
    fmt: str,
    page: Page,
    meta: dict[str, Any],
    graph: NamedNode | None = None,
) -> Written:
    """Run a query (``run``) and serialise its answer; ``run`` may be called again (CSV).

    :param graph: the graph a CONSTRUCT's triples are from (named in N-Quads).
    """
    result = run()
    if isinstance(result, QuerySolutions):
        if fmt in GRAPH_FORMATS:
            raise QueryError(f"a SELECT query cannot be written as {fmt}")
        return write_solutions(result, fmt, page, meta, again=lambda: _solutions(run()))
    if isinstance(result, QueryBoolean):
        if fmt in GRAPH_FORMATS:
            raise QueryError(f"an ASK query cannot be written as {fmt}")
        return write_boolean(result, fmt, meta)
    if fmt not in GRAPH_FORMATS:
        raise QueryError(f"a CONSTRUCT or DESCRIBE query cannot be written as {fmt}")
    return write_triples(result, fmt, page, graph)


def _solutions(result: QueryResult) -> QuerySolutions:
    if not isinstance(result, QuerySolutions):
        raise TypeError("a SELECT query answered twice gave no solutions the second time")
    return result


def child_main(
    conn: Connection,
    location: str,
    read_only: bool,
    catalogue_dir: str | None,
    chunk: int,
    timeout: float | None = None,
    owner: int | None = None,
) -> None:
    """Body of a query process: open the store, then answer jobs until the pipe closes.

    ``chunk`` is the largest piece of an answer sent at once (:data:`server.pool.CHUNK`).

    ``timeout`` is forwarded to :meth:`kg.store.GraphStore.query` (a remote store passes it on
    to its server; the embedded store cannot use it, hence this process).

    ``owner`` is the web worker's pid: this process ends when it does, even mid-query.
    """
    if owner is not None:
        exit_with(owner)
    try:
        runner = _Runner(location, read_only, catalogue_dir, timeout)
    except PvkgError as error:
        with contextlib.suppress(OSError):
            conn.send(("error", type(error).__name__, str(error)))
        return
    try:
        conn.send(("ready",))
    except OSError:  # the worker went away while this process started: a shutdown
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        _answer(conn, runner, job, chunk)


def _answer(conn: Connection, runner: _Runner, job: Job, chunk: int) -> None:
    started = time.perf_counter()
    try:
        written = runner.run(job)
    except PvkgError as error:
        conn.send(("error", type(error).__name__, str(error)))
        return
    except Exception:  # noqa: BLE001 - a bug: log it here, report a 500, keep serving
        log.error("query process failed on %r:\n%s", job, traceback.format_exc())
        conn.send(("bug", traceback.format_exc(limit=1).strip().splitlines()[-1]))
        return
    elapsed = (time.perf_counter() - started) * 1000
    if isinstance(written, dict):
        conn.send(("ok", Answer(b"", "application/json", 0, False, elapsed, False, [], written)))
        return
    body = written.body
    more = len(body) > chunk
    answer = Answer(
        body[:chunk] if more else body,
        written.content_type,
        written.rows,
        written.truncated,
        elapsed,
        more,
        written.columns,
        {},
    )
    conn.send(("ok", answer))
    if more:
        view = memoryview(body)  # the pieces are sent without copying
        for start in range(chunk, len(body), chunk):
            conn.send_bytes(view[start : start + chunk])
        conn.send_bytes(b"")
