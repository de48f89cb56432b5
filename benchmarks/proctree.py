"""The process tree under one process, read from ``/proc`` (Linux), for the benchmarks'
resource figures (CPU time, resident memory of a server or a load and its children)."""

from __future__ import annotations

import contextlib
from pathlib import Path


def tree(pid: int) -> list[int]:
    """``pid`` and all its live descendants (a process that ends meanwhile is left out)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        found.append(current)
        for task in tasks:  # a thread may end while it is read: skip just that one
            with contextlib.suppress(OSError):
                pending += [int(child) for child in (task / "children").read_text().split()]
    return found


def stat_fields(pid: int) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after the command name (``state`` is index 0);
    empty if the process has ended."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []
