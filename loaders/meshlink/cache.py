"""A disk cache of the MeSH lexicon, so repeated ``pvkg link`` runs skip re-indexing MeSH.

Building the lexicon from the store (reading ~300,000 names and normalising each) is most of
the time of a linking run. The finished lexicon is saved as JSON under the cache directory
(``$PVKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/pvkg``, else ``~/.cache/pvkg``), named by a hash of the
``mesh`` graph's recorded checksum, load time and triple count and of :data:`FORMAT`, so any
reload of MeSH or change of the normalisation rules makes a new entry. An unreadable or
unwritable cache is ignored: the lexicon is then built from the store as usual.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.store import GraphStore
from loaders.meshlink.lexicon import MESH_GRAPH, Entry, Lexicon

FORMAT = 1
"""Bump when the lexicon or the normalisation rules change."""

ENV_CACHE = "PVKG_CACHE_DIR"


def cache_directory() -> Path:
    """Where cached lexicons live."""
    configured = os.environ.get(ENV_CACHE)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pvkg"


def lexicon_for(store: GraphStore, *, use_cache: bool = True) -> Lexicon:
    """The lexicon of the store's ``mesh`` graph, from the cache when it is current.

    :raises InputError: if the store holds no MeSH graph.
    """
    info = next((g for g in store.graphs() if g.graph == MESH_GRAPH), None)
    if info is None:
        raise InputError(
            f"graph {MESH_GRAPH.value} holds no MeSH descriptor; load MeSH first "
            "(pvkg load mesh FILE)",
            path=store.location,
        )
    if not use_cache:
        return Lexicon.from_store(store)
    stamp = f"{FORMAT}|{info.checksum}|{info.loaded_at}|{info.triples}"
    path = (
        cache_directory() / f"mesh-lexicon-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}.json"
    )
    cached = _read(path)
    if cached is not None:
        return cached
    lexicon = Lexicon.from_store(store)
    _write(lexicon, path)
    return lexicon


def _entries(index: dict[str, list[Entry]]) -> dict[str, list[list[Any]]]:
    return {key: [[e.ui, e.name, e.preferred] for e in bucket] for key, bucket in index.items()}


def _index(raw: dict[str, list[list[Any]]]) -> dict[str, list[Entry]]:
    return {
        key: [Entry(str(u), str(n), bool(p)) for u, n, p in bucket] for key, bucket in raw.items()
    }


def _write(lexicon: Lexicon, path: Path) -> None:
    body = {
        "format": FORMAT,
        "labels": lexicon.labels,
        "scr_class": lexicon.scr_class,
        "trees": lexicon.trees,
        "actions": lexicon.actions,
        "exact": _entries(lexicon.exact),
        "variant": _entries(lexicon.variant),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
        ) as out:
            json.dump(body, out, separators=(",", ":"))
        Path(out.name).replace(path)
    except OSError:
        return


def _read(path: Path) -> Lexicon | None:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("format") != FORMAT:
            return None
        return Lexicon(
            labels=dict(body["labels"]),
            scr_class=dict(body["scr_class"]),
            trees={k: list(v) for k, v in body["trees"].items()},
            actions={k: list(v) for k, v in body["actions"].items()},
            exact=_index(body["exact"]),
            variant=_index(body["variant"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
