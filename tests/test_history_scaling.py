"""The full-history simulation's measurements (``benchmarks/history_scaling.py``) at tiny size.

Two generated quarters of 300 reports are loaded one ``pvkg load faers`` at a time into an
embedded store; after each load the script's own functions must see one case base directory
per quarter, count every loaded quarter (the current cases equal an independent
deduplication of the generator's DEMO and DELETE files) and export the quarter's report graph
as valid N-Quads with exactly the graph's triples.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import history_scaling as hs  # noqa: E402

pytestmark = pytest.mark.slow


def independent_cases(quarters: list[Path]) -> int:
    """Current cases over ``quarters`` (oldest first), straight from the ASCII files.

    A primaryid read twice keeps its latest quarter's record; per caseid the highest
    caseversion wins, then the latest fda_dt, then the highest primaryid; a caseid on any
    deleted list is out.
    """
    records: dict[str, tuple[str, int, str]] = {}
    deleted: set[str] = set()
    for quarter in quarters:
        (demo,) = quarter.glob("DEMO*.txt")
        lines = demo.read_text().splitlines()
        header = lines[0].split("$")
        for line in lines[1:]:
            row = dict(zip(header, line.split("$"), strict=False))
            records[row["primaryid"]] = (row["caseid"], int(row["caseversion"]), row["fda_dt"])
        for dele in quarter.glob("DELETE*.txt"):
            deleted |= {c.strip().strip("$") for c in dele.read_text().split() if c.strip("$ ")}
    best: dict[str, tuple[int, str, int]] = {}
    for pid, (caseid, version, fda_dt) in records.items():
        rank = (version, fda_dt, int(pid))
        if caseid not in best or rank > best[caseid]:
            best[caseid] = rank
    return sum(1 for caseid in best if caseid not in deleted)


def test_measurements_follow_each_quarter(tmp_path: Path) -> None:
    series = tmp_path / "series"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "faers_generate.py"),
            str(series),
            "--series",
            "2",
            "--start",
            "24Q1",
            "--reports",
            "300",
            "--seed",
            "1",
        ],
        check=True,
        capture_output=True,
    )
    store, logs = tmp_path / "store", tmp_path / "logs"
    logs.mkdir()
    sources = hs.quarter_sources(series)
    assert [key for key, _ in sources] == ["2024q1", "2024q2"]
    previous = None
    for k, (key, source) in enumerate(sources, start=1):
        hs.load_quarter(key, source, store, logs)
        counted = hs.measure_counting(store, tmp_path / "scratch")
        assert len(hs.casebase_dirs(store)) == k
        assert counted["quarters"] == [q for q, _ in sources[:k]]
        assert counted["reports_loaded"] == 300 * k
        assert counted["cases"] == independent_cases([s for _, s in sources[:k]])
        assert 0 < counted["n"] <= counted["cases"] < counted["reports_loaded"]
        assert counted["pairs"] > 0
        if previous is not None:
            assert counted["cases"] > previous["cases"]
            assert counted["casebase_mb"] > previous["casebase_mb"]
        previous = counted

        triples = hs.quarter_triples(store)
        assert sorted(triples) == [q for q, _ in sources[:k]]
        dump = tmp_path / f"faers-{key}.nq"
        graph = hs.graph_iri("faers", key)
        exported = hs.export_graphs(store, [graph.value], dump)
        quads = list(pyoxigraph.parse(path=str(dump), format=pyoxigraph.RdfFormat.N_QUADS))
        assert exported["quads"] == len(quads) == triples[key] > 0
        assert {q.graph_name for q in quads} == {graph}
