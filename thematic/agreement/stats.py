"""Inter-coder agreement statistics: pure, vectorised numpy; no store, no printing.

Data layouts
------------
* **Reliability data** (Krippendorff's layout): a 2-D array ``coders × units``. Values are
  category codes (nominal, ordinal) or numbers (interval, ratio); ``NaN`` (or ``None``) marks
  a missing value. Missing values are ignored, never counted as a category: a unit with
  fewer than two values cannot be paired and drops out, and an all-missing coder or unit
  changes nothing.
* **Count table** (Fleiss' layout): a 2-D array ``units × categories`` whose cell (u, c)
  counts the coders who put unit u into category c.
* Code-level agreement on excerpts (a presence/absence decision per excerpt, code and
  coder, for many codes at once) lives in :mod:`thematic.agreement.binary`.

Undefined results
-----------------
A statistic that is mathematically undefined — every coder used one category (chance
agreement is 1, so kappa and alpha are 0/0), no unit has two values — is returned as
``Result(value=None, reason="...")``; it is never reported as 1.0 or 0.0. Every function in
this module returns a :class:`~thematic.agreement.results.Result` (or an
:class:`~thematic.agreement.results.Interval` for confidence intervals) and uses this one
convention. Malformed input (wrong shape, unequal numbers of ratings where a
statistic needs them equal, negative values on a ratio scale) raises
:class:`AgreementDataError`, a ``ValueError``.

Sources
-------
* Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. (Coincidence
  matrices; nominal, ordinal, interval and ratio difference functions.)
* Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
  Bulletin 76(5), 378-382. (Overall and per-category kappa.)
* Cohen, J. (1960). A coefficient of agreement for nominal scales.
* Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of
  high agreement. Br J Math Stat Psychol 61, 29-48; with the treatment of missing ratings of
  Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed.
* Landis, J. R. & Koch, G. G. (1977). The measurement of observer agreement for categorical
  data. Biometrics 33, 159-174.

This module is an independent implementation: statsmodels (BSD-3-Clause) offers Cohen's and
Fleiss' kappa but not alpha, AC1, missing data, batches of codes or undefined results, so
it serves only as an independent cross-check in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from thematic.agreement.results import (
    NO_COMMON,
    NO_PAIRABLE,
    ONE_RATING,
    PERCENT_DEFINITIONS,
    AgreementDataError,
    Interval,
    Result,
    _label,
    _one_category,
    _result,
    _undefined,
    krippendorff_band,
    landis_koch,
)

__all__ = [
    "LEVELS",
    "PERCENT_DEFINITIONS",
    "AgreementDataError",
    "Interval",
    "Result",
    "alpha_from_coincidence",
    "bootstrap_ci",
    "cohen_kappa",
    "cohen_kappa_table",
    "coincidence_matrix",
    "count_table",
    "fleiss_kappa",
    "fleiss_kappa_counts",
    "gwet_ac1",
    "krippendorff_alpha",
    "krippendorff_band",
    "landis_koch",
    "percent_agreement",
]

LEVELS = ("nominal", "ordinal", "interval", "ratio")


# --------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------


def _reliability(data: Any) -> np.ndarray:
    try:
        a = np.array(data, dtype=float)
    except (TypeError, ValueError) as exc:
        raise AgreementDataError(
            "reliability data must be numbers (category codes) with NaN/None for missing; "
            f"map category labels to codes first ({exc})"
        ) from None
    if a.ndim != 2:
        raise AgreementDataError(
            f"reliability data must be a 2-D array coders × units, got {a.ndim} dimension(s)"
        )
    if np.isinf(a).any():
        raise AgreementDataError("reliability data contain an infinite value")
    return a


def count_table(data: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(values, counts)``: the sorted distinct values and the ``units × values`` table of
    how many coders gave each value to each unit (missing values are not counted)."""
    a = _reliability(data)
    present = ~np.isnan(a)
    values, inverse = np.unique(a[present], return_inverse=True)
    units = np.nonzero(present)[1]
    n_units, n_values = a.shape[1], len(values)
    counts = np.bincount(
        units * n_values + inverse.ravel(), minlength=n_units * n_values
    ).reshape(n_units, n_values)
    return values, counts


