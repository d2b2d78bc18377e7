"""``thematic agree``, ``agree disagreements`` and ``agree reconcile``: exact output."""

from __future__ import annotations

import json

import pytest
from conftest import db_bytes
from test_agreement_fixtures import build

from thematic.project import open_store


@pytest.fixture
def demo(project):
    with open_store(project) as store:
        build(store, themes=True)
    return project


BANDS = ("bands: alpha — Krippendorff (2004): >= 0.800 reliable; 0.667-0.800 tentative "
         "conclusions only; < 0.667 unreliable; kappa and AC1 — Landis & Koch (1977): < 0 "
         "poor; 0-0.20 slight; 0.21-0.40 fair; 0.41-0.60 moderate; 0.61-0.80 substantial; "
         "0.81-1 almost perfect\n")
PAIRWISE = ("agree (pairs) = percent agreement, pairwise: mean over units coded by at least "
            "two coders of the share of coder pairs in the unit that agree (Fleiss' P-bar, "
            "Gwet's p_a)\n")


def test_agree_two_coders_exact(demo, run):
    # Hand-computed in tests/test_agreement_measure.py: hope alpha 0.620, kappa 0.600;
    # empowerment alpha 0.747, kappa 0.737; pooled alpha 0.809, kappa 0.806.
    result = run("agree", "--coders", "alice,bob", "--boot", "0")
    assert result.exit_code == 0
    assert result.output == (
        "Agreement of alice, bob on codebook demo (version 1), by code: 10 excerpts reviewed "
        "by all (alice 10, bob 10)\n"
        "\n"
        "code            n   yes/mixed/no  alpha      alpha band                  Cohen kappa  kappa band      AC1    AC1 band        agree (pairs)\n"
        "--------------  --  ------------  ---------  --------------------------  -----------  --------------  -----  --------------  -------------\n"
        "hope            10  4/2/4         0.620      unreliable                  0.600        moderate        0.600  moderate        80.0%\n"
        "empowerment     10  2/1/7         0.747      tentative conclusions only  0.737        substantial     0.840  almost perfect  90.0%\n"
        "role-ambiguity  10  3/0/7         1.000      reliable                    1.000        almost perfect  1.000  almost perfect  100.0%\n"
        "stigma          10  0/0/10        undefined  undefined                   undefined    undefined       1.000  almost perfect  100.0%\n"
        "(pooled)        40  9/3/28        0.809      reliable                    0.806        almost perfect  0.878  almost perfect  92.5%\n"
        "(mean)                            0.789      tentative conclusions only  0.779        substantial     0.860  almost perfect  92.5%\n"
        "\n"
        "alpha of the pooled decisions by level of measurement: nominal 0.809, ordinal 0.809, "
        "interval 0.809, ratio 0.809 (equal for present/absent data)\n"
        "undefined: stigma (alpha, kappa) — no coder marked it present on any unit: chance "
        "agreement is 1 (expected disagreement 0), so the statistic is 0/0\n"
        "\n"
        "units: the 10 excerpts every compared coder reviewed; each code is a present/absent "
        "decision per excerpt and coder\n"
        "pooled: all (excerpt, item) decisions taken together as one set of units\n"
        "mean: unweighted mean of the per-item values, over items whose value is defined "
        "(alpha 3 of 4; kappa 3 of 4; AC1 4 of 4)\n"
        "kappa: Cohen's kappa (two coders); AC1: Gwet's AC1 with 2 categories\n"
        + PAIRWISE +
        "intervals: no bootstrap\n"
        + BANDS)


def test_agree_default_coders_are_the_human_ones(demo, run):
    # alice, bob and carol (auto:rules is automatic); carol reviewed F01-F06 only.
    result = run("agree", "--boot", "0", "--codes", "hope,empowerment")
    lines = result.output.splitlines()
    assert lines[0] == ("Agreement of alice, bob, carol on codebook demo (version 1), by "
                        "code: 6 excerpts reviewed by all (alice 10, bob 10, carol 6)")
    assert lines[2].split() == ["code", "n", "yes/mixed/no", "alpha", "alpha", "band",
                                "Fleiss", "kappa", "kappa", "band", "AC1", "AC1", "band",
                                "agree", "(pairs)", "agree", "(all)"]
    assert lines[4].split()[:5] == ["hope", "6", "3/3/0", "0.215", "unreliable"]
    assert "agree (all) = percent agreement, all: share of units coded by at least two " \
           "coders in which every coder agrees" in result.output


def test_agree_with_bootstrap_prints_seeded_intervals(demo, run):
    first = run("agree", "--coders", "alice,bob", "--codes", "hope", "--seed", "3")
    again = run("agree", "--coders", "alice,bob", "--codes", "hope", "--seed", "3")
    assert first.output == again.output
    assert "alpha [95% CI]" in first.output and "Cohen kappa [95% CI]" in first.output
    assert ("intervals: 95% percentile bootstrap over excerpts, 1000 resamples, seed 3"
            in first.output)


