"""Kept copies of loaded graphs, so that replacing a graph can apply only what changed.

Removing a graph from the embedded store deletes its quads one by one in every index (about
20,000–35,000 quads a second here), so replacing a derived graph of a million triples that
changed by a few percent used to cost a minute of deletions. For a graph loaded with
``incremental=True`` the store keeps the staged file it was loaded from (sorted, one triple a
line, no duplicates: :class:`kg.staging.StagedGraph`) with the checksum, triple count and load
time recorded for it. The next replacement compares the new file with that copy line by line
(``comm``) and removes and adds only the difference.

A copy is used only while the store's own record of the graph (checksum, triple count, load
time) is the one saved with it: a graph changed since by another replacement or by a SPARQL
Update (which refreshes the load time) is replaced whole. See ADR 0003 and ADR 0010.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kg.store import GraphInfo


@dataclass(frozen=True)
class Copy:
    """A kept copy: the N-Triples file and what the store recorded when it was loaded."""

    data: Path
    checksum: str
    triples: int
    loaded_at: str

    def matches(self, info: GraphInfo | None) -> bool:
        """Whether the store's record of the graph is still the one saved with the copy."""
        return (
            info is not None
            and info.checksum == self.checksum
            and info.triples == self.triples
            and info.loaded_at == self.loaded_at
        )


def read_copy(data: Path) -> Copy | None:
    """The kept copy at ``data`` (with its ``.json`` record beside it), or None."""
    record = data.with_suffix(".json")
    if not (data.is_file() and record.is_file()):
        return None
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
        return Copy(data, str(saved["checksum"]), int(saved["triples"]), str(saved["loaded_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def keep(staged: Path, data: Path, checksum: str, triples: int, loaded_at: str) -> None:
    """Make ``staged`` the kept copy at ``data`` (moved, not copied) with its record.

    The record is written last and atomically: a crash in between leaves a record that no
    longer matches the store, and the copy is then not used.
    """
    data.parent.mkdir(parents=True, exist_ok=True)
    forget(data)
    staged.replace(data)
    record = data.with_suffix(".json")
    partial = record.with_suffix(".tmp")
    body = {"checksum": checksum, "triples": triples, "loaded_at": loaded_at}
    partial.write_text(json.dumps(body), encoding="utf-8")
    partial.replace(record)


def forget(data: Path) -> None:
    """Remove a kept copy and its record (no error if absent)."""
    data.with_suffix(".json").unlink(missing_ok=True)
    data.unlink(missing_ok=True)


def difference(old: Path, new: Path, removed: Path, added: Path) -> None:
    """Write the lines only in ``old`` to ``removed`` and those only in ``new`` to ``added``.

    Both inputs must be sorted by byte value without duplicates (as staged files are). One
    ``comm -3`` pass reads each file once (lines only in ``new`` come indented by a tab, which
    no N-Triples line starts with): the statistics graph's files are a gigabyte each.
    """
    comm = shutil.which("comm")
    if comm is None:  # pragma: no cover - every supported system has comm
        removed.write_bytes(b"".join(_only_in(old, new)))
        added.write_bytes(b"".join(_only_in(new, old)))
        return
    argv = [comm, "-3", str(old), str(new)]
    env = {**os.environ, "LC_ALL": "C"}
    with (
        subprocess.Popen(argv, stdout=subprocess.PIPE, env=env) as proc,  # noqa: S603 - fixed argv
        removed.open("wb") as gone,
        added.open("wb") as come,
    ):
        if proc.stdout is None:  # pragma: no cover - stdout=PIPE always gives one
            raise OSError("comm gave no output stream")
        for line in proc.stdout:
            if line.startswith(b"\t"):
                come.write(line[1:])
            else:
                gone.write(line)
    if proc.returncode != 0:
        raise OSError(f"comm failed with exit status {proc.returncode}")


def _only_in(first: Path, second: Path) -> list[bytes]:
    others = set(second.read_bytes().splitlines(keepends=True))
    return [line for line in first.read_bytes().splitlines(keepends=True) if line not in others]
