"""Query execution with deadlines, in a pool of query processes.

pyoxigraph cannot interrupt a running query, so the web process never runs one itself. Each web
worker owns a :class:`QueryPool` of child processes; every child opens the store (read-only by
default) and the catalogue once and then answers jobs sent over a pipe: it runs the query,
serialises the answer (:mod:`server.results`) and sends back the bytes. The web thread waits for
the answer until the deadline; past it, the child is killed, a fresh one is started in its place
and the caller gets :class:`kg.errors.QueryTimeoutError`. Other requests keep being served by the
other children meanwhile.

Large answers travel in chunks of :data:`CHUNK` bytes, so the web process streams them to the
client without holding them whole. The deadline covers evaluation and serialisation (the child
only answers once the whole result is written), and the row cap bounds the size of the answer.

Errors a user caused (:class:`kg.errors.PvkgError`) come back as the same exception class;
anything else is a bug, logged with its traceback in the child and raised here as
:class:`QueryProcessError` (a 500).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import logging
import multiprocessing
import queue
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import IO, Any, cast

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions

import kg.errors
from kg.binding import bind_values
from kg.catalogue import Catalogue, SavedQuery
from kg.errors import PvkgError, QueryError, QueryTimeoutError
from kg.params import resolve_parameters
from kg.store import GraphStore, QueryResult, Term, open_store
from server import updates, uploads
from server.results import (
    GRAPH_FORMATS,
    Page,
    Written,
    term_json,
    write_boolean,
    write_solutions,
    write_triples,
)

log = logging.getLogger(__name__)

CHUNK = 512 * 1024
"""Largest piece of an answer sent over the pipe at once. An answer that fits in one piece gives
its process back to the pool as soon as it is received; a longer one holds the process until the
web thread has passed every piece on to the client."""

_RESOLVED_ENTRIES = 4096


class QueryProcessError(RuntimeError):
    """A query process failed for a reason that is not the user's (a bug, or it died)."""


class BusyError(PvkgError, TimeoutError):
    """Every query process stayed busy until the deadline (HTTP 503)."""


# --- jobs (picklable, sent to the child) -------------------------------------------------------


@dataclass(frozen=True)
class SparqlJob:
    """Run a SPARQL query given by a client.

    :param text: the query (already checked by :mod:`server.policy`).
    :param fmt: a key of :data:`server.results.SOLUTION_FORMATS` or ``GRAPH_FORMATS``; for
        queries whose form does not fit (``json`` for a CONSTRUCT), the caller chose wrongly.
    :param max_rows: rows (or triples) kept at most.
    """

    text: str
    fmt: str
    max_rows: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SavedJob:
    """Run a saved query of the catalogue with text parameters (resolved in the child)."""

    name: str
    params: tuple[tuple[str, str], ...]
    fmt: str
    limit: int
    offset: int = 0
    dataset_version: str = ""


@dataclass(frozen=True)
class EntityJob:
    """Describe one entity: its triples as RDF (``fmt`` a graph format) or, with ``fmt="page"``,
    rows for the HTML page (outgoing and incoming links with labels, evidence).
    """

    iri: str
    fmt: str
    max_rows: int


@dataclass(frozen=True)
class InfoJob:
    """Ask for the dataset version and graph list (for health, ETags, VoID)."""


@dataclass(frozen=True)
class UpdateJob:
    """Run a SPARQL Update (only in write mode, where the child opens the store read-write)."""

    text: str


@dataclass(frozen=True)
class GraphJob:
    """Send one graph of the Graph Store Protocol, at most ``max_rows`` triples.

    :param graph: the graph IRI; ``None`` for the default graph (the union of all graphs).
    :param fmt: a key of :data:`server.results.GRAPH_FORMATS`.
    """

    graph: str | None
    fmt: str
    max_rows: int


@dataclass(frozen=True)
class GraphWriteJob:
    """Replace (``merge``: add to) a named graph with the RDF in the file ``body``.

    Write mode only; see :func:`server.uploads.put`.
    """

    graph: str
    body: str
    fmt: str
    merge: bool


@dataclass(frozen=True)
class GraphDropJob:
    """Remove a named graph and its provenance (write mode only)."""

    graph: str


@dataclass(frozen=True)
class DumpJob:
    """Write the sorted N-Quads of ``graphs``, gzip-compressed, to the file ``target``.

    The file appears whole or not at all (written beside it, then renamed). Gzip headers carry
    no time or name, so the same graphs give the same bytes.
    """

    graphs: tuple[str, ...]
    target: str


@dataclass(frozen=True)
class Answer:
    """What a job produced: the first chunk of the body and facts about it."""

    body: bytes
    content_type: str
    rows: int
    truncated: bool
    elapsed_ms: float
    more: bool
    columns: list[dict[str, str]]
    info: dict[str, Any]


Job = (
    SparqlJob
    | SavedJob
    | EntityJob
    | InfoJob
    | UpdateJob
    | DumpJob
    | GraphJob
    | GraphWriteJob
    | GraphDropJob
)

