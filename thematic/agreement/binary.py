"""Code-level agreement: many presence/absence decisions at once, vectorised.

For agreement on a codebook, each code is a binary decision per excerpt per coder, over the
excerpts every compared coder reviewed. A :class:`BinaryTally` keeps, per code, how many
excerpts show each presence pattern over the coders (bit i = coder i marked the code). The
tally is built with one ``bincount`` over all codes; every statistic — Krippendorff's
alpha, Cohen's kappa (two coders), Fleiss' kappa (more), Gwet's AC1, percent agreement —
and its bootstrap are closed-form functions of those counts, computed for all codes at
once. Tallies of disjoint batches of excerpts add up, so a large corpus can be measured in
pieces (e.g. by a distributed engine) and combined.

The results equal those of the general functions in :mod:`thematic.agreement.stats`
applied code by code (the tests check this); undefined figures follow the same
``Result(value=None, reason=...)`` convention.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from thematic.agreement.results import (
    PERCENT_DEFINITIONS,
    AgreementDataError,
    Interval,
    Result,
    _one_category,
    _plain,
    _result,
    _undefined,
)
from thematic.agreement.stats import _check_level, _interval

__all__ = [
    "MAX_CODERS",
    "BinaryTally",
    "CodeAgreement",
    "binary_agreement",
    "mean_over_codes",
    "tally_codings",
    "tally_presence",
]


MAX_CODERS = 16


def _bits(n_coders: int) -> np.ndarray:
    """(2**m, m) 0/1 matrix: bit i of pattern p = coder i marked the code present."""
    p = np.arange(2**n_coders)
    return ((p[:, None] >> np.arange(n_coders)[None, :]) & 1).astype(np.int64)


@dataclass(frozen=True)
class BinaryTally:
    """Sufficient statistics of presence/absence decisions by ``n_coders`` coders.

    ``patterns[c, p]`` is the number of units (excerpts) on which the set of coders who
    marked code ``c`` present is the bit pattern ``p`` (bit i = coder i). Every unit was
    reviewed by every coder (no missing decisions). Tallies over disjoint sets of units
    with the same coders and codes add up with ``+``.
    """

    patterns: np.ndarray
    n_coders: int

    def __post_init__(self) -> None:
        p = np.asarray(self.patterns, dtype=np.int64)
        if p.ndim != 2 or p.shape[1] != 2**self.n_coders:
            raise AgreementDataError("patterns must be codes × 2**n_coders")
        object.__setattr__(self, "patterns", p)

    def __add__(self, other: BinaryTally) -> BinaryTally:
        if self.n_coders != other.n_coders or self.patterns.shape != other.patterns.shape:
            return NotImplemented
        return BinaryTally(self.patterns + other.patterns, self.n_coders)

    @property
    def n_codes(self) -> int:
        return self.patterns.shape[0]

    @property
    def n_units(self) -> np.ndarray:
        return self.patterns.sum(axis=1)

    @property
    def hist(self) -> np.ndarray:
        """codes × (m + 1): units on which exactly k coders marked the code present."""
        return _hist(self.patterns, self.n_coders)

    @property
    def marginals(self) -> np.ndarray:
        """coders × codes: units each coder marked present."""
        return (self.patterns @ _bits(self.n_coders)).T

    def coincidence(self) -> np.ndarray:
        """codes × 2 × 2 coincidence matrices over the values (absent 0, present 1)."""
        m = self.n_coders
        k = np.arange(m + 1, dtype=float)
        h = self.hist.astype(float)
        o = np.empty((self.n_codes, 2, 2))
        o[:, 0, 0] = h @ ((m - k) * (m - k - 1) / (m - 1))
        o[:, 1, 1] = h @ (k * (k - 1) / (m - 1))
        o[:, 0, 1] = o[:, 1, 0] = h @ (k * (m - k) / (m - 1))
        return o

    def pooled(self) -> BinaryTally:
        """One 'code' whose units are all (unit, code) decisions of this tally."""
        return BinaryTally(self.patterns.sum(axis=0, keepdims=True), self.n_coders)

    def select(self, codes: Sequence[int] | np.ndarray) -> BinaryTally:
        return BinaryTally(self.patterns[np.asarray(codes, dtype=np.intp)], self.n_coders)

    def coders(self, keep: Sequence[int]) -> BinaryTally:
        """The tally restricted to a subset of coders (in the order given)."""
        keep = list(keep)
        bits = _bits(self.n_coders)[:, keep]
        new = (bits << np.arange(len(keep))[None, :]).sum(axis=1)
        out = np.zeros((self.n_codes, 2 ** len(keep)), dtype=np.int64)
        np.add.at(out.T, new, self.patterns.T)
        return BinaryTally(out, len(keep))


def _hist(patterns: np.ndarray, m: int) -> np.ndarray:
    pop = _bits(m).sum(axis=1)
    onehot = (pop[:, None] == np.arange(m + 1)[None, :]).astype(np.int64)
    return patterns @ onehot


def _check_coders(m: int) -> None:
    if m < 2:
        raise AgreementDataError("agreement needs at least two coders")
    if m > MAX_CODERS:
        raise AgreementDataError(f"at most {MAX_CODERS} coders can be compared at once")


def _tally_pattern_matrix(pat: np.ndarray, m: int) -> BinaryTally:
    """Tally a ``units × codes`` matrix of presence bit patterns with one bincount over
    ``code · 2**m + pattern``."""
    n_codes = pat.shape[1]
    width = 2**m
    big = n_codes * width > 2**31 - 1
    flat: np.ndarray = pat.astype(np.int64 if big else np.int32)
    flat += (np.arange(n_codes, dtype=flat.dtype) * width)[None, :]
    patterns = np.bincount(flat.ravel(), minlength=n_codes * width).reshape(n_codes, width)
    return BinaryTally(patterns, m)


def _pattern_dtype(m: int) -> type:
    return np.uint8 if m <= 8 else np.uint16


def tally_presence(presence: Any) -> BinaryTally:
    """Tally a dense boolean array ``coders × units × codes`` (True = code present)."""
    p = np.asarray(presence)
    if p.ndim != 3:
        raise AgreementDataError("presence must be 3-D: coders × units × codes")
    m = p.shape[0]
    _check_coders(m)
    dtype = _pattern_dtype(m)
    if p.dtype != np.bool_:
        p = p.astype(bool)
    pat = p[0].astype(dtype)
    tmp = np.empty_like(pat)
    for i in range(1, m):
        np.left_shift(p[i].view(np.uint8).astype(dtype, copy=False), i, out=tmp)
        pat |= tmp
    return _tally_pattern_matrix(pat, m)


#: Above this many (unit, code) cells the sparse tally sorts instead of using a scratch
#: matrix of presence patterns.
DENSE_CELLS = 2**28


def tally_codings(coder: Any, unit: Any, code: Any, *, n_coders: int, n_units: int,
                  n_codes: int) -> BinaryTally:
    """Tally sparse codings: parallel integer arrays (coder, unit, code), one entry per
    code a coder applied to a unit (duplicates are counted once). Units are
    ``range(n_units)`` — every one of them reviewed by every coder; pairs not listed are
    'absent'."""
    _check_coders(n_coders)
    coder = np.asarray(coder, dtype=np.int64).ravel()
    unit = np.asarray(unit, dtype=np.int64).ravel()
    code = np.asarray(code, dtype=np.int64).ravel()
    if not (coder.shape == unit.shape == code.shape):
        raise AgreementDataError("coder, unit and code arrays must have the same length")
    for arr, hi, what in ((coder, n_coders, "coder"), (unit, n_units, "unit"),
                          (code, n_codes, "code")):
        if arr.size and (arr.min() < 0 or arr.max() >= hi):
            raise AgreementDataError(f"{what} index out of range 0..{hi - 1}")
    m = n_coders
    key = unit * n_codes + code
    if n_units * n_codes <= DENSE_CELLS:
        dtype = _pattern_dtype(m)
        pat: np.ndarray = np.zeros(n_units * n_codes, dtype=dtype)
        for i in range(m):
            # a[idx] |= bit is idempotent for repeated idx, so duplicates count once
            pat[key[coder == i]] |= dtype(1 << i)
        return _tally_pattern_matrix(pat.reshape(n_units, n_codes), m)
    # Large: sort the (unit, code, coder) triples instead.
    trip = np.unique(key * m + coder)
    pair_key, coder_of = trip // m, trip % m
    keys, start = np.unique(pair_key, return_index=True)
    pattern = np.add.reduceat(np.int64(1) << coder_of, start) if len(start) else start
    patterns = np.bincount((keys % n_codes) * 2**m + pattern,
                           minlength=n_codes * 2**m).reshape(n_codes, 2**m)
    patterns[:, 0] += n_units - patterns.sum(axis=1)
    return BinaryTally(patterns, m)


def _binary_arrays(hist: np.ndarray, m: int) -> dict[str, np.ndarray]:
    """Vectorised statistics from presence-count histograms ``(..., m + 1)``; NaN where
    undefined. All units have m ≥ 2 decisions (binary, complete data)."""
    h = hist.astype(float)
    k = np.arange(m + 1, dtype=float)
    big_n = h.sum(axis=-1)
    ones = (h * k).sum(axis=-1)  # present decisions
    zeros = (h * (m - k)).sum(axis=-1)  # absent decisions
    n = big_n * m
    # Krippendorff: o_01 = Σ_u k (m − k)/(m − 1); alpha = 1 − (n − 1) o_01 / (n_0 n_1)
    o01 = (h * k * (m - k)).sum(axis=-1) / (m - 1.0)
    # Pairwise agreement per unit: (k(k−1) + (m−k)(m−k−1)) / (m(m−1))
    pu = (k * (k - 1) + (m - k) * (m - k - 1)) / (m * (m - 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        varied = (ones > 0) & (zeros > 0)
        alpha = np.where(varied, 1.0 - (n - 1.0) * o01 / (zeros * ones), np.nan)
        p_bar = (h * pu).sum(axis=-1) / big_n
        p1 = ones / n
        pe_fleiss = p1**2 + (1 - p1) ** 2
        fleiss = np.where(varied, (p_bar - pe_fleiss) / (1.0 - pe_fleiss), np.nan)
        pe_ac1 = 2.0 * p1 * (1.0 - p1)  # Σ π_k(1 − π_k)/(q − 1) with q = 2
        ac1 = np.where(big_n > 0, (p_bar - pe_ac1) / (1.0 - pe_ac1), np.nan)
        p_all = np.where(big_n > 0, (h[..., 0] + h[..., m]) / big_n, np.nan)
    return dict(alpha=alpha, fleiss=fleiss, ac1=ac1, pairwise=p_bar, all=p_all,
                o01=o01, p1=p1, pe_fleiss=pe_fleiss, pe_ac1=pe_ac1)


def _cohen_arrays(t: np.ndarray) -> dict[str, np.ndarray]:
    """Cohen's kappa from 2×2 tables ``(..., 4)`` in pattern order (a + 2b): cells
    [a0b0, a1b0, a0b1, a1b1]; NaN where undefined."""
    t = t.astype(float)
    big_n = t.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_o = (t[..., 0] + t[..., 3]) / big_n
        pa1 = (t[..., 1] + t[..., 3]) / big_n
        pb1 = (t[..., 2] + t[..., 3]) / big_n
        p_e = pa1 * pb1 + (1 - pa1) * (1 - pb1)
        # undefined when both coders used one and the same category (p_e = 1) or N = 0
        same_one = ((t[..., 1] + t[..., 3] == 0) & (t[..., 2] + t[..., 3] == 0)) | (
            (t[..., 0] + t[..., 2] == 0) & (t[..., 0] + t[..., 1] == 0))
        kappa = np.where((big_n > 0) & ~same_one, (p_o - p_e) / (1.0 - p_e), np.nan)
    return dict(kappa=kappa, p_o=p_o, p_e=p_e)


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code (or the pooled decisions) as presence/absence per unit."""

    n_units: int
    n_coders: int
    counts: Mapping[str, Any]
    alpha: Result
    kappa: Result  # Cohen's kappa for two coders, Fleiss' kappa for more
    ac1: Result
    percent_pairwise: Result
    percent_all: Result
    alpha_ci: Interval | None = None
    kappa_ci: Interval | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_units": self.n_units,
            "n_coders": self.n_coders,
            "counts": _plain(self.counts),
            "alpha": self.alpha.to_dict(),
            "kappa": self.kappa.to_dict(),
            "ac1": self.ac1.to_dict(),
            "percent_pairwise": self.percent_pairwise.to_dict(),
            "percent_all": self.percent_all.to_dict(),
            "alpha_ci": None if self.alpha_ci is None else self.alpha_ci.to_dict(),
            "kappa_ci": None if self.kappa_ci is None else self.kappa_ci.to_dict(),
        }


