"""Patching the statistics graph: only the lines of pairs whose values changed are written.

The statistics graph holds a node per (drug, reaction term) pair seen together — a million and
more over a few years of FAERS — and a load changes few of them: the pairs its reports bring
again or for the first time, and the screened pairs whose measures move with N (ADR 0010).
Writing the whole graph as text on every load, sorting it and comparing it with the last copy
cost time that grew with the history (15 s to write and sort, 10 s to hash and compare, a
gigabyte each, on the eighth 50,000-report quarter).

So the loader keeps, beside the case base, the *rows* the graph was last written from
(:class:`loaders.faers.signals.PairRows`, the indication counts, and the definition and
margin lines) as Parquet, in ``<casebase>/statistics/``, with the store's record of the graph
(checksum, triple count, load time) it belongs to. The next load joins its new rows with them
in DuckDB, formats only the rows that differ, and hands the store the lines to remove and to add
(:meth:`kg.store.PatchableStore.patch_graph`). The state is used only while the store's record
is the one saved with it and it was written by this format (:data:`FORMAT`); otherwise the graph
is written whole, as before. See ADR 0010.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import duckdb

from kg.staging import sort_file
from kg.store import GraphInfo
from loaders.faers.casestore import sql_path
from loaders.faers.counting import IndicationCounts
from loaders.faers.signals import PairRows, indication_text, pair_text

FORMAT = 1
"""Version of the line formats of :mod:`loaders.faers.signals`: a state saved under another
version is not used (its rows would format to lines the store does not hold)."""

_PAIR_COLUMNS = {
    "drug": "VARCHAR",
    "term": "VARCHAR",
    "a": "BIGINT",
    "ends": "VARCHAR",
    "signal": "BOOLEAN",
    "first": "VARCHAR",
}
_INDICATION_COLUMNS = {"drug": "VARCHAR", "term": "VARCHAR", "count": "BIGINT"}
_FILES = ("pairs.parquet", "indications.parquet", "head.nt")
_BATCH = 20_000


@dataclass(frozen=True)
class StatisticsRows:
    """What the statistics graph is written from."""

    pairs: PairRows
    indications: IndicationCounts
    head: list[str]
    """The definition and margin lines (:func:`loaders.faers.signals.head_lines`)."""


@dataclass(frozen=True)
class Patch:
    """The difference between the graph the store holds and the new one, as N-Triples files.

    :param sample: the complete new text of every node that changed, and the head lines,
        sorted: what the shapes check (:mod:`kg.shapes`) instead of the whole graph.
    :param triples: the triples of the graph once patched.
    """

    removed: Path
    added: Path
    sample: Path
    triples: int
    removed_lines: int
    added_lines: int
    changed_nodes: int


def _copy(con: duckdb.DuckDBPyConnection, row: object, types: dict[str, str], out: Path) -> None:
    """Write the numpy columns of ``row`` (named as in ``types``) as Parquet at ``out``, typed
    (a column of None alone has no type of its own) and sorted by drug and term."""
    con.register("rows_to_write", {name: getattr(row, name) for name in types})
    typed = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"' for name, kind in types.items())
    try:
        con.execute(
            f"COPY (SELECT {typed} FROM rows_to_write ORDER BY drug, term) "  # noqa: S608
            f"TO {sql_path(out)} (FORMAT parquet)"
        )
    finally:
        con.unregister("rows_to_write")


class StatisticsState:
    """The rows the statistics graph was last written from, in ``folder``; see the module
    docstring. ``folder/next`` holds the rows of a load in progress."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.record = folder / "state.json"
        self.next = folder / "next"

    def matches(self, info: GraphInfo | None) -> bool:
        """Whether the saved rows are those of the graph the store records as ``info``."""
        if info is None or not self.record.is_file():
            return False
        try:
            saved = json.loads(self.record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return bool(
            saved.get("format") == FORMAT
            and saved.get("checksum") == info.checksum
            and saved.get("triples") == info.triples
            and saved.get("loaded_at") == info.loaded_at
            and all((self.folder / name).is_file() for name in _FILES)
        )

    def stage(self, con: duckdb.DuckDBPyConnection, rows: StatisticsRows) -> str:
        """Write ``rows`` to ``folder/next``; return their checksum (the graph's checksum)."""
        shutil.rmtree(self.next, ignore_errors=True)
        self.next.mkdir(parents=True)
        _copy(con, rows.pairs, _PAIR_COLUMNS, self.next / "pairs.parquet")
        _copy(con, rows.indications, _INDICATION_COLUMNS, self.next / "indications.parquet")
        (self.next / "head.nt").write_text("".join(sorted(rows.head)), encoding="utf-8")
        digest = hashlib.sha256(f"pvkg statistics rows {FORMAT}\n".encode())
        for name in _FILES:
            digest.update((self.next / name).read_bytes())
        return "sha256:" + digest.hexdigest()

    def commit(self, info: GraphInfo) -> None:
        """Make the staged rows the saved state of the graph the store now records as ``info``.

        The record is removed first and written last: a crash in between leaves no state, and
        the next load writes the graph whole.
        """
        self.record.unlink(missing_ok=True)
        for name in _FILES:
            (self.next / name).replace(self.folder / name)
        shutil.rmtree(self.next, ignore_errors=True)
        body = {
            "format": FORMAT,
            "checksum": info.checksum,
            "triples": info.triples,
            "loaded_at": info.loaded_at,
        }
        partial = self.record.with_suffix(".tmp")
        partial.write_text(json.dumps(body), encoding="utf-8")
        partial.replace(self.record)

    def forget(self) -> None:
        """Drop the saved state (the graph is then written whole at the next load)."""
        self.record.unlink(missing_ok=True)

    def patch(self, con: duckdb.DuckDBPyConnection, triples: int, workdir: Path) -> Patch:
        """The difference between the saved rows and the staged ones, as files in ``workdir``.

        :param triples: the triples of the graph the saved rows were written as.
        """
        paths = (workdir / "removed.nt", workdir / "added.nt", workdir / "changed.nt")
        with contextlib.ExitStack() as files:
            diff = _Diff(*(files.enter_context(p.open("w", encoding="utf-8")) for p in paths))
            old_head = (self.folder / "head.nt").read_text(encoding="utf-8")
            new_head = (self.next / "head.nt").read_text(encoding="utf-8")
            diff.texts(old_head, new_head)
            for old, new in _changed_rows(con, self, "pairs", _PAIR_COLUMNS):
                diff.texts(_text(pair_text, old), _text(pair_text, new))
            for old, new in _changed_rows(con, self, "indications", _INDICATION_COLUMNS):
                diff.texts(_text(indication_text, old), _text(indication_text, new))
        sample = workdir / "sample.nt"
        sort_file(paths[2], sample)  # the shapes' sampling looks up objects' types by bisection
        paths[2].unlink()
        return Patch(
            paths[0],
            paths[1],
            sample,
            triples=triples - diff.removed_lines + diff.added_lines,
            removed_lines=diff.removed_lines,
            added_lines=diff.added_lines,
            changed_nodes=diff.nodes - 1,  # the head counts once
        )


def _text(make: Callable[..., str], row: tuple[Any, ...]) -> str:
    """The node text of a row, or "" for the missing side of a row that came or went."""
    return "" if row[0] is None else make(*row)


def _changed_rows(
    con: duckdb.DuckDBPyConnection, state: StatisticsState, table: str, columns: Iterable[str]
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """(old row, new row) for every key whose row differs (all None on the side it is missing)."""
    names = tuple(columns)
    old, new = state.folder / f"{table}.parquet", state.next / f"{table}.parquet"
    picked = ", ".join([*(f'o."{c}"' for c in names), *(f'n."{c}"' for c in names)])
    differ = " OR ".join(f'o."{c}" IS DISTINCT FROM n."{c}"' for c in names[2:])
    result = con.execute(
        f"SELECT {picked} FROM read_parquet({sql_path(old)}) o "  # noqa: S608 - own paths, columns
        f"FULL OUTER JOIN read_parquet({sql_path(new)}) n ON o.drug = n.drug AND o.term = n.term "
        f"WHERE o.drug IS NULL OR n.drug IS NULL OR {differ}"
    )
    width = len(names)
    while batch := result.fetchmany(_BATCH):
        for row in batch:
            yield row[:width], row[width:]


class _Diff:
    """Writes the line difference of old and new node texts, and the new texts as a sample."""

    def __init__(self, removed: IO[str], added: IO[str], sample: IO[str]) -> None:
        self.removed, self.added, self.sample = removed, added, sample
        self.removed_lines = self.added_lines = self.nodes = 0

    def texts(self, old: str, new: str) -> None:
        """Record that a node's text went from ``old`` to ``new`` ("": absent)."""
        self.nodes += 1
        self.sample.write(new)
        if not old or not new:  # a node that came or went: no line is shared
            self.removed.write(old)
            self.added.write(new)
            self.removed_lines += old.count("\n")
            self.added_lines += new.count("\n")
            return
        old_lines = old.splitlines(keepends=True)
        new_lines = new.splitlines(keepends=True)
        kept = set(old_lines) & set(new_lines)
        gone = [line for line in old_lines if line not in kept]
        come = [line for line in new_lines if line not in kept]
        self.removed.writelines(gone)
        self.added.writelines(come)
        self.removed_lines += len(gone)
        self.added_lines += len(come)
