"""Which drug–reaction pairs get full statistics: the screening criteria, exact and vectorised.

A pair is *screened* when it has a ≥ :data:`FULL_MIN_A` reports together and one of the usual
screening criteria flags it: the Evans criteria (PRR ≥ 2, χ² ≥ 4), ROR025 > 1, IC025 > 0, or
EB05 ≥ :data:`EB05_MIN` (ADR 0010). Only screened pairs carry their measures in the graph;
every other pair keeps its count a, which does not change with N.

Nearly all pairs fail every criterion, so the exact measures (:func:`loaders.faers.statistics.
compute`, one Python call per pair) are computed only for *candidates*: pairs that a numpy pass
over all tables finds within a rounding margin of some criterion. The margin makes candidates a
superset of the screened pairs, so the exact test (:func:`screened`) decides alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from loaders.faers.counting import ReactionTables
from loaders.faers.statistics import Z95, Statistics, TwoByTwo, compute

FULL_MIN_A = 3
"""Pairs with fewer reports together keep only their count a (they cannot be Evans signals)."""

EB05_MIN = 2.0
"""FDA's screening threshold on EB05 (Szarfman et al. 2002)."""

_MARGIN = 1e-6
"""Relative slack of the vectorised pass (numpy's log and exp may differ from libm's by ulps)."""

Mask = npt.NDArray[np.bool_]


def screened(a: int, s: Statistics, eb05: float = math.nan) -> bool:
    """Whether a pair gets full statistics (see the module docstring).

    >>> screened(3, compute(TwoByTwo(3, 10, 20, 10_000)))
    True
    >>> screened(3, compute(TwoByTwo(3, 300, 2_000, 10_000)))
    False
    >>> screened(3, compute(TwoByTwo(3, 300, 2_000, 10_000)), eb05=2.5)
    True
    """
    if a < FULL_MIN_A:
        return False
    return (
        s.signal
        or (s.ror_lower is not None and s.ror_lower > 1)
        or (s.ic025 is not None and s.ic025 > 0)
        or eb05 >= EB05_MIN
    )


def candidates(tables: ReactionTables) -> Mask:
    """Pairs that :func:`screened` may accept without EB05 (a superset; see the module docstring).

    >>> from loaders.faers.counting import ReactionTables
    >>> cells = [np.array(v) for v in ([3, 3, 2], [10, 300, 1], [20, 2000, 1], [10000] * 3)]
    >>> t = ReactionTables(10_033, np.array(["x"] * 3), np.array(["p", "q", "r"]), *cells, {}, {})
    >>> candidates(t).tolist()
    [True, False, False]
    """
    a, b, c, d = (x.astype(np.float64) for x in (tables.a, tables.b, tables.c, tables.d))
    n = a + b + c + d
    with np.errstate(all="ignore"):
        prr = (a / (a + b)) / (c / (c + d))
        margins = (a + b) * (c + d) * (a + c) * (b + d)
        excess = np.maximum(0.0, np.abs(a * d - b * c) - n / 2)
        chi2 = n * excess * excess / margins
        evans = (c > 0) & (prr >= 2 * (1 - _MARGIN)) & (margins > 0) & (chi2 >= 4 * (1 - _MARGIN))
        cells = (b > 0) & (c > 0) & (d > 0)
        log_ror = np.log(a) + np.log(d) - np.log(b) - np.log(c)
        ror025 = log_ror - Z95 * np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        ror = cells & (ror025 > -_MARGIN)
        shrunk = a + 0.5
        ic = np.log2(shrunk / ((a + b) * (a + c) / n + 0.5))
        ic025 = ic - 3.3 * shrunk**-0.5 - 2 * shrunk**-1.5
        information = (n > 0) & (ic025 > -_MARGIN)
    return (tables.a >= FULL_MIN_A) & (evans | ror | information)


@dataclass(frozen=True)
class PairMeasures:
    """The exact measures of the candidate pairs of a
    :class:`~loaders.faers.counting.ReactionTables`, by row (in row order); no other pair is
    screened."""

    statistics: dict[int, Statistics]


def pair_measures(tables: ReactionTables, also: Mask | None = None) -> PairMeasures:
    """The exact measures of the :func:`candidates` of ``tables`` and of the rows ``also``
    (e.g. EB05 ≥ :data:`EB05_MIN`)."""
    mask = candidates(tables) if also is None else candidates(tables) | also
    rows = np.flatnonzero(mask)
    columns = (x[rows].tolist() for x in (tables.a, tables.b, tables.c, tables.d))
    return PairMeasures(
        {i: compute(TwoByTwo(*cells)) for i, *cells in zip(rows.tolist(), *columns, strict=True)}
    )
