"""EBGM (loaders.faers.ebgm) checked against computations that do not use the module.

* The posterior: EBGM, EB05 and EB95 by numerical integration of the posterior density of
  log λ (prior mixture density × Poisson likelihood, scipy.stats + scipy.integrate.quad), the
  percentiles by root finding on that integrated CDF.
* Published values: openEBGM 0.9.1, vignette "Empirical Bayes Metrics with openEBGM"
  (vignette04-posteriorCalculation, CRAN, 2023-09-14): the hyperparameters it fitted to its
  CAERS example and the N, E, EBGM, QUANT_05 and QUANT_95 it prints for ten pairs. openEBGM
  rounds to two decimals and its ``quantBisect`` stops within 0.005, hence the tolerances.
* The fit: pairs simulated from a known prior with a fixed seed; the log-likelihood is the
  test's own (scipy.stats.nbinom), not the module's.
"""

from __future__ import annotations

import doctest
import math
from collections.abc import Callable

import numpy as np
import pytest
from scipy import integrate, optimize, special, stats

from loaders.faers import ebgm
from loaders.faers.ebgm import EbgmInputError, Prior, fit_prior, posterior

Theta = tuple[float, float, float, float, float]

# openEBGM vignette04 (see the module docstring): theta_hat as printed by R.
CAERS_PRIOR = Prior(
    alpha1=3.25379356, beta1=0.39988854, alpha2=2.02612692, beta2=1.90807970, p=0.06534557
)
# (N, E, ebgm, QUANT_05, QUANT_95): the vignette's head(processed) and head(suspicious, 5).
CAERS_ROWS = [
    (1, 0.0360548272, 2.23, 0.49, 13.85),
    (1, 0.0038736591, 2.58, 0.52, 15.78),
    (1, 0.0002979738, 2.63, 0.52, 16.02),
    (1, 0.0765792610, 1.92, 0.47, 11.77),
    (1, 0.0527413588, 2.09, 0.48, 12.95),
    (16, 0.40643623, 23.26, 15.68, 33.48),
    (19, 0.89690107, 16.78, 11.65, 23.55),
    (6, 0.07866508, 18.28, 10.16, 30.83),
    (8, 0.30482718, 15.25, 9.00, 24.52),
    (11, 0.56317044, 14.28, 8.98, 21.78),
]

DEFAULT = Prior(alpha1=0.2, beta1=0.1, alpha2=2.0, beta2=4.0, p=1 / 3)
SIMULATED: Theta = (2.0, 0.5, 3.0, 3.0, 0.15)  # component means 4 and 1


def theta_of(prior: Prior) -> Theta:
    return (prior.alpha1, prior.beta1, prior.alpha2, prior.beta2, prior.p)


# --- independent posterior: quadrature over u = log λ --------------------------------------


def _log_posterior(theta: Theta, n: int, e: float) -> Callable[[float], float]:
    """log of prior mixture density × Poisson likelihood, as a density of u = log λ."""
    a1, b1, a2, b2, p = theta
    c1 = math.log(p) + a1 * math.log(b1) - math.lgamma(a1)
    c2 = math.log1p(-p) + a2 * math.log(b2) - math.lgamma(a2)
    c_n = n * math.log(e) - math.lgamma(n + 1)

    def log_density(u: float) -> float:
        lam = math.exp(u)
        # Γ(a, rate b) density in λ times dλ/du = λ: exp(log c + a·u − b·λ)
        k1, k2 = c1 + a1 * u - b1 * lam, c2 + a2 * u - b2 * lam
        top = max(k1, k2)
        prior = top + math.log(math.exp(k1 - top) + math.exp(k2 - top))
        return prior + c_n + n * u - lam * e  # Poisson(n | λE)

    return log_density


