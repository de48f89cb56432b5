"""Discover the source loaders: every module or package in :mod:`loaders` with ``SOURCE_NAME``.

A loader module defines ``SOURCE_NAME``, ``add_arguments(parser)`` and
``load(store, path, **options) -> LoadSummary``.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Protocol, cast

import loaders
from kg.store import GraphStore, LoadSummary


class Loader(Protocol):
    """The interface of a loader module."""

    SOURCE_NAME: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the loader's own options."""

    def load(self, store: GraphStore, path: Path, **options: object) -> LoadSummary:
        """Load ``path`` into ``store``."""
        ...


def discover() -> dict[str, Loader]:
    """Loader modules by source name, sorted."""
    found: dict[str, Loader] = {}
    for info in pkgutil.iter_modules(loaders.__path__):
        module: ModuleType = importlib.import_module(f"loaders.{info.name}")
        name = getattr(module, "SOURCE_NAME", None)
        if isinstance(name, str):
            found[name] = cast(Loader, module)
    return dict(sorted(found.items()))


def loader_options(parser: argparse.ArgumentParser, loader: Loader) -> list[str]:
    """Let ``loader`` add its options to ``parser``; return the destinations it added."""
    before = {action.dest for action in parser._actions}
    loader.add_arguments(parser)
    return [a.dest for a in parser._actions if a.dest not in before]
