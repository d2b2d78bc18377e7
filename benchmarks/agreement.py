"""Benchmark: code-level agreement on 100k excerpts × 200 codes × 3 coders.

Builds seeded random presence/absence data with structured agreement (a latent "true"
coding per excerpt and code, with code-specific prevalence, and each coder flipping a
code-specific share of decisions), then times

* the floor: the bare numpy work every approach needs — one pass to count, per excerpt
  and code, how many coders marked the code, and one bincount that builds all 200
  coincidence tables (histograms of that count per code);
* ``tally_presence``: the per-code presence-pattern counts (one bincount as well);
* ``binary_agreement`` without and with a 1000-resample bootstrap: Krippendorff's alpha,
  Fleiss' kappa, Gwet's AC1 and percent agreement for all 200 codes, plus the pooled
  figures; and the same with the sparse tally built from coding triples (the store's
  layout).

Prints figures and ratios to the floor measured in the same run; asserts nothing about
time. Run: ``python benchmarks/agreement.py [--excerpts N] [--codes C] [--coders M]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def make_data(n_excerpts: int, n_codes: int, n_coders: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    prevalence = rng.uniform(0.005, 0.3, size=n_codes)
    truth = rng.random((n_excerpts, n_codes)) < prevalence
    error = rng.uniform(0.0, 0.08, size=n_codes)  # code-specific coder error rate
    flips = rng.random((n_coders, n_excerpts, n_codes)) < error
    presence = truth[None, :, :] ^ flips
    presence[:, :, 0] = False  # one code nobody used: must come out undefined
    return presence


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def floor(presence: np.ndarray) -> np.ndarray:
    m, _, n_codes = presence.shape
    k = presence.sum(axis=0, dtype=np.uint8)  # coders marking each (excerpt, code)
    flat = k.astype(np.int32)
    flat += (np.arange(n_codes, dtype=np.int32) * (m + 1))[None, :]
    return np.bincount(flat.ravel(), minlength=n_codes * (m + 1)).reshape(n_codes, m + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--excerpts", type=int, default=100_000)
    parser.add_argument("--codes", type=int, default=200)
    parser.add_argument("--coders", type=int, default=3)
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    from thematic.agreement import binary as S

    presence = make_data(args.excerpts, args.codes, args.coders, args.seed)
    labels = [f"code-{i:03d}" for i in range(args.codes)]
    print(f"data: {args.excerpts:,} excerpts × {args.codes} codes × {args.coders} coders "
          f"({presence.mean():.3%} present), seed {args.seed}; best of {args.repeat}")

    t_floor, hist = best_of(lambda: floor(presence), args.repeat)
    t_tally, tally = best_of(lambda: S.tally_presence(presence), args.repeat)
    assert np.array_equal(tally.hist, hist)  # same coincidence data as the floor

    def measure(n_boot: int):
        per_code = S.binary_agreement(tally, labels=labels, n_boot=n_boot, seed=1)
        pooled = S.binary_agreement(tally.pooled(), labels=["pooled"], n_boot=n_boot,
                                    seed=1)
        return per_code, pooled

    t_stats, (per_code, pooled) = best_of(lambda: measure(0), args.repeat)
    t_boot, (per_code_b, _) = best_of(lambda: measure(args.boot), args.repeat)

    coder, unit, code = np.nonzero(presence)
    t_sparse, sparse = best_of(
        lambda: S.tally_codings(coder, unit, code, n_coders=args.coders,
                                n_units=args.excerpts, n_codes=args.codes), args.repeat)
    assert np.array_equal(sparse.patterns, tally.patterns)

    def row(name: str, seconds: float) -> None:
        print(f"  {name:<58} {seconds * 1000:9.1f} ms  {seconds / t_floor:7.2f}× floor")

    print("timings")
    row("floor: coder counts + one bincount (200 coincidence tables)", t_floor)
    row("tally_presence (dense → pattern counts)", t_tally)
    row("statistics for all codes + pooled (no bootstrap)", t_stats)
    row("tally + statistics (no bootstrap)", t_tally + t_stats)
    row(f"statistics + bootstrap CIs ({args.boot} resamples, alpha & kappa)", t_boot)
    row("tally + statistics + bootstrap", t_tally + t_boot)
    row(f"tally_codings (sparse, {len(coder):,} coding triples)", t_sparse)

    alphas = [r.alpha.value for r in per_code if r.alpha.defined]
    undefined = [labels[i] for i, r in enumerate(per_code) if not r.alpha.defined]
    mean = S.mean_over_codes([r.alpha for r in per_code])
    print("results")
    print(f"  pooled alpha {pooled[0].alpha.value:.3f}, pooled Fleiss kappa "
          f"{pooled[0].kappa.value:.3f}; mean alpha over {mean.detail['n_codes_defined']} "
          f"defined codes {mean.value:.3f} (min {min(alphas):.3f}, max {max(alphas):.3f})")
    print(f"  undefined codes: {', '.join(undefined)} — {per_code[0].alpha.reason}")
    ci = per_code_b[1].alpha_ci
    print(f"  {labels[1]}: alpha {per_code_b[1].alpha.value:.3f} "
          f"[{ci.low:.3f}, {ci.high:.3f}] ({ci.n_defined}/{ci.n_resamples} resamples)")


if __name__ == "__main__":
    main()
