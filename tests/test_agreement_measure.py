"""Agreement from the store: units (coverage), measure(), disagreements, reconcile."""

from __future__ import annotations

import pytest
from test_agreement_fixtures import EXCERPTS, build

from thematic.agreement import reconcile as R
from thematic.agreement import units as U
from thematic.project import open_store


@pytest.fixture
def demo(project):
    with open_store(project) as store:
        build(store, themes=True)
        yield store


def test_units_are_the_excerpts_every_coder_reviewed(demo):
    both = U.load(demo, coders=["alice", "bob"])
    assert both.excerpts == EXCERPTS
    assert both.items == ["hope", "empowerment", "role-ambiguity", "stigma"]
    three = U.load(demo, coders=["alice", "bob", "carol"])
    assert three.excerpts == EXCERPTS[:6]  # carol reviewed F01-F06
    # Reviewed and left uncoded is a "no": stigma is decided on all 10 excerpts.
    assert both.tally().n_units.tolist() == [10, 10, 10, 10]


def test_default_coders_leave_out_automatic_and_reconciled_ones(demo):
    assert U.load(demo).coders == ["alice", "bob", "carol"]
    R.reconcile(demo, ["alice", "bob"])
    assert U.load(demo).coders == ["alice", "bob", "carol"]
    assert "consensus" in U.load(demo, coders=["alice", "consensus"]).coders


def test_status_does_not_matter_unless_asked(demo):
    # auto:rules proposed hope on F01-F10; its F10 proposal was later rejected by a reviewer,
    # but it was still auto:rules's decision.
    auto = U.load(demo, coders=["auto:rules", "alice"], codes=["hope"])
    assert auto.presence()[0, :, 0].tolist() == [True] * 10
    proposed = U.load(demo, coders=["auto:rules", "alice"], codes=["hope"],
                      statuses=["proposed", "accepted"])
    assert proposed.presence()[0, :, 0].tolist() == [True] * 9 + [False]


def test_grouping_code_and_theme_are_present_when_any_of_their_codes_is(demo):
    group = U.load(demo, coders=["alice", "bob"], codes=["recovery"])
    theme = U.load(demo, coders=["alice", "bob"], codes=["recovery"], level="theme")
    expected = {"alice": "F01 F02 F03 F04 F05 F06", "bob": "F01 F02 F03 F04 F06 F07"}
    for decisions in (group, theme):
        for k, coder in enumerate(decisions.coders):
            present = [e for e, p in zip(EXCERPTS, decisions.presence()[k, :, 0],
                                         strict=True) if p]
            assert present == expected[coder].split()


def test_a_coding_implies_the_excerpt_was_reviewed(demo):
    from thematic.store.codings import Coding, add_codings

    with demo.transaction("test"):  # erin coded F02 but no coverage row says so
        add_codings(demo, [Coding(excerpt_id="F02", codebook_id=1, code_id="hope",
                                  coder="erin")])
    found = U.load(demo, coders=["alice", "erin"])
    assert found.excerpts == ["F02"]


def test_measure_two_coders_by_hand(demo):
    from thematic.agreement import measure

    report = measure(demo, ["alice", "bob"], n_boot=0)
    hope, empowerment, roles, stigma = report.items
    # hope: A = F01-F05, B = F01-F04, F06. Table both 4, A only 1, B only 1, neither 4.
    #   Cohen: p_o = 8/10 = 0.8; p_A = p_B = 0.5; p_e = 0.25 + 0.25 = 0.5; kappa = 0.3/0.5 = 0.6
    #   alpha: n = 20 values, n_1 = n_0 = 10, o_01 = 2 (F05, F06: k(m−k)/(m−1) = 1 each)
    #          alpha = 1 − (n − 1) o_01/(n_0 n_1) = 1 − 19·2/100 = 0.62
    #   AC1: p_a = 0.8; pi = 0.5; p_e = 2·0.5·0.5 = 0.5 -> 0.6
    assert hope.figures["kappa"].value == pytest.approx(0.6)
    assert hope.figures["alpha"].value == pytest.approx(0.62)
    assert hope.figures["ac1"].value == pytest.approx(0.6)
    assert hope.figures["percent_pairwise"].value == pytest.approx(0.8)
    # empowerment: A = F01 F06, B = F01 F06 F07: both 2, B only 1, neither 7.
    #   Cohen: p_o = 0.9; p_A = 0.2, p_B = 0.3; p_e = 0.06 + 0.56 = 0.62; kappa = 0.28/0.38
    #   alpha: n_1 = 5, n_0 = 15, o_01 = 1: 1 − 19/75
    #   AC1: pi = 0.25, p_e = 2·0.25·0.75 = 0.375: (0.9 − 0.375)/0.625 = 0.84
    assert empowerment.figures["kappa"].value == pytest.approx(0.28 / 0.38)
    assert empowerment.figures["alpha"].value == pytest.approx(1 - 19 / 75)
    assert empowerment.figures["ac1"].value == pytest.approx(0.84)
    assert roles.figures["alpha"].value == pytest.approx(1.0)
    # stigma: nobody used it -> alpha and kappa undefined (0/0), never 1 or 0
    assert stigma.figures["alpha"].value is None and stigma.figures["kappa"].value is None
    assert stigma.figures["alpha"].band == "undefined"
    assert "0/0" in stigma.figures["kappa"].reason
    # pooled over the 40 (excerpt, code) decisions: both 9, A only 1, B only 2, neither 28
    #   Cohen: p_o = 37/40; p_A = 10/40, p_B = 11/40; p_e = 0.25·0.275 + 0.75·0.725 = 0.6125
    #   alpha: n = 80, n_1 = 21, n_0 = 59, o_01 = 3: 1 − 79·3/(59·21)
    pooled = report.pooled.figures
    assert pooled["kappa"].value == pytest.approx((37 / 40 - 0.6125) / (1 - 0.6125))
    assert pooled["alpha"].value == pytest.approx(1 - 79 * 3 / (59 * 21))
    for level, figure in report.alpha_by_level.items():
        assert figure.value == pytest.approx(pooled["alpha"].value), level
    # mean over the three codes with a defined value
    assert report.mean["alpha"].value == pytest.approx((0.62 + 1 - 19 / 75 + 1) / 3)
    assert report.mean["alpha"].detail["n_codes_undefined"] == 1
    assert report.kappa_name == "Cohen's kappa"
    assert report.pooled.figures["kappa"].band == "almost perfect"


