"""The fuzz corpus (issue 14): every loader refuses damaged input cleanly and changes nothing.

One store is built from valid seeds (:mod:`fuzz.seeds`: a FAERS quarter, MeSH XML, SSSOM
links, a case report, Turtle), then each of the corpus' cases (:mod:`fuzz.corpus`, over 150)
is run through the ``pvkg`` entry point in one driver subprocess (:mod:`fuzz.driver`). Each
must exit 1 with one stderr line naming the file (and line, where there is one) and the reason,
no traceback, and leave the store's N-Quads and graph records byte-identical. A few cases also
run as their own ``pvkg`` process, with ``/dev/zero`` held to 10 s and 1 GB.
"""

from __future__ import annotations

import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz import build
from fuzz.corpus import Case
from fuzz.seeds import REPO, seed_commands, write_seeds

DRIVER = REPO / "tests" / "fuzz" / "driver.py"
CASES_ROOT = Path(tempfile.mkdtemp(prefix="pvkg-fuzz-cases-"))
CASES = build(CASES_ROOT)
"""Written once at collection (parametrisation needs the names); removed after the module."""
CASE_NAMES = [case.name for case in CASES]


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """Build the store, run every case once; name → result, plus the digests."""
    root = tmp_path_factory.mktemp("fuzz")
    store = root / "store"
    seeds = seed_commands(write_seeds(root / "seeds"))
    commands = [*seeds, *[list(case.argv) for case in CASES]]
    (root / "commands.json").write_text(json.dumps(commands))
    subprocess.run(
        [
            sys.executable,
            str(DRIVER),
            str(store),
            str(root / "commands.json"),
            str(root / "out.json"),
        ],
        check=True,
        timeout=600,
    )
    results = json.loads((root / "out.json").read_text())
    yield {
        "store": str(store),
        "seeds": results[: len(seeds)],
        "cases": {
            case.name: (case, result)
            for case, result in zip(CASES, results[len(seeds) :], strict=True)
        },
    }
    shutil.rmtree(CASES_ROOT, ignore_errors=True)


def test_the_corpus_is_large_and_covers_every_loader() -> None:
    assert len(CASE_NAMES) >= 150
    assert len(set(CASE_NAMES)) == len(CASE_NAMES)
    kinds = {name.split("-")[0] for name in CASE_NAMES}
    assert kinds == {"faers", "mesh", "sssom", "casereport", "rdf"}


def test_the_seeds_load(outcome: dict[str, object]) -> None:
    seeds = outcome["seeds"]
    assert isinstance(seeds, list)
    for result in seeds:
        assert result["status"] == 0, result["stderr"]
    assert len({r["digest"] for r in seeds}) == len(seeds)  # each seed changed the store


@pytest.mark.parametrize("name", CASE_NAMES)
def test_damaged_input_is_refused_in_one_line(outcome: dict[str, object], name: str) -> None:
    cases = outcome["cases"]
    assert isinstance(cases, dict)
    case, result = cases[name]
    assert isinstance(case, Case)
    stderr = result["stderr"]
    assert "Traceback" not in stderr, stderr
    assert result["status"] == 1, (result["status"], stderr[-2000:], result["stdout"][-500:])
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr[-2000:]
    line = lines[0]
    assert line.startswith("pvkg: error: ")
    assert case.file in line, line
    assert re.search(case.reason, line), line
    if case.line:
        assert re.search(re.escape(case.file) + r"(!\S*)?:\d+", line), line
    assert len(line) < 2000, line
    seeds = outcome["seeds"]
    assert isinstance(seeds, list)
    assert result["digest"] == seeds[-1]["digest"], "the store changed"


def _pvkg(store: str, *argv: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "--store", store, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    return done, time.monotonic() - started


def test_dev_zero_ends_in_one_line_quickly_and_small(outcome: dict[str, object]) -> None:
    done, seconds = _pvkg(str(outcome["store"]), "load", "faers", "/dev/zero")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "pvkg: error: /dev/zero: not a regular file (expected a directory or a zip)"
    ]
    assert seconds < 10
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1_000_000  # KiB


@pytest.mark.parametrize(
    "name",
    [
        "faers-zip-deflated-flip-DEMO",
        "mesh-nt-gz-bomb",
        "sssom-131k-field",
        "casereport-cut-7",
        "rdf-empty",
    ],
)
def test_a_case_as_its_own_process(outcome: dict[str, object], name: str) -> None:
    cases = outcome["cases"]
    assert isinstance(cases, dict)
    case, result = cases[name]
    done, _ = _pvkg(str(outcome["store"]), *case.argv)
    assert done.returncode == 1
    assert done.stderr == result["stderr"]
    assert "Traceback" not in done.stderr


def test_an_empty_graph_replaces_a_full_one_only_when_asked(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    full, empty = tmp_path / "full.ttl", tmp_path / "empty.ttl"
    full.write_text("<https://example.org/a> <https://example.org/p> 1 .\n")
    empty.write_text("# nothing here\n")
    graph = ["--graph", "https://example.org/g"]
    assert _pvkg(store, "load", "rdf", str(full), *graph)[0].returncode == 0
    refused, _ = _pvkg(store, "load", "rdf", str(empty), *graph)
    assert refused.returncode == 1
    assert refused.stderr == (
        "pvkg: error: empty.ttl: would replace graph <https://example.org/g> (1 triple) with an "
        "empty one; pass --allow-empty if that is meant\n"
    )
    allowed, _ = _pvkg(store, "load", "rdf", str(empty), *graph, "--allow-empty")
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.startswith("https://example.org/g: 0 triples")
