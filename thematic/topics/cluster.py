"""Deterministic clustering of excerpts into candidate themes.

The default clusterer joins two kinds of evidence per excerpt: what it says (its sentence
embedding) and how it was coded (its code profile: the codes its codings carry, each with
its ancestors in the codebook, so that "youth" and "perinatal" share "population
adaptation"). Both halves are unit vectors, weighed equally, rounded to ``DECIMALS``, and
clustered with Ward's method (``Ward``, the default), average linkage on cosine distances
(``Average``) or Ward's method on a spectral embedding of the excerpts' neighbourhood graph
(``Spectral``): scipy's exact, single-threaded hierarchical clustering.

Nothing here draws random numbers or depends on thread counts or vector instructions except
through the rounding-protected inputs, so the same excerpts and codings give the same
clusters on any machine. The number of clusters is chosen by stability: for each k, the
linkage is rerun on ``BOOTSTRAPS`` subsamples of ``SUBSAMPLE`` of the excerpts (drawn with
``seed``), and k scores the mean adjusted Rand index between those partitions and the full
one. Among the k up to n / (2 × ``min_size``) whose smallest cluster holds at least half
of ``min_size`` excerpts, the finest partition whose stability is within one standard
error (two for average linkage) of the most stable one wins (a reviewer can merge
candidates; a theme lost inside a coarse one stays hidden).

A clusterer is any object with ``name`` and ``cluster(features, *, min_size, seed,
k=None) -> Clustering``; ``CLUSTERERS`` maps names to them (``--cluster`` on the CLI).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

DECIMALS = 5         # far above float noise, far below any distance that matters
PROFILE_WEIGHT = 1.0  # code profile against embedding (both unit length)
BOOTSTRAPS = 20
SUBSAMPLE = 0.8
MIN_K, MAX_K = 3, 25   # k = 2 is always "stable" (a split in two) and says little


@dataclass
class Clustering:
    labels: list[int]                       # per text, 0..k-1
    k: int
    method: str
    stability: dict[int, float] = field(default_factory=dict)   # k → mean ARI


class Clusterer(Protocol):
    name: str

    def cluster(self, features, *, min_size: int, seed: int = 0,
                k: int | None = None) -> Clustering: ...


def code_profile(coded: list[Iterable[str]], parents: Mapping[str, str | None]):
    """One row per text: 1 for each code it carries and each of those codes' ancestors,
    scaled to unit length (rows with no code stay zero)."""
    import numpy as np

    def lineage(code: str) -> list[str]:
        out, seen = [], set()
        while code and code not in seen:
            seen.add(code)
            out.append(code)
            code = parents.get(code) or ""
        return out

    rows = [sorted({a for code in codes for a in lineage(code)}) for codes in coded]
    columns = {c: i for i, c in enumerate(sorted({c for r in rows for c in r}))}
    matrix = np.zeros((len(rows), max(1, len(columns))), dtype=np.float64)
    for i, row in enumerate(rows):
        for code in row:
            matrix[i, columns[code]] = 1.0
    return _unit(matrix)


def features(embeddings, profile=None, weight: float = PROFILE_WEIGHT):
    """Embeddings (made unit length) joined with ``weight`` × the code profile, rounded.
    An excerpt with no coding borrows the profile of its ``NEIGHBOURS`` nearest coded
    excerpts (by embedding): a zero profile would set every uncoded excerpt apart together,
    whatever it says."""
    import numpy as np

    vectors = _unit(np.asarray(embeddings, dtype=np.float64))
    if profile is not None and weight:
        profile = _borrow(vectors, np.asarray(profile, dtype=np.float64))
        vectors = np.hstack([vectors, weight * profile])
    return np.round(vectors, DECIMALS)


NEIGHBOURS = 5


def _borrow(vectors, profile):
    import numpy as np

    coded = np.flatnonzero(profile.any(axis=1))
    empty = np.flatnonzero(~profile.any(axis=1))
    if not len(coded) or not len(empty):
        return profile
    # rounded, so that last-bit differences between BLAS kernels cannot reorder neighbours
    similarity = np.round(vectors[empty] @ vectors[coded].T, DECIMALS)
    nearest = np.argsort(-similarity, axis=1, kind="stable")[:, :NEIGHBOURS]
    filled = profile.copy()
    filled[empty] = _unit(profile[coded][nearest].mean(axis=1))
    return filled


def _unit(matrix):
    import numpy as np

    norms = np.sqrt((matrix * matrix).sum(axis=1, keepdims=True))
    return matrix / np.where(norms == 0, 1.0, norms)


class Hierarchical:
    """Agglomerative clustering with k chosen by stability (see the module docstring)."""

    name = ""
    method = ""
    tolerance = 1        # standard errors of stability a finer k may lose

    def tree(self, features):
        """scipy's linkage matrix of ``features``."""
        raise NotImplementedError

    def cluster(self, features, *, min_size: int, seed: int = 0,
                k: int | None = None) -> Clustering:
        import numpy as np
        from scipy.cluster.hierarchy import fcluster

        n = len(features)
        tree = self.tree(features)

        def cut(z, count: int):
            return fcluster(z, count, criterion="maxclust")

        if k is not None:
            return Clustering(_renumber(cut(tree, k)), k, f"{self.method} (k={k}, as asked)")
        rng = np.random.RandomState(seed)
        samples = [np.sort(rng.choice(n, int(SUBSAMPLE * n), replace=False))
                   for _ in range(BOOTSTRAPS)]
        sub_trees = [self.tree(features[s]) for s in samples]
        # at most one candidate per two minimum topic sizes: candidates a reader can review
        top = min(MAX_K, n // max(1, 2 * min_size))
        stability: dict[int, float] = {}
        error: dict[int, float] = {}
        smallest = max(2, min_size // 2)
        for count in range(min(MIN_K, max(2, top)), max(2, top) + 1):
            full = cut(tree, count)
            if np.bincount(full)[1:].min() < smallest and count > 2:
                continue
            scores = np.array([_ari(full[s], cut(z, count)) for s, z in zip(samples, sub_trees)])
            stability[count] = round(float(scores.mean()), 6)
            error[count] = round(float(scores.std(ddof=1) / np.sqrt(len(scores))), 6)
        if not stability:
            stability[2], error[2] = 0.0, 0.0
        most = max(sorted(stability), key=lambda c: stability[c])
        best = max(c for c in stability
                   if stability[c] >= stability[most] - self.tolerance * error[most])
        within = {1: "one standard error", 2: "two standard errors"}.get(
            self.tolerance, f"{self.tolerance} standard errors")
        return Clustering(_renumber(cut(tree, best)), best,
                          f"{self.method} (k={best}: the most clusters as stable as the most "
                          f"stable k within {within}, over {BOOTSTRAPS} subsamples)",
                          stability)


class Ward(Hierarchical):
    """Ward's method on the (Euclidean) joined vectors."""

    name, method = "ward", "Ward"

    def tree(self, features):
        from scipy.cluster.hierarchy import linkage

        return linkage(features, method="ward")


class Average(Hierarchical):
    """Average linkage on cosine distances (UPGMA). On embeddings joined with code profiles
    it recovers more of a review's themes than Ward on both labelled sets
    (benchmarks/topics_quality.py; Ward favours clusters of equal size, a review's themes
    range from a dozen findings to forty), but on the demo's coding (automatic and gold) it
    keeps role ambiguity inside one large implementation candidate, which Ward separates, so
    Ward stays the default. On embeddings alone it chains everything into one cluster, so
    without code profiles callers use Ward (see topics.model).

    Its k may lose two standard errors of stability, not one: a coarse cut of an
    average-linkage tree (3 or 4 clusters, one holding most excerpts) is very stable, and on
    the demo corpus the one-error rule chose 3 candidates where 12 were nearly as stable
    (0.79 against 0.82 ± 0.02). On the benchmark sets both rules choose the same k."""

    name, method, tolerance = "average", "Average linkage (cosine)", 2

    def distances(self, features):
        import numpy as np
        from scipy.spatial.distance import pdist

        # rounded, so that last-bit differences between kernels cannot reorder merges
        return np.round(pdist(np.asarray(features, dtype=np.float64), "cosine"), 9)

    def tree(self, features):
        from scipy.cluster.hierarchy import linkage

        return linkage(self.distances(features), method="average")


class Spectral(Ward):
    """Ward's method on a spectral embedding of the joined vectors: each excerpt linked to
    its ``NEIGHBOUR_SHARE`` × n nearest (at least ``MIN_NEIGHBOURS``; Euclidean on the joined
    vectors), the symmetric normalised adjacency of that graph, and its ``EIGENVECTORS``
    leading eigenvectors, each row made unit length. Clusters then follow the neighbourhood
    graph (groups of excerpts that are near one another) rather than distances to a centre,
    which suits themes of unequal size. On both labelled sets it gives the best ARI of the
    clusterers here (benchmarks/topics_quality.py), but on the demo's coding it leaves role
    ambiguity without a candidate of its own, so Ward stays the default.

    Deterministic: neighbours are ranked on rounded distances with a stable sort, the
    eigenvectors come from LAPACK's dense symmetric solver (no random start), and the
    embedding is rounded before linkage; an eigenvector's sign and any rotation inside the
    leading eigenspace leave the rows' distances unchanged."""

    name, method = "spectral", "Ward on a spectral embedding"
    NEIGHBOUR_SHARE = 0.1
    MIN_NEIGHBOURS = 10
    EIGENVECTORS = 10

    def embed(self, features):
        """The rows of the spectral embedding (unit length, rounded)."""
        import numpy as np
        from scipy.linalg import eigh
        from scipy.spatial.distance import pdist, squareform

        vectors = np.asarray(features, dtype=np.float64)
        n = len(vectors)
        near = min(n - 1, max(self.MIN_NEIGHBOURS, round(self.NEIGHBOUR_SHARE * n)))
        distance = squareform(np.round(pdist(vectors, "sqeuclidean"), 9))
        np.fill_diagonal(distance, np.inf)
        nearest = np.argsort(distance, axis=1, kind="stable")[:, :near]
        graph = np.zeros((n, n))
        graph[np.repeat(np.arange(n), near), nearest.ravel()] = 1.0
        graph = np.maximum(graph, graph.T)
        scale = 1.0 / np.sqrt(graph.sum(axis=1))
        top = min(self.EIGENVECTORS, n)
        # only the leading eigenvectors: a fraction of the full solver's time at 5,000 excerpts
        _, vectors = eigh(scale[:, None] * graph * scale[None, :],
                          subset_by_index=[n - top, n - 1])
        leading = vectors[:, ::-1]
        return np.round(_unit(leading), DECIMALS + 1)

    def tree(self, features):
        from scipy.cluster.hierarchy import linkage

        return linkage(self.embed(features), method="ward")


def _renumber(labels) -> list[int]:
    """Clusters numbered 0.. by size (largest first), then by first member."""
    from collections import Counter

    counts = Counter(int(x) for x in labels)
    first: dict[int, int] = {}
    for i, x in enumerate(labels):
        first.setdefault(int(x), i)
    order = sorted(counts, key=lambda c: (-counts[c], first[c]))
    new = {c: i for i, c in enumerate(order)}
    return [new[int(x)] for x in labels]


def _ari(a, b) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b))


CLUSTERERS: dict[str, type[Hierarchical]] = {"average": Average, "ward": Ward,
                                              "spectral": Spectral}
