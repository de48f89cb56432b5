"""The state one web worker shares between requests: settings, query pool, catalogue, caches.

The store is read-only while it is served, so an answer depends only on the job and the dataset
version: answers up to :data:`CACHED_BYTES` are kept in an LRU cache keyed by the job, which is
emptied whenever the dataset version changes (a write through the token-guarded endpoint, or a
remote store that changed). ETags are the dataset version plus a hash of the job.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request

from kg.catalogue import Catalogue
from server.jobs import Answer, InfoJob, Job
from server.policy import Policy
from server.pool import QueryPool, Remainder

CACHED_BYTES = 1 << 20
"""Answers larger than this are not cached."""

INFO_TTL = 10.0
"""Seconds the dataset version and graph list are reused before being asked again."""


@dataclass(frozen=True)
class Settings:
    """The service's configuration (Flask config keys in capitals, ``PVKG_`` in the environment).

    :param store: store location (directory or SPARQL endpoint URL).
    :param queries: saved-query directory (``None``: the project's ``queries/``).
    :param timeout: deadline of one query, in seconds.
    :param max_rows: most rows (or triples) in one answer; more are cut and the cut is stated.
    :param max_query_bytes: longest query text accepted.
    :param query_processes: query processes per web worker.
    :param service_hosts: hosts a ``SERVICE`` clause may call.
    :param cors_origins: ``*`` or the allowed origins.
    :param write_token: enables the write endpoint, guarded by this bearer token.
    :param cache_entries: answers kept in the LRU cache (0 disables it).
    :param max_upload_bytes: largest Graph Store Protocol body accepted (write mode).
    :param dump_dir: where dumps are kept (``None``: a folder in the system's temporary
        directory, see :func:`server.dumps.dump_directory`).
    :param union_with_meta: the endpoint's default graph is pyoxigraph's own union, the meta
        graph included (fast on stores of many graphs), instead of every graph but the meta
        graph (exact, slower in proportion to the number of graphs; ``docs/server.md``).
    """

    store: str
    queries: str | None = None
    timeout: float = 5.0
    max_rows: int = 10000
    max_query_bytes: int = 65536
    query_processes: int = 2
    service_hosts: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ("*",)
    write_token: str | None = None
    cache_entries: int = 4096
    max_upload_bytes: int = 1 << 28
    dump_dir: str | None = None
    union_with_meta: bool = False

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Settings:
        """Read settings from a Flask config mapping (keys ``STORE``, ``TIMEOUT``, …)."""
        return cls(
            store=str(config["STORE"]),
            queries=None if not config.get("QUERIES") else str(config["QUERIES"]),
            timeout=float(config.get("TIMEOUT", 5.0)),
            max_rows=int(config.get("MAX_ROWS", 10000)),
            max_query_bytes=int(config.get("MAX_QUERY_BYTES", 65536)),
            query_processes=int(config.get("QUERY_PROCESSES", 2)),
            service_hosts=_words(config.get("SERVICE_HOSTS", ())),
            cors_origins=_words(config.get("CORS_ORIGINS", ("*",))),
            write_token=str(config["WRITE_TOKEN"]) if config.get("WRITE_TOKEN") else None,
            cache_entries=int(config.get("CACHE_ENTRIES", 4096)),
            max_upload_bytes=int(config.get("MAX_UPLOAD_BYTES", 1 << 28)),
            dump_dir=str(config["DUMP_DIR"]) if config.get("DUMP_DIR") else None,
            union_with_meta=_flag(config.get("UNION_WITH_META", False)),
        )


def _flag(value: Any) -> bool:
    """A boolean setting: ``True``, or text such as ``1``, ``true``, ``yes`` (environment)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _words(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(w for w in value.replace(",", " ").split() if w)
    return tuple(str(w) for w in value or ())


@dataclass(frozen=True)
class Cached:
    """One cached answer."""

    body: bytes
    headers: tuple[tuple[str, str], ...]


class Service:
    """Everything a request handler needs; one per web worker (``app.extensions["pvkg"]``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.policy = Policy(settings.max_query_bytes, frozenset(settings.service_hosts))
        self.catalogue = Catalogue(Path(settings.queries) if settings.queries else None)
        self.pool = QueryPool(
            settings.store,
            settings.query_processes if settings.write_token is None else 1,
            read_only=settings.write_token is None,
            catalogue_dir=settings.queries,
            timeout=settings.timeout,
        )
        self._cache: OrderedDict[Job, Cached] = OrderedDict()
        self._lock = threading.Lock()
        self._info: dict[str, Any] | None = None
        self._info_at = 0.0
        self._dump_pool: QueryPool | None = None

    # --- dataset facts ---------------------------------------------------------------------

    def info(self, refresh: bool = False) -> dict[str, Any]:
        """Dataset version and graphs (cached for :data:`INFO_TTL` seconds)."""
        now = time.monotonic()
        info = self._info
        if refresh or info is None or now - self._info_at > INFO_TTL:
            answer, _ = self.pool.run(InfoJob(), self.settings.timeout)
            with self._lock:
                if self._info and self._info["dataset_version"] != answer.info["dataset_version"]:
                    self._cache.clear()
                self._info, self._info_at = answer.info, now
            info = answer.info
        return info

    def dataset_version(self) -> str:
        """The dataset version (see :meth:`kg.store.GraphStore.dataset_version`)."""
        return str(self.info()["dataset_version"])

    def forget(self) -> None:
        """Drop cached answers and dataset facts (after a write)."""
        with self._lock:
            self._cache.clear()
            self._info = None

    def dump_pool(self) -> QueryPool:
        """The query process that writes dumps.

        Read-only, a process of its own, started on first use, so that writing a large dump
        neither waits behind queries nor holds one up; in write mode the one read-write process
        (no second process may open a store that is being written).
        """
        if self.settings.write_token is not None:
            return self.pool
        with self._lock:
            if self._dump_pool is None:
                self._dump_pool = QueryPool(
                    self.settings.store, 1, catalogue_dir=self.settings.queries
                )
            return self._dump_pool

    def close(self) -> None:
        """Stop the query processes."""
        self.pool.close()
        if self._dump_pool is not None:
            self._dump_pool.close()

    # --- answering -------------------------------------------------------------------------

    def etag(self, job: Job) -> str:
        """The (unquoted) ETag of the answer to ``job`` for the current dataset version."""
        digest = hashlib.sha1(repr(job).encode(), usedforsecurity=False).hexdigest()[:16]
        return f"{self.dataset_version()}-{digest}"

    def respond(self, job: Job, *, etag: bool = False) -> Response:
        """Run ``job`` (or reuse a cached answer) and build the HTTP response.

        :param etag: send an ETag and answer ``If-None-Match`` with 304.
        """
        tag = self.etag(job) if etag else None
        if tag is not None and request.if_none_match.contains_weak(tag):
            unchanged = Response(status=304)
            unchanged.set_etag(tag)
            return unchanged
        cached = self._cached(job)
        if cached is not None:
            response = Response(cached.body, headers=dict(cached.headers))
        else:
            answer, rest = self.pool.run(job, self.settings.timeout)
            base = _answer_headers(answer)
            if answer.more:
                pieces = _Keeping(self, job, base, answer.body, rest)
                response = Response(pieces, headers=base)
            else:
                self._store(job, Cached(answer.body, tuple(base.items())))
                response = Response(answer.body, headers=base)
        if tag is not None:
            response.set_etag(tag)
        return response

    def body(self, job: Job) -> bytes:
        """The whole body of the answer to ``job``, for a page that renders it: run, or reused
        from the cache that :meth:`respond` keeps (and kept there in turn)."""
        cached = self._cached(job)
        if cached is not None:
            return cached.body
        answer, rest = self.pool.run(job, self.settings.timeout)
        body = answer.body + b"".join(rest)
        self._store(job, Cached(body, tuple(_answer_headers(answer).items())))
        return body

    def facts(self, job: Job) -> dict[str, Any]:
        """What a job answers with besides a body (:attr:`Answer.info`: an entity page's rows,
        labels), run or reused from the same cache (kept there as JSON)."""
        cached = self._cached(job)
        if cached is not None:
            return dict(json.loads(cached.body))
        answer, _ = self.pool.run(job, self.settings.timeout)
        self._store(job, Cached(json.dumps(answer.info).encode(), ()))
        return answer.info

    def _cached(self, job: Job) -> Cached | None:
        if self.settings.cache_entries <= 0:
            return None
        with self._lock:
            found = self._cache.get(job)
            if found is not None:
                self._cache.move_to_end(job)
            return found

    def _store(self, job: Job, cached: Cached) -> None:
        if self.settings.cache_entries <= 0 or len(cached.body) > CACHED_BYTES:
            return
        with self._lock:
            self._cache[job] = cached
            while len(self._cache) > self.settings.cache_entries:
                self._cache.popitem(last=False)


class _Keeping:
    """The body of an answer that came in pieces: streamed, and cached if whole and small.

    An iterable with ``close`` rather than a generator, so that the WSGI server's ``close`` reaches
    the query process even when the client left before the first piece (a generator's
    ``finally`` does not run if it never started, and the process would be lost to the pool).
    """

    def __init__(
        self, service: Service, job: Job, headers: dict[str, str], first: bytes, rest: Remainder
    ) -> None:
        self._service = service
        self._job = job
        self._headers = tuple(headers.items())
        self._first: bytes | None = first
        self._rest = rest
        self._kept: list[bytes] | None = [first] if service.settings.cache_entries > 0 else None
        self._size = len(first)

    def __iter__(self) -> _Keeping:
        return self

    def __next__(self) -> bytes:
        if self._first is not None:
            first, self._first = self._first, None
            return first
        try:
            piece = next(self._rest)
        except StopIteration:
            if self._kept is not None:
                self._service._store(self._job, Cached(b"".join(self._kept), self._headers))
                self._kept = None
            raise
        self._size += len(piece)
        if self._kept is not None and self._size <= CACHED_BYTES:
            self._kept.append(piece)
        else:
            self._kept = None
        return piece

    def close(self) -> None:
        """Release the query process (replaced if the answer was not read to its end)."""
        self._kept = None
        self._rest.close()


def _answer_headers(answer: Answer) -> dict[str, str]:
    headers = {
        "Content-Type": answer.content_type,
        "Pvkg-Rows": str(answer.rows),
        "Pvkg-Elapsed-Ms": f"{answer.elapsed_ms:.1f}",
    }
    if answer.truncated:
        headers["Pvkg-Truncated"] = "true"
    return headers


def service() -> Service:
    """The :class:`Service` of the current app."""
    found: Service = current_app.extensions["pvkg"]
    return found


def attach(app: Flask, settings: Settings) -> Service:
    """Create the service for ``app``."""
    created = Service(settings)
    app.extensions["pvkg"] = created
    return created
