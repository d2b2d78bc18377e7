"""Agreement statistics: published values, hand-computed cases and properties."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from thematic.agreement import stats as S

N = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 coders × 12 units.
KRIPPENDORFF_2011 = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
])

# Fleiss (1971): 30 subjects × 6 ratings, categories 1..5 (six digits per subject).
FLEISS_1971_ROWS = (  # noqa: SIM905 - the digits as published
    "444444 222555 233335 555555 222444 113333 333355 113334 114444 555555 "
    "144444 124444 222333 144444 224445 333335 111455 111112 224444 133555 "
    "555555 244444 224555 114444 144445 222224 111155 224444 133333 555555"
).split()
FLEISS_1971 = np.array([[int(c) for c in row] for row in FLEISS_1971_ROWS], dtype=float).T


def fleiss_counts(rows):
    return np.array([[row.count(str(c)) for c in range(1, 6)] for row in rows])


def r3(x):
    return round(x.value, 3)


# ----------------------------------------------------------------------------------------
# Published values
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("level, published", [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797),
])
def test_krippendorff_2011_published_alpha(level, published):
    result = S.krippendorff_alpha(KRIPPENDORFF_2011, level=level)
    assert result.defined and r3(result) == published
    assert result.n_units == 11  # unit 12 has one value and drops out
    assert result.detail["n_values"] == 40


def test_krippendorff_2011_coincidence_matrix():
    # The coincidence matrix as printed in Krippendorff (2011) for the nominal example.
    values, o = S.coincidence_matrix(KRIPPENDORFF_2011)
    assert values.tolist() == [1, 2, 3, 4, 5]
    third = 1 / 3
    expected = np.array([
        [7, 4 * third, third, third, 0],
        [4 * third, 10, 4 * third, third, 0],
        [third, 4 * third, 8, third, 0],
        [third, third, third, 4, 0],
        [0, 0, 0, 0, 3],
    ])
    np.testing.assert_allclose(o, expected)
    np.testing.assert_allclose(o.sum(axis=1), [9, 13, 10, 5, 3])  # n_c; n = 40


def test_fleiss_1971_published_kappa_from_ratings_and_from_counts():
    by_ratings = S.fleiss_kappa(FLEISS_1971)
    by_counts = S.fleiss_kappa_counts(fleiss_counts(FLEISS_1971_ROWS),
                                      categories=[1, 2, 3, 4, 5])
    for result in (by_ratings, by_counts):
        assert r3(result) == 0.430
        assert round(result.detail["observed_agreement"], 3) == 0.556  # P-bar
        assert round(result.detail["expected_agreement"], 3) == 0.220  # P-bar_e
        per = result.detail["per_category"]
        assert [r3(per[c]) for c in (1, 2, 3, 4, 5)] == [0.245, 0.245, 0.520, 0.471, 0.566]


def test_gwet_2014_published_values_on_krippendorff_data():
    # Gwet (2014) / irrCAC README, dataset cac.raw4raters (the same 4 × 12 data):
    # AC1 0.77544 (pa 0.8181818, pe 0.1903212), percent agreement 0.8181818.
    ac1 = S.gwet_ac1(KRIPPENDORFF_2011)
    assert round(ac1.value, 5) == 0.77544
    assert round(ac1.detail["observed_agreement"], 7) == 0.8181818
    assert round(ac1.detail["expected_agreement"], 7) == 0.1903212
    assert round(S.percent_agreement(KRIPPENDORFF_2011).value, 7) == 0.8181818


def test_gwet_2014_published_values_on_fleiss_subjects_1_to_15():
    # Gwet (2014) / irrCAC README, dataset distrib.6raters = Fleiss' first 15 subjects:
    # AC1 0.4448007, Fleiss' kappa 0.4139265, pa 0.5511111.
    data = FLEISS_1971[:, :15]
    assert round(S.gwet_ac1(data, categories=[1, 2, 3, 4, 5]).value, 7) == 0.4448007
    assert round(S.fleiss_kappa(data).value, 7) == 0.4139265
    assert round(S.percent_agreement(data).value, 7) == 0.5511111


def test_gwet_2014_published_values_on_a_contingency_table():
    # irrCAC README, cont3x3abstractors: Cohen 0.7964094, percent agreement 0.89,
    # AC1 0.8493305.
    table = np.array([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
    assert round(S.cohen_kappa_table(table).value, 7) == 0.7964094
    a = np.repeat([0, 0, 0, 1, 1, 1, 2, 2, 2], table.ravel())
    b = np.repeat([0, 1, 2, 0, 1, 2, 0, 1, 2], table.ravel())
    data = np.vstack([a, b])
    assert round(S.cohen_kappa(a, b).value, 7) == 0.7964094
    assert round(S.percent_agreement(data).value, 2) == 0.89
    assert round(S.gwet_ac1(data).value, 7) == 0.8493305


def test_percent_agreement_definitions_on_krippendorff_data():
    # "all": units 1, 3, 4, 5, 7, 9, 10, 11 have every value equal -> 8 of 11 pairable.
    result = S.percent_agreement(KRIPPENDORFF_2011, definition="all")
    assert result.value == pytest.approx(8 / 11)
    assert result.detail["definition"].startswith("all:")
    assert S.percent_agreement(KRIPPENDORFF_2011).detail["definition"].startswith("pairwise:")


# ----------------------------------------------------------------------------------------
# Hand-computed Cohen cases
# ----------------------------------------------------------------------------------------


def test_cohen_2x2_by_hand():
    # Rows coder A (yes, no), columns coder B (yes, no): [[20, 5], [10, 15]], N = 50.
    # p_o = (20 + 15)/50 = 0.70
    # p_A(yes) = 25/50 = 0.5, p_B(yes) = 30/50 = 0.6
    # p_e = 0.5·0.6 + 0.5·0.4 = 0.30 + 0.20 = 0.50
    # kappa = (0.70 − 0.50)/(1 − 0.50) = 0.40
    result = S.cohen_kappa_table([[20, 5], [10, 15]])
    assert result.value == pytest.approx(0.40)
    assert result.detail["observed_agreement"] == pytest.approx(0.70)
    assert result.detail["expected_agreement"] == pytest.approx(0.50)
    assert result.n_units == 50
    a = [1] * 25 + [0] * 25
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert S.cohen_kappa(a, b).value == pytest.approx(0.40)


def test_cohen_three_categories_by_hand():
    # A = 1 1 2 2 3 3, B = 1 2 2 2 3 1: agreements at units 1, 3, 4, 5 -> p_o = 4/6
    # p_A = (2, 2, 2)/6; p_B = (2, 3, 1)/6
    # p_e = (2·2 + 2·3 + 2·1)/36 = 12/36 = 1/3
    # kappa = (2/3 − 1/3)/(1 − 1/3) = 0.5
    assert S.cohen_kappa([1, 1, 2, 2, 3, 3], [1, 2, 2, 2, 3, 1]).value == pytest.approx(0.5)


def test_cohen_complete_disagreement_by_hand():
    # A = 1 0 1 0, B = 0 1 0 1: p_o = 0, p_e = 0.5·0.5 + 0.5·0.5 = 0.5 -> kappa = −1
    assert S.cohen_kappa([1, 0, 1, 0], [0, 1, 0, 1]).value == pytest.approx(-1.0)


def test_cohen_one_coder_constant_is_zero_not_undefined():
    # A = 0 0 0 0, B = 0 1 0 1: p_o = 0.5; p_e = 1·0.5 + 0·0.5 = 0.5 -> kappa = 0 (defined)
    result = S.cohen_kappa([0, 0, 0, 0], [0, 1, 0, 1])
    assert result.defined and result.value == pytest.approx(0.0)


def test_cohen_ignores_units_missing_for_either_coder():
    # Only units 1 and 2 are coded by both: A = 1 0, B = 1 0 -> p_o = 1, p_e = 0.5, kappa 1
    result = S.cohen_kappa([1, 0, N, 1, None], [1, 0, 1, N, 0])
    assert result.value == pytest.approx(1.0) and result.n_units == 2


# ----------------------------------------------------------------------------------------
# Undefined results: reported with a reason, never as 1 or 0
# ----------------------------------------------------------------------------------------


def test_every_coder_one_category_is_undefined():
    data = np.ones((3, 5))
    for result in (S.krippendorff_alpha(data), S.krippendorff_alpha(data, "interval"),
                   S.fleiss_kappa(data), S.cohen_kappa(data[0], data[1])):
        assert not result.defined and result.value is None
        assert "0/0" in result.reason


def test_no_pairable_units_is_undefined():
    data = np.array([[1, N, 2], [N, 3, N]])
    for result in (S.krippendorff_alpha(data), S.percent_agreement(data),
                   S.gwet_ac1(data), S.cohen_kappa(data[0], data[1])):
        assert not result.defined
        assert result.reason


def test_fleiss_category_never_used_is_undefined():
    result = S.fleiss_kappa_counts([[2, 0, 1], [1, 0, 2]], categories=["a", "b", "c"])
    assert result.defined
    assert not result.detail["per_category"]["b"].defined


def test_ac1_needs_the_scale_when_one_category_is_used():
    data = np.zeros((2, 4))
    assert not S.gwet_ac1(data).defined
    # With the binary scale named, Gwet's p_e = 0 and AC1 = p_a = 1 by definition.
    assert S.gwet_ac1(data, categories=(0, 1)).value == 1.0


def test_result_keeps_value_and_reason_apart():
    with pytest.raises(ValueError):
        S.Result(None)
    with pytest.raises(ValueError):
        S.Result(0.5, reason="why")
    with pytest.raises(ValueError):
        S.Result(float("nan"))


def test_bad_input_raises_typed_error():
    with pytest.raises(S.AgreementDataError):
        S.krippendorff_alpha([1, 2, 3])
    with pytest.raises(S.AgreementDataError):
        S.krippendorff_alpha(KRIPPENDORFF_2011, level="cardinal")
    with pytest.raises(S.AgreementDataError):
        S.fleiss_kappa(KRIPPENDORFF_2011)  # unequal numbers of ratings per unit
    with pytest.raises(S.AgreementDataError):
        S.krippendorff_alpha([[-1, 2], [1, 2]], level="ratio")
    with pytest.raises(S.AgreementDataError):
        S.cohen_kappa([1, 2], [1, 2, 3])
    with pytest.raises(S.AgreementDataError):
        S.gwet_ac1([[1, 2], [1, 3]], categories=(1, 2))


# ----------------------------------------------------------------------------------------
# Interpretation
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, band", [
    (-0.01, "poor"), (0.0, "slight"), (0.2, "slight"), (0.1 + 0.1, "slight"),
    (0.21, "fair"), (0.40, "fair"), (0.41, "moderate"), (0.60, "moderate"),
    (0.61, "substantial"), (0.80, "substantial"), (0.81, "almost perfect"),
    (1.0, "almost perfect"), (None, "undefined"),
])
def test_landis_koch(value, band):
    assert S.landis_koch(value) == band


@pytest.mark.parametrize("value, band", [
    (0.9, "reliable"), (0.800, "reliable"), (0.799, "tentative conclusions only"),
    (0.667, "tentative conclusions only"), (0.666, "unreliable"), (-0.2, "unreliable"),
    (None, "undefined"),
])
def test_krippendorff_band(value, band):
    assert S.krippendorff_band(value) == band


def test_interpretation_of_results():
    assert S.krippendorff_band(S.krippendorff_alpha(KRIPPENDORFF_2011)) == (
        "tentative conclusions only")  # 0.743
    assert S.landis_koch(S.fleiss_kappa(FLEISS_1971)) == "moderate"
    assert S.landis_koch(S.krippendorff_alpha(np.ones((2, 3)))) == "undefined"


# ----------------------------------------------------------------------------------------
# Bootstrap
# ----------------------------------------------------------------------------------------


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    ci = S.bootstrap_ci(S.krippendorff_alpha, KRIPPENDORFF_2011, n=500, seed=7)
    again = S.bootstrap_ci(S.krippendorff_alpha, KRIPPENDORFF_2011, n=500, seed=7)
    other = S.bootstrap_ci(S.krippendorff_alpha, KRIPPENDORFF_2011, n=500, seed=8)
    low, high = ci
    assert (low, high) == tuple(again)
    assert (low, high) != tuple(other)
    assert low < 0.743 < high <= 1.0
    assert ci.n_resamples == 500 and 0 < ci.n_defined <= 500


def test_bootstrap_of_an_undefined_statistic_reports_why():
    ci = S.bootstrap_ci(S.krippendorff_alpha, np.ones((2, 6)), n=50)
    assert not ci.defined and tuple(ci) == (None, None)
    assert ci.reason and ci.n_defined == 0


def test_bootstrap_level_changes_width():
    wide = S.bootstrap_ci(S.fleiss_kappa, FLEISS_1971, n=400, seed=1, level=0.99)
    narrow = S.bootstrap_ci(S.fleiss_kappa, FLEISS_1971, n=400, seed=1, level=0.80)
    assert wide.low < narrow.low < narrow.high < wide.high


def test_importing_the_package_does_not_load_numpy():
    code = "import sys, thematic.agreement; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------------------------------
# Cross-checks against independent, BSD-licensed implementations
# ----------------------------------------------------------------------------------------


tables = st.integers(2, 4).flatmap(
    lambda k: st.lists(st.lists(st.integers(0, 12), min_size=k, max_size=k),
                       min_size=k, max_size=k))


@settings(max_examples=60, deadline=None)
@given(tables)
def test_cohen_matches_statsmodels(table):
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    result = S.cohen_kappa_table(table)
    t = np.array(table)
    assume(t.sum() > 0 and result.defined)
    assert result.value == pytest.approx(
        inter_rater.cohens_kappa(t, return_results=False), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.integers(2, 5), st.integers(1, 25), st.integers(0, 2**32 - 1))
def test_fleiss_matches_statsmodels(raters, categories, units, seed):
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    rng = np.random.default_rng(seed)
    table = rng.multinomial(raters, rng.dirichlet(np.ones(categories)), size=units)
    result = S.fleiss_kappa_counts(table)
    assume(result.defined)
    assert result.value == pytest.approx(inter_rater.fleiss_kappa(table), abs=1e-9)


# ----------------------------------------------------------------------------------------
# Properties (hypothesis)
# ----------------------------------------------------------------------------------------


@st.composite
def reliability(draw, min_coders=2, max_coders=5, max_units=15, missing=True, values=5):
    coders = draw(st.integers(min_coders, max_coders))
    units = draw(st.integers(2, max_units))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    data = rng.integers(1, values + 1, size=(coders, units)).astype(float)
    if missing:
        data[rng.random((coders, units)) < draw(st.floats(0, 0.5))] = np.nan
    return data


def _same(a: S.Result, b: S.Result) -> bool:
    if a.defined != b.defined:
        return False
    return not a.defined or math.isclose(a.value, b.value, rel_tol=1e-9, abs_tol=1e-12)


ALL_STATS = [
    lambda d: S.krippendorff_alpha(d, "nominal"),
    lambda d: S.krippendorff_alpha(d, "ordinal"),
    lambda d: S.krippendorff_alpha(d, "interval"),
    lambda d: S.krippendorff_alpha(d, "ratio"),
    lambda d: S.gwet_ac1(d, categories=range(1, 6)),
    lambda d: S.percent_agreement(d, "pairwise"),
    lambda d: S.percent_agreement(d, "all"),
]

PROPS = settings(max_examples=80, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(reliability(), st.integers(0, 2**32 - 1))
def test_perfect_agreement_gives_one_where_defined(data, seed):
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, size=data.shape[1]).astype(float)
    perfect = np.where(np.isnan(data), np.nan, truth[None, :])
    for stat in ALL_STATS:
        result = stat(perfect)
        if result.defined:
            assert result.value == pytest.approx(1.0)
    complete = np.broadcast_to(truth, data.shape)
    fleiss = S.fleiss_kappa(complete)
    cohen = S.cohen_kappa(complete[0], complete[1])
    if len(np.unique(truth)) > 1:
        assert fleiss.value == pytest.approx(1.0) and cohen.value == pytest.approx(1.0)
        assert S.krippendorff_alpha(complete).value == pytest.approx(1.0)
    else:
        assert not fleiss.defined and not cohen.defined


@PROPS
@given(reliability(), st.randoms(use_true_random=False))
def test_coder_and_unit_order_do_not_matter(data, rnd):
    coders = list(range(data.shape[0]))
    units = list(range(data.shape[1]))
    rnd.shuffle(coders)
    rnd.shuffle(units)
    shuffled = data[coders][:, units]
    for stat in ALL_STATS:
        assert _same(stat(data), stat(shuffled))
    complete = np.nan_to_num(data, nan=1.0)
    assert _same(S.fleiss_kappa(complete), S.fleiss_kappa(complete[coders][:, units]))
    assert _same(S.cohen_kappa(data[0], data[1]),
                 S.cohen_kappa(data[0][units], data[1][units]))
    assert _same(S.cohen_kappa(data[0], data[1]), S.cohen_kappa(data[1], data[0]))


@PROPS
@given(reliability(), st.integers(0, 20), st.integers(0, 5))
def test_missing_values_are_ignored_not_a_category(data, where_unit, where_coder):
    blank_unit = np.insert(data, min(where_unit, data.shape[1]), np.nan, axis=1)
    blank_coder = np.insert(data, min(where_coder, data.shape[0]), np.nan, axis=0)
    for stat in ALL_STATS:
        base = stat(data)
        assert _same(base, stat(blank_unit))
        assert _same(base, stat(blank_coder))
    # Units that cannot be paired (fewer than two values) contribute nothing at all.
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    for stat in ALL_STATS[:4] + ALL_STATS[5:]:
        if pairable.any():
            assert _same(stat(data), stat(data[:, pairable]))
    complete = np.nan_to_num(data, nan=2.0)
    assert _same(S.fleiss_kappa(complete), S.fleiss_kappa(np.insert(complete, 0, np.nan, 1)))
    assert _same(S.cohen_kappa(data[0], data[1]),
                 S.cohen_kappa(np.r_[data[0], np.nan, 3.0], np.r_[data[1], 4.0, np.nan]))


def test_missing_is_not_the_same_as_an_extra_category():
    # Coders agree on every unit they both coded; B alone coded unit 4.
    data = np.array([[1, 2, 1, N], [1, 2, 1, 2]])
    for stat in ALL_STATS:
        if stat(data).defined:
            assert stat(data).value == pytest.approx(1.0)
    # Had "missing" been a category, unit 4 would count as a disagreement.
    as_category = np.nan_to_num(data, nan=99.0)
    assert S.krippendorff_alpha(as_category).value < 1.0
    assert S.cohen_kappa(*data).value == pytest.approx(1.0)
    assert S.cohen_kappa(*as_category).value < 1.0


@PROPS
@given(reliability(), st.permutations(range(1, 6)),
       st.floats(0.1, 10), st.floats(-5, 5))
def test_scale_invariances(data, relabel, scale, shift):
    # nominal: any relabelling; ordinal: any increasing map; interval: affine maps;
    # ratio: multiplication by a positive constant.
    mapping = np.array([np.nan, *relabel], dtype=float)
    relabelled = np.where(np.isnan(data), np.nan, mapping[np.nan_to_num(data).astype(int)])
    assert _same(S.krippendorff_alpha(data), S.krippendorff_alpha(relabelled))
    increasing = np.where(np.isnan(data), np.nan, np.exp(np.nan_to_num(data)))
    assert _same(S.krippendorff_alpha(data, "ordinal"),
                 S.krippendorff_alpha(increasing, "ordinal"))
    assert _same(S.krippendorff_alpha(data, "interval"),
                 S.krippendorff_alpha(data * scale + shift, "interval"))
    assert _same(S.krippendorff_alpha(data, "ratio"),
                 S.krippendorff_alpha(data * scale, "ratio"))


@PROPS
@given(reliability())
def test_ranges(data):
    for stat in ALL_STATS[:5]:
        result = stat(data)
        if result.defined:
            assert result.value <= 1.0 + 1e-12
    for definition in ("pairwise", "all"):
        result = S.percent_agreement(data, definition)
        if result.defined:
            assert 0.0 <= result.value <= 1.0
    result = S.cohen_kappa(data[0], data[1])
    if result.defined:
        assert -1.0 - 1e-12 <= result.value <= 1.0 + 1e-12
