"""Finding and reading the tables of one FAERS or legacy AERS quarterly ASCII extract.

A quarter is a directory or the zip FDA publishes. Its tables are named ``DEMOyyQq``,
``DRUGyyQq``, ``REACyyQq``, ``OUTCyyQq``, ``INDIyyQq``, ``THERyyQq``, ``RPSRyyQq`` (``.txt`` or
``.TXT``, anywhere below the root) and its deleted-case lists ``DELETEyyQq.txt``. Each table is
``$``-delimited with a header row. Real files differ in small ways, all tolerated here: CRLF or
LF line ends, a trailing ``$`` on every line (or not), upper- or lower-case headers, legacy
column names (``isr``, ``case``, ``gndr_cod``), an empty trailing column named ``v23`` by some
re-writers, bytes that are not UTF-8 (read as Windows-1252), and rows broken across lines by a
newline inside a field (joined back), whole numbers re-saved by dataframe tools with a
trailing ``.0`` (``20141226.0``, read as ``20141226``). Rows that still do not fit, or hold a
NUL or an over-long field, are reported to a :class:`Rejects` list and left out; the limits
are :mod:`loaders.input_policy`'s.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kg.errors import InputError
from loaders.input_policy import (
    MAX_FIELD_CHARS,
    READ_ERRORS,
    bounded_lines,
    check_ratio,
    field_problem,
)

TABLES = ("DEMO", "DRUG", "REAC", "OUTC", "INDI", "THER", "RPSR")
_TABLE_FILE = re.compile(r"^(DEMO|DRUG|REAC|OUTC|INDI|THER|RPSR)(\d\d)Q([1-4])\.TXT$", re.I)
_DELETE_FILE = re.compile(r"^DELETE(\d\d)Q([1-4])\.TXT$", re.I)
_FILLER = re.compile(r"^v\d+$")
_MAX_JOINS = 20
_WHOLE = re.compile(r"(?<![^$])(\d+)\.0+(?![^$\r\n])")
"""A field holding a whole number with a trailing ``.0`` (a pandas re-save)."""

ALIASES = {
    "isr": "primaryid",
    "case": "caseid",
    "i_f_cod": "i_f_code",
    "gndr_cod": "sex",
    "indi_drug_seq": "drug_seq",
    "dsg_drug_seq": "drug_seq",
}
"""Legacy and per-table column names mapped to one canonical name."""

REQUIRED = {
    "DEMO": ("primaryid", "caseid"),
    "DRUG": ("primaryid", "drug_seq", "role_cod", "drugname"),
    "REAC": ("primaryid", "pt"),
    "OUTC": ("primaryid", "outc_cod"),
    "INDI": ("primaryid", "drug_seq", "indi_pt"),
    "THER": ("primaryid", "drug_seq"),
    "RPSR": ("primaryid", "rpsr_cod"),
}
"""Columns (canonical names) a table must have to be read at all."""


@dataclass
class Rejects:
    """Records that could not be read: (file, line, field, reason), in the order found."""

    entries: list[tuple[str, int, str, str]] = field(default_factory=list)

    def add(self, file: str, line: int, column: str, reason: str) -> None:
        """Record one problem; ``column`` is ``""`` when the whole row was dropped."""
        self.entries.append((file, line, column, reason))

    def __len__(self) -> int:
        return len(self.entries)

    def write(self, path: Path) -> None:
        """Write the entries as tab-separated ``file line field reason`` lines with a header."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            out.write("file\tline\tfield\treason\n")
            for file, line, column, reason in self.entries:
                clean = reason.replace("\t", " ").replace("\n", " ")
                out.write(f"{file}\t{line}\t{column}\t{clean}\n")


@dataclass(frozen=True)
class TableFile:
    """One table file of a quarter: its display name and how to open it (binary)."""

    kind: str
    name: str
    open: Callable[[], IO[bytes]]


@dataclass(frozen=True)
class QuarterFiles:
    """The files of one quarter.

    :param key: ``2020q3``; the release part of the quarter's graph name.
    :param tables: table kind → file (DEMO is always there unless only deletions are).
    :param deleted: deleted-case lists.
    :param origin: the directory or zip given.
    """

    key: str
    tables: dict[str, TableFile]
    deleted: tuple[TableFile, ...]
    origin: Path

    @property
    def names(self) -> tuple[str, ...]:
        """Display names of every file, tables first (in :data:`TABLES` order)."""
        ordered = [self.tables[k].name for k in TABLES if k in self.tables]
        return (*ordered, *(d.name for d in self.deleted))


