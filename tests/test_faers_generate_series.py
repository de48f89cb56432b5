"""The synthetic FAERS series of ``benchmarks/faers_series.py`` (``faers_generate.py --series``):
one vocabulary, follow-ups and deletions across quarters, planted signals, FAERS' own format.

Everything is read back with pvkg's reader (:mod:`loaders.faers.tables`) and counted here.
"""

from __future__ import annotations

import filecmp
import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from loaders.faers.tables import QuarterFiles, Rejects, discover, read_deleted, read_rows

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
QUARTERS = ["2024q3", "2024q4", "2025q1", "2025q2"]
REPORTS = 800
SEED = 5


def _module(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def series() -> ModuleType:
    return _module("faers_series")


def _generate(series: ModuleType, out: Path, seed: int = SEED) -> list[dict[str, int]]:
    settings = series.Settings(signal_rate=0.02, signal_from=2)
    counts, _ = series.generate_series(out, 4, "24Q3", REPORTS, seed, settings)
    return counts  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def written(series: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("series")
    _generate(series, out)
    return out


@pytest.fixture(scope="module")
def quarters(written: Path) -> dict[str, QuarterFiles]:
    return {q.key: q for q in discover(written)}


def _rows(quarter: QuarterFiles, kind: str) -> list[dict[str, str]]:
    rejects = Rejects()
    rows = [
        dict(zip(header.columns, fields, strict=True))
        for _, header, fields in read_rows(quarter.tables[kind], rejects)
    ]
    assert not rejects.entries, rejects.entries[:3]
    return rows


def test_every_table_parses_with_pvkgs_reader(
    quarters: dict[str, QuarterFiles], written: Path
) -> None:
    assert sorted(quarters) == QUARTERS
    for key, quarter in quarters.items():
        assert Path(quarter.tables["DEMO"].name).parent == written / key
        assert sorted(quarter.tables) == ["DEMO", "DRUG", "INDI", "OUTC", "REAC", "RPSR", "THER"]
        assert len(_rows(quarter, "DEMO")) == REPORTS
        for kind in ("DRUG", "REAC", "INDI", "THER", "OUTC", "RPSR"):
            pids = {row["primaryid"] for row in _rows(quarter, kind)}
            assert pids <= {row["primaryid"] for row in _rows(quarter, "DEMO")}
        assert len(quarter.deleted) == 1


def test_one_vocabulary_for_the_whole_series(quarters: dict[str, QuarterFiles]) -> None:
    drugs = {k: Counter(r["prod_ai"] for r in _rows(q, "DRUG")) for k, q in quarters.items()}
    terms = {k: Counter(r["pt"] for r in _rows(q, "REAC")) for k, q in quarters.items()}
    first, last = QUARTERS[0], QUARTERS[-1]
    top = [name for name, _ in drugs[first].most_common(10)]
    assert all(name in drugs[last] for name in top)
    assert len({drugs[k].most_common(1)[0][0] for k in QUARTERS}) == 1
    assert len({terms[k].most_common(1)[0][0] for k in QUARTERS}) == 1
    shared = set(terms[first]) & set(terms[last])
    assert len(shared) > 0.3 * len(terms[first])


def test_follow_ups_supersede_cases_of_earlier_quarters(
    quarters: dict[str, QuarterFiles],
) -> None:
    latest: dict[str, tuple[int, str]] = {}  # caseid -> (highest version so far, its quarter)
    first_drug: dict[str, str] = {}  # primaryid -> its primary suspect's prod_ai
    for key in QUARTERS:
        for row in _rows(quarters[key], "DRUG"):
            if row["drug_seq"] == "1":
                first_drug[row["primaryid"]] = row["prod_ai"]
        earlier: list[tuple[dict[str, str], int, str]] = []  # (row, version before, its quarter)
        for row in _rows(quarters[key], "DEMO"):
            version = int(row["caseversion"])
            assert row["primaryid"] == row["caseid"] + row["caseversion"]
            if row["caseid"] in latest:
                before, where = latest[row["caseid"]]
                assert version == before + 1
                assert row["i_f_code"] == "F"
                if where != key:
                    earlier.append((row, before, where))
            latest[row["caseid"]] = (version, key)
        if key == QUARTERS[0]:
            assert not earlier
            continue
        assert 0.15 * REPORTS <= len(earlier) <= 0.25 * REPORTS, len(earlier)
        lags = Counter(QUARTERS.index(key) - QUARTERS.index(where) for _, _, where in earlier)
        assert lags.most_common(1)[0][0] == 1
        same_suspect = sum(
            first_drug[f"{row['caseid']}{before}"] == first_drug[row["primaryid"]]
            for row, before, _ in earlier
        )
        assert same_suspect >= 0.9 * len(earlier)


def test_deleted_lists_name_cases_of_earlier_quarters(quarters: dict[str, QuarterFiles]) -> None:
    seen: set[str] = set()
    for key in QUARTERS:
        own = {row["caseid"] for row in _rows(quarters[key], "DEMO")}
        rejects = Rejects()
        deleted = read_deleted(quarters[key].deleted[0], rejects)
        assert not rejects.entries
        assert 0.005 * REPORTS <= len(deleted) <= 0.01 * REPORTS
        assert set(deleted) <= own | seen
        if key != QUARTERS[0]:
            assert set(deleted) & (seen - own), key
            assert set(deleted) & own, key
        seen |= own


def test_planted_signals_start_at_their_quarter(
    quarters: dict[str, QuarterFiles], written: Path
) -> None:
    lines = (written / "planted.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    planted = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]
    assert len(planted) == 3
    for key in QUARTERS:
        suspects = {
            (r["primaryid"], r["prod_ai"])
            for r in _rows(quarters[key], "DRUG")
            if r["role_cod"] == "PS"
        }
        reactions = {(r["primaryid"], r["pt"]) for r in _rows(quarters[key], "REAC")}
        for signal in planted:
            assert signal["from_quarter"] == "2025q1"
            assert signal["drug"].endswith("/drug/" + signal["ingredient"].lower())
            pids = {p for p, name in suspects if name == signal["ingredient"]}
            together = sum((p, signal["term"]) in reactions for p in pids)
            if key < "2025q1":
                assert together <= 1, (key, signal)
            else:
                assert together >= 5, (key, signal)


def test_deterministic_for_a_seed(series: ModuleType, written: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    _generate(series, again)
    _generate(series, other, seed=SEED + 1)
    for key in QUARTERS:
        same = filecmp.dircmp(written / key, again / key)
        assert same.left_list == same.right_list
        match, mismatch, errors = filecmp.cmpfiles(
            written / key, again / key, same.left_list, shallow=False
        )
        assert match and not mismatch and not errors
    first = Path(QUARTERS[0], "DEMO24Q3.txt")
    assert (written / first).read_bytes() != (other / first).read_bytes()
    assert (written / "planted.tsv").read_bytes() == (again / "planted.tsv").read_bytes()