_ENTITY_GRAPH = """
CONSTRUCT { ?e ?p ?o . ?s ?q ?e }
WHERE { { ?e ?p ?o } UNION { ?s ?q ?e } }
"""
_NAMED_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
_DEFAULT_GRAPH = "CONSTRUCT WHERE { ?s ?p ?o }"
_ENTITY_OUT = """
SELECT ?p ?o (SAMPLE(?l) AS ?label) WHERE {
  ?e ?p ?o .
  OPTIONAL { ?o <http://www.w3.org/2000/01/rdf-schema#label> ?l }
} GROUP BY ?p ?o ORDER BY ?p ?o
"""
_ENTITY_IN = """
SELECT ?s ?p (SAMPLE(?l) AS ?label) WHERE {
  ?s ?p ?e .
  OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }
} GROUP BY ?s ?p ORDER BY ?p ?s
"""
_ENTITY_EVIDENCE = """
PREFIX pv: <https://w3id.org/pvkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?association ?predicate ?other (SAMPLE(?ol) AS ?otherLabel)
       (GROUP_CONCAT(DISTINCT STR(?report); separator=" ") AS ?evidence)
       (GROUP_CONCAT(DISTINCT ?q; separator="\\n") AS ?quotes)
       (SAMPLE(?src) AS ?source) (SAMPLE(?n) AS ?reports) WHERE {
  { ?association pv:associationSubject ?e ; pv:associationObject ?other }
  UNION { ?association pv:associationObject ?e ; pv:associationSubject ?other }
  OPTIONAL { ?association pv:associationPredicate ?predicate }
  OPTIONAL { ?other rdfs:label ?ol }
  OPTIONAL { ?association pv:evidenceReport ?report }
  OPTIONAL { ?association pv:quote ?q }
  OPTIONAL { ?association pv:evidenceSource ?src }
  OPTIONAL { ?association pv:reportCount ?n }
} GROUP BY ?association ?predicate ?other ORDER BY ?predicate ?other
"""


# --- the child process ------------------------------------------------------------------------


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
            self.store.update(updates.with_refresh(self.store, job.text))
            return {}
        graph = _node(job.graph)
        if isinstance(job, GraphDropJob):
            return uploads.drop(self.store, graph)
        return uploads.put(self.store, graph, Path(job.body), job.fmt, merge=job.merge)

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
            )

        return _write(run, job.fmt, Page(limit=job.max_rows), {})

    def _entity(self, job: EntityJob) -> Written | dict[str, Any]:
        try:
            bindings: dict[str, Term] = {"e": NamedNode(job.iri)}
        except ValueError as error:
            raise QueryError(f"not an IRI: {error}") from None
        if job.fmt != "page":

            def run() -> QueryResult:
                return self.store.query(_ENTITY_GRAPH, bindings=bindings, timeout=self.timeout)

            return _write(run, job.fmt, Page(limit=job.max_rows), {})
        return {
            name: _rows(
                self.store.query(text, bindings=bindings, timeout=self.timeout), job.max_rows
            )
            for name, text in (
                ("out", _ENTITY_OUT),
                ("in", _ENTITY_IN),
                ("evidence", _ENTITY_EVIDENCE),
            )
        }

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
    chunk: int = CHUNK,
    timeout: float | None = None,
) -> None:
    """Body of a query process: open the store, then answer jobs until the pipe closes.

    ``timeout`` is forwarded to :meth:`kg.store.GraphStore.query` (a remote store passes it on
    to its server; the embedded store cannot use it, hence this process).
    """
    try:
        runner = _Runner(location, read_only, catalogue_dir, timeout)
    except PvkgError as error:
        conn.send(("error", type(error).__name__, str(error)))
        return
    conn.send(("ready",))
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


# --- the pool, in the web process -------------------------------------------------------------


