"""EBGM: the empirical Bayes geometric mean of DuMouchel's Gamma Poisson Shrinker (MGPS).

FDA screens FAERS with the Multi-item Gamma Poisson Shrinker. This module is its two-item
core, pure numerics on arrays (no graph, no I/O): fit the prior to all drug–reaction pairs of
the deduplicated statistics, then score each pair. For a pair with observed report count
``n = a`` and expected count ``E = (a+b)(a+c)/N``:

* **Model.** ``n | λ ~ Poisson(λE)``; the relative reporting ratio ``λ`` has the prior
  ``p·Γ(α1, β1) + (1−p)·Γ(α2, β2)`` (shape α, rate β). Given E, the marginal of n under
  component k is negative binomial with size ``αk`` and probability ``βk/(βk+E)``,
  ``f_k(n) = Γ(αk+n)/(Γ(αk)·n!) · (βk/(βk+E))^αk · (E/(βk+E))^n``.
* **Fit.** Only pairs with n ≥ 1 are ever seen, so the likelihood is zero-truncated, as
  openEBGM's ``negLLsquash`` with ``N_star = 1`` (DuMouchel & Pregibon 2001):
  ``L(θ) = Π_i [p·f_1(n_i)/(1−f_1(0)) + (1−p)·f_2(n_i)/(1−f_2(0))]^w_i``, maximised with
  L-BFGS-B (analytic gradient) over ``log α``, ``log β`` and ``logit p``, each bounded, from
  openEBGM's vignette starting points (the first is α1=0.2, β1=0.1, α2=2, β2=4, p=1/3);
  like openEBGM's ``autoHyper`` it stops once two starts agree, else keeps the best.
* **Squashing.** Before fitting, E is rounded to :data:`SQUASH_DIGITS` significant digits
  and identical (n, E) rows are merged, their count becoming a weight (exact squashing of
  the rounded data; DuMouchel et al. 2001 squash more coarsely). A million simulated pairs
  with E over five decades become 111,000 rows; the log-likelihood moves by far less than
  0.1%.
* **Posterior** (DuMouchel 1999, Eqs. 6–11): ``λ | n ~ Qn·Γ(α1+n, β1+E) +
  (1−Qn)·Γ(α2+n, β2+E)`` with ``Qn = p·f_1(n) / (p·f_1(n) + (1−p)·f_2(n))`` (untruncated
  f, as openEBGM's ``Qn``), and
  ``EBGM = exp(Qn·(ψ(α1+n) − log(β1+E)) + (1−Qn)·(ψ(α2+n) − log(β2+E)))``.
  EB05 and EB95 are the 5th and 95th percentiles of that mixture, solved on its CDF
  (regularised incomplete gamma) by a bracketed, vectorised Halley iteration on log λ to a
  relative tolerance of 1e-10 (openEBGM's ``quantBisect`` bisects to 0.005 absolute).

Limits: one prior for all pairs (no stratification of E by age, sex or year as FDA's
production MGPS does); see ``docs/decisions/0011-ebgm.md``.

References: DuMouchel W (1999), Bayesian data mining in large frequency tables, with an
application to the FDA spontaneous reporting system, *Am Stat* 53:177–190. DuMouchel W,
Pregibon D (2001), Empirical Bayes screening for multi-item associations, *KDD '01* 67–76.
Canida T, Ihrie J (2017), openEBGM: an R implementation of the Gamma-Poisson Shrinker data
mining model, *R Journal* 9(2):499–519.

Scores with the prior openEBGM's posterior vignette fitted to its CAERS example, for the pair
it lists with N = 16, E = 0.40643623 (EBGM 23.26, QUANT_05 15.68, QUANT_95 33.48; its
bisection stops within 0.005, and the 5th percentile is 15.6857):

>>> caers = Prior(alpha1=3.25379356, beta1=0.39988854, alpha2=2.02612692,
...               beta2=1.90807970, p=0.06534557)
>>> [round(float(x[0]), 2) for x in posterior(caers, np.array([16]), np.array([0.40643623]))]
[23.26, 15.69, 33.48]
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

from kg.errors import PvkgError

__all__ = ["SQUASH_DIGITS", "EbgmInputError", "Prior", "fit_prior", "posterior"]

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

SQUASH_DIGITS = 4
"""Significant digits E is rounded to before identical (n, E) rows are merged for the fit."""

STARTS: tuple[tuple[float, float, float, float, float], ...] = (
    (0.2, 0.1, 2.0, 4.0, 1 / 3),
    (0.1, 0.1, 10.0, 10.0, 0.2),
    (0.3, 0.5, 6.0, 6.0, 0.5),
    (0.5, 0.3, 12.0, 12.0, 0.8),
    (0.2, 0.2, 5.0, 5.0, 0.4),
)
"""Starting points (α1, β1, α2, β2, p) of the fit: openEBGM's vignette ``theta_init`` rows."""

