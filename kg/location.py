"""Where a pvkg store is, and opening it: a local directory (the embedded pyoxigraph store) or
the URL of an existing SPARQL 1.1 server (:mod:`kg.remote`).

The backends implement :class:`kg.store.GraphStore`; this module is the one place that knows
both, so :mod:`kg.store` (the interface) imports neither. Each backend is imported when a store
of its kind is opened: importing this module (every ``pvkg`` command does) loads neither
pyoxigraph's RocksDB nor an HTTP client.
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.store import GraphStore

ENV_STORE = "PVKG_STORE"


def default_location() -> str:
    """The store location used when neither ``--store`` nor ``PVKG_STORE`` is given.

    ``$XDG_DATA_HOME/pvkg/store``, i.e. ``~/.local/share/pvkg/store`` by default.
    """
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(data_home) / "pvkg" / "store")


def resolve_location(location: str | None) -> str:
    """Pick the store location: the argument, else ``PVKG_STORE``, else :func:`default_location`."""
    return location or os.environ.get(ENV_STORE) or default_location()


def is_remote(location: str) -> bool:
    """Whether ``location`` is a SPARQL server's URL rather than a store directory.

    >>> is_remote("http://127.0.0.1:7878/query"), is_remote("/var/lib/pvkg/store")
    (True, False)
    """
    return location.startswith(("http://", "https://"))


def open_store(location: str | None = None, *, read_only: bool = False) -> GraphStore:
    """Open the store at ``location`` (a directory, or an ``http(s)://`` SPARQL endpoint URL).

    :param location: where the store is; see :func:`resolve_location`.
    :param read_only: open without write access (several processes may read one store).
    :raises StoreError: if the store cannot be opened.
    """
    where = resolve_location(location)
    if is_remote(where):
        from kg.remote import RemoteStore

        return RemoteStore.from_url(where, read_only=read_only)
    from kg.embedded import EmbeddedStore

    return EmbeddedStore(Path(where), read_only=read_only)