def test_agree_theme_level_exact_rows(demo, run):
    # recovery = hope or empowerment: alice F01-F06, bob F01-F04, F06, F07.
    result = run("agree", "--coders", "alice,bob", "--level", "theme", "--boot", "0")
    table = result.output.split("\n\n")[1]
    assert table.splitlines()[0].startswith("theme     n   yes/mixed/no")
    assert [line.split()[:4] for line in table.splitlines()[2:]] == [
        ["recovery", "10", "5/2/3", "0.604"],  # 1 − 19·2/(12·8)
        ["roles", "10", "3/0/7", "1.000"],
        ["(pooled)", "20", "8/2/10", "0.803"],  # 1 − 39·2/(18·22)
        # mean alpha (0.604 + 1)/2; recovery kappa (0.8 − 0.52)/(1 − 0.52) = 0.583, so the
        # mean kappa is (0.583 + 1)/2 = 0.792
        ["(mean)", "0.802", "reliable", "0.792"],
    ]


def test_agree_json_document(demo, run):
    result = run("agree", "--coders", "alice,bob", "--json", "--boot", "200")
    doc = json.loads(result.output)
    assert doc["coders"] == ["alice", "bob"] and doc["n_excerpts"] == 10
    assert [i["id"] for i in doc["items"]] == ["hope", "empowerment", "role-ambiguity",
                                               "stigma"]
    stigma = doc["items"][3]["figures"]
    assert stigma["alpha"]["value"] is None and stigma["alpha"]["defined"] is False
    assert stigma["alpha"]["reason"].startswith("no coder marked it present")
    assert stigma["kappa"]["interpretation"] == "undefined"
    hope = doc["items"][0]
    assert hope["counts"]["table"] == {"both": 4, "only_first": 1, "only_second": 1,
                                       "neither": 4}
    assert hope["figures"]["alpha"]["ci"]["n_resamples"] == 200
    overall = doc["overall"]
    assert overall["pooled"]["counts"]["decisions"] == 40
    assert overall["mean_over_items"]["alpha"]["n_codes_defined"] == 3
    assert set(overall["alpha_by_level_pooled"]) == {"nominal", "ordinal", "interval",
                                                      "ratio"}
    assert doc["definitions"]["percent_pairwise"].startswith("pairwise:")


def test_disagreements_exact(demo, run):
    result = run("agree", "disagreements", "--coders", "alice,bob")
    assert result.exit_code == 0
    assert result.output == (
        "3 disagreements on 3 of 10 excerpts reviewed by all of alice, bob (codebook demo, "
        "4 codes)\n"
        "\n"
        "F05  Cooper 2024  (row 6)\n"
        "  Some felt more hopeful, others did not.\n"
        "  - hope         yes: alice; no: bob\n"
        "\n"
        "F06  Diaz 2024  (row 7)\n"
        "  Peers helped members take charge of their care.\n"
        "  - hope         yes: bob; no: alice\n"
        "\n"
        "F07  Diaz 2024  (row 8)\n"
        "  Peer workers were unsure what their job involved; some felt empowered anyway.\n"
        "  - empowerment  yes: bob; no: alice\n")


def test_disagreements_options_on_the_group_apply(demo, run):
    on_group = run("agree", "--coders", "alice,bob", "disagreements", "--json")
    on_command = run("agree", "disagreements", "--coders", "alice,bob", "--json")
    assert on_group.output == on_command.output
    doc = json.loads(on_group.output)
    assert doc["n_disagreements"] == 3
    assert doc["disagreements"][0] == {
        "excerpt": "F05", "study": "S1", "citation": "Cooper 2024", "location": "row 6",
        "text": "Some felt more hopeful, others did not.", "item": "hope",
        "item_name": "Hope", "present": ["alice"], "absent": ["bob"]}


def test_meeting_sheet_then_reconcile(demo, run, tmp_path):
    sheet = tmp_path / "meeting.csv"
    listed = run("agree", "disagreements", "--coders", "alice,bob", "--out", sheet)
    assert listed.output.endswith(
        f"Wrote the sheet to {sheet}: fill in 'decision' (yes/no) and run "
        f"`thematic agree reconcile --decisions {sheet}`.\n")
    assert sheet.read_text(encoding="utf-8").splitlines() == [
        "excerpt,study,code,present,absent,decision,note,text",
        "F05,Cooper 2024,hope,alice,bob,,,\"Some felt more hopeful, others did not.\"",
        "F06,Diaz 2024,hope,bob,alice,,,Peers helped members take charge of their care.",
        "F07,Diaz 2024,empowerment,bob,alice,,,Peer workers were unsure what their job "
        "involved; some felt empowered anyway.",
    ]
    lines = sheet.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",,,", ",yes,,")   # F05 hope: keep
    lines[3] = lines[3].replace(",,,", ",no,,")    # F07 empowerment: drop; F06 undecided
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("agree", "reconcile", "--coders", "alice,bob", "--decisions", sheet)
    assert result.exit_code == 0
    assert result.output == (
        "Recorded coder consensus: 10 codings on 10 excerpts (codebook demo version 1) "
        "from alice, bob.\n"
        "  agreed by all coders: 9\n"
        f"  disagreements: 3 — decided yes 1, no 1 ({sheet}); by the unanimous rule: yes 0, "
        "no 1\n"
        "The codings of alice, bob are unchanged.\n")
    # 9 codes both gave + F05 hope decided yes = 10 codings
    again = run("agree", "--coders", "alice,consensus", "--boot", "0", "--codes", "hope")
    assert again.output.splitlines()[4].split()[:3] == ["hope", "10", "5/0/5"]


