"""The memory allocator of the processes that run pyoxigraph.

pyoxigraph (Rust, with RocksDB) allocates through the C library's ``malloc``. With glibc's, the
heavy saved queries of a full-size FAERS store evaluate about 15 % slower than with mimalloc or
jemalloc (``drug-signals``: 23 ms against 19.5 ms; BENCHMARKS.md). An allocator can only be
chosen when a process starts (``LD_PRELOAD``), so :func:`preload` puts one in the environment
that processes started afterwards inherit: ``pvkg serve`` calls it before its query processes
are started (their fork server executes Python afresh).

Choices: ``auto`` (mimalloc, else jemalloc, else the C library's), ``system`` (the C
library's), or a path to a shared library.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from pathlib import Path

from kg.errors import InputError

CANDIDATES = ("mimalloc", "jemalloc")
"""Libraries :func:`find` looks for with ``choice="auto"``, best first."""

ENV = "LD_PRELOAD"


def find(choice: str = "auto") -> str | None:
    """The allocator library ``choice`` names, or ``None`` for the C library's own.

    :param choice: ``auto``, ``system`` or the path of a shared library.
    :return: a library name the dynamic loader resolves (``libmimalloc.so.2``) or a path.
    :raises InputError: if ``choice`` is a path that does not exist.

    >>> find("system") is None
    True
    """
    if choice == "system" or not sys.platform.startswith("linux"):
        return None
    if choice == "auto":
        for name in CANDIDATES:
            found = ctypes.util.find_library(name)
            if found:
                return found
        return None
    if not Path(choice).is_file():
        raise InputError(f"no such library: {choice}", field="allocator")
    return choice


def preload(choice: str = "auto") -> str | None:
    """Make processes started from now on load the allocator ``choice``.

    Leaves the environment alone when ``LD_PRELOAD`` already names a library (the user chose).

    :return: what ``LD_PRELOAD`` now holds, or ``None``.
    :raises InputError: see :func:`find`.
    """
    library = find(choice)
    given = os.environ.get(ENV)
    if given:
        return given
    if library is not None:
        os.environ[ENV] = library
    return library