_SHAPE_RATE_BOUNDS = (1e-6, 1e4)
_P_BOUNDS = (1e-6, 1 - 1e-6)
_QUANTILE_RTOL = 1e-10
_HALLEY_LAST_STEP = 1e-7


class EbgmInputError(PvkgError, ValueError):
    """The counts cannot be fitted or scored (empty, mismatched, negative, no pair with n ≥ 1).

    >>> str(EbgmInputError("no pair has n >= 1"))
    'EBGM: no pair has n >= 1'
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"EBGM: {reason}")


@dataclass(frozen=True)
class Prior:
    """Two-component gamma mixture prior of MGPS: p·Γ(α1, β1) + (1−p)·Γ(α2, β2).

    α are shapes, β rates (the mean of component k is αk/βk); p is the weight of component 1.

    :raises ValueError: a shape or rate is not a positive finite number, or p is outside [0, 1].
    """

    alpha1: float
    beta1: float
    alpha2: float
    beta2: float
    p: float

    def __post_init__(self) -> None:
        shapes_rates = (self.alpha1, self.beta1, self.alpha2, self.beta2)
        if not all(np.isfinite(x) and x > 0 for x in shapes_rates):
            raise ValueError(f"prior shapes and rates must be positive and finite: {self}")
        if not 0 <= self.p <= 1:
            raise ValueError(f"prior weight p must be in [0, 1]: {self}")


def fit_prior(n: np.ndarray, e: np.ndarray, *, weights: np.ndarray | None = None) -> Prior:
    """Maximum-likelihood fit over all pairs (n = observed count a ≥ 1, e = expected count E > 0).

    Pairs with n = 0 are left out (the likelihood is zero-truncated: it conditions on n ≥ 1).
    E is rounded to :data:`SQUASH_DIGITS` significant digits for the fit only. When no start
    converges, the best parameters found are returned (never NaN) and a warning is logged.

    :param n: observed report count of each pair (a of its 2×2 table), non-negative.
    :param e: expected count of each pair, ``(a+b)(a+c)/N``, positive and finite.
    :param weights: how many pairs each row stands for (default 1 each), non-negative.
    :returns: the fitted prior.
    :raises EbgmInputError: the arrays are empty, of different lengths, not finite, have a
        negative count or weight or a non-positive E, or no pair with n ≥ 1 has weight > 0.
    """
    counts, expected, weight = _validated(n, e, weights)
    seen = (counts >= 1) & (weight > 0)
    if not seen.any():
        raise EbgmInputError("no pair has an observed count n >= 1 to fit the prior to")
    rows = _Squashed.of(counts[seen], expected[seen], weight[seen])
    results: list[optimize.OptimizeResult] = []
    for start in STARTS:
        results.append(_minimise(rows, start))
        if _two_agree([float(r.fun) for r in results if r.success]):
            break
    best = min(results, key=lambda r: float(r.fun))
    if not any(r.success for r in results):
        log.warning("EBGM prior fit did not converge from any start; keeping the best found")
    return _prior_of(np.asarray(best.x, dtype=np.float64))


def posterior(
    prior: Prior, n: np.ndarray, e: np.ndarray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """EBGM, EB05, EB95 per pair (vectorised).

    EBGM is the geometric mean of the posterior of λ; EB05 and EB95 its 5th and 95th
    percentiles (relative accuracy about 1e-10).

    :param prior: the prior, usually from :func:`fit_prior`.
    :param n: observed count of each pair (n = 0 is allowed and shrinks below 1).
    :param e: expected count of each pair, positive and finite.
    :returns: three float arrays of the input's length: EBGM, EB05, EB95.
    :raises EbgmInputError: the arrays are empty, of different lengths, not finite, or have a
        negative count or a non-positive E.

    >>> flat = Prior(alpha1=1.0, beta1=1.0, alpha2=1.0, beta2=1.0, p=0.5)
    >>> ebgm, eb05, eb95 = posterior(flat, np.array([0, 1, 10]), np.array([1.0, 1.0, 1.0]))
    >>> [round(float(x), 4) for x in ebgm]  # exp(ψ(1 + n) − log 2)
    [0.2807, 0.7631, 5.252]
    >>> bool(np.all((eb05 < ebgm) & (ebgm < eb95)))
    True
    """
    counts, expected, _ = _validated(n, e, None)
    a1, b1 = prior.alpha1 + counts, prior.beta1 + expected
    a2, b2 = prior.alpha2 + counts, prior.beta2 + expected
    qn = _qn(prior, counts, expected)
    log_gm = qn * (special.digamma(a1) - np.log(b1)) + (1 - qn) * (special.digamma(a2) - np.log(b2))
    ebgm = np.exp(log_gm)
    eb05 = _mixture_quantile(0.05, qn, a1, b1, a2, b2)
    eb95 = _mixture_quantile(0.95, qn, a1, b1, a2, b2)
    return ebgm, eb05, eb95


def _validated(
    n: np.ndarray, e: np.ndarray, weights: np.ndarray | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Counts, expected counts and weights as flat float arrays, checked."""
    counts = np.asarray(n, dtype=np.float64).ravel()
    expected = np.asarray(e, dtype=np.float64).ravel()
    weight = np.ones_like(counts) if weights is None else np.asarray(weights, np.float64).ravel()
    if counts.size == 0:
        raise EbgmInputError("no pairs given")
    if not counts.size == expected.size == weight.size:
        raise EbgmInputError(
            f"n, e and weights differ in length ({counts.size}, {expected.size}, {weight.size})"
        )
    for name, values in (("n", counts), ("e", expected), ("weights", weight)):
        if not np.isfinite(values).all():
            raise EbgmInputError(f"{name} has a value that is not a finite number")
    if (counts < 0).any():
        raise EbgmInputError("n has a negative count")
    if (expected <= 0).any():
        raise EbgmInputError("e has an expected count that is not > 0")
    if (weight < 0).any():
        raise EbgmInputError("weights has a negative weight")
    return counts, expected, weight


