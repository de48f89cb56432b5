"""The on-disk case base: per quarter, the per-report facts statistics need, as Parquet files.

Each loaded quarter has one immutable directory of Parquet tables beside the store, named by
the quarter, the checksum of its staged graph and the counted roles
(``2020q3-3f9c0e1d2a4b5c6d-PS+SS``)::

    reports.parquet      quarter, pid, caseid, version, fda_dt
    exposures.parquet    quarter, pid, drug              (drugs in a counted role)
    events.parquet       quarter, pid, term              (reaction terms)
    indications.parquet  quarter, pid, drug, term        (drug, any role, given for term)
    names.parquet        quarter, kind, key, name, preferred  (drug and condition names)
    deleted.parquet      quarter, caseid                 (FDA's deleted-case list)

Directories are written under a temporary name and renamed into place, so one is either whole
or absent. Which directory is current for a quarter follows from the store: the quarter graph's
recorded checksum names it. A load therefore never has to make the store and the case base
agree: a directory the store does not name is garbage (removed by :meth:`CaseStore.collect`),
and a quarter whose directory is missing (a store loaded before the case base existed, or with
other roles) is read back from the store once (:func:`loaders.faers.casebase.read_casebase`).
See ``docs/decisions/0010-faers-history.md``.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import duckdb

from loaders.faers.casebase import CaseBase

TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "reports": (
        ("quarter", "VARCHAR"),
        ("pid", "VARCHAR"),
        ("caseid", "VARCHAR"),
        ("version", "INTEGER"),
        ("fda_dt", "VARCHAR"),
    ),
    "exposures": (("quarter", "VARCHAR"), ("pid", "VARCHAR"), ("drug", "VARCHAR")),
    "events": (("quarter", "VARCHAR"), ("pid", "VARCHAR"), ("term", "VARCHAR")),
    "indications": (
        ("quarter", "VARCHAR"),
        ("pid", "VARCHAR"),
        ("drug", "VARCHAR"),
        ("term", "VARCHAR"),
    ),
    "names": (
        ("quarter", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("key", "VARCHAR"),
        ("name", "VARCHAR"),
        ("preferred", "BOOLEAN"),
    ),
    "deleted": (("quarter", "VARCHAR"), ("caseid", "VARCHAR")),
}
"""Table name → (column, DuckDB type) in file order."""

MEMORY_LIMIT = "1GB"
"""What DuckDB may hold in memory before it spills to the case base's scratch directory."""


