"""The process tree under one process, read from ``/proc`` (Linux), for the benchmarks'
resource figures (CPU time, resident memory of a server or a load and its children)."""

from __future__ import annotations

import contextlib
import os
import threading
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


def tree_rss_mb(pid: int) -> float:
    """Resident memory in MB of process ``pid`` and all its descendants, right now."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for current in tree(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):  # it ended meanwhile
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * page
    return total / (1 << 20)


class TreePeak:
    """Samples :func:`tree_rss_mb` of process ``pid`` (default: this one) and its descendants
    in a thread every ``interval`` seconds; keeps the peak of their sum (``ru_maxrss`` only gives
    each process's own peak)."""

    def __init__(self, pid: int | None = None, interval: float = 0.1) -> None:
        self.pid = os.getpid() if pid is None else pid
        self.interval = interval
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, tree_rss_mb(self.pid))

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