def posterior_by_quadrature(theta: Theta, n: int, e: float) -> tuple[float, float, float]:
    """EBGM, EB05, EB95 from the posterior density integrated numerically."""
    a1, b1, a2, b2, _ = theta
    modes = sorted([math.log((a1 + n) / (b1 + e)), math.log((a2 + n) / (b2 + e))])
    lo = modes[0] - 60 / min(1.0, a1 + n, a2 + n)
    hi = modes[1] + 12
    log_density = _log_posterior(theta, n, e)
    peak = max(log_density(u) for u in np.linspace(modes[0] - 3, modes[1] + 3, 200))

    def density(u: float) -> float:
        return math.exp(log_density(u) - peak)

    def integral(f: Callable[[float], float], a: float, b: float) -> float:
        inside = [m for m in modes if a < m < b]
        value, _ = integrate.quad(f, a, b, points=inside or None, limit=400, epsrel=1e-10)
        return float(value)

    mass = integral(density, lo, hi)
    mean_log = integral(lambda u: u * density(u), lo, hi) / mass

    def quantile(q: float) -> float:
        def excess(u: float) -> float:
            return integral(density, lo, u) / mass - q

        return math.exp(optimize.brentq(excess, lo + 1e-9, hi, xtol=1e-11, rtol=1e-11))

    return math.exp(mean_log), quantile(0.05), quantile(0.95)


@pytest.mark.parametrize(
    ("prior", "n", "e"),
    [
        (DEFAULT, 1, 0.01),
        (DEFAULT, 1, 2.5),
        (DEFAULT, 3, 0.2),
        (DEFAULT, 0, 1.0),
        (DEFAULT, 40, 5.0),
        (CAERS_PRIOR, 1, 0.05),
        (CAERS_PRIOR, 16, 0.40643623),
        (Prior(alpha1=0.05, beta1=0.02, alpha2=50.0, beta2=45.0, p=0.5), 7, 3.0),
        (Prior(alpha1=1.5, beta1=0.2, alpha2=8.0, beta2=9.0, p=0.02), 250, 120.0),
    ],
)
def test_posterior_matches_numerical_integration(prior: Prior, n: int, e: float) -> None:
    expected = posterior_by_quadrature(theta_of(prior), n, e)
    got = posterior(prior, np.array([n]), np.array([e]))
    for name, want, have in zip(("EBGM", "EB05", "EB95"), expected, got, strict=True):
        assert float(have[0]) == pytest.approx(want, rel=1e-5), name


# --- published values ----------------------------------------------------------------------


def test_matches_openebgm_vignette() -> None:
    n = np.array([row[0] for row in CAERS_ROWS])
    e = np.array([row[1] for row in CAERS_ROWS])
    scores, eb05, eb95 = posterior(CAERS_PRIOR, n, e)
    for i, (_, _, want_gm, want_05, want_95) in enumerate(CAERS_ROWS):
        assert abs(scores[i] - want_gm) <= 0.005 + 1e-9, CAERS_ROWS[i]
        # quantBisect: bisection to half-width 0.005, then rounding to 2 decimals
        assert abs(eb05[i] - want_05) <= 0.0101, CAERS_ROWS[i]
        assert abs(eb95[i] - want_95) <= 0.0101, CAERS_ROWS[i]


# --- the fit -------------------------------------------------------------------------------


