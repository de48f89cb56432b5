"""Staged N-Triples files: how loaders hand a complete, validated graph to a store.

A loader maps its whole input first; only a finished file reaches
:meth:`kg.store.GraphStore.replace_graph` (through :func:`replace_staged`, which also refuses
to empty a graph that holds triples unless asked), so bad input never touches the store. Output is
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
from typing import IO, TYPE_CHECKING

from pyoxigraph import NamedNode, Triple

from kg.errors import InputError
from kg.shapes import ShapeReport, check_staged

if TYPE_CHECKING:
    from kg.store import GraphStore, Provenance


class StagedGraph:
    """A temporary N-Triples file being written; removed on exit from the ``with`` block."""

    def __init__(self, directory: Path | None = None) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="pvkg-stage-", dir=directory))
        self._raw = self._dir / "raw.nt"
        self._sink = self._raw.open("w", encoding="utf-8")
        self.path = self._dir / "graph.nt"
        self._checksum: str | None = None

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
        sort_file(self._raw, self.path)
        self._raw.unlink()
        self._checksum = None
        return self.path

    def checksum(self) -> str:
        """``sha256:<hex>`` of the finished file, read once (a quarter's file is gigabytes,
        and the loader needs its checksum for the case base and again for the provenance)."""
        if self._checksum is None:
            self._checksum = file_checksum([self.path])
        return self._checksum

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


def replace_staged(
    store: GraphStore,
    graph: NamedNode,
    staged: Path,
    provenance: Provenance,
    *,
    allow_empty: bool = False,
    optimize: bool = True,
    incremental: bool = False,
    shapes: ShapeReport | None = None,
) -> int:
    """Swap the finished staged file in as ``graph``: :meth:`GraphStore.replace_graph`, but
    refusing to replace a graph that holds triples with an empty file, and refusing a file
    that breaks the shapes (:func:`kg.shapes.check_staged`: whole if small, else sampled).

    An empty result from a non-empty source is almost always a damaged or wrong input (a table
    holding only its header, a cut file); ``allow_empty`` (``--allow-empty``) says it is meant.

    :param shapes: the report of an earlier :func:`kg.shapes.check_staged` of this file, from
        a loader that swaps several graphs and so checks them all before the first swap.
    :return: the number of triples in the new graph.
    :raises InputError: naming the input (its provenance) and the graph, when refused.
    :raises kg.shapes.ShapeError: with the report, when the file breaks a shape.
    """
    if not allow_empty and count_lines(staged) == 0:
        current = next((g for g in store.graphs() if g.graph == graph), None)
        if current is not None and current.triples > 0:
            raise InputError(
                f"would replace graph <{graph.value}> ({current.triples:,} "
                f"triple{'s' if current.triples != 1 else ''}) with an "
                "empty one; pass --allow-empty if that is meant",
                path=", ".join(provenance.files) or None,
            )
    if shapes is None:
        check_staged(graph, staged, count_lines(staged), ", ".join(provenance.files) or None)
    return store.replace_graph(
        graph, staged, provenance, optimize=optimize, incremental=incremental
    )


def file_checksum(paths: Iterable[Path]) -> str:
    """``sha256:<hex>`` over the bytes of several input files, in the given order."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as source:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()


SORT_BUFFER = "512M"
"""Memory GNU ``sort`` may use before it spills sorted runs to disk (bounds a load's peak)."""


def _sort_argv(raw: Path) -> list[str] | None:
    sort = shutil.which("sort")
    if sort is None:
        return None
    return [sort, "-u", "-S", SORT_BUFFER, "--parallel=2", "-T", str(raw.parent), str(raw)]


def _sort_env() -> dict[str, str]:
    return {**os.environ, "LC_ALL": "C"}


def _sorted_in_memory(raw: Path) -> bytes:
    return b"".join(sorted(set(raw.read_bytes().splitlines(keepends=True))))


def sort_file(raw: Path, dest: Path) -> None:
    """Write the lines of ``raw`` to ``dest`` sorted by byte value, without duplicates.

    Uses the system ``sort`` (external merge sort in a bounded buffer) when there is one, so
    a file of any size sorts in :data:`SORT_BUFFER` of memory and no extra copy is made.
    """
    argv = _sort_argv(raw)
    if argv is None:
        dest.write_bytes(_sorted_in_memory(raw))
        return
    argv[-1:-1] = ["-o", str(dest)]
    subprocess.run(argv, check=True, env=_sort_env())  # noqa: S603 - fixed argv, no shell


def sort_lines(raw: Path, out: IO[bytes]) -> int:
    """Stream the lines of ``raw`` to ``out`` sorted by byte value, without duplicates.

    :return: the number of lines written.
    """
    argv = _sort_argv(raw)
    if argv is None:
        data = _sorted_in_memory(raw)
        out.write(data)
        return data.count(b"\n")
    lines = 0
    with subprocess.Popen(argv, stdout=subprocess.PIPE, env=_sort_env()) as sorter:  # noqa: S603
        if sorter.stdout is None:  # pragma: no cover - stdout=PIPE always gives one
            raise OSError("sort gave no output stream")
        while chunk := sorter.stdout.read(1 << 20):
            lines += chunk.count(b"\n")
            out.write(chunk)
    if sorter.returncode != 0:
        raise OSError(f"sort failed with exit status {sorter.returncode}")
    return lines


def count_lines(path: Path) -> int:
    """The number of lines of ``path`` (a last line without a newline counts too).

    For a staged N-Triples file (one triple per line, no duplicates, no comments) this is its
    triple count, read at disk speed without asking the store.
    """
    count = 0
    last = b"\n"
    with path.open("rb") as source:
        while chunk := source.read(1 << 22):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")
