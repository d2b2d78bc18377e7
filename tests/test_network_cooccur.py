"""Co-occurrence counts, weights, chance tests and supporting excerpts (thematic.network.cooccur).

The hand-checked example (tests/test_network_fixtures.py, ``tiny``):

    study S1: E1 {a, b}   E2 {a, b, c}
    study S2: E3 {a}      E4 {c}

Excerpt level, N = 4 units. Marginals c_a = 3, c_b = 2, c_c = 2.
Pairs: c_ab = 2 (E1, E2), c_ac = 1 (E2), c_bc = 1 (E2).
  jaccard      ab = 2/(3+2-2) = 2/3     ac = 1/(3+2-1) = 1/4     bc = 1/(2+2-1) = 1/3
  association  ab = 2·4/(3·2) = 4/3     ac = 1·4/(3·2) = 2/3     bc = 1·4/(2·2) = 1
  npmi         ab = ln(4/3)/ln 2 = 0.41504   ac = ln(2/3)/ln 4 = -0.29248   bc = ln 1 = 0
  hypergeometric P(X >= c_ij), population 4, c_i successes, c_j draws:
               ab: P(X=2) = C(3,2)·C(1,0)/C(4,2) = 3/6 = 1/2
               ac: with 3 of 4 units carrying a, 2 draws always hit one: p = 1
               bc: 1 − P(X=0) = 1 − C(2,2)/C(4,2) = 5/6
  BH over the 3 pairs: 1/2·3/1 = 1.5, 5/6·3/2 = 1.25, 1·3/3 = 1 → every q = 1.
Study level, N = 2: S1 {a, b, c}, S2 {a, c}: c_a = 2, c_b = 1, c_c = 2; ab = 1, ac = 2, bc = 1.
  jaccard ab = 1/2, ac = 2/2 = 1, bc = 1/2; npmi ac: a and c are in every study → 1,
  ab: ln((1/2)/(1·1/2)) = 0 → 0.
  Supporting excerpts of ac: the excerpts with a or c in S1 and S2 = E1, E2, E3, E4.
"""

from __future__ import annotations

import itertools
import math

import pytest
from test_network_fixtures import tiny

from thematic.errors import ThematicError
from thematic.network import chance, cooccur


def _table(store, unit="excerpt", weight="count", min_weight=-math.inf):
    inc = cooccur.incidence(store, "code", unit)
    table = cooccur.edge_table(inc, weight, min_weight)
    return {(r["source"], r["target"]): r for r in table.rows()}


def test_incidence_of_tiny_project(store):
    tiny(store)
    inc = cooccur.incidence(store, "code", "excerpt")
    assert inc.units == ["E1", "E2", "E3", "E4"]
    assert inc.items == ["a", "b", "c"]
    assert inc.matrix.toarray().tolist() == [[1, 1, 0], [1, 1, 1], [1, 0, 0], [0, 0, 1]]
    assert inc.names == {"a": "Alpha", "b": "Beta", "c": "Gamma"}
    by_study = cooccur.incidence(store, "code", "study")
    assert by_study.units == ["S1", "S2"]
    assert by_study.matrix.toarray().tolist() == [[1, 1, 1], [1, 0, 1]]


def test_hand_checked_counts_and_weights(store):
    tiny(store)
    counts = {k: r["count"] for k, r in _table(store).items()}
    assert counts == {("a", "b"): 2, ("a", "c"): 1, ("b", "c"): 1}
    jaccard = {k: r["weight"] for k, r in _table(store, weight="jaccard").items()}
    assert jaccard == pytest.approx({("a", "b"): 2 / 3, ("a", "c"): 1 / 4, ("b", "c"): 1 / 3})
    assoc = {k: r["weight"] for k, r in _table(store, weight="association").items()}
    assert assoc == pytest.approx({("a", "b"): 4 / 3, ("a", "c"): 2 / 3, ("b", "c"): 1.0})
    npmi = {k: r["weight"] for k, r in _table(store, weight="npmi").items()}
    assert npmi == pytest.approx({("a", "b"): 0.41504, ("a", "c"): -0.29248,
                                  ("b", "c"): 0.0}, abs=1e-5)


def test_hand_checked_chance_test(store):
    tiny(store)
    rows = _table(store)
    assert {k: r["p_value"] for k, r in rows.items()} == pytest.approx(
        {("a", "b"): 1 / 2, ("a", "c"): 1.0, ("b", "c"): 5 / 6})
    assert {r["q_value"] for r in rows.values()} == {1.0}
    assert not any(r["significant"] for r in rows.values())