def _counts(table: Any) -> np.ndarray:
    t = np.asarray(table)
    if t.ndim != 2:
        raise AgreementDataError("a count table must be 2-D: units × categories")
    if t.size and (not np.all(np.isfinite(t)) or (t < 0).any() or np.any(t != np.round(t))):
        raise AgreementDataError("a count table holds non-negative whole numbers")
    return t.astype(np.int64)


# --------------------------------------------------------------------------------------
# Krippendorff's alpha
# --------------------------------------------------------------------------------------


def _coincidence_from_counts(counts: np.ndarray) -> np.ndarray:
    """Coincidence matrix o[c, k] = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1) over units with
    m_u ≥ 2 values (Krippendorff 2011, eq. for o_ck)."""
    counts = np.asarray(counts, dtype=float)
    m = counts.sum(axis=-1)
    with np.errstate(divide="ignore"):
        f = np.where(m >= 2, 1.0 / np.maximum(m - 1.0, 1.0), 0.0)
    weighted = counts * f[..., None]
    o = np.swapaxes(weighted, -1, -2) @ counts
    diag = weighted.sum(axis=-2)
    idx = np.arange(counts.shape[-1])
    o[..., idx, idx] -= diag
    return o


def coincidence_matrix(data: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(values, o)``: the sorted distinct values and Krippendorff's coincidence matrix
    ``o`` (values × values) of the reliability data ``coders × units``. Units with fewer
    than two values contribute nothing; ``o.sum()`` is the number of pairable values."""
    values, counts = count_table(data)
    return values, _coincidence_from_counts(counts)


def _delta2(values: np.ndarray, n_c: np.ndarray, level: str) -> np.ndarray:
    """Squared difference function δ²(c, k) of Krippendorff (2011) for ``level``."""
    v = np.asarray(values, dtype=float)
    if level == "nominal":
        return 1.0 - np.eye(len(v))
    if level == "interval":
        return (v[:, None] - v[None, :]) ** 2
    if level == "ratio":
        s = v[:, None] + v[None, :]
        d = v[:, None] - v[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where(s == 0, 0.0, d / np.where(s == 0, 1.0, s))
        return r**2
    if level == "ordinal":
        # δ²(c, k) = (Σ_{g=c..k} n_g − (n_c + n_k)/2)², using the marginal frequencies n_g
        # of the coincidence matrix (the ranks of the values, not their numbers).
        n = np.asarray(n_c, dtype=float)
        cum = np.cumsum(n, axis=-1)
        lo = np.minimum.outer(np.arange(len(v)), np.arange(len(v)))
        hi = np.maximum.outer(np.arange(len(v)), np.arange(len(v)))
        span = cum[..., hi] - cum[..., lo] + n[..., lo]
        return (span - (n[..., :, None] + n[..., None, :]) / 2.0) ** 2
    raise AgreementDataError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")


def krippendorff_alpha(data: Any, level: str = "nominal") -> Result:
    """Krippendorff's alpha of reliability data ``coders × units`` (NaN = missing).

    alpha = 1 − D_o / D_e with D_o = Σ o_ck δ²_ck / n and D_e = Σ n_c n_k δ²_ck / (n(n−1))
    over the coincidence matrix ``o`` (n = number of pairable values). Units with fewer
    than two values drop out. ``level`` picks δ²: ``nominal``, ``ordinal`` (Krippendorff
    2011's rank-based metric from the marginal frequencies), ``interval`` (c − k)² or
    ``ratio`` ((c − k)/(c + k))². Undefined when no unit is pairable or when all pairable
    values are equal (D_e = 0).
    """
    _check_alpha_level(level)
    values, counts = count_table(data)
    m = counts.sum(axis=1)
    pairable = m >= 2
    n_units = int(pairable.sum())
    if n_units == 0:
        return _undefined("krippendorff_alpha", NO_PAIRABLE, 0, level=level, n_values=0)
    counts = counts[pairable]
    keep = counts.sum(axis=0) > 0
    values, counts = values[keep], counts[:, keep]
    return alpha_from_coincidence(values, _coincidence_from_counts(counts), level,
                                  n_units=n_units)


def _check_alpha_level(level: str) -> None:
    if level not in LEVELS:
        raise AgreementDataError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")


def alpha_from_coincidence(values: Any, o: Any, level: str = "nominal", *,
                           n_units: int = 0) -> Result:
    """Krippendorff's alpha from a coincidence matrix ``o`` over the sorted ``values``
    (what :func:`coincidence_matrix` returns, or a sum of such matrices over batches of
    units). ``n_units`` is only recorded in the result."""
    _check_alpha_level(level)
    values = np.asarray(values, dtype=float)
    o = np.asarray(o, dtype=float)
    if level == "ratio" and (values < 0).any():
        raise AgreementDataError("ratio-level alpha needs non-negative values (a ratio scale "
                                 "has a true zero; measure these on the interval scale)")
    name = "krippendorff_alpha"
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    if n == 0:
        return _undefined(name, NO_PAIRABLE, n_units, level=level, n_values=0)
    used = n_c > 0
    if int(used.sum()) < 2:
        only = _label(values[int(np.argmax(n_c))])
        return _undefined(name, _one_category(f"every pairable value is {only!r}"),
                          n_units, level=level, n_values=round(n))
    values, o, n_c = values[used], o[np.ix_(used, used)], n_c[used]
    d2 = _delta2(values, n_c, level)
    d_o = float((o * d2).sum()) / n
    d_e = float((np.outer(n_c, n_c) * d2).sum()) / (n * (n - 1.0))
    return _result(name, 1.0 - d_o / d_e, n_units, level=level, n_values=round(n),
                   observed_disagreement=d_o, expected_disagreement=d_e)


# --------------------------------------------------------------------------------------
# Fleiss' kappa
# --------------------------------------------------------------------------------------


def fleiss_kappa_counts(table: Any, categories: Sequence[Any] | None = None) -> Result:
    """Fleiss' (1971) kappa from a ``units × categories`` count table, with the
    per-category kappas in ``detail["per_category"]`` (category → Result).

    Every unit must have the same number of ratings n ≥ 2 (units with no ratings are
    dropped). P_i = (Σ_j n_ij² − n)/(n(n−1)), P̄ = mean P_i, p_j = Σ_i n_ij/(N n),
    P̄_e = Σ p_j², kappa = (P̄ − P̄_e)/(1 − P̄_e); per category
    kappa_j = 1 − Σ_i n_ij (n − n_ij) / (N n (n−1) p_j q_j).
    """
    t = _counts(table)
    if categories is None:
        categories = list(range(t.shape[1]))
    elif len(categories) != t.shape[1]:
        raise AgreementDataError("categories must name every column of the count table")
    name = "fleiss_kappa"
    rated = t.sum(axis=1)
    t = t[rated > 0]
    if t.shape[0] == 0:
        return _undefined(name, "no rated units", 0, per_category={})
    n_r = np.unique(t.sum(axis=1))
    if len(n_r) > 1:
        raise AgreementDataError(
            "Fleiss' kappa needs the same number of ratings for every unit; found "
            f"{', '.join(str(int(x)) for x in n_r)} (use Krippendorff's alpha for missing data)"
        )
    n = int(n_r[0])
    big_n = t.shape[0]
    if n < 2:
        return _undefined(name, ONE_RATING, big_n, n_raters=n, per_category={})
    tf = t.astype(float)
    p_i = ((tf * tf).sum(axis=1) - n) / (n * (n - 1.0))
    p_bar = float(p_i.mean())
    totals = t.sum(axis=0)
    p_j = totals / float(big_n * n)
    p_e = float((p_j * p_j).sum())
    per_category: dict[Any, Result] = {}
    disagree = (tf * (n - tf)).sum(axis=0)
    for j, cat in enumerate(categories):
        label = _label(cat)
        if totals[j] == 0:
            per_category[label] = _undefined(
                "fleiss_kappa_category", "the category was never used", big_n)
        elif totals[j] == big_n * n:
            per_category[label] = _undefined(
                "fleiss_kappa_category", _one_category("every rating is this category"),
                big_n)
        else:
            kj = 1.0 - disagree[j] / (big_n * n * (n - 1.0) * p_j[j] * (1.0 - p_j[j]))
            per_category[label] = _result(
                "fleiss_kappa_category", kj, big_n, proportion=float(p_j[j]))
    detail = dict(n_raters=n, observed_agreement=p_bar, expected_agreement=p_e,
                  per_category=per_category)
    if int((totals > 0).sum()) < 2:
        used = _label(categories[int(np.argmax(totals))])
        return _undefined(name, _one_category(f"every rating is {used!r}"), big_n, **detail)
    return _result(name, (p_bar - p_e) / (1.0 - p_e), big_n, **detail)


def fleiss_kappa(data: Any) -> Result:
    """Fleiss' kappa of reliability data ``coders × units`` (see :func:`fleiss_kappa_counts`).
    All-missing units and coders are ignored; otherwise every unit needs the same number of
    ratings."""
    values, counts = count_table(data)
    return fleiss_kappa_counts(counts, categories=[_label(v) for v in values])


# --------------------------------------------------------------------------------------
# Cohen's kappa
# --------------------------------------------------------------------------------------


def cohen_kappa_table(table: Any, categories: Sequence[Any] | None = None) -> Result:
    """Cohen's kappa from a square contingency table (rows: coder A, columns: coder B).

    p_o = Σ diagonal / N, p_e = Σ_k p_A(k) p_B(k), kappa = (p_o − p_e)/(1 − p_e).
    Undefined when the table is empty or when both coders used one and the same category
    (p_e = 1).
    """
    t = _counts(table)
    if t.shape[0] != t.shape[1]:
        raise AgreementDataError("Cohen's kappa needs a square contingency table")
    if categories is None:
        categories = list(range(t.shape[0]))
    name = "cohen_kappa"
    big_n = int(t.sum())
    detail: dict[str, Any] = dict(categories=[_label(c) for c in categories], table=t)
    if big_n == 0:
        return _undefined(name, NO_COMMON, 0, **detail)
    rows, cols = t.sum(axis=1), t.sum(axis=0)
    p_o = float(np.trace(t)) / big_n
    p_e = float((rows * cols).sum()) / float(big_n) ** 2
    detail.update(observed_agreement=p_o, expected_agreement=p_e)
    used_a, used_b = np.nonzero(rows)[0], np.nonzero(cols)[0]
    if len(used_a) == 1 and len(used_b) == 1 and used_a[0] == used_b[0]:
        cat = _label(categories[int(used_a[0])])
        return _undefined(name, _one_category(f"both coders used only {cat!r}"), big_n,
                          **detail)
    return _result(name, (p_o - p_e) / (1.0 - p_e), big_n, **detail)


def cohen_kappa(a: Any, b: Any) -> Result:
    """Cohen's kappa of two coders' codes for the same units (NaN/None = missing; only
    units both coded count)."""
    a = np.array(a, dtype=float).ravel()
    b = np.array(b, dtype=float).ravel()
    if a.shape != b.shape:
        raise AgreementDataError(
            f"the two coders must rate the same units: got {a.size} and {b.size} values")
    both = ~np.isnan(a) & ~np.isnan(b)
    a, b = a[both], b[both]
    values, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    k = len(values)
    ia, ib = inverse[: a.size], inverse[a.size:]
    t = np.bincount(ia * k + ib, minlength=k * k).reshape(k, k)
    return cohen_kappa_table(t, categories=list(values))


# --------------------------------------------------------------------------------------
# Gwet's AC1 and percent agreement
# --------------------------------------------------------------------------------------


def gwet_ac1(data: Any, categories: Sequence[Any] | None = None) -> Result:
    """Gwet's AC1 for any number of coders (Gwet 2008; missing ratings as in Gwet 2014).

    p_a = mean over units with r_u ≥ 2 ratings of Σ_k r_uk (r_uk − 1)/(r_u (r_u − 1));
    π_k = mean over units with r_u ≥ 1 of r_uk / r_u; p_e = Σ_k π_k (1 − π_k)/(q − 1);
    AC1 = (p_a − p_e)/(1 − p_e). ``q`` is the number of categories of the scale: pass
    ``categories`` to name them all (e.g. ``(0, 1)`` for presence/absence); otherwise the
    categories used in the data count. With q ≥ 2, p_e < 1 and AC1 is always defined —
    also when every coder used one category (then AC1 = 1, by Gwet's definition); with
    q = 1 it is undefined.
    """
    values, counts = count_table(data)
    name = "gwet_ac1"
    if categories is not None:
        cats = np.array(sorted(set(float(c) for c in categories)))
        missing = np.setdiff1d(values, cats)
        if missing.size:
            raise AgreementDataError(
                f"values {', '.join(repr(_label(v)) for v in missing)} are not among the "
                "categories given")
        full = np.zeros((counts.shape[0], len(cats)), dtype=counts.dtype)
        full[:, np.searchsorted(cats, values)] = counts
        values, counts = cats, full
    q = len(values)
    r = counts.sum(axis=1)
    n2 = int((r >= 2).sum())
    if n2 == 0:
        return _undefined(name, NO_PAIRABLE, 0, n_categories=q)
    if q < 2:
        return _undefined(
            name, "only one category is known, so chance agreement (divided by q − 1) is "
            "undefined; pass categories= to name the whole scale", n2, n_categories=q)
    c = counts.astype(float)
    rated = r >= 1
    rr = r[r >= 2].astype(float)
    p_a = float(((c[r >= 2] * (c[r >= 2] - 1)).sum(axis=1) / (rr * (rr - 1))).mean())
    pi = (c[rated] / r[rated, None]).mean(axis=0)
    p_e = float((pi * (1 - pi)).sum() / (q - 1))
    return _result(name, (p_a - p_e) / (1.0 - p_e), n2, n_categories=q,
                   observed_agreement=p_a, expected_agreement=p_e)


def percent_agreement(data: Any, definition: str = "pairwise") -> Result:
    """Observed agreement as a proportion in [0, 1] (not chance-corrected).

    ``definition="pairwise"``: mean over units coded by at least two coders of the share
    of agreeing coder pairs within the unit (Fleiss' P̄, Gwet's p_a).
    ``definition="all"``: share of those units in which every coder agrees.
    ``detail["definition"]`` names the definition used.
    """
    if definition not in PERCENT_DEFINITIONS:
        raise AgreementDataError(
            f"definition must be one of {', '.join(PERCENT_DEFINITIONS)}; got {definition!r}")
    _, counts = count_table(data)
    name = f"percent_agreement_{definition}"
    r = counts.sum(axis=1)
    keep = r >= 2
    n_units = int(keep.sum())
    text = PERCENT_DEFINITIONS[definition]
    if n_units == 0:
        return _undefined(name, NO_PAIRABLE, 0, definition=text)
    c = counts[keep].astype(float)
    rr = r[keep].astype(float)
    if definition == "pairwise":
        value = float(((c * (c - 1)).sum(axis=1) / (rr * (rr - 1))).mean())
    else:
        value = float((c.max(axis=1) == rr).mean())
    return _result(name, value, n_units, definition=text)


# --------------------------------------------------------------------------------------
# Bootstrap
# --------------------------------------------------------------------------------------


def _value_of(x: Any) -> float:
    if isinstance(x, Result):
        return math.nan if x.value is None else x.value
    if x is None:
        return math.nan
    return float(x)


def _percentile_interval(samples: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval along axis 0, ignoring NaN (undefined) resamples."""
    alpha = (1.0 - level) / 2.0
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            low = np.nanquantile(samples, alpha, axis=0)
            high = np.nanquantile(samples, 1.0 - alpha, axis=0)
    return low, high


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise AgreementDataError(f"confidence level must be between 0 and 1, got {level!r}")


def bootstrap_ci(
    stat_fn: Callable[[np.ndarray], Any],
    data: Any,
    n: int = 1000,
    seed: int | Sequence[int] = 0,
    level: float = 0.95,
) -> Interval:
    """Percentile bootstrap confidence interval of ``stat_fn`` over reliability data
    ``coders × units``, resampling **units** (columns) with replacement.

    ``stat_fn`` takes a ``coders × units`` array and returns a :class:`Result` (or a float
    or ``None``); undefined resamples are left out of the percentiles and counted. The
    same ``seed`` gives the same interval. Unpacks as ``low, high = bootstrap_ci(...)``.
    """
    _check_level(level)
    if n < 1:
        raise AgreementDataError("the bootstrap needs at least one resample")
    a = _reliability(data)
    n_units = a.shape[1]
    if n_units == 0:
        return Interval(None, None, level, n, 0, seed, "no units to resample")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n_units, size=(n, n_units))
    samples = np.array([_value_of(stat_fn(a[:, row])) for row in idx])
    return _interval(samples, level, n, seed)


def _interval(samples: np.ndarray, level: float, n: int, seed: Any) -> Interval:
    ok = np.isfinite(samples)
    n_defined = int(ok.sum())
    if n_defined == 0:
        return Interval(None, None, level, n, 0, seed,
                        "the statistic was undefined in every resample")
    low, high = _percentile_interval(samples[ok], level)
    return Interval(float(low), float(high), level, n, n_defined, seed)
