"""What sub-commands share: where the store is and how to open it."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from kg.errors import StoreError
from kg.location import is_remote, resolve_location
from kg.location import open_store as _open_store
from kg.store import GraphStore


def store_location(args: argparse.Namespace) -> str:
    """The store location from ``--store``, ``PVKG_STORE`` or the default directory.

    :raises kg.errors.StoreError: if it is a path through an existing file (a store is a
        directory).
    """
    location = resolve_location(getattr(args, "store", None))
    if not is_remote(location):
        check_directory(Path(location))
    return location


def check_directory(path: Path) -> None:
    """Refuse a store path that is, or lies inside, a regular file.

    >>> check_directory(Path("/dev/null/store"))
    Traceback (most recent call last):
    ...
    kg.errors.StoreError: store /dev/null/store: /dev/null is a file, not a directory
    """
    for place in (path, *path.parents):
        if place.exists():
            if place == path and not place.is_dir():
                raise StoreError(f"store {path} is a file, not a directory")
            if not place.is_dir():
                raise StoreError(f"store {path}: {place} is a file, not a directory")
            return


def open_store(args: argparse.Namespace, read_only: bool = False) -> GraphStore:
    """Open the store the command line points at.

    :raises kg.errors.StoreError: if it cannot be opened.
    """
    store = _open_store(store_location(args), read_only=read_only)
    from kg.embedded import EmbeddedStore  # already loaded when the store is local

    if isinstance(store, EmbeddedStore) and not read_only:
        # Loaders stage in the temporary directory; for a local store, that is the store's
        # own staging/ (same disk as the store, emptied at the next read-write open).
        tempfile.tempdir = str(store.staging)
    return store
