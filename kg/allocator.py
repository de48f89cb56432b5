"""The memory allocator of the processes that run pyoxigraph.

pyoxigraph (Rust, with RocksDB) allocates through the C library's ``malloc``. With glibc's, the
heavy saved queries of a full-size FAERS store evaluate about 15 % slower than with mimalloc
(``drug-signals``: 24.6 ms against 20.5 ms) and ``Store.bulk_load`` takes 1.2–1.9× as long
(BENCHMARKS.md, "Allocator" and "With mimalloc"). An allocator can only be chosen when a process
starts (``LD_PRELOAD``), so the ``pvkg`` command executes itself again with the library
preloaded (``cli.main.with_allocator``), and every process it starts inherits it.

Choices (``PVKG_ALLOCATOR``): ``auto`` (the default: mimalloc, else jemalloc, else the C
library's), ``system`` (the C library's), or the path of a shared library.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from collections.abc import Mapping
from pathlib import Path

from kg.errors import InputError

ENV_ALLOCATOR = "PVKG_ALLOCATOR"
PRELOAD = "LD_PRELOAD"

CANDIDATES = ("libmimalloc.so.2", "libjemalloc.so.2")
"""Libraries :func:`find` looks for with ``choice="auto"``, best first (Debian packages
``libmimalloc2.0`` and ``libjemalloc2``)."""


def library_dirs() -> list[Path]:
    """The dynamic loader's usual directories, multiarch ones first.

    Looked through directly, since ``ctypes.util.find_library`` runs ``ldconfig`` and, for a
    library that is not there, a compiler: ~40 ms each, paid by every ``pvkg`` command.
    """
    arch = sysconfig.get_config_var("MULTIARCH") or ""
    found = []
    for top in ("/usr/local/lib", "/usr/lib", "/lib", "/usr/lib64", "/lib64"):
        if arch:
            found.append(Path(top) / arch)
        found.append(Path(top))
    return found


def installed() -> list[str]:
    """Paths of the :data:`CANDIDATES` that are installed, best first."""
    found = []
    for name in CANDIDATES:
        for directory in library_dirs():
            if (directory / name).is_file():
                found.append(str(directory / name))
                break
    return found


def find(choice: str = "auto") -> str | None:
    """The allocator library ``choice`` names, or ``None`` for the C library's own.

    :param choice: ``auto``, ``system`` or the path of a shared library.
    :return: the path of the library.
    :raises InputError: if ``choice`` is a path that does not exist.

    >>> find("system") is None
    True
    """
    if choice == "system" or not sys.platform.startswith("linux"):
        return None
    if choice == "auto":
        found = installed()
        return found[0] if found else None
    if not Path(choice).is_file():
        raise InputError(f"no such library: {choice}", path=f"${ENV_ALLOCATOR}")
    return choice


def environment(choice: str | None = None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with the allocator preloaded.

    :param choice: see :func:`find`; ``None`` reads ``PVKG_ALLOCATOR`` (default ``auto``).
    :return: a copy of ``base``; ``LD_PRELOAD`` is set to the library unless ``base`` already
        sets it (the user's choice) or the choice is the C library's.
    :raises InputError: see :func:`find`.
    """
    env = dict(os.environ if base is None else base)
    library = find(env.get(ENV_ALLOCATOR, "auto") if choice is None else choice)
    if library is not None and not env.get(PRELOAD):
        env[PRELOAD] = library
    return env
