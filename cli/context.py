"""What sub-commands share: where the store is and how to open it."""

from __future__ import annotations

import argparse

from kg.store import GraphStore, resolve_location
from kg.store import open_store as _open_store


def store_location(args: argparse.Namespace) -> str:
    """The store location from ``--store``, ``PVKG_STORE`` or the default directory."""
    return resolve_location(getattr(args, "store", None))


def open_store(args: argparse.Namespace, read_only: bool = False) -> GraphStore:
    """Open the store the command line points at.

    :raises kg.errors.StoreError: if it cannot be opened.
    """
    return _open_store(store_location(args), read_only=read_only)