def test_hand_checked_supporting_excerpts(store):
    tiny(store)
    assert {k: r["excerpts"] for k, r in _table(store).items()} == {
        ("a", "b"): ["E1", "E2"], ("a", "c"): ["E2"], ("b", "c"): ["E2"]}
    assert {k: r["excerpts"] for k, r in _table(store, "study").items()} == {
        ("a", "b"): ["E1", "E2"], ("a", "c"): ["E1", "E2", "E3", "E4"],
        ("b", "c"): ["E1", "E2"]}


def test_hand_checked_study_level(store):
    tiny(store)
    rows = _table(store, "study", "jaccard")
    assert {k: r["count"] for k, r in rows.items()} == {("a", "b"): 1, ("a", "c"): 2,
                                                         ("b", "c"): 1}
    assert {k: r["weight"] for k, r in rows.items()} == pytest.approx(
        {("a", "b"): 0.5, ("a", "c"): 1.0, ("b", "c"): 0.5})
    npmi = {k: r["weight"] for k, r in _table(store, "study", "npmi").items()}
    assert npmi == pytest.approx({("a", "b"): 0.0, ("a", "c"): 1.0, ("b", "c"): 0.0})


def test_min_weight_keeps_only_strong_links(store):
    tiny(store)
    assert set(_table(store, weight="npmi", min_weight=0.0)) == {("a", "b"), ("b", "c")}
    assert set(_table(store, weight="jaccard", min_weight=0.5)) == {("a", "b")}
    assert _table(store, weight="count", min_weight=5) == {}


def test_only_accepted_codings_of_reviewed_excerpts_count(store):
    from thematic.store.codings import Coding, add_codings
    from thematic.store.corpus import insert_excerpts

    book = tiny(store)
    with store.transaction("more"):
        insert_excerpts(store, [("E5", "S2", "never reviewed", "x", None, 0, 14, "row 6", 5,
                                 "{}")])
        add_codings(store, [Coding("E3", book, "b", "auto:rules", status="proposed"),
                            Coding("E4", book, "a", "auto:rules", status="rejected")])
    inc = cooccur.incidence(store, "code", "excerpt")
    assert inc.units == ["E1", "E2", "E3", "E4"]  # E5: nobody reviewed it, no evidence
    assert inc.matrix.toarray().tolist() == [[1, 1, 0], [1, 1, 1], [1, 0, 0], [0, 0, 1]]


def test_an_uncoded_reviewed_excerpt_is_a_unit(store):
    from thematic.store.codings import mark_reviewed
    from thematic.store.corpus import insert_excerpts

    book = tiny(store)
    with store.transaction("more"):
        insert_excerpts(store, [("E5", "S2", "reviewed, no codes", "x", None, 0, 18,
                                 "row 6", 5, "{}")])
        mark_reviewed(store, "gold", ["E5"], book)
    inc = cooccur.incidence(store, "code", "excerpt")
    assert inc.units[-1] == "E5" and inc.matrix.shape == (5, 3)
    # N = 5 now: association ab = 2·5/(3·2)
    rows = cooccur.edge_table(inc, "association").rows()
    assert rows[0]["weight"] == pytest.approx(10 / 6)


def _random(seed=1, n=300, k=25, per=3, studies=30):
    import numpy as np
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n), per)
    cols = rng.integers(0, k, size=n * per)
    matrix = sp.csr_matrix((np.ones(n * per), (rows, cols)), shape=(n, k))
    study_of = rng.integers(0, studies, size=n)
    return cooccur.make(matrix, excerpts=[f"X{i}" for i in range(n)],
                        items=[f"c{j}" for j in range(k)],
                        studies=[f"S{s}" for s in range(studies)], study_of=study_of)


def test_batches_combine_to_the_whole():
    import numpy as np

    inc = _random()
    whole = cooccur.counts(inc.matrix)
    parts = [cooccur.counts(inc.matrix[a:b]) for a, b in ((0, 120), (120, 250), (250, 300))]
    total = sum(parts)
    assert total.n == whole.n == 300
    assert np.array_equal(total.co.toarray(), whole.co.toarray())
    direct = cooccur.edge_table(inc, "npmi")
    combined = cooccur.edge_table(inc, "npmi", total=total)
    assert direct.rows() == combined.rows()


def test_counts_match_a_brute_force_count():
    inc = _random(seed=2)
    dense = inc.matrix.toarray()
    table = cooccur.edge_table(inc, "count", -1.0)
    got = {(inc.items[s], inc.items[t]): int(c)
           for s, t, c in zip(table.source, table.target, table.count)}
    expected = {}
    for i, j in itertools.combinations(range(len(inc.items)), 2):
        both = int(((dense[:, i] > 0) & (dense[:, j] > 0)).sum())
        if both:
            expected[(inc.items[i], inc.items[j])] = both
    assert got == expected


