"""The progress display: drawn on stderr when it is a terminal, absent from pipes and files."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import termios
from pathlib import Path

import pytest

from tests.test_cli_usability import pvkg

FIXTURES = Path(__file__).parent / "fixtures" / "kg"
GRAPH = "https://w3id.org/pvkg/graph/mini"
MESH = Path(__file__).parent / "fixtures" / "mesh" / "mini_mesh.nt"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("progress") / "store"
    done = pvkg("load", "rdf", str(FIXTURES / "mini.ttl"), "--graph", GRAPH, "--store", str(where))
    assert done.returncode == 0, done.stderr
    return where


def on_a_terminal(store: Path, *args: str) -> str:
    """Run pvkg with stderr on a pseudo-terminal 100 columns wide; what it drew there."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    try:
        assert pvkg("--store", str(store), *args, stderr=follower).returncode == 0
    finally:
        os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the follower is closed and everything was read
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    return drawn.decode()


@pytest.mark.parametrize(
    ("args", "step"),
    [
        (("export", "-g", GRAPH, "-o", "{tmp}/out.nq"), "exporting to {tmp}/out.nq"),
        (("load", "rdf", str(FIXTURES / "mini.ttl"), "--graph", GRAPH), "loading rdf from"),
        (("load", "mesh", str(MESH)), "reading MeSH triples: 2,040"),
        (("load", "mesh", str(MESH)), "writing the mesh graph to the store"),
    ],
)
def test_a_terminal_sees_the_step_then_only_the_result(
    store: Path, tmp_path: Path, args: tuple[str, ...], step: str
) -> None:
    drawn = on_a_terminal(store, *(a.format(tmp=tmp_path) for a in args))
    assert "\r" + step.format(tmp=tmp_path) in drawn
    assert "[00:0" in drawn, "the elapsed time is shown"


def test_a_pipe_sees_no_progress(store: Path, tmp_path: Path) -> None:
    done = pvkg("--store", str(store), "export", "-g", GRAPH, "-o", str(tmp_path / "o.nq"))
    assert done.stderr == "exported 19 quads\n"


def test_linking_reports_its_steps(tmp_path: Path) -> None:
    where = str(tmp_path / "store")
    assert pvkg("build", "--store", where).returncode == 0
    assert pvkg("load", "mesh", str(MESH), "--store", where).returncode == 0
    drawn = on_a_terminal(Path(where), "link")
    for step in ("reading the MeSH lexicon", "reading drugs and conditions", "writing the links"):
        assert "\r" + step in drawn


def test_a_faers_load_reports_its_steps(tmp_path: Path) -> None:
    quarter = Path(__file__).parent / "fixtures" / "faers" / "drug-names"
    drawn = on_a_terminal(tmp_path / "store", "load", "faers", str(quarter))
    for step in ("map", "case base", "swap quarter", "swap statistics"):
        assert "\r" + step in drawn
