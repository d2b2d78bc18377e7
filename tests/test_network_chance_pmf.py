"""chance.log_pmf is scipy's hypergeometric log-pmf, float for float, inside the support:
the network's p and q values (and the report's figure digests) must not move."""

from __future__ import annotations

import numpy as np
from scipy.stats import hypergeom

from thematic.network.chance import log_pmf


def test_log_pmf_equals_scipy_inside_the_support():
    rng = np.random.default_rng(0)
    for total in (2, 7, 50, 1_000, 100_000, 1_000_003):
        good = rng.integers(0, total + 1, 400)
        draws = rng.integers(0, total + 1, 400)
        lo, hi = np.maximum(0, draws + good - total), np.minimum(good, draws)
        k = lo + (rng.random(400) * (hi - lo + 1)).astype(np.int64).clip(0, hi - lo)
        big = np.int64(total)
        assert np.array_equal(log_pmf(k, big, good, draws), hypergeom.logpmf(k, big, good, draws))