@dataclass(frozen=True)
class _Squashed:
    """Distinct (n, rounded E) rows with summed weights, as the likelihood needs them."""

    n_values: FloatArray  # the distinct counts
    n_index: npt.NDArray[np.intp]  # per row, its count's position in n_values
    n: FloatArray
    e: FloatArray
    w: FloatArray  # weights divided by their sum (the objective is a mean)

    @classmethod
    def of(cls, n: FloatArray, e: FloatArray, w: FloatArray) -> _Squashed:
        e_values, e_index = np.unique(_round_significant(e, SQUASH_DIGITS), return_inverse=True)
        n_values, n_index = np.unique(n, return_inverse=True)
        key = n_index.astype(np.int64) * e_values.size + e_index
        keys, row_of = np.unique(key, return_inverse=True)
        weight = np.bincount(row_of, weights=w, minlength=keys.size)
        row_n = (keys // e_values.size).astype(np.intp)
        return cls(
            n_values=n_values,
            n_index=row_n,
            n=n_values[row_n],
            e=e_values[keys % e_values.size],
            w=weight / weight.sum(),
        )


def _round_significant(x: FloatArray, digits: int) -> FloatArray:
    """``x`` (positive) rounded to ``digits`` significant digits."""
    scale = 10.0 ** (digits - 1 - np.floor(np.log10(x)))
    rounded: FloatArray = np.round(x * scale) / scale
    return rounded


def _minimise(rows: _Squashed, start: tuple[float, ...]) -> optimize.OptimizeResult:
    """One L-BFGS-B run of the mean negative log-likelihood from ``start``."""
    x0 = _free(np.asarray(start, dtype=np.float64))
    lo, hi = np.log(_SHAPE_RATE_BOUNDS)
    p_lo, p_hi = special.logit(np.asarray(_P_BOUNDS))
    bounds = [(lo, hi)] * 4 + [(p_lo, p_hi)]
    return optimize.minimize(
        _objective,
        x0,
        args=(rows,),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9},
    )


