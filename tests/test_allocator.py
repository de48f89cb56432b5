"""The memory allocator every `pvkg` process runs with (kg.allocator, cli.main.with_allocator)."""

from __future__ import annotations

import contextlib
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


def test_auto_prefers_mimalloc_then_jemalloc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(allocator, "library_dirs", lambda: [tmp_path / "none", tmp_path])
    assert allocator.find("auto") is None
    (tmp_path / "libjemalloc.so.2").write_bytes(b"")
    assert allocator.find("auto") == str(tmp_path / "libjemalloc.so.2")
    (tmp_path / "libmimalloc.so.2").write_bytes(b"")
    assert allocator.find("auto") == str(tmp_path / "libmimalloc.so.2")
    assert allocator.installed() == [
        str(tmp_path / "libmimalloc.so.2"),
        str(tmp_path / "libjemalloc.so.2"),
    ]


def test_environment_preloads_unless_the_user_did(tmp_path: Path) -> None:
    library = tmp_path / "libfake.so"
    library.write_bytes(b"")
    assert allocator.environment("system", {"A": "1"}) == {"A": "1"}
    assert allocator.environment(str(library), {"A": "1"}) == {
        "A": "1",
        "LD_PRELOAD": str(library),
    }
    assert allocator.environment(str(library), {"LD_PRELOAD": "mine.so"}) == {
        "LD_PRELOAD": "mine.so"
    }
    chosen = {"PVKG_ALLOCATOR": str(library)}  # no choice given: the environment's
    assert allocator.environment(None, chosen)["LD_PRELOAD"] == str(library)


def _pvkg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``pvkg`` run as a program (``python -m cli.main``), as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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


def _environ(pid: int) -> list[bytes]:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return []


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@contextlib.contextmanager
def _serving(test_store: str, env: dict[str, str]) -> Iterator[list[int]]:
    """Start ``pvkg serve`` (1 web worker, 2 query processes) with ``env``; yield its process ids.

    gunicorn's arbiter, the web worker, the fork server and the query processes: at least 4.
    """
    mark = uuid.uuid4().hex
    marked = {"PVKG_TEST_MARK": mark, **env}
    with serve(test_store, "--workers", "1", "--query-processes", "2", env=marked) as base:
        assert requests.get(base + "/health", timeout=10).status_code == 200
        pids = list(_marked(mark))
        assert len(pids) >= 4, pids
        yield pids


@needs_library
@pytest.mark.integration
def test_every_process_of_pvkg_serve_runs_with_it(test_store: str) -> None:
    assert INSTALLED is not None
    with _serving(test_store, {"PVKG_ALLOCATOR": "auto", "LD_PRELOAD": ""}) as pids:
        assert all(_maps(p, INSTALLED) for p in pids), [(p, _cmdline(p)) for p in pids]
        assert any("cli.main" in _cmdline(p) for p in pids)


@needs_library
@pytest.mark.integration
def test_system_allocator_preloads_nothing(test_store: str) -> None:
    assert INSTALLED is not None
    with _serving(test_store, {"PVKG_ALLOCATOR": "system", "LD_PRELOAD": ""}) as pids:
        assert not [p for p in pids if _maps(p, INSTALLED)]


@needs_library
def test_a_command_runs_again_with_the_library_and_keeps_its_output(test_store: str) -> None:
    done = _pvkg("--store", test_store, "stats", env={"LD_PRELOAD": ""})
    assert done.returncode == 0, done.stderr
    assert "graphs" in done.stdout
    assert done.stdout.count("dataset version") == 1  # printed once, by the second execution


@needs_library
@pytest.mark.integration
def test_a_users_preload_is_left_alone(test_store: str) -> None:
    assert INSTALLED is not None
    # libm: harmless, Python loads it anyway
    with _serving(test_store, {"LD_PRELOAD": "libm.so.6"}) as pids:
        assert all(b"LD_PRELOAD=libm.so.6" in _environ(p) for p in pids)
        assert not [p for p in pids if _maps(p, INSTALLED)]


def test_a_missing_library_in_the_environment_is_a_clear_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "nothere.so")
    done = _pvkg("stats", env={"PVKG_ALLOCATOR": missing, "LD_PRELOAD": ""})
    assert done.returncode == 1
    assert done.stderr.strip() == f"pvkg: error: $PVKG_ALLOCATOR: no such library: {missing}"