def _code_seed(seed: int, label: Any) -> list[int]:
    """Per-code seed: the same code gets the same resamples whatever else is measured."""
    return [int(seed), zlib.crc32(str(label).encode("utf-8"))]


def binary_agreement(
    tally: BinaryTally,
    *,
    labels: Sequence[Any] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> list[CodeAgreement]:
    """Per-code agreement from a :class:`BinaryTally`: Krippendorff's alpha (nominal),
    Cohen's kappa (2 coders) or Fleiss' kappa (3+), Gwet's AC1 (q = 2), percent agreement
    (both definitions) with the counts behind them, and percentile bootstrap intervals for
    alpha and kappa (``n_boot`` resamples of the units; 0 to skip).

    Resampling units with replacement is drawing the unit patterns from a multinomial
    distribution, so the bootstrap works on the pattern counts directly. Each code's
    resamples are seeded from ``seed`` and its label (``labels``, default the index), so a
    code's interval does not depend on which other codes are measured.
    """
    m = tally.n_coders
    _check_coders(m)
    _check_level(level)
    if labels is None:
        labels = list(range(tally.n_codes))
    if len(labels) != tally.n_codes:
        raise AgreementDataError("one label per code is needed")
    patterns = tally.patterns
    hist = _hist(patterns, m)
    marg = tally.marginals
    stats = _binary_arrays(hist, m)
    cohen = _cohen_arrays(patterns) if m == 2 else None

    # Bootstrap: resample each code's units as multinomial draws of its cells.
    boot_alpha = boot_kappa = None
    if n_boot:
        basis = patterns if m == 2 else hist
        boot_alpha = np.full((n_boot, tally.n_codes), np.nan)
        boot_kappa = np.full((n_boot, tally.n_codes), np.nan)
        for c in range(tally.n_codes):
            total = int(basis[c].sum())
            if total == 0:
                continue
            rng = np.random.default_rng(_code_seed(seed, labels[c]))
            draws = rng.multinomial(total, basis[c] / total, size=n_boot)
            h = _hist(draws, m) if m == 2 else draws
            b = _binary_arrays(h, m)
            boot_alpha[:, c] = b["alpha"]
            boot_kappa[:, c] = _cohen_arrays(draws)["kappa"] if m == 2 else b["fleiss"]

    out: list[CodeAgreement] = []
    for c in range(tally.n_codes):
        n_u = int(hist[c].sum())
        counts: dict[str, Any] = {
            "units": n_u,
            "present_by_all": int(hist[c, m]),
            "absent_by_all": int(hist[c, 0]),
            "mixed": int(n_u - hist[c, m] - hist[c, 0]),
            "present_by_coder": [int(x) for x in marg[:, c]],
            "units_by_number_of_coders_present": [int(x) for x in hist[c]],
        }
        if m == 2:
            t = patterns[c]
            counts["table"] = {"both": int(t[3]), "only_first": int(t[1]),
                               "only_second": int(t[2]), "neither": int(t[0])}
        out.append(_code_result(c, n_u, m, counts, stats, cohen, boot_alpha, boot_kappa,
                                n_boot, seed, labels, level))
    return out


def _code_result(c, n_u, m, counts, stats, cohen, boot_alpha, boot_kappa, n_boot, seed,
                 labels, level) -> CodeAgreement:
    n_present = sum(counts["present_by_coder"])
    if n_u == 0:
        why = "no units reviewed by all compared coders"
        alpha = _undefined("krippendorff_alpha", why, 0, level="nominal", n_values=0)
        kappa = _undefined("cohen_kappa" if m == 2 else "fleiss_kappa", why, 0)
        ac1 = _undefined("gwet_ac1", why, 0, n_categories=2)
        pp = _undefined("percent_agreement_pairwise", why, 0,
                        definition=PERCENT_DEFINITIONS["pairwise"])
        pa = _undefined("percent_agreement_all", why, 0,
                        definition=PERCENT_DEFINITIONS["all"])
        return CodeAgreement(0, m, counts, alpha, kappa, ac1, pp, pa, None, None)
    one_cat = (_one_category("every coder marked it present on every unit")
               if n_present == n_u * m else
               _one_category("no coder marked it present on any unit"))
    a = stats["alpha"][c]
    n_values = n_u * m
    if np.isnan(a):
        alpha = _undefined("krippendorff_alpha", one_cat, n_u, level="nominal",
                           n_values=n_values)
    else:
        d_o = stats["o01"][c] * 2 / n_values
        d_e = 2.0 * n_present * (n_values - n_present) / (n_values * (n_values - 1.0))
        alpha = _result("krippendorff_alpha", a, n_u, level="nominal", n_values=n_values,
                        observed_disagreement=d_o, expected_disagreement=d_e)
    if m == 2:
        k = cohen["kappa"][c]
        det = dict(observed_agreement=float(cohen["p_o"][c]),
                   expected_agreement=float(cohen["p_e"][c]))
        kappa = (_undefined("cohen_kappa", one_cat, n_u, **det) if np.isnan(k)
                 else _result("cohen_kappa", k, n_u, **det))
    else:
        k = stats["fleiss"][c]
        det = dict(n_raters=m, observed_agreement=float(stats["pairwise"][c]),
                   expected_agreement=float(stats["pe_fleiss"][c]))
        kappa = (_undefined("fleiss_kappa", one_cat, n_u, **det) if np.isnan(k)
                 else _result("fleiss_kappa", k, n_u, **det))
    ac1 = _result("gwet_ac1", stats["ac1"][c], n_u, n_categories=2,
                  observed_agreement=float(stats["pairwise"][c]),
                  expected_agreement=float(stats["pe_ac1"][c]))
    pp = _result("percent_agreement_pairwise", stats["pairwise"][c], n_u,
                 definition=PERCENT_DEFINITIONS["pairwise"])
    pa = _result("percent_agreement_all", stats["all"][c], n_u,
                 definition=PERCENT_DEFINITIONS["all"])
    alpha_ci = kappa_ci = None
    if n_boot:
        code_seed = _code_seed(seed, labels[c])
        alpha_ci = _interval(boot_alpha[:, c], level, n_boot, code_seed)
        kappa_ci = _interval(boot_kappa[:, c], level, n_boot, code_seed)
    return CodeAgreement(n_u, m, counts, alpha, kappa, ac1, pp, pa, alpha_ci, kappa_ci)


def mean_over_codes(results: Sequence[Result]) -> Result:
    """Unweighted arithmetic mean of the defined per-code values ("mean over codes"), as
    opposed to the pooled figure computed over all (unit, code) decisions at once.
    ``detail`` records how many codes were defined and which were left out."""
    vals = [r.value for r in results if r.value is not None]   # the defined ones
    undefined = len(results) - len(vals)
    stat = results[0].statistic if results else ""
    name = f"mean_{stat}" if stat else "mean"
    if not vals:
        return _undefined(name, "no code has a defined value", 0,
                          n_codes=len(results), n_codes_undefined=undefined)
    return _result(name, float(np.mean(vals)), sum(r.n_units for r in results if r.defined),
                   n_codes=len(results), n_codes_defined=len(vals),
                   n_codes_undefined=undefined)