def _quarter_key(yy: str, q: str) -> str:
    return f"20{yy}q{q}"


def _members(path: Path) -> list[tuple[str, Callable[[], IO[bytes]]]]:
    """(display name, opener) of every file in a directory tree or zip."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
        return [(str(p), _file_opener(p)) for p in files]
    if path.exists() and not path.is_file():  # a device or pipe: /dev/zero never ends
        raise InputError("not a regular file (expected a directory or a zip)", path=str(path))
    if zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
            infos = [i for i in archive.infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, *READ_ERRORS) as error:
            raise InputError(f"cannot read zip: {error}", path=str(path)) from None
        for info in infos:
            check_ratio(f"{path}!{info.filename}", info.compress_size, info.file_size)
        names = sorted(i.filename for i in infos)
        return [(f"{path}!{n}", _zip_opener(archive, n)) for n in names]
    if path.exists():
        raise InputError("not a FAERS quarter (expected a directory or a zip)", path=str(path))
    raise InputError("no such file or directory", path=str(path))


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _zip_opener(archive: zipfile.ZipFile, name: str) -> Callable[[], IO[bytes]]:
    return lambda: archive.open(name)


def discover(path: Path) -> list[QuarterFiles]:
    """Find the quarters in ``path``: one directory or zip, or a folder of several.

    :param path: a quarter directory, a quarter zip, or a directory holding quarters (as
        sub-directories or zips) and deleted-case lists.
    :return: the quarters found, sorted by key.
    :raises InputError: if ``path`` holds no FAERS table or deleted-case list, or one quarter
        has two files for the same table.
    """
    members = _members(path)
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.is_file() and zipfile.is_zipfile(child):
                members += _members(child)
    found: dict[str, dict[str, TableFile]] = {}
    deleted: dict[str, list[TableFile]] = {}
    for name, opener in members:
        base = re.split(r"[/\\!]", name)[-1]
        table = _TABLE_FILE.match(base)
        if table:
            kind, key = table.group(1).upper(), _quarter_key(table.group(2), table.group(3))
            tables = found.setdefault(key, {})
            if kind in tables:
                raise InputError(
                    f"two {kind} files for quarter {key}: {tables[kind].name}", path=name
                )
            tables[kind] = TableFile(kind, name, opener)
            continue
        gone = _DELETE_FILE.match(base)
        if gone:
            key = _quarter_key(gone.group(1), gone.group(2))
            deleted.setdefault(key, []).append(TableFile("DELETE", name, opener))
    keys = sorted(set(found) | set(deleted))
    if not keys:
        raise InputError(
            "not a FAERS quarter: no DEMOyyQq/DRUGyyQq/... table or DELETEyyQq list found",
            path=str(path),
        )
    quarters = []
    for key in keys:
        tables = found.get(key, {})
        if tables and "DEMO" not in tables:
            some = next(iter(tables.values())).name
            raise InputError(f"quarter {key} has no DEMO table", path=some)
        quarters.append(QuarterFiles(key, tables, tuple(deleted.get(key, ())), path))
    return quarters


@dataclass(frozen=True)
class Header:
    """The columns of a table, canonical names, and whether lines end with ``$``."""

    columns: tuple[str, ...]
    index: dict[str, int]

    @property
    def width(self) -> int:
        """Number of real columns."""
        return len(self.columns)


def parse_header(text: str, table: TableFile) -> Header:
    """Read a header line.

    :raises InputError: if a required column is missing, or the line holds a bare CR (a file
        with CR-only line ends reads as one line).
    """
    if "\r" in text:
        raise InputError(
            "line ends are bare CR (classic Mac): convert them to LF or CRLF",
            path=table.name,
            line=1,
        )
    names = [n.strip().lower() for n in text.split("$")]
    while names and (not names[-1] or _FILLER.match(names[-1])):
        names.pop()
    columns = tuple(ALIASES.get(n, n) for n in names)
    index = {name: i for i, name in reversed(list(enumerate(columns)))}
    missing = [c for c in REQUIRED[table.kind] if c not in index]
    if missing:
        raise InputError(
            f"not a FAERS {table.kind} table: missing column(s) {', '.join(missing)}",
            path=table.name,
            line=1,
        )
    return Header(columns, index)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _lines(table: TableFile) -> Iterator[tuple[int, str]]:
    """Numbered lines of a file, decoded, without line ends."""
    try:
        with table.open() as stream:
            for number, raw in enumerate(bounded_lines(stream, table.name), start=1):
                yield number, _decode(raw.rstrip(b"\r\n"))
    except (zipfile.BadZipFile, *READ_ERRORS) as error:
        raise InputError(f"cannot read file: {error}", path=table.name) from None


def read_rows(table: TableFile, rejects: Rejects) -> Iterator[tuple[int, Header, list[str]]]:
    """Yield ``(line, header, fields)`` for every data row of ``table``.

    A row with too few fields is joined with the next line(s) (a newline inside a field);
    a row with too many, or one still short at the end of the file, is rejected.

    :raises InputError: if the file is empty or unreadable, or its header lacks required
        columns.
    """
    try:
        with table.open() as stream:
            for number, header, fields in _rows(stream, table, rejects):
                problem = _row_problem(header, fields)
                if problem is None:
                    yield number, header, fields
                else:
                    rejects.add(table.name, number, "", f"field {problem[0]}: {problem[1]}")
    except (zipfile.BadZipFile, *READ_ERRORS) as error:
        raise InputError(f"cannot read file: {error}", path=table.name) from None


def _rows(
    stream: IO[bytes], table: TableFile, rejects: Rejects
) -> Iterator[tuple[int, Header, list[str]]]:
    lines = bounded_lines(stream, table.name)
    first = next(lines, None)
    if first is None:
        raise InputError("empty file (no header row)", path=table.name, line=1)
    header = parse_header(_decode(first.rstrip(b"\r\n")), table)
    width = header.width
    pending: tuple[int, str, int] | None = None  # (start line, text, joins)
    number = 1
    for raw in lines:
        number += 1
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            text = _decode(raw.rstrip(b"\r\n"))
        if ".0" in text:
            text = _WHOLE.sub(r"\1", text)
        if pending is None:
            fields = text.split("$")
            count = len(fields)
            if count == width:
                yield number, header, fields
                continue
            if count > width and not any(fields[width:]):
                yield number, header, fields[:width]
                continue
            if not text.strip():
                continue
            if count < width:
                pending = (number, text, 0)
            else:
                rejects.add(table.name, number, "", f"row has {count} fields, expected {width}")
            continue
        start, before, joins = pending
        joined = before + " " + text
        pending = None
        joined_fields = _fit(joined, width)
        if joined_fields is not None:
            yield start, header, joined_fields
            continue
        if _count(joined) < width and joins < _MAX_JOINS:
            pending = (start, joined, joins + 1)
            continue
        rejects.add(table.name, start, "", f"row has {_count(before)} of {width} fields")
        fresh = _fit(text, width)
        if fresh is not None:
            yield number, header, fresh
        elif text.strip() and _count(text) < width:
            pending = (number, text, 0)
        elif text.strip():
            rejects.add(table.name, number, "", f"row has {_count(text)} fields, expected {width}")
    if pending is not None:
        start, before, _ = pending
        rejects.add(
            table.name, start, "", f"truncated row: {_count(before)} of {width} fields at end"
        )


def _row_problem(header: Header, fields: list[str]) -> tuple[str, str] | None:
    """(column, why) of the first field that cannot be kept, or ``None`` (fast when none).

    The row is dropped, so the rejects entry has no field (see :meth:`Rejects.add`)."""
    whole = "".join(fields)
    if "\x00" not in whole and len(whole) <= MAX_FIELD_CHARS:
        return None
    for name, value in zip(header.columns, fields, strict=False):
        problem = field_problem(value)
        if problem is not None:
            return name, problem
    return None


def _count(text: str) -> int:
    return text.count("$") + 1


def _fit(text: str, width: int) -> list[str] | None:
    """Split a row into exactly ``width`` fields, or ``None`` if it is short or too long."""
    fields = text.split("$")
    if len(fields) == width:
        return fields
    if len(fields) > width and not any(fields[width:]):
        return fields[:width]
    return None


def read_deleted(table: TableFile, rejects: Rejects) -> list[str]:
    """The caseids of a deleted-case list (one per line, optional trailing ``$``)."""
    cases = []
    for number, text in _lines(table):
        value = text.strip().rstrip("$").strip()
        if not value:
            continue
        if value.isdigit():
            cases.append(value)
        else:
            rejects.add(table.name, number, "caseid", f"not a caseid: {value[:40]!r}")
    return cases