def _two_agree(values: list[float]) -> bool:
    """Whether the two best converged objective values agree (relative 1e-7)."""
    if len(values) < 2:
        return False
    first, second = sorted(values)[:2]
    return second - first <= 1e-7 * max(1.0, abs(first))


def _free(theta: FloatArray) -> FloatArray:
    """(α1, β1, α2, β2, p) to the optimiser's unbounded coordinates (logs and logit)."""
    free: FloatArray = np.concatenate([np.log(theta[:4]), [special.logit(theta[4])]])
    return free


def _prior_of(x: FloatArray) -> Prior:
    """The prior at the optimiser's coordinates ``x``."""
    a1, b1, a2, b2 = (float(v) for v in np.exp(x[:4]))
    return Prior(alpha1=a1, beta1=b1, alpha2=a2, beta2=b2, p=float(special.expit(x[4])))


def _objective(x: FloatArray, rows: _Squashed) -> tuple[float, FloatArray]:
    """Mean negative truncated log-likelihood (without the θ-free terms) and its gradient."""
    p = float(special.expit(x[4]))
    l1, g1 = _component(float(np.exp(x[0])), float(np.exp(x[1])), rows)
    l2, g2 = _component(float(np.exp(x[2])), float(np.exp(x[3])), rows)
    with np.errstate(divide="ignore"):
        m1, m2 = np.log(p) + l1, np.log1p(-p) + l2
    total = np.logaddexp(m1, m2)
    w1 = rows.w * np.exp(m1 - total)  # weight × responsibility of component 1
    w2 = rows.w - w1
    gradient = np.array(
        [
            _sum(w1 * g1[0]),
            _sum(w1 * g1[1]),
            _sum(w2 * g2[0]),
            _sum(w2 * g2[1]),
            _sum(w1) - p,  # Σ w·(r1 − p), the weights summing to 1
        ]
    )
    value = -_sum(rows.w * total)
    if not np.isfinite(value) or not np.isfinite(gradient).all():
        return np.inf, np.zeros(5)
    return value, -gradient


def _sum(values: FloatArray) -> float:
    """Sum of an array (``np.sum``, not a BLAS dot product: threads stall on a busy machine)."""
    return float(np.sum(values))


def _component(alpha: float, beta: float, rows: _Squashed) -> tuple[FloatArray, FloatArray]:
    """Per row, log f(n)/(1 − f(0)) of one component (up to θ-free terms) and its gradient.

    The gradient is with respect to (log α, log β), shape (2, rows).
    """
    n, e = rows.n, rows.e
    log_b_e = np.log(beta + e)
    shrink = np.log1p(e / beta)  # −log f(0) / α
    t = np.maximum(alpha * shrink, 1e-300)  # −log f(0)
    lgamma = special.gammaln(alpha + rows.n_values) - special.gammaln(alpha)
    log_f = lgamma[rows.n_index] + alpha * np.log(beta) - (alpha + n) * log_b_e
    log_tail = np.log(-np.expm1(-t))  # log(1 − f(0))
    with np.errstate(over="ignore"):
        odds0 = 1 / np.expm1(t)  # f(0) / (1 − f(0)); 0 where f(0) underflows
    psi = special.digamma(alpha + rows.n_values) - special.digamma(alpha)
    d_alpha = psi[rows.n_index] - shrink * (1 + odds0)
    d_beta = alpha / beta - (alpha + n) / (beta + e) + odds0 * alpha * e / (beta * (beta + e))
    gradient: FloatArray = np.stack([alpha * d_alpha, beta * d_beta])
    values: FloatArray = log_f - log_tail
    return values, gradient


def _log_nb(n: FloatArray, e: FloatArray, alpha: float, beta: float) -> FloatArray:
    """log of the negative binomial f(n) with size α and probability β/(β+E)."""
    values: FloatArray = (
        special.gammaln(alpha + n)
        - special.gammaln(alpha)
        - special.gammaln(n + 1)
        + alpha * np.log(beta / (beta + e))
        + n * np.log(e / (beta + e))
    )
    return values


