"""Disproportionality statistics against 2x2 tables worked out by hand, zero cells included.

Worked example (a, b, c, d) = (10, 90, 20, 880), N = 1000:
PRR = (10/100)/(20/900) = 4.5; SE(ln PRR) = sqrt(1/10 - 1/100 + 1/20 - 1/900) = 0.372678,
so the 95% CI is 4.5 * exp(-/+ 1.96 * 0.372678) = 2.1677 .. 9.3419.
ROR = (10*880)/(90*20) = 4.8889; SE = sqrt(0.1 + 0.011111 + 0.05 + 0.001136) = 0.402800,
CI 4.8889 * exp(-/+ 1.96 * 0.402800) = 2.2199 .. 10.7666.
Yates chi-squared = 1000 * (|8800 - 1800| - 500)^2 / (100 * 900 * 30 * 970) = 16.1321.
E = 100 * 30 / 1000 = 3; IC = log2(10.5 / 3.5) = log2(3) = 1.584963;
IC025 = 1.584963 - 3.3 / sqrt(10.5) - 2 / 10.5^1.5 = 1.584963 - 1.018402 - 0.058783 = 0.507778.
"""

from __future__ import annotations

import pytest

from loaders.faers.statistics import TwoByTwo, compute


def approx(value: float) -> object:
    return pytest.approx(value, rel=2e-4)


def test_worked_example() -> None:
    s = compute(TwoByTwo(10, 90, 20, 880))
    assert s.prr == approx(4.5)
    assert (s.prr_lower, s.prr_upper) == (approx(2.1677), approx(9.3419))
    assert s.ror == approx(4.8889)
    assert (s.ror_lower, s.ror_upper) == (approx(2.2199), approx(10.7666))
    assert s.chi2 == approx(16.1321)
    assert s.ic == approx(1.584963)
    assert s.ic025 == approx(0.507778)
    assert s.signal is True


def test_b_zero_has_a_prr_but_no_ror() -> None:
    # (5, 0, 5, 90): PRR = 1 / (5/95) = 19; SE = sqrt(1/5 - 1/5 + 1/5 - 1/95) = 0.435286
    # chi2 = 100 * (|450 - 0| - 50)^2 / (5 * 95 * 10 * 90) = 37.4269
    s = compute(TwoByTwo(5, 0, 5, 90))
    assert s.prr == approx(19.0)
    assert s.prr_lower == approx(19.0 * 0.426066)  # exp(-1.96 * 0.435286) = 0.426066
    assert s.ror is None and s.ror_lower is None and s.ror_upper is None
    assert s.chi2 == approx(37.4269)
    assert s.signal is True


def test_c_zero_leaves_prr_and_ror_undefined_and_no_signal() -> None:
    # (3, 0, 0, 7): c = 0, so PRR and ROR divide by zero; chi2 = 10 * (21 - 5)^2 / (3*7*3*7)
    # = 5.80499; E = 3 * 3 / 10 = 0.9, IC = log2(3.5 / 1.4) = 1.321928
    s = compute(TwoByTwo(3, 0, 0, 7))
    assert s.prr is None and s.prr_lower is None and s.prr_upper is None
    assert s.ror is None
    assert s.chi2 == approx(5.80499)
    assert s.ic == approx(1.321928)
    assert s.signal is False


def test_d_zero_gives_prr_but_no_ror() -> None:
    # (2, 3, 4, 0): PRR = (2/5) / (4/4) = 0.4; chi2 = 9 * (|0 - 12| - 4.5)^2 / (5*4*6*3) = 1.40625
    s = compute(TwoByTwo(2, 3, 4, 0))
    assert s.prr == approx(0.4)
    assert s.ror is None
    assert s.chi2 == approx(1.40625)
    assert s.signal is False


def test_a_zero_has_no_ratios_but_an_information_component() -> None:
    # (0, 10, 10, 80): E = 10 * 10 / 100 = 1; IC = log2(0.5 / 1.5) = -1.584963
    s = compute(TwoByTwo(0, 10, 10, 80))
    assert s.prr is None and s.ror is None
    assert s.ic == approx(-1.584963)
    assert s.signal is False


def test_yates_correction_floors_at_zero() -> None:
    # (1, 1, 1, 1): |ad - bc| = 0 < N/2, so the corrected statistic is 0, not negative
    s = compute(TwoByTwo(1, 1, 1, 1))
    assert s.chi2 == 0
    assert s.prr == approx(1.0) and s.ror == approx(1.0)


def test_signal_needs_three_reports() -> None:
    # (2, 0, 1, 97): PRR = 1 / (1/98) = 98 and chi2 large, but a < 3
    s = compute(TwoByTwo(2, 0, 1, 97))
    assert s.prr == approx(98.0)
    assert s.chi2 is not None and s.chi2 > 4
    assert s.signal is False


def test_empty_table_is_all_undefined() -> None:
    s = compute(TwoByTwo(0, 0, 0, 0))
    assert (s.prr, s.ror, s.chi2, s.ic, s.ic025) == (None, None, None, None, None)
