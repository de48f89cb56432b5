"""What a newcomer meets at the ``pvkg`` prompt: syntax errors, options, help, one-line failures.

Each test runs the real ``pvkg`` entry point as a process on a real on-disk store.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli.main import build_parser, sub_parsers

FIXTURES = Path(__file__).parent / "fixtures" / "kg"
GRAPH = "https://w3id.org/pvkg/graph/mini"


def pvkg(*args: str, stderr: int = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """Run ``pvkg ARGS`` as a process; stdout is captured, stderr too unless told where."""
    env = {**os.environ, "PVKG_QUERIES": str(FIXTURES / "queries")}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store loaded with the option after the sub-command (gap 2 of issue 15)."""
    where = tmp_path_factory.mktemp("usability") / "store"
    done = pvkg("load", "rdf", str(FIXTURES / "mini.ttl"), "--graph", GRAPH, "--store", str(where))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{GRAPH}: 19 triples; 19 records"
    return where


def test_syntax_error_shows_the_line_a_caret_and_the_expected_tokens(store: Path) -> None:
    done = pvkg("--store", str(store), "query", "-e", "SELECT ?s WHERE { ?s ?p }")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "pvkg: error: SPARQL syntax error at line 1, column 26: found the end of the query",
        "  SELECT ?s WHERE { ?s ?p }",
        "                           ^",
        "  expected a keyword (LATERAL or SERVICE), or more text",
    ]


def test_syntax_error_on_a_later_line_of_a_file_hints_at_a_misspelt_keyword(
    store: Path, tmp_path: Path
) -> None:
    query = tmp_path / "q.rq"
    query.write_text("PREFIX pv: <https://w3id.org/pvkg/ontology#>\nSELEC ?d { ?d a pv:Drug }\n")
    done = pvkg("query", str(query), "--store", str(store))
    lines = done.stderr.splitlines()
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith("pvkg: error: SPARQL syntax error at line 2, column ")
    assert lines[1] == "  SELEC ?d { ?d a pv:Drug }"
    caret = lines[2].index("^") - 2
    assert lines[1][2:][caret - 1 : caret + 1].strip(), "the caret points into the query text"
    assert "did you mean SELECT (not SELEC)?" in lines[3]


def test_store_option_after_a_nested_sub_command_wins_over_the_one_before(store: Path) -> None:
    done = pvkg("--store", "/nonexistent/store", "stats", "--store", str(store))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("1 graph, 19 triples;")


def test_every_command_is_described_and_every_option_states_its_default() -> None:
    parser = build_parser()
    undescribed = [p.prog for p in sub_parsers(parser) if not p.description]
    silent = [
        f"{p.prog} {a.option_strings[0]}"
        for p in [parser, *sub_parsers(parser)]
        for a in p._actions
        if a.option_strings
        and a.default not in (None, [], False, argparse.SUPPRESS)
        and "default" not in (a.help or "")
    ]
    assert undescribed == [] and silent == []
    assert "(default: table)" in " ".join(pvkg("query", "--help").stdout.split())


def test_one_of_a_thing_is_singular(tmp_path: Path) -> None:
    one = tmp_path / "one.ttl"
    one.write_text("<https://example.org/s> <https://example.org/p> 1 .\n")
    where = str(tmp_path / "store")
    loaded = pvkg("load", "rdf", str(one), "--graph", GRAPH, "--store", where)
    assert loaded.stdout.strip() == f"{GRAPH}: 1 triple; 1 record"
    assert pvkg("stats", "--store", where).stdout.splitlines()[-1].startswith("1 graph, 1 triple;")
    exported = pvkg("export", "--store", where, "-g", GRAPH, "-o", str(tmp_path / "out.nq"))
    assert exported.stderr.strip() == "exported 1 quad"
    counted = pvkg("query", "--store", where, "-e", "SELECT ?s { ?s <https://example.org/p> 1 }")
    assert counted.stdout.splitlines()[-1] == "(1 row)"


def test_store_path_that_is_a_file_is_named_in_one_line(tmp_path: Path) -> None:
    afile = tmp_path / "store.txt"
    afile.write_text("not a store")
    for location, place in ((afile, afile), (afile / "inner", afile)):
        done = pvkg("build", "--store", str(location))
        assert done.returncode == 1
        assert done.stderr.splitlines() == [
            f"pvkg: error: store {location}"
            + (" is" if location == place else f": {place} is")
            + " a file, not a directory"
        ]


def test_serve_on_a_busy_port_fails_at_once_in_one_line(store: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        done = pvkg("serve", "--store", str(store), "--port", str(port))
        took = time.monotonic() - started
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"pvkg: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]
    assert took < 4, f"gunicorn retries for 5 s; the check took {took:.1f} s"