@pytest.mark.parametrize("unit", ["excerpt", "study"])
def test_supporting_excerpts_match_set_logic(unit):
    inc = _random(seed=3)
    if unit == "study":
        inc = cooccur.make(inc.excerpt_matrix, excerpts=inc.excerpts, items=inc.items,
                           studies=inc.studies, study_of=inc.study_of, unit="study")
    table = cooccur.edge_table(inc, "count")
    e = inc.excerpt_matrix.toarray() > 0
    unit_of = list(range(len(inc.excerpts))) if unit == "excerpt" else list(inc.study_of)
    for s, t, found in zip(table.source, table.target, table.excerpts):
        shared = {unit_of[x] for x in range(len(e)) if e[x, s]} & \
            {unit_of[x] for x in range(len(e)) if e[x, t]}
        expected = [inc.excerpts[x] for x in range(len(e))
                    if unit_of[x] in shared and (e[x, s] or e[x, t])]
        if unit == "excerpt":
            assert all(e[inc.excerpts.index(x), s] and e[inc.excerpts.index(x), t]
                       for x in found)
        assert found == expected


def test_hypergeometric_p_is_fishers_exact_test_greater():
    import numpy as np
    from scipy.stats import fisher_exact

    rng = np.random.default_rng(4)
    for _ in range(25):
        n = int(rng.integers(5, 60))
        ci, cj = (int(x) for x in rng.integers(1, n, size=2))
        cij = int(rng.integers(max(1, ci + cj - n), min(ci, cj) + 1))
        p, _ = chance.chance([cij], [ci], [cj], n, 1)
        table = [[cij, ci - cij], [cj - cij, n - ci - cj + cij]]
        assert p[0] == pytest.approx(fisher_exact(table, alternative="greater")[1])


@pytest.mark.parametrize("total", [7, 60, 1_000, 100_000])
def test_upper_tail_matches_scipy(total):
    import numpy as np
    from scipy.stats import hypergeom

    rng = np.random.default_rng(total)
    ci = rng.integers(1, max(2, total // 5), size=400)
    cj = rng.integers(1, max(2, total // 5), size=400)
    lo, hi = np.maximum(0, ci + cj - total), np.minimum(ci, cj)
    x = np.where(rng.random(400) < 0.5, rng.integers(lo, hi + 1),
                 ci * cj // total + rng.integers(-3, 25, size=400))
    x = np.clip(x, 0, hi + 1)   # includes x below the support (p = 1) and above it (p = 0)
    expected = hypergeom.sf(x - 1, total, ci, cj)
    got = chance.upper_tail(x, total, ci, cj)
    assert got == pytest.approx(expected, rel=1e-8, abs=1e-300)


def test_strong_co_occurrence_is_significant_and_chance_is_not():
    import numpy as np
    import scipy.sparse as sp

    # x and y always together in 15 of 60 excerpts; z in every third excerpt, at random
    # with respect to them.
    rows = np.zeros((60, 3), dtype=int)
    rows[:15, 0] = rows[:15, 1] = 1
    rows[::3, 2] = 1
    inc = cooccur.make(sp.csr_matrix(rows), excerpts=[f"E{i}" for i in range(60)],
                       items=["x", "y", "z"], studies=["s"], study_of=[0] * 60)
    table = {(r["source"], r["target"]): r for r in cooccur.edge_table(inc).rows()}
    assert table["x", "y"]["significant"] and table["x", "y"]["q_value"] < 1e-10
    assert not table["x", "z"]["significant"] and not table["y", "z"]["significant"]


def test_benjamini_hochberg_matches_statsmodels_with_untested_pairs_at_one():
    import numpy as np
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(5)
    p = rng.uniform(0, 0.2, size=30) ** 2
    q = chance.bh(p, 100)
    padded = np.concatenate([p, np.ones(70)])
    expected = multipletests(padded, method="fdr_bh")[1][:30]
    assert q == pytest.approx(expected)


def test_items_without_evidence_are_dropped():
    import scipy.sparse as sp

    inc = cooccur.make(sp.csr_matrix([[1, 0, 1], [1, 0, 0]]), excerpts=["x", "y"],
                       items=["a", "unused", "c"], studies=["s"], study_of=[0, 0])
    assert inc.items == ["a", "c"]


def test_bad_choices_name_the_option():
    with pytest.raises(ThematicError) as err:
        cooccur.weights("jacard", [1], [1], [1], 2)
    assert err.value.code == "E304"
    assert "Did you mean 'jaccard'?" in err.value.message
