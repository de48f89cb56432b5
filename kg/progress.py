"""How long-running work reports progress, without knowing how (or whether) it is shown.

A :class:`Progress` is a callable taking the step's name, the amount done so far and, when
known, the total. Work that takes more than a moment calls it now and then; the caller decides
what to show (the command line draws a bar on a terminal and nothing otherwise). kg itself
draws nothing, so it needs no display library.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    """A receiver of progress reports."""

    def __call__(self, step: str, done: int, total: int | None = None) -> None:
        """``done`` units of ``step`` are finished, of ``total`` when it is known."""


def no_progress(step: str, done: int, total: int | None = None) -> None:
    """The :class:`Progress` that shows nothing."""


def counting(items: Iterable[T], step: str, progress: Progress, every: int = 50_000) -> Iterator[T]:
    """Yield ``items``, reporting how many went by every ``every`` of them and at the end.

    >>> seen = []
    >>> list(counting("abcde", "letters", lambda s, d, t=None: seen.append(d), every=2)), seen
    (['a', 'b', 'c', 'd', 'e'], [2, 4, 5])
    """
    done = 0
    for done, item in enumerate(items, start=1):
        yield item
        if done % every == 0:
            progress(step, done)
    if done % every:
        progress(step, done)


class CountingWriter:
    """A binary output that reports the bytes written through it to a :class:`Progress`.

    >>> import io
    >>> seen = []
    >>> out = CountingWriter(io.BytesIO(), "export", lambda s, d, t=None: seen.append((s, d)))
    >>> out.write(b"abc"), out.write(b"de"), seen
    (3, 2, [('export', 3), ('export', 5)])
    """

    def __init__(self, out: IO[bytes], step: str, progress: Progress) -> None:
        self._out = out
        self._step = step
        self._progress = progress
        self.written = 0

    def write(self, data: bytes) -> int:
        """Write ``data`` and report the running total."""
        count = self._out.write(data)
        self.written += len(data)
        self._progress(self._step, self.written)
        return count

    def flush(self) -> None:
        """Flush the underlying output."""
        self._out.flush()
