"""The allocator ``pvkg serve`` preloads into its query processes (kg.allocator)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from server_harness import REPO, serve

from kg import allocator
from kg.errors import InputError

pytest_plugins = ("server_harness",)

INSTALLED = allocator.find("auto")
needs_library = pytest.mark.skipif(
    INSTALLED is None, reason="neither mimalloc nor jemalloc is installed (apt libmimalloc2.0)"
)


def test_system_means_the_c_library() -> None:
    assert allocator.find("system") is None


def test_a_missing_library_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no such library: .*nothere\.so"):
        allocator.find(str(tmp_path / "nothere.so"))


def test_a_given_path_is_used(tmp_path: Path) -> None:
    library = tmp_path / "libfake.so"
    library.write_bytes(b"")
    assert allocator.find(str(library)) == str(library)


def test_preload_keeps_the_users_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LD_PRELOAD", "libmine.so")
    assert allocator.preload("auto") == "libmine.so"
    assert os.environ["LD_PRELOAD"] == "libmine.so"


def test_preload_system_sets_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    assert allocator.preload("system") is None
    assert "LD_PRELOAD" not in os.environ


@needs_library
def test_preload_auto_names_an_installed_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    assert allocator.preload("auto") == INSTALLED
    assert os.environ["LD_PRELOAD"] == INSTALLED


def _marked(mark: str) -> Iterator[int]:
    """Processes whose environment carries ``PVKG_TEST_MARK=mark``."""
    needle = f"PVKG_TEST_MARK={mark}".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    yield int(entry.name)
            except OSError:
                continue


def _maps(pid: int, library: str) -> bool:
    try:
        return Path(library).name in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@needs_library
@pytest.mark.integration
def test_query_processes_of_pvkg_serve_run_with_it(test_store: str) -> None:
    assert INSTALLED is not None
    mark = uuid.uuid4().hex
    env = {"PVKG_TEST_MARK": mark, "PVKG_ALLOCATOR": "auto", "LD_PRELOAD": ""}
    with serve(test_store, "--workers", "1", "--query-processes", "2", env=env) as base:
        assert requests.get(base + "/health", timeout=10).status_code == 200
        pids = list(_marked(mark))
        with_it = [p for p in pids if _maps(p, INSTALLED)]
        # the query processes (and their fork server); not the web worker or gunicorn's arbiter
        assert len(with_it) >= 2, (pids, with_it)
        assert all("cli.main" not in _cmdline(p) for p in with_it)
        assert any("cli.main" in _cmdline(p) for p in pids)


@needs_library
@pytest.mark.integration
def test_system_allocator_preloads_nothing(test_store: str) -> None:
    assert INSTALLED is not None
    mark = uuid.uuid4().hex
    env = {"PVKG_TEST_MARK": mark, "LD_PRELOAD": ""}
    with serve(test_store, "--allocator", "system", env=env) as base:
        assert requests.get(base + "/health", timeout=10).status_code == 200
        pids = list(_marked(mark))
        assert len(pids) >= 3
        assert not [p for p in pids if _maps(p, INSTALLED)]


def test_serve_refuses_a_missing_allocator(test_store: str, tmp_path: Path) -> None:
    missing = str(tmp_path / "nothere.so")
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "--store", test_store, "serve", "--allocator", missing],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "nothere.so" in done.stderr
    assert "Traceback" not in done.stderr
