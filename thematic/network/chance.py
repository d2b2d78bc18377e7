"""Is a co-occurrence more than chance? The one-sided hypergeometric test per pair (Fisher's
exact test, alternative "greater") and Benjamini–Hochberg's false discovery rate over every
pair of items — including the pairs that never co-occur, which have p = 1 — so the report
can say which links are more than frequency.

Pure numpy/scipy over arrays of counts, imported only when called.
"""

from __future__ import annotations


def chance(cij, ci, cj, n: int, tested: int):
    """One-sided hypergeometric p (co-occurring at least this often by chance, i.e. Fisher's
    exact test, greater) and Benjamini–Hochberg q over ``tested`` pairs; pairs that never
    co-occur have p = 1 and are part of the family without being listed."""
    p = upper_tail(cij, n, ci, cj)
    return p, bh(p, tested)


def upper_tail(x, total: int, successes, draws):
    """P(X >= x) for X ~ Hypergeometric(total, successes, draws), vectorised.

    scipy.stats.hypergeom.sf sums the pmf afresh for each pair (a third of a millisecond
    each at 100k units); here one log-pmf per pair (scipy's, O(1)) starts a ratio
    recurrence, run for all pairs at once, that walks away from the mode, where terms only
    shrink, and stops at relative 1e-17. The side of the mode decides which tail is
    summed, so nothing is lost to cancellation.
    """
    import numpy as np

    x, k, d = (np.atleast_1d(np.asarray(v, dtype=np.int64)) for v in (x, successes, draws))
    x, k, d = np.broadcast_arrays(x, k, d)
    big = np.int64(total)
    lo, hi = np.maximum(0, d + k - big), np.minimum(k, d)
    p = np.where(x <= lo, 1.0, 0.0)
    inside = (x > lo) & (x <= hi)
    mode = (d + 1) * (k + 1) // (big + 2)

    for upper in (True, False):
        idx = np.flatnonzero(inside & ((x > mode) if upper else (x <= mode)))
        if not len(idx):
            continue
        kk, dd, end = k[idx], d[idx], hi[idx] if upper else lo[idx]
        at = x[idx] if upper else x[idx] - 1
        term = np.exp(log_pmf(at, big, kk, dd))  # O(1) each, via betaln
        acc = term.copy()
        live = np.arange(len(idx))
        while len(live):
            a, kl, dl = at[live], kk[live], dd[live]
            if upper:
                ratio = (kl - a) * (dl - a) / ((a + 1.0) * (big - kl - dl + a + 1.0))
                at[live] = a + 1
            else:
                ratio = a * (big - kl - dl + a) / ((kl - a + 1.0) * (dl - a + 1.0))
                at[live] = a - 1
            term[live] *= ratio
            step = (at[live] <= end[live]) if upper else (at[live] >= end[live])
            acc[live] += np.where(step, term[live], 0.0)
            live = live[step & (term[live] > acc[live] * 1e-17)]
        p[idx] = acc if upper else 1.0 - acc
    return np.clip(p, 0.0, 1.0)


def log_pmf(k, total, successes, draws):
    """``scipy.stats.hypergeom.logpmf(k, total, successes, draws)`` for ``k`` inside the
    support (all upper_tail asks for): scipy's own formula (``hypergeom._logpmf``), the
    same floats (tests/test_network_chance_pmf.py compares them), without importing
    scipy.stats, which cost half a second of every report and audit."""
    from scipy.special import betaln

    bad = total - successes
    return (betaln(successes + 1, 1) + betaln(bad + 1, 1)
            + betaln(total - draws + 1, draws + 1) - betaln(k + 1, successes - k + 1)
            - betaln(draws - k + 1, bad - draws + k + 1) - betaln(total + 1, 1))


def bh(p, m: int):
    """Benjamini–Hochberg adjusted p-values for ``p`` within a family of ``m`` ≥ len(p)
    tests whose other members have p = 1."""
    import numpy as np

    p = np.asarray(p, dtype=float)
    if not len(p):
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order] * max(m, len(p)) / np.arange(1, len(p) + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty_like(p)
    q[order] = np.minimum(q_sorted, 1.0)
    return q
