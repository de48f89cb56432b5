"""Loads stage inside the store directory, and what a killed load staged is removed at the next
read-write open (issue 14)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from cli.context import open_store
from kg.embedded import EmbeddedStore
from kg.staging import StagedGraph

ROOT = Path(__file__).resolve().parent.parent

STAGE_AND_HANG = """
import argparse, sys, time
from cli.context import open_store
from kg.staging import StagedGraph
store = open_store(argparse.Namespace(store=sys.argv[1]))
staged = StagedGraph()
staged.write_lines(['<http://ex/s> <http://ex/p> "x" .\\n'] * 1000)
print(staged.path.parent, flush=True)
time.sleep(60)
"""


def test_a_read_write_open_stages_in_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", None)
    store = open_store(argparse.Namespace(store=str(tmp_path / "s")))
    with StagedGraph() as staged:
        assert staged.path.parent.parent == tmp_path / "s" / "staging"
    assert list((tmp_path / "s" / "staging").iterdir()) == []
    store.close()


def test_what_a_killed_load_staged_is_gone_after_the_next_load(tmp_path: Path) -> None:
    location = tmp_path / "s"
    hanging = subprocess.Popen(
        [sys.executable, "-c", STAGE_AND_HANG, str(location)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert hanging.stdout is not None
        left = Path(hanging.stdout.readline().strip())
    finally:
        os.kill(hanging.pid, signal.SIGKILL)
        hanging.wait()
    assert left.parent == location / "staging" and (left / "raw.nt").stat().st_size > 0
    data = tmp_path / "g.nt"
    data.write_text('<http://ex/a> <http://ex/b> "c" .\n', encoding="utf-8")
    loaded = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli.main",
            "--store",
            str(location),
            "load",
            "rdf",
            str(data),
            "--graph",
            "http://ex/g",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert not left.exists()
    assert list((location / "staging").iterdir()) == []
    reader = EmbeddedStore(location, read_only=True)
    assert [g.triples for g in reader.graphs() if g.graph.value == "http://ex/g"] == [1]
