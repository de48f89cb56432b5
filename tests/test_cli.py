"""The ``pvkg`` command end to end, as a user runs it: real processes on a real on-disk store."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "kg"
GRAPH = "https://w3id.org/pvkg/graph/mini"


def pvkg(store: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PVKG_QUERIES": str(FIXTURES / "queries")}
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "--store", str(store), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(done.stderr)
    return done


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "store"
    done = pvkg(store, "load", "rdf", str(FIXTURES / "mini.ttl"), "--graph", GRAPH)
    assert f"{GRAPH}: 19 triples" in done.stdout
    return store


def export(store: Path, tmp_path: Path) -> bytes:
    target = tmp_path / "dump.nq"
    pvkg(store, "export", "-o", str(target))
    return target.read_bytes()


def assert_one_line_error(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pvkg: error: "), done.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_saved_query_as_table_with_label_parameter(loaded: Path) -> None:
    done = pvkg(loaded, "query", "--saved", "drugs-inducing", "--param", "condition=psoriasis")
    assert "pvid:drug/infliximab" in done.stdout and "(1 row)" in done.stdout


def test_saved_query_as_sparql_json_with_curie(loaded: Path) -> None:
    done = pvkg(
        loaded,
        "query",
        "--saved",
        "drugs-inducing",
        "-p",
        "condition=mesh:D011565",
        "--format",
        "json",
    )
    bindings = json.loads(done.stdout)["results"]["bindings"]
    assert [b["label"]["value"] for b in bindings] == ["infliximab"]


def test_inline_query_as_csv(loaded: Path) -> None:
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { ?d a <https://w3id.org/pvkg/ontology#Drug> }"
    done = pvkg(loaded, "query", "-e", sparql, "--format", "csv")
    assert done.stdout.splitlines() == ["n", "4"]


def test_catalogue_and_stats(loaded: Path) -> None:
    assert "drugs-inducing" in pvkg(loaded, "queries").stdout
    assert (
        "condition (condition, default psoriasis"
        in pvkg(loaded, "queries", "drugs-inducing").stdout
    )
    stats = pvkg(loaded, "stats").stdout
    assert "pvgraph:mini" in stats and "1 graph, 19 triples" in stats


def test_export_gzip_holds_every_quad(loaded: Path, tmp_path: Path) -> None:
    target = tmp_path / "all.nq.gz"
    done = pvkg(loaded, "export", "--graph", "pvgraph:mini", "-o", str(target))
    lines = gzip.decompress(target.read_bytes()).decode().splitlines()
    assert len(lines) == 19 and lines == sorted(lines) and "exported 19 quads" in done.stderr


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("query", "--saved", "no-such-query"), ("no saved query 'no-such-query'",)),
        (
            ("query", "--saved", "drugs-inducing", "-p", "condition=unicorn"),
            ("parameter 'condition'", "unicorn"),
        ),
        (("query", "--saved", "drugs-inducing", "-p", "limit_rows=many"), ("'limit_rows'",)),
        (("load", "rdf", str(FIXTURES / "broken.ttl"), "--graph", GRAPH), ("broken.ttl", "line 3")),
        (("load", "rdf", str(FIXTURES / "absent.ttl"), "--graph", GRAPH), ("no such file",)),
    ],
)
def test_errors_are_one_line_and_leave_the_store_unchanged(
    loaded: Path, tmp_path: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    before = export(loaded, tmp_path)
    assert_one_line_error(pvkg(loaded, *args, check=False), *fragments)
    assert export(loaded, tmp_path) == before


def test_missing_store_is_one_line(tmp_path: Path) -> None:
    assert_one_line_error(pvkg(tmp_path / "none", "stats", check=False), "no pvkg store")


def test_optimize_compacts_and_keeps_every_quad(tmp_path: Path) -> None:
    import doctest

    import cli.commands.optimize

    assert doctest.testmod(cli.commands.optimize).failed == 0
    store = tmp_path / "store"
    pvkg(store, "load", "rdf", str(FIXTURES / "mini.ttl"), "--graph", GRAPH)
    before = export(store, tmp_path)
    done = pvkg(store, "optimize")
    assert done.stdout.startswith(f"{store}: optimized in ") and " MB -> " in done.stdout
    assert export(store, tmp_path) == before
    answer = pvkg(store, "query", "--saved", "drugs-inducing", "-p", "condition=psoriasis")
    assert "(1 row)" in answer.stdout
    missing = pvkg(tmp_path / "nothing", "optimize", check=False)
    assert_one_line_error(missing, "no store at", "nothing to optimize")
    assert not (tmp_path / "nothing").exists()


def test_a_large_load_into_a_large_store_suggests_optimize() -> None:
    from pyoxigraph import NamedNode

    from cli.commands.load import LARGE_LOAD, needs_optimize
    from kg.store import LoadSummary

    large = LoadSummary(graph=NamedNode(GRAPH), triples=LARGE_LOAD)
    small = LoadSummary(graph=NamedNode(GRAPH), triples=LARGE_LOAD - 1)
    assert needs_optimize(LARGE_LOAD, large, {"optimize": "never"})
    assert not needs_optimize(LARGE_LOAD, large, {"optimize": "always"})
    assert not needs_optimize(LARGE_LOAD, small, {})
    assert not needs_optimize(LARGE_LOAD - 1, large, {})  # into a small store
