"""Benchmark: code co-occurrence on 100k excerpts × 200 codes.

Builds a seeded random incidence matrix with a realistic density (2–4 codes per excerpt,
code popularity skewed like a real codebook's: a few codes are common, most are rare;
excerpts spread over 1,000 studies), then times

* the limit: the bare sparse product ``AᵀA`` on the CSR matrix;
* the full build, ``cooccur.edge_table``: the product, the weight of every co-occurring
  pair, the hypergeometric test with Benjamini–Hochberg over all pairs, the edge table and
  the supporting-excerpt lookup (ids) for the edges kept;
* its parts, so a slow step is easy to spot;
* optionally (``--graph``) the networkx side: graph assembly and the analysis
  (communities, betweenness, eigenvector centrality), which is not part of the ratio.

Prints the figures and the ratio full / bare measured in the same run; asserts nothing
about time. Run: ``python benchmarks/network.py [--excerpts N] [--codes C] [--weight W]
[--unit excerpt|study] [--graph]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, machine, row

from thematic.network import chance, cooccur


def make_incidence(n_excerpts: int, n_codes: int, n_studies: int, seed: int,
                   unit: str) -> cooccur.Incidence:
    rng = np.random.default_rng(seed)
    per = rng.integers(2, 5, size=n_excerpts)                  # 2–4 codes per excerpt
    popularity = 1.0 / np.arange(1, n_codes + 1) ** 0.8          # Zipf-like
    popularity /= popularity.sum()
    rows = np.repeat(np.arange(n_excerpts), per)
    cols = rng.choice(n_codes, size=int(per.sum()), p=popularity)
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)),
                           shape=(n_excerpts, n_codes))
    study_of = np.sort(rng.integers(0, n_studies, size=n_excerpts))
    return cooccur.make(matrix, excerpts=[f"F{i:06d}" for i in range(n_excerpts)],
                        items=[f"code-{j:03d}" for j in range(n_codes)],
                        studies=[str(s) for s in range(n_studies)], study_of=study_of,
                        unit=unit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--excerpts", type=int, default=100_000)
    parser.add_argument("--codes", type=int, default=200)
    parser.add_argument("--studies", type=int, default=1_000)
    parser.add_argument("--weight", default="npmi", choices=cooccur.WEIGHTS)
    parser.add_argument("--min-weight", type=float, default=0.0)
    parser.add_argument("--unit", default="excerpt", choices=cooccur.UNITS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--graph", action="store_true",
                        help="also time the networkx graph and its analysis")
    args = parser.parse_args()

    t0 = time.perf_counter()
    inc = make_incidence(args.excerpts, args.codes, args.studies, args.seed, args.unit)
    made = time.perf_counter() - t0
    a = inc.matrix
    print(f"machine: {machine()}")
    print(f"incidence: {a.shape[0]:,} {args.unit}s × {a.shape[1]} codes, {a.nnz:,} non-zeros "
          f"({a.nnz / a.shape[0]:.2f} per {args.unit}); made in {made:.2f} s")

    bare = best_of(lambda: a.T @ a, args.repeat)
    full = best_of(lambda: cooccur.edge_table(inc, args.weight, args.min_weight),
                   args.repeat)
    table = cooccur.edge_table(inc, args.weight, args.min_weight)

    total = cooccur.counts(a)
    k = len(inc.items)
    rows, cols, cij = cooccur.pairs(total)
    marg = total.marginals.astype(np.int64)
    t_counts = best_of(lambda: cooccur.counts(a), args.repeat)
    t_weights = best_of(lambda: cooccur.weights(args.weight, cij, marg[rows], marg[cols],
                                                total.n), args.repeat)
    t_chance = best_of(lambda: chance.chance(cij, marg[rows], marg[cols], total.n,
                                              k * (k - 1) // 2), args.repeat)
    t_support = best_of(lambda: cooccur.supporting(inc, table.source, table.target),
                        args.repeat)
    supported = sum(len(x) for x in table.excerpts)

    print(f"co-occurring pairs: {len(rows):,} of {k * (k - 1) // 2:,}; kept (weight "
          f"{args.weight} >= {args.min_weight:g}): {len(table):,}; supporting excerpt links: "
          f"{supported:,}; more than chance (q < 0.05): {int(table.significant.sum()):,}")
    print(f"bare AᵀA:            {bare * 1000:9.1f} ms")
    print(f"full edge table:     {full * 1000:9.1f} ms")
    print(f"  counts (AᵀA, CSR): {t_counts * 1000:9.1f} ms")
    print(f"  weights:           {t_weights * 1000:9.1f} ms")
    print(f"  chance test + BH:  {t_chance * 1000:9.1f} ms")
    print(f"  supporting lookup: {t_support * 1000:9.1f} ms")
    print(f"ratio full / bare:   {full / bare:9.1f}")

    if args.graph:
        from thematic.network import analyse

        t0 = time.perf_counter()
        graph = analyse.to_graph(inc, table, min_weight=args.min_weight, seed=args.seed)
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        analyse.annotate(graph, seed=args.seed)
        analysed = time.perf_counter() - t0
        print(f"networkx graph:      {built * 1000:9.1f} ms ({graph.number_of_edges():,} "
              f"edges)")
        print(f"networkx analysis:   {analysed * 1000:9.1f} ms ({graph.graph['communities']} "
              f"communities; {graph.graph['community_method']})")

    row(f"network: co-occurrence {args.excerpts // 1000}k × {args.codes} ({args.weight})",
        f"{full * 1000:,.0f} ms", f"bare AᵀA {bare * 1000:,.1f} ms", full / bare)


if __name__ == "__main__":
    main()
