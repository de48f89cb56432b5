"""The input policy every loader applies: size and decompression limits, text checks, losses.

One place for the rules that keep garbage out of the store (issue 14):

* a line longer than :data:`MAX_LINE_BYTES` ends the load (``/dev/zero`` or a binary file is
  not a table; reading it whole would exhaust memory);
* a field longer than :data:`MAX_FIELD_CHARS` or holding a NUL character rejects its row;
* a compressed input (zip member, gzip file) that expands more than :data:`MAX_RATIO` times
  its compressed size ends the load (a decompression bomb);
* a table that loses more than :data:`MAX_LOSS` of its rows ends the load unless the user
  accepts it (``--allow-partial``): a file cut short, with the wrong line ends or of the
  wrong kind loses most rows, and "N rejected" on a successful exit hides that.

>>> field_problem("aspirin") is None, field_problem("a\\x00b")
(True, 'NUL character in field')
>>> check_losses("DRUG.txt", rows=100, lost=10, allow_partial=False)
>>> check_losses("DRUG.txt", rows=5, lost=2, allow_partial=False)
>>> try:
...     check_losses("DRUG.txt", rows=100, lost=11, allow_partial=False)
... except ValueError as error:
...     print(str(error)[:52])
DRUG.txt: 11 of 100 rows rejected (more than 10%); t
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from kg.errors import InputError

MAX_LINE_BYTES = 1 << 20
"""Longest line read (1 MiB); real FAERS, SSSOM and N-Triples lines are far shorter."""

MAX_FIELD_CHARS = 1 << 15
"""Longest field value kept (32 Ki characters); a longer one rejects its row."""

MAX_RATIO = 100
"""Most a compressed input may expand (uncompressed / compressed bytes); text gives 5-15."""

_RATIO_FLOOR = 1 << 20
"""Uncompressed bytes always allowed whatever the ratio (tiny archives compress oddly)."""

MAX_LOSS = 0.10
"""Largest share of a table's rows that may be rejected before the load fails."""

_LOSS_FLOOR = 2
"""Rejected rows always tolerated in a table that keeps some (a tiny table's one odd row)."""


def field_problem(text: str) -> str | None:
    """Why a field value cannot be kept (NUL character, too long), or ``None`` if it can."""
    if "\x00" in text:
        return "NUL character in field"
    if len(text) > MAX_FIELD_CHARS:
        return f"field longer than {MAX_FIELD_CHARS:,} characters ({len(text):,})"
    return None


def bounded_lines(stream: IO[bytes], name: str) -> Iterator[bytes]:
    """The lines of a binary stream (with their ends), refusing one over :data:`MAX_LINE_BYTES`.

    :raises InputError: naming ``name`` and the line number, for an over-long line.
    """
    number = 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise InputError(
                f"line longer than {MAX_LINE_BYTES:,} bytes (not a text table?)",
                path=name,
                line=number,
            )
        yield raw


def check_ratio(name: str, compressed: int, size: int) -> None:
    """Refuse a compressed member that would expand ``size / compressed`` times.

    :raises InputError: if the ratio passes :data:`MAX_RATIO` (and ``size`` a small floor).
    """
    if size > _RATIO_FLOOR and size > MAX_RATIO * max(compressed, 1):
        raise InputError(
            f"expands {size // max(compressed, 1):,} times (more than {MAX_RATIO}): "
            "refusing a likely decompression bomb",
            path=name,
        )


class _Limited(io.RawIOBase):
    """A readable stream that fails once more than ``budget`` bytes came out of ``inner``."""

    def __init__(self, inner: IO[bytes] | gzip.GzipFile, budget: int, label: str) -> None:
        super().__init__()
        self._inner = inner
        self._budget = budget
        self._seen = 0
        self._label = label

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        self._seen += len(data)
        if self._seen > self._budget:
            raise InputError(
                f"expands more than {MAX_RATIO} times its size: refusing a likely "
                "decompression bomb",
                path=self._label,
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def open_limited(path: Path) -> IO[bytes]:
    """Open ``path`` for reading, through a ratio-limited gzip reader if it ends in ``.gz``."""
    if path.suffix.lower() != ".gz":
        return path.open("rb")
    budget = max(_RATIO_FLOOR, MAX_RATIO * path.stat().st_size)
    raw = _Limited(gzip.open(path, "rb"), budget, str(path))  # noqa: SIM115 - returned
    return io.BufferedReader(raw, buffer_size=1 << 16)


READ_ERRORS = (OSError, EOFError, zlib.error, gzip.BadGzipFile)
"""What reading a damaged file or archive raises (a bad CRC, a cut stream)."""


def check_losses(name: str, *, rows: int, lost: int, allow_partial: bool) -> None:
    """Fail when a table lost all its ``rows``, or more than :data:`MAX_LOSS` of them and
    more than two (unless allowed).

    :raises InputError: naming the file, the counts and the way out (``--allow-partial``).
    """
    tolerated = lost <= max(MAX_LOSS * rows, _LOSS_FLOOR) and lost < rows
    if allow_partial or rows == 0 or tolerated:
        return
    raise InputError(
        f"{lost:,} of {rows:,} rows rejected (more than {MAX_LOSS:.0%}); the file looks "
        "damaged or of another kind (pass --allow-partial to load the rest)",
        path=name,
    )
