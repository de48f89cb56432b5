"""The memory allocator of the processes that run pyoxigraph.

pyoxigraph (Rust, with RocksDB) allocates through the C library's ``malloc``. With glibc's, the
heavy saved queries of a full-size FAERS store evaluate about 15 % slower than with mimalloc
(``drug-signals``: 24.6 ms against 20.5 ms) and ``Store.bulk_load`` runs 20–40 % slower
(BENCHMARKS.md, "Allocator"). An allocator can only be chosen when a process starts
(``LD_PRELOAD``), so the ``pvkg`` command executes itself again with the library preloaded
(:func:`cli.main.main`), and every process it starts inherits it.

Choices (``PVKG_ALLOCATOR``): ``auto`` (the default: mimalloc, else jemalloc, else the C
library's), ``system`` (the C library's), or the path of a shared library.
"""

from __future__ import annotations

import ctypes.util
import sys
from pathlib import Path

from kg.errors import InputError

ENV_ALLOCATOR = "PVKG_ALLOCATOR"

CANDIDATES = ("mimalloc", "jemalloc")
"""Libraries :func:`find` looks for with ``choice="auto"``, best first."""


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
        raise InputError(f"no such library: {choice}", path=f"${ENV_ALLOCATOR}")
    return choice