def test_reconcile_twice_needs_replace(demo, run):
    run("agree", "reconcile", "--coders", "alice,bob", "--rule", "union")
    before = db_bytes(demo)
    second = run("agree", "reconcile", "--coders", "alice,bob")
    assert second.exit_code == 2
    assert second.output == (
        "Error: [E205] Coder 'consensus' already has 12 coding(s) and 10 reviewed excerpt(s) "
        "in codebook 'demo'. Choose another name with --as, or pass --replace to record the "
        "reconciled set again.\n")
    assert db_bytes(demo) == before
    replaced = run("agree", "reconcile", "--coders", "alice,bob", "--replace")
    assert replaced.output.splitlines()[0] == (
        "Recorded coder consensus: 9 codings on 10 excerpts (codebook demo version 1) "
        "from alice, bob, replacing 12 earlier codings.")


@pytest.mark.parametrize("args, message", [
    (("agree", "--coders", "alice"),
     "Error: [E200] Agreement needs at least two coders, got 1 (alice). Name them with "
     "--coders A,B (coders in the project: alice, auto:rules, bob, carol, dave).\n"),
    (("agree", "--coders", "alice,bobb"),
     "Error: [E201] No coder 'bobb' in the project. Did you mean 'bob'? Coders in the "
     "project: alice, auto:rules, bob, carol, dave.\n"),
    (("agree", "--coders", "carol,dave"),
     "Error: [E202] Coders carol, dave have reviewed no excerpt in common (carol reviewed 6; "
     "dave reviewed 1). Agreement is measured over the excerpts every compared coder "
     "reviewed: have them review the same excerpts, or compare other coders.\n"),
    (("agree", "--codes", "hop"),
     "Error: [E203] No code 'hop' to measure. Did you mean 'hope'? List the codes of "
     "codebook 'demo' with `thematic codebook show demo`.\n"),
    (("agree", "--level", "theme", "--codes", "role"),
     "Error: [E203] No theme 'role' to measure. Did you mean 'roles'? List the themes with "
     "`thematic theme list`.\n"),
    (("agree", "--coders", "alice,bob,alice"),
     "Error: [E207] --coders: 'alice' is named twice; name each coder once\n"),
    (("agree", "--boot", "-1"),
     "Error: [E207] --boot: give 0 (no intervals) or a positive number of resamples\n"),
    (("agree", "reconcile", "--coders", "alice,bob", "--as", "bob"),
     "Error: [E208] Coder 'bob' is one of the coders being reconciled; record the agreed set "
     "as a new coder (--as consensus) so the originals are kept.\n"),
])
def test_bad_usage_is_one_error_line_and_changes_nothing(demo, run, args, message):
    with open_store(demo) as store:
        from thematic.store.codings import mark_reviewed

        with store.transaction("test"):
            mark_reviewed(store, "dave", ["F10"], 1)
    before = db_bytes(demo)
    result = run(*args)
    assert (result.exit_code, result.output) == (2, message)
    assert db_bytes(demo) == before


def test_no_themes_is_an_error(project, run):
    with open_store(project) as store:
        build(store, themes=False)
    result = run("agree", "--level", "theme")
    assert result.exit_code == 2
    assert result.output.startswith("Error: [E204] No themes with codes of codebook 'demo'")


@pytest.mark.parametrize("content, problem", [
    ("excerpt,code\nF05,hope\n", "row 1: no column 'decision' (columns: excerpt, code)"),
    ("excerpt,code,decision\nF05,hope,maybe\n", "row 2: decision 'maybe' is neither yes nor "
                                                "no. Write yes or no"),
    ("excerpt,code,decision\nF05,hopes,yes\n", "row 2: code 'hopes' is not a codable code of "
                                               "the codebook Did you mean 'hope'?"),
    ("excerpt,code,decision\nF99,hope,yes\n", "row 2: excerpt 'F99' was not reviewed by every "
                                              "reconciled coder (alice, bob)"),
    ("excerpt,code,decision\nF05,hope,yes\nF05,hope,no\n", "row 3: excerpt 'F05', code "
                                                           "'hope' is decided both ways"),
])
def test_bad_decision_sheet(demo, run, tmp_path, content, problem):
    sheet = tmp_path / "d.csv"
    sheet.write_text(content, encoding="utf-8")
    before = db_bytes(demo)
    result = run("agree", "reconcile", "--coders", "alice,bob", "--decisions", sheet)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: [E206] {sheet}, {problem}")
    assert db_bytes(demo) == before