def test_measure_bootstrap_is_seeded(demo):
    from thematic.agreement.summary import measure

    a = measure(demo, ["alice", "bob"], ["hope"], seed=5, n_boot=300)
    b = measure(demo, ["alice", "bob"], ["hope"], seed=5, n_boot=300)
    c = measure(demo, ["alice", "bob"], ["hope"], seed=6, n_boot=300)
    ci = a.items[0].figures["alpha"].ci
    assert tuple(ci) == tuple(b.items[0].figures["alpha"].ci)
    assert tuple(ci) != tuple(c.items[0].figures["alpha"].ci)
    assert ci.low < 0.62 <= ci.high
    assert a.items[0].figures["kappa"].ci.n_resamples == 300


def test_disagreements_list(demo):
    listing = R.disagreements(demo, ["alice", "bob"])
    assert [(d.excerpt, d.item, d.present, d.absent) for d in listing.rows] == [
        ("F05", "hope", ["alice"], ["bob"]),
        ("F06", "hope", ["bob"], ["alice"]),
        ("F07", "empowerment", ["bob"], ["alice"]),
    ]


@pytest.mark.parametrize("rule, extra", [
    ("unanimous", set()),
    ("majority", set()),  # 1 of 2 is not more than half
    ("union", {("F05", "hope"), ("F06", "hope"), ("F07", "empowerment")}),
])
def test_reconcile_rules_and_originals_kept(demo, rule, extra):
    from thematic.store.codings import coverage, list_codings

    before = {(c.excerpt_id, c.code_id, c.coder) for c in list_codings(demo)}
    result = R.reconcile(demo, ["alice", "bob"], rule=rule)
    after = list_codings(demo)
    assert {(c.excerpt_id, c.code_id, c.coder) for c in after
            if c.coder != "consensus"} == before
    agreed = {(e, code) for e, code, who in before
              if who == "alice" and (e, code, "bob") in before}
    consensus = {(c.excerpt_id, c.code_id) for c in after if c.coder == "consensus"}
    assert consensus == agreed | extra
    assert all(c.method == "reconcile" and c.status == "accepted"
               for c in after if c.coder == "consensus")
    assert coverage(demo, "consensus")["consensus"] == set(EXCERPTS)
    assert result.codings == len(consensus) and result.disagreements == 3
    assert list(demo.events())[-1].action == "agree reconcile"


def test_reconcile_three_coders_by_majority(demo):
    R.reconcile(demo, ["alice", "bob", "carol"], rule="majority", as_coder="majority")
    from thematic.store.codings import list_codings

    got = sorted((c.excerpt_id, c.code_id) for c in list_codings(demo, coder="majority"))
    # F01-F06: hope by 2 of 3 on F01-F04 (all three on F01-F03), 1 of 3 on F05 and F06;
    # empowerment on F01 by all, F06 by alice and bob.
    assert got == [("F01", "empowerment"), ("F01", "hope"), ("F02", "hope"),
                   ("F03", "hope"), ("F04", "hope"), ("F06", "empowerment")]
