"""Query execution with deadlines, in a pool of query processes.

pyoxigraph cannot interrupt a running query, so the web process never runs one itself. Each web
worker owns a :class:`QueryPool` of child processes (:mod:`server.runner`), each with the store
and the catalogue open, and sends them jobs (:mod:`server.jobs`) over a pipe. The web thread
waits for the answer until the deadline; past it, the child is killed, a fresh one is started in
its place and the caller gets :class:`kg.errors.QueryTimeoutError`. Other requests keep being
served by the other children meanwhile.

Large answers travel in chunks of :data:`CHUNK` bytes, so the web process streams them to the
client (:class:`Remainder`) without holding them whole.

Errors a user caused (:class:`kg.errors.PvkgError`) come back as the same exception class;
anything else is a bug, logged with its traceback in the child and raised here as
:class:`QueryProcessError` (a 500).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import threading
import time
from multiprocessing.process import BaseProcess
from typing import Any

import kg.errors
from kg.errors import PvkgError, QueryError, QueryTimeoutError
from server.jobs import Answer, Job
from server.runner import child_main

CHUNK = 512 * 1024
"""Largest piece of an answer sent over the pipe at once. An answer that fits in one piece gives
its process back to the pool as soon as it is received; a longer one holds the process until the
web thread has passed every piece on to the client."""


class QueryProcessError(RuntimeError):
    """A query process failed for a reason that is not the user's (a bug, or it died)."""


class BusyError(PvkgError, TimeoutError):
    """Every query process stayed busy until the deadline (HTTP 503)."""


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
                os.getpid(),
            ),
            daemon=True,
            name="pvkg-query",
        )
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, deadline: float) -> None:
        """Wait for the child to have opened the store.

        :raises BusyError: if it has not by the deadline (it goes on starting: a child killed
            for starting slowly would leave a loaded machine with none that ever starts).
        """
        if self.ready:
            return
        if not self.conn.poll(max(0.0, deadline - time.monotonic())):
            raise BusyError("the query process is still starting; try again")
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
        # the fork server imports the query process's module (pyoxigraph, kg) once; children
        # fork from it warm
        self.context.set_forkserver_preload(["__main__", child_main.__module__])
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
        :raises BusyError: if no query process became free, or the free one had not finished
            starting, before the deadline.
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
        except BusyError:
            self._idle.put(slot)
            raise
        except BaseException:
            self._replace(slot)
            raise
        try:
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