def _qn(prior: Prior, n: FloatArray, e: FloatArray) -> FloatArray:
    """Posterior weight of component 1 given n (DuMouchel 1999, Eq. 6)."""
    with np.errstate(divide="ignore"):
        m1 = np.log(prior.p) + _log_nb(n, e, prior.alpha1, prior.beta1)
        m2 = np.log1p(-prior.p) + _log_nb(n, e, prior.alpha2, prior.beta2)
    qn: FloatArray = special.expit(m1 - m2)
    return qn


def _mixture_quantile(
    q: float, qn: FloatArray, a1: FloatArray, b1: FloatArray, a2: FloatArray, b2: FloatArray
) -> FloatArray:
    """The q-quantile of ``qn·Γ(a1, b1) + (1−qn)·Γ(a2, b2)``, elementwise.

    Solves h(y) = 0 for y = log λ, with h = log F(λ) − log q below the median and
    h = log(1 − q) − log(1 − F(λ)) above it (nearly straight lines in the tails, where the
    CDF itself is not), by Halley steps safeguarded as Numerical Recipes' ``rtsafe``: a
    bracket narrows with each evaluation, and a step that would leave it, or that is not under
    half the previous one, bisects instead. The bracket starts as the span of the two
    components' own q-quantiles, which always holds the mixture's; the first guess is their
    Qn-weighted mean. An element stops when a Halley step is below 1e-7 (Halley's error is
    cubic: what is left is far below 1e-10) or its bracket is narrower than 1e-10.
    """
    lgamma1, lgamma2 = special.gammaln(a1), special.gammaln(a2)
    floor = np.log(np.finfo(np.float64).tiny)
    with np.errstate(divide="ignore"):  # a component quantile below the smallest double
        y1 = np.maximum(np.log(special.gammaincinv(a1, q) / b1), floor)
        y2 = np.maximum(np.log(special.gammaincinv(a2, q) / b2), floor)
    lo, hi = np.minimum(y1, y2), np.maximum(y1, y2)
    y = qn * y1 + (1 - qn) * y2
    last_step = hi - lo
    lower = q < 0.5
    cdf = special.gammainc if lower else special.gammaincc
    target, sign = (np.log(q), 1.0) if lower else (np.log1p(-q), -1.0)
    active = np.flatnonzero(hi - lo > _QUANTILE_RTOL)
    for _ in range(200):
        if active.size == 0:
            break
        ya, wa, lo_a, hi_a = y[active], qn[active], lo[active], hi[active]
        a1a, a2a = a1[active], a2[active]
        s1, s2 = b1[active] * np.exp(ya), b2[active] * np.exp(ya)
        tail = wa * cdf(a1a, s1) + (1 - wa) * cdf(a2a, s2)  # F, or 1 − F above the median
        # d/dy of a component's CDF is its density times λ: exp(a·log s − s − lgamma(a)).
        d1 = np.exp(a1a * np.log(s1) - s1 - lgamma1[active])
        d2 = np.exp(a2a * np.log(s2) - s2 - lgamma2[active])
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            h = sign * (np.log(tail) - target)
            slope = (wa * d1 + (1 - wa) * d2) / tail  # h'
            curve = sign * (wa * d1 * (a1a - s1) + (1 - wa) * d2 * (a2a - s2)) / tail
            curve -= sign * slope * slope  # h''
            step = -2 * h * slope / (2 * slope * slope - h * curve)
        lo_a = np.where(h < 0, ya, lo_a)
        hi_a = np.where(h > 0, ya, hi_a)
        proposal = ya + step
        converged = (h == 0) | (np.abs(step) <= _HALLEY_LAST_STEP)
        halley = np.isfinite(proposal) & (proposal > lo_a) & (proposal < hi_a)
        halley &= np.abs(step) <= 0.5 * last_step[active]
        halley |= converged  # a step this small may round onto the bracket's end
        y[active] = np.where(halley, proposal, 0.5 * (lo_a + hi_a))
        last_step[active] = np.where(halley, np.abs(step), 0.5 * (hi_a - lo_a))
        lo[active], hi[active] = lo_a, hi_a
        done = converged | (hi_a - lo_a <= _QUANTILE_RTOL)
        active = active[~done]
    quantile: FloatArray = np.exp(y)
    return quantile
