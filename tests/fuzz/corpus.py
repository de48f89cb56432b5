"""The fuzz corpus: damaged inputs for every loader, each with what its one-line error must say.

:func:`fuzz.build` writes every case's input under a directory and returns the cases. A case is
a ``pvkg`` command line (after ``--store``) that must fail: exit 1, one line on stderr that
names the file (and its line, where the damage has one) and matches the reason, no
traceback, and the store unchanged.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fuzz import mutate as m
from fuzz.seeds import HEADERS, QUARTER, faers_tables


@dataclass(frozen=True)
class Case:
    """One damaged input and what its refusal must say."""

    name: str
    argv: tuple[str, ...]
    file: str
    """Text the error must contain: the damaged file's name."""
    reason: str
    """Regular expression the error must match (the reason)."""
    line: bool = False
    """Whether the error must name a line (``file:N``)."""


Row = tuple[str, bytes, str, bool]
"""A one-file case: name, the damaged content, the reason pattern, whether a line is named."""


class Corpus:
    """Collects cases, writing each one's input files into its own directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cases: list[Case] = []

    def folder(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True)
        return path

    def add(self, name: str, argv: list[str], file: str, reason: str, line: bool = False) -> None:
        self.cases.append(Case(name, tuple(argv), file, reason, line))

    def table(self, source: list[str], filename: str, rows: list[Row]) -> None:
        """One-file cases ``(name, content, reason, names a line)`` for ``pvkg <source> FILE``."""
        for name, data, reason, line in rows:
            self.single(source, name, filename, data, reason, line)

    def single(
        self, source: list[str], name: str, filename: str, data: bytes, reason: str, line: bool
    ) -> None:
        """A one-file case: ``pvkg <source...> FILE``."""
        path = self.folder(name) / filename
        path.write_bytes(data)
        argv = (
            [*source[:2], str(path), *source[2:]] if source[0] == "load" else [*source, str(path)]
        )
        self.add(name, argv, filename, reason, line)


FaersChange = Callable[[dict[str, bytes]], dict[str, bytes]]


def _faers_case(
    corpus: Corpus, name: str, change: FaersChange, file: str, reason: str, line: bool = False
) -> None:
    folder = corpus.folder(name)
    for filename, data in change(faers_tables()).items():
        (folder / filename).write_bytes(data)
    corpus.add(name, ["load", "faers", str(folder)], file, reason, line)


def _table(kind: str) -> str:
    return f"{kind}{QUARTER}.txt"


def _with(kind: str, mutation: Callable[[bytes], bytes]) -> FaersChange:
    return lambda tables: {**tables, _table(kind): mutation(tables[_table(kind)])}


def _without(kind: str) -> FaersChange:
    return lambda tables: {n: d for n, d in tables.items() if n != _table(kind)}


def faers_cases(corpus: Corpus) -> None:
    """Damaged FAERS quarters: one table at a time, and zips."""
    for kind in HEADERS:
        f = _table(kind)
        _faers_case(
            corpus, f"faers-empty-{kind}", _with(kind, lambda d: b""), f, "empty file", True
        )
        _faers_case(
            corpus,
            f"faers-nul-{kind}",
            _with(kind, lambda d: m.on_data_lines(d, b"\0")),
            f,
            r"\d+ of \d+ rows rejected",
        )
        huge = b"1$" + b"x" * (2 << 20) + b"\r\n"
        _faers_case(
            corpus,
            f"faers-huge-line-{kind}",
            _with(kind, lambda d, h=huge: m.inserted(d, 0.5, h)),
            f,
            "line longer than",
            True,
        )
        _faers_case(corpus, f"faers-cr-only-{kind}", _with(kind, m.cr_only), f, "CR", True)
        _faers_case(
            corpus,
            f"faers-pipes-{kind}",
            _with(kind, lambda d: m.replaced_in_lines(d, b"$", b"|")),
            f,
            "rows rejected",
        )
        _faers_case(
            corpus,
            f"faers-no-primaryid-{kind}",
            _with(kind, lambda d: d.replace(b"primaryid$", b"", 1)),
            f,
            "missing column",
            True,
        )
        seed = sum(kind.encode())
        _faers_case(
            corpus,
            f"faers-garbage-{kind}",
            _with(kind, lambda d, s=seed: m.garbage(s)),
            f,
            "missing column|not a FAERS|bare CR",
            True,
        )
    for kind in ("DEMO", "DRUG", "REAC"):
        _faers_case(
            corpus,
            f"faers-header-only-{kind}",
            _with(kind, m.header_only),
            _table(kind),
            "header only",
        )
    for kind in ("DRUG", "REAC"):
        drop = _without(kind)
        _faers_case(corpus, f"faers-missing-{kind}", drop, _table("DEMO"), f"no {kind} table")
    _faers_case(
        corpus,
        "faers-demo-one-row",
        _with("DEMO", lambda d: m.lines_kept(d, 2)),
        _table("DRUG"),
        "rows rejected",
    )
    _faers_case(
        corpus,
        "faers-demo-cut-half",
        _with("DEMO", lambda d: m.cut_mid_token(d, 0.5)),
        _table("DRUG"),
        "rows rejected",
    )
    _faers_case(
        corpus,
        "faers-demo-cut-early",
        _with("DEMO", lambda d: m.cut_mid_token(d, 0.3)),
        _table("DRUG"),
        "rows rejected",
    )
    _faers_case(
        corpus,
        "faers-drug-cut-early",
        _with("DRUG", lambda d: m.cut_mid_token(d, 0.25)),
        f"{QUARTER}.txt",
        "rows rejected",
    )
    _faers_zip_cases(corpus)
    twice = corpus.folder("faers-two-demo")
    for filename, data in faers_tables().items():
        (twice / filename).write_bytes(data)
    (twice / "copy").mkdir()
    (twice / "copy" / f"demo{QUARTER}.TXT").write_bytes(faers_tables()[_table("DEMO")])
    corpus.add("faers-two-demo", ["load", "faers", str(twice)], "DEMO", "two DEMO files")
    corpus.add("faers-dev-zero", ["load", "faers", "/dev/zero"], "/dev/zero", "not a regular file")


def _faers_zip_cases(corpus: Corpus) -> None:
    tables = faers_tables()
    for method, label in ((zipfile.ZIP_STORED, "stored"), (zipfile.ZIP_DEFLATED, "deflated")):
        archive = m.zipped(tables, method)
        for kind in ("DEMO", "DRUG", "REAC"):
            data = m.flip_in_member(archive, _table(kind))
            corpus.single(
                ["load", "faers"],
                f"faers-zip-{label}-flip-{kind}",
                "q.zip",
                data,
                "cannot read|rows rejected|missing column|CRC",
                False,
            )
    for fraction in (0.5, 0.9):
        data = m.cut_mid_token(m.zipped(tables), fraction)
        corpus.single(
            ["load", "faers"],
            f"faers-zip-cut-{fraction}",
            "q.zip",
            data,
            "not a FAERS quarter|cannot read",
            False,
        )
    bomb = {**tables, _table("OUTC"): tables[_table("OUTC")] + b"\n" * (8 << 20)}
    corpus.single(
        ["load", "faers"],
        "faers-zip-bomb",
        "q.zip",
        m.zipped(bomb, zipfile.ZIP_DEFLATED),
        "decompression bomb",
        False,
    )
