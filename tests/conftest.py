"""Shared fixtures: on-disk stores in temporary directories and the location of shared data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.embedded import EmbeddedStore

# helper modules that test modules both import and register as plugins: rewrite their asserts
pytest.register_assert_rewrite("explorer_browser", "server_harness")

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("PVKG_SHARED_DATA", REPO.parent / "shared" / "data"))


def shared(*parts: str) -> Path:
    """Path of a file under ``../shared/data``; skips the test when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """A fresh read-write embedded store on disk."""
    opened = EmbeddedStore(tmp_path / "store")
    yield opened
    opened.close()
