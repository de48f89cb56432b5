"""Which pairs get full statistics: the vectorised pre-selection never misses a screened pair."""

from __future__ import annotations

import numpy as np

from loaders.faers.counting import ReactionTables
from loaders.faers.screening import candidates, pair_measures, screened
from loaders.faers.statistics import TwoByTwo, compute


def _tables(cells: list[tuple[int, int, int, int]]) -> ReactionTables:
    a, b, c, d = (np.array(column, dtype=np.int64) for column in zip(*cells, strict=True))
    n = int(a[0] + b[0] + c[0] + d[0])
    names = np.array([f"t{i}" for i in range(len(cells))])
    return ReactionTables(n, np.array(["x"] * len(cells)), names, a, b, c, d, {}, {})


def _random_cells(seed: int, size: int) -> list[tuple[int, int, int, int]]:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 40, size)
    b = rng.integers(0, 3000, size)
    c = rng.integers(0, 3000, size)
    d = rng.integers(0, 200_000, size)
    return list(zip(a.tolist(), b.tolist(), c.tolist(), d.tolist(), strict=True))


def test_every_screened_pair_is_a_candidate_and_most_others_are_not() -> None:
    cells = _random_cells(7, 20_000)
    mask = candidates(_tables(cells)).tolist()
    exact = [screened(t[0], compute(TwoByTwo(*t))) for t in cells]
    missed = [t for t, e, m in zip(cells, exact, mask, strict=True) if e and not m]
    assert missed == []
    assert 0 < sum(exact) <= sum(mask) < len(cells) // 2
    # the slack lets through only pairs near a threshold
    assert sum(mask) - sum(exact) < sum(exact) // 10 + 5


def test_pairs_on_the_thresholds() -> None:
    cells = [
        (10, 10, 250, 750),  # PRR exactly 2 (0.5 / 0.25), chi-squared 5.2: Evans
        (3, 0, 0, 7),  # zero cells: ROR and PRR undefined
        (2, 1, 1, 1000),  # a < 3: never screened
        (3, 997, 1000, 98_000),  # as often as expected
    ]
    mask = candidates(_tables(cells)).tolist()
    exact = [screened(t[0], compute(TwoByTwo(*t))) for t in cells]
    assert [e and not m for e, m in zip(exact, mask, strict=True)] == [False] * 4
    assert exact[0] is True and mask[0] is True
    assert exact[2] is False and mask[2] is False
    assert exact[3] is False


def test_pair_measures_are_exact_for_candidates_and_eb_rows() -> None:
    cells = _random_cells(11, 2_000)
    tables = _tables(cells)
    also = np.zeros(len(cells), dtype=bool)
    also[5] = True
    measures = pair_measures(tables, also=also)
    assert 5 in measures.statistics
    for i, s in measures.statistics.items():
        assert s == compute(TwoByTwo(*cells[i]))
