"""Code-level agreement (binary presence/absence, many codes at once)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thematic.agreement import binary as B
from thematic.agreement import stats as S
from thematic.agreement.results import Result


def _same(a, b) -> bool:
    if a.defined != b.defined:
        return False
    return not a.defined or math.isclose(a.value, b.value, rel_tol=1e-9, abs_tol=1e-12)


PROPS = settings(max_examples=80, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])




def _presence(seed, coders=3, units=400, codes=12, agree=0.8):
    rng = np.random.default_rng(seed)
    truth = rng.random((units, codes)) < rng.uniform(0.05, 0.5, size=codes)
    flip = rng.random((coders, units, codes)) > agree
    return truth[None, :, :] ^ flip


@pytest.mark.parametrize("coders", [2, 3, 5])
def test_batched_binary_statistics_match_the_general_functions(coders):
    presence = _presence(coders, coders=coders)
    results = B.binary_agreement(B.tally_presence(presence), n_boot=0)
    for c, res in enumerate(results):
        d = presence[:, :, c].astype(float)
        assert res.alpha.value == pytest.approx(S.krippendorff_alpha(d).value, abs=1e-12)
        kappa = (S.cohen_kappa(d[0], d[1]) if coders == 2 else S.fleiss_kappa(d))
        assert res.kappa.statistic == kappa.statistic
        assert res.kappa.value == pytest.approx(kappa.value, abs=1e-12)
        assert res.ac1.value == pytest.approx(S.gwet_ac1(d, (0, 1)).value, abs=1e-12)
        assert res.percent_pairwise.value == pytest.approx(S.percent_agreement(d).value)
        assert res.percent_all.value == pytest.approx(S.percent_agreement(d, "all").value)
        assert res.counts["present_by_coder"] == d.sum(axis=1).astype(int).tolist()
        assert res.counts["units"] == 400


def test_batched_counts_by_hand():
    # Two coders, 5 excerpts, one code: A = 1 1 0 0 0, B = 1 0 1 0 0
    presence = np.array([[1, 1, 0, 0, 0], [1, 0, 1, 0, 0]], dtype=bool)[:, :, None]
    (res,) = B.binary_agreement(B.tally_presence(presence), n_boot=0)
    assert res.counts["table"] == {"both": 1, "only_first": 1, "only_second": 1,
                                   "neither": 2}
    # p_o = 3/5; p_A = p_B = 2/5; p_e = 0.4·0.4 + 0.6·0.6 = 0.52
    # kappa = (0.6 − 0.52)/(1 − 0.52) = 0.08/0.48 = 1/6
    assert res.kappa.value == pytest.approx(1 / 6)
    assert res.percent_pairwise.value == pytest.approx(0.6)


def test_batched_undefined_code_is_reported_with_reason():
    presence = np.zeros((3, 20, 2), dtype=bool)
    presence[:, :5, 1] = True
    presence[0, 7, 1] = True
    absent, used = B.binary_agreement(B.tally_presence(presence), n_boot=100)
    assert not absent.alpha.defined and not absent.kappa.defined
    assert "no coder marked it present on any unit" in absent.alpha.reason
    assert not absent.alpha_ci.defined
    assert absent.ac1.value == 1.0 and absent.percent_all.value == 1.0
    assert used.alpha.defined and used.kappa.defined and used.alpha_ci.defined


@pytest.mark.parametrize("dense_cells", [B.DENSE_CELLS, 10])  # scratch matrix / sorting
def test_sparse_tally_equals_dense_tally_and_tallies_add(dense_cells, monkeypatch):
    monkeypatch.setattr(B, "DENSE_CELLS", dense_cells)
    presence = _presence(11)
    coder, unit, code = np.nonzero(presence)
    sparse = B.tally_codings(np.r_[coder, coder[:5]], np.r_[unit, unit[:5]],
                             np.r_[code, code[:5]],  # duplicates count once
                             n_coders=3, n_units=400, n_codes=12)
    dense = B.tally_presence(presence)
    assert np.array_equal(sparse.patterns, dense.patterns)
    halves = B.tally_presence(presence[:, :150]) + B.tally_presence(presence[:, 150:])
    assert np.array_equal(halves.patterns, dense.patterns)


def test_tally_restricted_to_coders():
    presence = _presence(12, coders=4)
    sub = B.tally_presence(presence).coders([3, 1])
    assert np.array_equal(sub.patterns, B.tally_presence(presence[[3, 1]]).patterns)


def test_coincidence_matrices_match_the_general_function():
    presence = _presence(8)
    coincidence = B.tally_presence(presence).coincidence()
    for c in range(12):
        values, o = S.coincidence_matrix(presence[:, :, c].astype(float))
        assert values.tolist() == [0.0, 1.0]
        np.testing.assert_allclose(coincidence[c], o)
    pooled = B.tally_presence(presence).pooled()
    for level in S.LEVELS:  # on presence/absence data every level gives the same alpha
        result = S.alpha_from_coincidence([0, 1], pooled.coincidence()[0], level)
        assert result.value == pytest.approx(B.binary_agreement(pooled, n_boot=0)[0].alpha.value)


def test_pooled_and_mean_over_codes():
    presence = _presence(5)
    tally = B.tally_presence(presence)
    per_code = B.binary_agreement(tally, n_boot=0)
    (pooled,) = B.binary_agreement(tally.pooled(), n_boot=0)
    flat = presence.transpose(0, 2, 1).reshape(3, -1).astype(float)  # all (unit, code) pairs
    assert pooled.alpha.value == pytest.approx(S.krippendorff_alpha(flat).value)
    mean = B.mean_over_codes([r.alpha for r in per_code])
    assert mean.value == pytest.approx(np.mean([r.alpha.value for r in per_code]))
    assert mean.detail["n_codes_defined"] == 12


def test_mean_over_codes_leaves_out_undefined_codes():
    results = [Result(0.5, statistic="a"), Result(None, "why", statistic="a"),
               Result(0.7, statistic="a")]
    mean = B.mean_over_codes(results)
    assert mean.value == pytest.approx(0.6) and mean.detail["n_codes_undefined"] == 1
    assert not B.mean_over_codes([Result(None, "why")]).defined


def test_batched_bootstrap_agrees_with_resampling_units():
    presence = _presence(3, coders=2, units=600, codes=1, agree=0.85)
    (res,) = B.binary_agreement(B.tally_presence(presence), n_boot=2000, seed=1)
    d = presence[:, :, 0].astype(float)
    generic = S.bootstrap_ci(lambda x: S.cohen_kappa(x[0], x[1]), d, n=2000, seed=1)
    assert res.kappa_ci.low == pytest.approx(generic.low, abs=0.02)
    assert res.kappa_ci.high == pytest.approx(generic.high, abs=0.02)
    assert res.kappa_ci.low < res.kappa.value < res.kappa_ci.high


def test_code_interval_does_not_depend_on_the_other_codes():
    presence = _presence(4)
    tally = B.tally_presence(presence)
    labels = [f"code-{i}" for i in range(12)]
    everything = B.binary_agreement(tally, labels=labels, n_boot=300, seed=3)
    alone = B.binary_agreement(tally.select([7]), labels=["code-7"], n_boot=300, seed=3)
    assert tuple(alone[0].alpha_ci) == tuple(everything[7].alpha_ci)


def test_results_serialise_to_json():
    (res,) = B.binary_agreement(B.tally_presence(_presence(2, codes=1)), n_boot=20)
    text = json.dumps(res.to_dict())
    assert '"statistic": "fleiss_kappa"' in text
    json.dumps(S.fleiss_kappa(np.array([[1, 2, 2], [1, 2, 1], [1, 1, 2]])).to_dict())


@PROPS
@given(st.integers(2, 4), st.integers(1, 40), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_batched_statistics_match_general_functions_on_random_data(coders, units, codes,
                                                                   seed):
    rng = np.random.default_rng(seed)
    presence = rng.random((coders, units, codes)) < rng.random(codes)
    results = B.binary_agreement(B.tally_presence(presence), n_boot=0)
    for c, res in enumerate(results):
        d = presence[:, :, c].astype(float)
        assert _same(res.alpha, S.krippendorff_alpha(d))
        assert _same(res.kappa, S.cohen_kappa(d[0], d[1]) if coders == 2
                     else S.fleiss_kappa(d))
        assert _same(res.ac1, S.gwet_ac1(d, (0, 1)))
        assert _same(res.percent_pairwise, S.percent_agreement(d))
        assert _same(res.percent_all, S.percent_agreement(d, "all"))
