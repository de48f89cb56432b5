"""Staged N-Triples files: how loaders hand a complete, validated graph to a store.

A loader maps its whole input first; only a finished file reaches
:meth:`kg.store.GraphStore.replace_graph`, so bad input never touches the store. Output is
sorted and duplicate-free, so the same input gives the same bytes (and the same checksum).

>>> from pyoxigraph import NamedNode, Literal, Triple
>>> with StagedGraph() as staged:
...     staged.add(Triple(NamedNode("http://a"), NamedNode("http://p"), Literal("x")))
...     staged.add(Triple(NamedNode("http://a"), NamedNode("http://p"), Literal("x")))
...     path = staged.finish()
...     path.read_text()
'<http://a> <http://p> "x" .\\n'
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO

from pyoxigraph import Triple


class StagedGraph:
    """A temporary N-Triples file being written; removed on exit from the ``with`` block."""

    def __init__(self, directory: Path | None = None) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="pvkg-stage-", dir=directory))
        self._raw = self._dir / "raw.nt"
        self._sink = self._raw.open("w", encoding="utf-8")
        self.path = self._dir / "graph.nt"

    def add(self, triple: Triple) -> None:
        """Append one triple."""
        self._sink.write(f"{triple} .\n")

    def extend(self, triples: Iterable[Triple]) -> None:
        """Append triples."""
        self._sink.writelines(f"{t} .\n" for t in triples)

    def write_lines(self, lines: Iterable[str]) -> None:
        """Append ready-made N-Triples lines (each ending in `` .\\n``); for fast loaders."""
        self._sink.writelines(lines)

    def finish(self) -> Path:
        """Close, sort and de-duplicate; return the path of the finished file."""
        self._sink.close()
        with self.path.open("wb") as out:
            sort_lines(self._raw, out)
        self._raw.unlink()
        return self.path

    def checksum(self) -> str:
        """``sha256:<hex>`` of the finished file."""
        digest = hashlib.sha256()
        with self.path.open("rb") as source:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
        return "sha256:" + digest.hexdigest()

    def __enter__(self) -> StagedGraph:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if not self._sink.closed:
            self._sink.close()
        shutil.rmtree(self._dir, ignore_errors=True)


def file_checksum(paths: Iterable[Path]) -> str:
    """``sha256:<hex>`` over the bytes of several input files, in the given order."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as source:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def sort_lines(raw: Path, out: IO[bytes]) -> int:
    """Copy the lines of ``raw`` to ``out`` sorted by byte value, without duplicates.

    Uses the system ``sort`` (external merge sort, bounded memory) when there is one.
    """
    done = raw.with_suffix(".sorted")
    sort = shutil.which("sort")
    if sort is not None:
        env = {**os.environ, "LC_ALL": "C"}
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            [sort, "-u", "-S", "25%", "-T", str(raw.parent), "-o", str(done), str(raw)],
            check=True,
            env=env,
        )
    else:
        done.write_bytes(b"".join(sorted(set(raw.read_bytes().splitlines(keepends=True)))))
    lines = 0
    with done.open("rb") as source:
        while chunk := source.read(1 << 20):
            lines += chunk.count(b"\n")
            out.write(chunk)
    return lines
