"""Disproportionality statistics of a 2×2 table of report counts.

For a drug D and a reaction term E over N deduplicated reports::

                 E       not E
    D            a         b
    not D        c         d

* PRR = (a/(a+b)) / (c/(c+d)); 95% CI exp(ln PRR ± 1.96·√(1/a − 1/(a+b) + 1/c − 1/(c+d)));
  defined when a > 0 and c > 0.
* ROR = (a·d)/(b·c); 95% CI exp(ln ROR ± 1.96·√(1/a + 1/b + 1/c + 1/d)); defined when every
  cell is > 0.
* χ² with Yates' correction = N·max(0, |ad − bc| − N/2)² / ((a+b)(c+d)(a+c)(b+d)); defined
  when every margin is > 0.
* BCPNN information component IC = log2((a + ½)/(E + ½)) with E = (a+b)(a+c)/N, and its
  lower 95% credibility bound IC025 = IC − 3.3·(a + ½)^−½ − 2·(a + ½)^−3/2 (Norén et al.,
  Stat Methods Med Res 2013); defined when N > 0.
* Evans signal: PRR ≥ 2 and χ² ≥ 4 and a ≥ 3 (false when PRR or χ² is undefined).

Undefined values are ``None`` (and absent from the graph), never infinite.

>>> s = compute(TwoByTwo(10, 90, 20, 880))
>>> round(s.prr or 0, 4), round(s.ror or 0, 4), s.signal
(4.5, 4.8889, True)
>>> compute(TwoByTwo(3, 0, 0, 7)).prr is None
True
"""

from __future__ import annotations

import math
from typing import NamedTuple

Z95 = 1.959963984540054


class TwoByTwo(NamedTuple):
    """Report counts: a drug+event, b drug only, c event only, d neither.

    A named tuple rather than a dataclass: a load makes one per drug–term pair (about a
    million for a full quarter), and tuples are several times cheaper to make and unpack.
    """

    a: int
    b: int
    c: int
    d: int

    @property
    def n(self) -> int:
        """All reports counted."""
        return self.a + self.b + self.c + self.d


class Statistics(NamedTuple):
    """The measures of one 2×2 table; ``None`` where undefined (a named tuple, see TwoByTwo)."""

    prr: float | None
    prr_lower: float | None
    prr_upper: float | None
    ror: float | None
    ror_lower: float | None
    ror_upper: float | None
    chi2: float | None
    ic: float | None
    ic025: float | None
    signal: bool

    @property
    def measures(self) -> tuple[float | None, ...]:
        """The nine measures in field order, PRR to IC025 (without the signal flag)."""
        return self[:9]


def _interval(log_value: float, se: float) -> tuple[float, float, float]:
    return (
        math.exp(log_value),
        math.exp(log_value - Z95 * se),
        math.exp(log_value + Z95 * se),
    )


def prr(t: TwoByTwo) -> tuple[float, float, float] | None:
    """PRR with its 95% CI, or ``None`` if a or c is 0."""
    a, b, c, d = t
    if a <= 0 or c <= 0:
        return None
    log_value = math.log((a / (a + b)) / (c / (c + d)))
    se = math.sqrt(max(0.0, 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)))
    return _interval(log_value, se)


def ror(t: TwoByTwo) -> tuple[float, float, float] | None:
    """ROR with its 95% CI, or ``None`` if any cell is 0."""
    a, b, c, d = t
    if min(a, b, c, d) <= 0:
        return None
    log_value = math.log(a) + math.log(d) - math.log(b) - math.log(c)
    return _interval(log_value, math.sqrt(1 / a + 1 / b + 1 / c + 1 / d))


def chi2_yates(t: TwoByTwo) -> float | None:
    """Pearson χ² with Yates' continuity correction, or ``None`` if a margin is 0."""
    a, b, c, d = t
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    if margins == 0:
        return None
    n = t.n
    excess = max(0.0, abs(a * d - b * c) - n / 2)
    return n * excess * excess / margins


def information_component(t: TwoByTwo) -> tuple[float, float] | None:
    """IC and IC025 (see the module docstring), or ``None`` if N is 0."""
    a, b, c, d = t
    n = a + b + c + d
    if n == 0:
        return None
    expected = (a + b) * (a + c) / n
    shrunk = a + 0.5
    ic = math.log2(shrunk / (expected + 0.5))
    return ic, ic - 3.3 * shrunk**-0.5 - 2 * shrunk**-1.5


def compute(t: TwoByTwo) -> Statistics:
    """Every measure of ``t``; see the module docstring."""
    p, r, chi2, ic = prr(t), ror(t), chi2_yates(t), information_component(t)
    signal = p is not None and chi2 is not None and p[0] >= 2 and chi2 >= 4 and t.a >= 3
    return Statistics(
        prr=p[0] if p else None,
        prr_lower=p[1] if p else None,
        prr_upper=p[2] if p else None,
        ror=r[0] if r else None,
        ror_lower=r[1] if r else None,
        ror_upper=r[2] if r else None,
        chi2=chi2,
        ic=ic[0] if ic else None,
        ic025=ic[1] if ic else None,
        signal=signal,
    )