def connect(scratch: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection bounded in memory and threads, spilling to ``scratch``."""
    scratch.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute("SET threads = 2")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET temp_directory = ?", [str(scratch)])
    return con


def quarter_dir_name(key: str, checksum: str, roles: Iterable[str]) -> str:
    """``<key>-<first 16 hex digits of the checksum>-<roles joined by +>``.

    >>> quarter_dir_name("2020q3", "sha256:3f9c0e1d2a4b5c6d7e8f", ["PS", "SS"])
    '2020q3-3f9c0e1d2a4b5c6d-PS+SS'
    """
    digest = checksum.removeprefix("sha256:")[:16]
    return f"{key}-{digest}-{'+'.join(roles)}"


def _tsv_rows(key: str, base: CaseBase) -> dict[str, Iterator[str]]:
    return {
        "reports": (
            f"{key}\t{pid}\t{case}\t{version}\t{date}\n"
            for pid, (case, version, date) in base.reports.items()
        ),
        "exposures": (
            f"{key}\t{pid}\t{drug}\n" for pid, drugs in base.exposures.items() for drug in drugs
        ),
        "events": (
            f"{key}\t{pid}\t{term}\n" for pid, terms in base.events.items() for term in terms
        ),
        "indications": (
            f"{key}\t{pid}\t{drug}\t{term}\n"
            for pid, pairs in base.indications.items()
            for drug, term in pairs
        ),
        "names": (
            f"{key}\t{kind}\t{item}\t{_one_line(name)}\t{str(preferred).lower()}\n"
            for kind, item, name, preferred in sorted(base.names)
        ),
        "deleted": (f"{key}\t{case}\n" for case in sorted(base.deleted)),
    }


def _one_line(text: str) -> str:
    """``text`` with tabs and line breaks as spaces (the TSV has no quoting)."""
    return " ".join(text.split()) if any(c in text for c in "\t\n\r") else text


def _write_lines(sink: IO[str], lines: Iterator[str]) -> None:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= 65536:
            sink.writelines(chunk)
            chunk.clear()
    sink.writelines(chunk)


def sql_path(path: Path) -> str:
    """``path`` as a quoted SQL string literal, for the file arguments DuckDB takes only
    spliced into the statement (``read_parquet``, ``COPY … TO``).

    >>> sql_path(Path("/tmp/o'brien.parquet"))
    "'/tmp/o''brien.parquet'"
    """
    return "'" + str(path).replace("'", "''") + "'"


def tsv_to_parquet(
    con: duckdb.DuckDBPyConnection, tsv: Path, out: Path, columns: tuple[tuple[str, str], ...]
) -> None:
    """Convert a tab-separated file (no header, no quoting) to Parquet with typed ``columns``."""
    names = ", ".join(f"'{name}': '{kind}'" for name, kind in columns)
    con.execute(  # only our own path and column names are spliced, quoted
        "COPY (SELECT * FROM read_csv(?, delim = '\t', header = false, quote = '', "  # noqa: S608
        f"escape = '', auto_detect = false, columns = {{{names}}})) "
        f"TO {sql_path(out)} (FORMAT parquet)",
        [str(tsv)],
    )


class CaseStore:
    """The case base directory of one pvkg store.

    :param root: the directory (created when first written).
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        """The directory of one quarter (see :func:`quarter_dir_name`)."""
        return self.root / name

    def has(self, name: str) -> bool:
        """Whether the quarter directory ``name`` is there, whole."""
        return (self.root / name / "deleted.parquet").is_file()

    def names_files(self, folders: Iterable[Path]) -> list[Path]:
        """The names tables of ``folders`` (directories written before names were kept have
        none: their quarter graphs describe their entities themselves)."""
        return [f / "names.parquet" for f in folders if (f / "names.parquet").is_file()]

    def write(self, name: str, key: str, base: CaseBase) -> Path:
        """Write ``base`` (one quarter, ``key``) as the directory ``name``; return its path.

        Written under a temporary name and renamed into place: the directory is whole or
        absent. An existing directory of that name (same quarter content) is kept.
        """
        final = self.root / name
        if self.has(name):
            return final
        self.root.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.root))
        try:
            con = connect(partial / "scratch")
            for table, lines in _tsv_rows(key, base).items():
                tsv = partial / f"{table}.tsv"
                with tsv.open("w", encoding="utf-8") as sink:
                    _write_lines(sink, lines)
                tsv_to_parquet(con, tsv, partial / f"{table}.parquet", TABLES[table])
                tsv.unlink()
            con.close()
            shutil.rmtree(partial / "scratch", ignore_errors=True)
            if final.exists():  # a half directory from an older crash cannot exist; be safe
                shutil.rmtree(final)
            partial.rename(final)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        return final

    def collect(self, keep: Iterable[str]) -> list[str]:
        """Remove every quarter directory not in ``keep`` and any temporary leftover.

        :return: the names removed.
        """
        if not self.root.is_dir():
            return []
        wanted = set(keep) | {"history", "scratch", "statistics"}
        removed = []
        for entry in sorted(self.root.iterdir()):
            if entry.name not in wanted and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry.name)
        return removed

    def history_path(self, name: str) -> Path:
        """A cached per-quarter signal table (see :mod:`loaders.faers.history`)."""
        return self.root / "history" / f"{name}.parquet"

    def collect_history(self, keep: Iterable[str]) -> None:
        """Remove cached signal tables not named in ``keep``."""
        folder = self.root / "history"
        if not folder.is_dir():
            return
        wanted = {f"{name}.parquet" for name in keep}
        for entry in folder.iterdir():
            if entry.name not in wanted:
                with contextlib.suppress(OSError):
                    entry.unlink()