def simulate(theta: Theta, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (n ≥ 1, E) drawn from the model the zero-truncated likelihood describes.

    E is log-normal; a pair comes from component 1 with probability p, and its n from that
    component's negative binomial given n ≥ 1 (inverse survival function, so exact).
    """
    a1, b1, a2, b2, p = theta
    rng = np.random.default_rng(seed)
    e = np.exp(rng.normal(math.log(0.5), 1.5, size))
    first = rng.random(size) < p
    alpha = np.where(first, a1, a2)
    prob = np.where(first, b1, b2) / (np.where(first, b1, b2) + e)
    n = stats.nbinom.isf(rng.random(size) * stats.nbinom.sf(0, alpha, prob), alpha, prob)
    return np.maximum(n, 1), e


def log_likelihood(theta: Theta, n: np.ndarray, e: np.ndarray) -> float:
    """Zero-truncated mixture log-likelihood, written with scipy.stats."""
    a1, b1, a2, b2, p = theta
    parts = []
    for alpha, beta, weight in ((a1, b1, p), (a2, b2, 1 - p)):
        prob = beta / (beta + e)
        log_f = stats.nbinom.logpmf(n, alpha, prob) - stats.nbinom.logsf(0, alpha, prob)
        parts.append(math.log(weight) + log_f)
    return float(np.logaddexp(*parts).sum())


@pytest.fixture(scope="module")
def simulated() -> tuple[np.ndarray, np.ndarray, Prior]:
    n, e = simulate(SIMULATED, 20_000, seed=20260101)
    return n, e, fit_prior(n, e)


def test_fit_is_at_least_as_likely_as_the_truth(
    simulated: tuple[np.ndarray, np.ndarray, Prior],
) -> None:
    n, e, fitted = simulated
    assert log_likelihood(theta_of(fitted), n, e) >= log_likelihood(SIMULATED, n, e)


def test_fit_recovers_the_simulated_prior(
    simulated: tuple[np.ndarray, np.ndarray, Prior],
) -> None:
    _, _, fitted = simulated
    components = sorted(
        [
            (fitted.alpha1 / fitted.beta1, fitted.alpha1, fitted.p),
            (fitted.alpha2 / fitted.beta2, fitted.alpha2, 1 - fitted.p),
        ]
    )
    (mean_low, _, _), (mean_high, _, p_high) = components
    assert mean_high == pytest.approx(4.0, rel=0.2)
    assert mean_low == pytest.approx(1.0, rel=0.1)
    assert p_high == pytest.approx(0.15, abs=0.05)
    # What matters downstream: the scores under the fitted and the true prior agree.
    grid_n = np.array([1, 1, 2, 5, 10, 30])
    grid_e = np.array([0.05, 1.0, 0.5, 1.0, 2.0, 10.0])
    truth = posterior(Prior(*SIMULATED), grid_n, grid_e)
    for have, want in zip(posterior(fitted, grid_n, grid_e), truth, strict=True):
        np.testing.assert_allclose(have, want, rtol=0.1)


def test_squashing_costs_under_a_thousandth_of_the_log_likelihood(
    simulated: tuple[np.ndarray, np.ndarray, Prior],
) -> None:
    n, e, fitted = simulated

    def negative(x: np.ndarray) -> float:
        return -log_likelihood((*np.exp(x[:4]), float(special.expit(x[4]))), n, e)

    theta = theta_of(fitted)
    start = np.array([*np.log(theta[:4]), special.logit(theta[4])])
    best = optimize.minimize(negative, start, method="Nelder-Mead", options={"xatol": 1e-6})
    exact_max = max(-best.fun, -negative(start))
    at_fit = -negative(start)
    assert exact_max - at_fit <= 1e-3 * abs(exact_max)


def test_weights_stand_for_repeated_pairs() -> None:
    n = np.array([1, 2, 1, 5, 1, 3])
    e = np.array([0.1, 0.4, 2.0, 0.7, 0.01, 1.3])
    w = np.array([30, 7, 12, 2, 50, 4])
    weighted = fit_prior(n, e, weights=w)
    repeated = fit_prior(np.repeat(n, w), np.repeat(e, w))
    np.testing.assert_allclose(theta_of(weighted), theta_of(repeated), rtol=1e-5)


def test_pairs_with_zero_count_are_left_out_of_the_fit() -> None:
    n, e = simulate(SIMULATED, 2_000, seed=7)
    with_zeros = fit_prior(np.concatenate([n, [0, 0, 0]]), np.concatenate([e, [1.0, 2.0, 3.0]]))
    assert theta_of(with_zeros) == theta_of(fit_prior(n, e))


@pytest.mark.parametrize(
    ("n", "e"),
    [
        (np.array([1]), np.array([1.0])),
        (np.ones(500), np.linspace(0.01, 5, 500)),
        (np.array([1, 1, 1, 400]), np.array([1e-6, 1e-6, 1e-6, 1e-3])),
        (np.array([3000, 2000]), np.array([1e4, 1e5])),
    ],
)
def test_degenerate_fits_still_give_a_usable_prior(n: np.ndarray, e: np.ndarray) -> None:
    prior = fit_prior(n, e)
    assert all(np.isfinite(theta_of(prior)))
    assert all(np.isfinite(x).all() for x in posterior(prior, n, e))


# --- properties ----------------------------------------------------------------------------


def test_eb05_le_ebgm_le_eb95() -> None:
    rng = np.random.default_rng(3)
    n = rng.integers(0, 200, 5_000)
    e = np.exp(rng.normal(-1, 3, 5_000))
    for prior in (DEFAULT, CAERS_PRIOR):
        scores, eb05, eb95 = posterior(prior, n, e)
        assert np.isfinite(scores).all() and np.isfinite(eb05).all() and np.isfinite(eb95).all()
        assert (eb05 <= scores).all() and (scores <= eb95).all()


def test_ebgm_shrinks_small_counts_towards_one() -> None:
    # The same RR = n/E from one report and from a hundred: one report is pulled far towards
    # 1, a hundred hardly.
    n = np.array([1, 100, 1, 100])
    e = np.array([0.01, 1.0, 2.0, 200.0])  # RR 100, 100, 0.5, 0.5
    scores, _, _ = posterior(CAERS_PRIOR, n, e)
    rr = n / e
    assert 1 < scores[0] < 5 and 0.5 < scores[2] < 1
    pulled = np.abs(np.log(scores / rr)) / np.abs(np.log(rr))  # 0: none, 1: all the way to 1
    assert pulled[0] > 0.7 and pulled[1] < 0.1
    assert pulled[2] > 0.3 and pulled[3] < 0.1


@pytest.mark.parametrize("e", [0.001, 0.3, 4.0, 250.0])
def test_scores_increase_with_n_at_fixed_e(e: float) -> None:
    n = np.arange(0, 301)
    for prior in (DEFAULT, CAERS_PRIOR):
        for values in posterior(prior, n, np.full(n.size, e)):
            assert (np.diff(values) > 0).all()


def test_extreme_inputs_give_no_nan() -> None:
    n = np.array([0, 0, 1, 1, 100_000, 5])
    e = np.array([1e-12, 1e6, 1e-12, 1e6, 1e-3, 1e5])
    for values in posterior(Prior(1e-6, 1e-6, 1e4, 1e4, 1e-6), n, e):
        assert np.isfinite(values).all() and (values >= 0).all()


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "e", "message"),
    [
        ([], [], "no pairs"),
        ([1, 2], [1.0], "differ in length"),
        ([1, -1], [1.0, 1.0], "negative count"),
        ([1, 1], [1.0, 0.0], "not > 0"),
        ([1, 1], [1.0, float("nan")], "not a finite number"),
    ],
)
def test_bad_input_is_a_value_error(n: list[float], e: list[float], message: str) -> None:
    with pytest.raises(EbgmInputError, match=message) as raised:
        fit_prior(np.array(n), np.array(e))
    assert isinstance(raised.value, ValueError)
    with pytest.raises(EbgmInputError, match=message):
        posterior(DEFAULT, np.array(n), np.array(e))


def test_no_pair_with_a_report_cannot_be_fitted() -> None:
    with pytest.raises(EbgmInputError, match="n >= 1"):
        fit_prior(np.array([0, 0]), np.array([1.0, 2.0]))
    with pytest.raises(EbgmInputError, match="n >= 1"):
        fit_prior(np.array([1, 2]), np.array([1.0, 2.0]), weights=np.array([0, 0]))


def test_prior_rejects_impossible_parameters() -> None:
    with pytest.raises(ValueError, match="positive"):
        Prior(alpha1=0.0, beta1=1.0, alpha2=1.0, beta2=1.0, p=0.5)
    with pytest.raises(ValueError, match="p must be"):
        Prior(alpha1=1.0, beta1=1.0, alpha2=1.0, beta2=1.0, p=1.5)


def test_doctests() -> None:
    failures, tried = doctest.testmod(ebgm)
    assert tried > 0 and failures == 0