class _Slot:
    """One query process and the parent's end of its pipe."""

    def __init__(self, pool: QueryPool) -> None:
        self.conn, child = pool.context.Pipe()
        self.process: BaseProcess = pool.context.Process(
            target=child_main,
            args=(
                child,
                pool.location,
                pool.read_only,
                pool.catalogue_dir,
                pool.chunk,
                pool.timeout,
            ),
            daemon=True,
            name="pvkg-query",
        )
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, deadline: float) -> None:
        """Wait for the child to have opened the store."""
        if self.ready:
            return
        message = self._recv(deadline)
        if message[0] != "ready":
            _raise(message)
        self.ready = True

    def _recv(self, deadline: float) -> Any:
        if not self.conn.poll(max(0.0, deadline - time.monotonic())):
            raise QueryTimeoutError("deadline")
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            raise QueryProcessError("the query process died") from None

    def kill(self) -> None:
        """Stop the child at once and release the pipe."""
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    """A fixed number of query processes shared by the threads of one web worker.

    :param location: the store location (directory or SPARQL endpoint URL).
    :param size: number of query processes.
    :param read_only: open the store read-only (the default; write mode needs ``size=1``).
    :param catalogue_dir: the saved-query directory (``None``: the default catalogue).
    :param chunk: largest piece of an answer sent over a pipe at once.
    :param timeout: deadline forwarded to the store's ``query`` (remote stores use it).
    """

    def __init__(
        self,
        location: str,
        size: int = 2,
        *,
        read_only: bool = True,
        catalogue_dir: str | None = None,
        chunk: int = CHUNK,
        timeout: float | None = None,
    ) -> None:
        if size < 1:
            raise ValueError("a query pool needs at least one process")
        self.location = location
        self.read_only = read_only
        self.catalogue_dir = catalogue_dir
        self.chunk = chunk
        self.timeout = timeout
        self.context = multiprocessing.get_context("forkserver")
        # the fork server imports this module (pyoxigraph, kg) once; children fork from it warm
        self.context.set_forkserver_preload(["__main__", __name__])
        self.size = size
        self._idle: queue.LifoQueue[_Slot] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._slots: list[_Slot] = []
        self._closed = False
        for _ in range(size):
            self._add(_Slot(self))

    def _add(self, slot: _Slot) -> None:
        with self._lock:
            self._slots.append(slot)
        self._idle.put(slot)

    def _replace(self, slot: _Slot) -> None:
        slot.kill()
        with self._lock:
            if slot in self._slots:
                self._slots.remove(slot)
            closed = self._closed
        if not closed:
            self._add(_Slot(self))

    def run(self, job: Job, timeout: float) -> tuple[Answer, Remainder]:
        """Run ``job`` within ``timeout`` seconds.

        :return: the answer and the rest of its body (empty for small answers; it must be read
            to its end, or closed, to give the process back).
        :raises QueryTimeoutError: if the query ran past the deadline (its process is replaced).
        :raises BusyError: if no query process became free before the deadline.
        :raises PvkgError: the user error the query caused (bad syntax, parameter, …).
        :raises QueryProcessError: for a bug or a crash in the query process (a 500).
        """
        deadline = time.monotonic() + timeout
        try:
            slot = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise BusyError(
                f"all {self.size} query processes stayed busy for {timeout:g} s; try again"
            ) from None
        try:
            slot.wait_ready(deadline)
            slot.conn.send(job)
            message = slot._recv(deadline)
        except QueryTimeoutError:
            self._replace(slot)
            raise QueryTimeoutError(
                f"query timed out: it ran longer than the {timeout:g} s deadline"
            ) from None
        except (QueryProcessError, OSError, EOFError) as error:
            self._replace(slot)
            raise QueryProcessError(f"query process failed: {error}") from None
        except PvkgError:
            self._replace(slot)
            raise
        if message[0] != "ok":
            self._idle.put(slot)
            _raise(message)
        answer: Answer = message[1]
        if not answer.more:
            self._idle.put(slot)
            return answer, Remainder(self, None, deadline)
        return answer, Remainder(self, slot, deadline)

    def close(self) -> None:
        """Stop every query process."""
        with self._lock:
            self._closed = True
            slots = list(self._slots)
            self._slots.clear()
        for slot in slots:
            slot.kill()


class Remainder:
    """The rest of a long answer, piece by piece, from the query process that holds it.

    The process goes back to the pool once the last piece is read; :meth:`close` before that
    (a client that went away, at any point, even before the first piece) replaces it, since
    it may still be writing into the pipe. A generator could not do this: closing one that has
    not started runs none of its ``finally``.
    """

    def __init__(self, pool: QueryPool, slot: _Slot | None, deadline: float) -> None:
        self._pool = pool
        self._slot: _Slot | None = slot
        self._deadline = deadline

    def __iter__(self) -> Remainder:
        return self

    def __next__(self) -> bytes:
        slot = self._slot
        if slot is None:
            raise StopIteration
        try:
            if not slot.conn.poll(max(1.0, self._deadline - time.monotonic() + 30)):
                raise QueryProcessError("query process stopped sending")
            chunk = slot.conn.recv_bytes()
        except (EOFError, OSError):
            self.close()
            raise QueryProcessError("the query process died while sending") from None
        except BaseException:
            self.close()
            raise
        if not chunk:
            self._slot = None
            self._pool._idle.put(slot)
            raise StopIteration
        return chunk

    def close(self) -> None:
        """Give up the rest: the process is replaced unless the answer was read to its end."""
        slot, self._slot = self._slot, None
        if slot is not None:
            self._pool._replace(slot)


def _raise(message: tuple[Any, ...]) -> None:
    kind = message[0]
    if kind == "error":
        cls = getattr(kg.errors, message[1], None)
        if isinstance(cls, type) and issubclass(cls, PvkgError):
            raise _rebuild(cls, message[2])
        raise QueryError(message[2])
    if kind == "bug":
        raise QueryProcessError(message[1])
    raise QueryProcessError(f"unexpected message from query process: {kind}")


def _rebuild(cls: type[PvkgError], text: str) -> PvkgError:
    """The same error class with the child's message (constructors differ, so by hand)."""
    error = cls.__new__(cls)
    Exception.__init__(error, text)
    if cls is kg.errors.ParameterError:
        name, _, reason = text.partition(": ")
        error.name = name.removeprefix("parameter ").strip("'\"")  # type: ignore[attr-defined]
        error.reason = reason  # type: ignore[attr-defined]
    return error
