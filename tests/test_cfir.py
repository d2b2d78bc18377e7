"""CFIR as the synthesis lens: framework roll-up, crosswalk view, valence, ratings, matrix,
the report section and its audit (issue 24)."""

from __future__ import annotations

import pytest
from conftest import CODEBOOKS

from thematic.errors import ThematicError

STUDIES = """id,first_author,year,implementation
1,Ames,2020,high
2,Bello,2021,high
3,Chen,2022,low
4,Diaz,2023,low
"""
FINDINGS = """id,study_id,finding
E1,1,Stable funding enabled the peer roles to continue.
E2,1,Managers facilitated supervision for peer workers.
E3,2,Secure funding helped the service keep peer workers.
E4,3,Lack of funding hindered the programme.
E5,3,Stigma from clinical staff was a barrier to peer roles.
E6,4,Peer workers described their caseloads.
"""
CODEBOOK = """name: mini
version: "1"
title: Mini crosswalk codebook
codes:
  - id: funding
    name: Funding
    cfir: [outer-setting.financing, inner-setting.available-resources.funding]
  - id: supervision
    name: Supervision
    cfir: [inner-setting.culture.deliverer-centeredness]
  - id: stigma
    name: Stigma
    cfir: [outer-setting.local-attitudes]
  - id: workload
    name: Workload
"""
CODINGS = {"E1": "funding", "E2": "supervision", "E3": "funding", "E4": "funding",
           "E5": "stigma", "E6": "workload"}


@pytest.fixture(scope="module")
def cfir_built(tmp_path_factory):
    """The CFIR project, built once for the module through the CLI."""
    from click.testing import CliRunner

    from thematic.cli.main import cli
    from thematic.project import init

    project = init(tmp_path_factory.mktemp("cfir") / "proj")

    def run(*args):
        return CliRunner().invoke(cli, ["--project", str(project), *map(str, args)],
                                  catch_exceptions=False)

    _build(project, run)
    return project


@pytest.fixture
def cfir_project(project, cfir_built):
    """A copy of the module's CFIR project in this test's project folder."""
    import shutil

    shutil.rmtree(project)
    shutil.copytree(cfir_built, project)
    return project


def _build(project, run):
    (project / "studies.csv").write_text(STUDIES)
    (project / "findings.csv").write_text(FINDINGS)
    (project / "mini.yaml").write_text(CODEBOOK)
    for args in (("import", "studies", project / "studies.csv"),
                 ("import", "excerpts", project / "findings.csv", "--text-column", "finding",
                  "--source-column", "study_id", "--id-column", "id"),
                 ("codebook", "load", CODEBOOKS / "cfir2.yaml"),
                 ("codebook", "load", project / "mini.yaml")):
        assert run(*args).exit_code == 0
    for excerpt, code in CODINGS.items():
        assert run("code", "add", excerpt, code, "--codebook", "mini").exit_code == 0
    # A coding made directly with a CFIR 2.0 code joins the same view.
    assert run("code", "add", "E6", "inner-setting.available-resources",
               "--codebook", "cfir2").exit_code == 0
    return project


# --- the framework --------------------------------------------------------------------

def test_framework_has_the_five_domains_and_the_outcomes_addendum():
    from thematic.cfir.framework import load

    frame = load()
    assert list(frame.domains) == ["innovation", "outer-setting", "inner-setting",
                                   "individuals", "process", "outcomes"]
    determinants = [c for c in frame.constructs.values() if c.domain != "outcomes"]
    assert len(determinants) == 48        # Damschroder et al. 2022, Table 3
    assert frame.construct_of("inner-setting.culture.deliverer-centeredness") == \
        "inner-setting.culture"
    assert frame.construct_of("individuals.roles") is None            # a subdomain
    assert frame.constructs["individuals.roles.innovation-deliverers"].subdomain == \
        "individuals.roles"


def test_an_unknown_construct_suggests_the_nearest():
    from thematic.cfir.framework import load

    with pytest.raises(ThematicError) as err:
        load().resolve("inner-setting.cultre")
    assert err.value.code == "E631"
    assert "Did you mean 'inner-setting.culture'?" in err.value.message


def test_codebook_validation_names_the_code_and_line_of_an_unknown_construct(tmp_path):
    from thematic.codebook import read, validate

    path = tmp_path / "bad.yaml"
    path.write_text(CODEBOOK.replace("outer-setting.local-attitudes",
                                     "outer-setting.local-attitude"))
    doc = read(path)
    problems = [p.render(doc.path, doc.unit) for p in validate(doc, rules=False)]
    assert problems == [f"{path}:13: codes[2] (stigma).cfir[0]: 'outer-setting.local-attitude' "
                        "is not a CFIR 2.0 code id. Did you mean "
                        "'outer-setting.local-attitudes'? The ids are those of "
                        "codebooks/cfir2.yaml"]


# --- valence ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, direction", [
    ("Lack of funding hindered the programme.", "barrier"),
    ("Training enabled peers to work well.", "facilitator"),
    ("There were no barriers to joining the group.", "facilitator"),
    ("Managers did not facilitate the new roles.", "barrier"),
    ("Supervision was a facilitator, but turnover was a barrier.", "mixed"),
    ("Peer workers described their caseloads.", None),
])
def test_valence_rule(text, direction):
    from thematic.cfir.valence import read

    assert read(text).direction == direction


@pytest.mark.parametrize("barriers, facilitators, excerpts, rating", [
    (0, 0, 0, None), (0, 0, 3, "0"), (1, 0, 1, "-1"), (2, 0, 2, "-2"), (0, 1, 4, "+1"),
    (1, 3, 4, "+2"), (2, 2, 4, "X"), (2, 3, 5, "X"),
])
def test_suggested_rating_rule(barriers, facilitators, excerpts, rating):
    from thematic.cfir.ratings import suggest_rating

    assert suggest_rating(barriers, facilitators, excerpts) == rating


@pytest.mark.parametrize("typed, stored", [("-2", "-2"), ("1", "+1"), ("+2", "+2"),
                                           ("0", "0"), ("x", "X")])
def test_rating_scale(typed, stored):
    from thematic.cfir.ratings import parse_rating

    assert parse_rating(typed) == stored


@pytest.mark.parametrize("typed", ["3", "-3", "+", "high", "1.5"])
def test_rating_outside_the_scale(typed):
    from thematic.cfir.ratings import parse_rating

    with pytest.raises(ThematicError) as err:
        parse_rating(typed)
    assert err.value.code == "E634"


# --- the view, ratings and matrix -------------------------------------------------------

def test_view_rolls_the_crosswalk_up_and_joins_direct_codings(cfir_project):
    from thematic.cfir.valence import apply_rule
    from thematic.cfir.view import build
    from thematic.project import open_store

    with open_store(cfir_project) as store:
        apply_rule(store)
        view = build(store)
    financing = view.construct("outer-setting.financing")
    assert (financing.excerpts, financing.studies) == (["E1", "E3", "E4"], ["1", "2", "3"])
    assert (financing.barriers, financing.facilitators, financing.net) == (1, 2, "+2")
    resources = view.construct("inner-setting.available-resources")
    assert resources.excerpts == ["E1", "E3", "E4", "E6"]           # funding + direct cfir2
    assert [(c.codebook, c.code) for c in resources.codes] == [("cfir2",
                                                                "inner-setting.available-resources"),
                                                               ("mini", "funding")]
    culture = view.construct("inner-setting.culture")
    assert culture.codes[0].via == ("inner-setting.culture.deliverer-centeredness",)
    assert view.construct("innovation.cost") is None
    assert view.excerpts_with_evidence == 6


def test_rate_records_who_when_why_and_warns_without_evidence(cfir_project):
    from thematic.cfir.ratings import rate
    from thematic.project import open_store
    from thematic.store.cfir import list_ratings

    with open_store(cfir_project) as store:
        first = rate(store, case="3", construct="outer-setting.financing", rating="-2",
                     why="funding cut", rater="ana")
        again = rate(store, case="3", construct="Financing", rating="-1",
                     why="partly restored", rater="ben")
        none = rate(store, case="4", construct="innovation.cost", rating="0", why="n/a",
                    rater="ana")
        assert (first.evidence, first.warning) == (1, None)
        assert again.previous == "-2"
        assert none.evidence == 0 and "no coded evidence" in none.warning
        assert [(r.case_id, r.rating, r.rater) for r in list_ratings(store)] == \
            [("3", "-1", "ben"), ("4", "0", "ana")]
        assert len(list_ratings(store, history=True)) == 3
        logged = [e for e in store.events() if e.action == "cfir rate"]
        assert logged[0].entity == "3:outer-setting.financing"
        assert logged[0].payload["why"] == "funding cut"
        for bad, code in ((dict(rating="5"), "E634"), (dict(construct="outer-setting.fund"),
                                                        "E631"),
                          (dict(case="99"), "E635"), (dict(why=" "), "E636")):
            args = dict(case="3", construct="outer-setting.financing", rating="-1",
                        why="x", rater="ana") | bad
            with pytest.raises(ThematicError) as err:
                rate(store, **args)
            assert err.value.code == code
        assert len(list_ratings(store, history=True)) == 3


def test_suggestions_are_never_applied(cfir_project):
    from thematic.cfir.ratings import suggest
    from thematic.cfir.valence import apply_rule
    from thematic.project import open_store
    from thematic.store.cfir import list_ratings

    with open_store(cfir_project) as store:
        apply_rule(store)
        found = {(s.case, s.construct): s.suggested for s in suggest(store)}
        assert found[("3", "outer-setting.financing")] == "-1"
        assert found[("1", "outer-setting.financing")] == "+1"
        assert found[("3", "outer-setting.local-attitudes")] == "-1"
        assert list_ratings(store) == []


def test_matrix_finds_the_constructs_that_distinguish_high_from_low(cfir_project):
    from thematic.cfir.matrix import build
    from thematic.cfir.ratings import rate
    from thematic.cfir.valence import apply_rule
    from thematic.project import open_store

    with open_store(cfir_project) as store:
        apply_rule(store)
        rate(store, case="2", construct="outer-setting.financing", rating="+2", why="w",
             rater="ana")
        found = build(store, by="implementation")
    assert found.groups == [("high", ["1", "2"]), ("low", ["3", "4"])]
    assert (found.high, found.low) == ("high", "low")
    rows = {r.construct: r for r in found.rows}
    financing = rows["outer-setting.financing"]
    assert {c: (x.rating, x.source) for c, x in financing.cells.items()} == {
        "1": ("+1", "suggested"), "2": ("+2", "rated"), "3": ("-1", "suggested")}
    assert (financing.difference, financing.distinguishes) == (2.5, "strong")
    assert rows["outer-setting.local-attitudes"].difference is None   # no high case


def test_matrix_by_an_unknown_attribute(cfir_project):
    from thematic.cfir.matrix import build
    from thematic.project import open_store

    with open_store(cfir_project) as store, pytest.raises(ThematicError) as err:
        build(store, by="implementaton")
    assert err.value.code == "E637"
    assert "Did you mean 'implementation'?" in err.value.message


# --- report and audit ---------------------------------------------------------------------

def test_report_section_is_audited(cfir_project, run):
    from thematic.audit import run as audit
    from thematic.project import open_store

    assert run("cfir", "valence", "--auto").exit_code == 0
    assert run("cfir", "outcome", "implementation").exit_code == 0
    report = cfir_project / "reports" / "r.md"
    assert run("report", "--out", report).exit_code == 0
    text = report.read_text()
    assert "## Findings through CFIR 2.0" in text
    for domain in ("I. Innovation", "II. Outer Setting", "III. Inner Setting",
                   "IV. Individuals", "V. Implementation Process"):
        assert f"### {domain}\n" in text
    assert ('| F. Financing | 3 | 3 | 1 | 2 | +2 | Funding <!-- claim cfir="outer-setting.'
            'financing" studies="3" excerpts="3" barriers="1" facilitators="2" net="+2" --> |'
            ) in text
    assert '<!-- claim cfir-row="outer-setting.financing" cells="1:(+1),2:(+1),3:(-1)" -->' \
        in text
    assert "- implementation = high: [Ames 2020](#study-1), [Bello 2021](#study-2)" in text
    assert '<!-- claim cfir="all" excerpts="6" rated="0" -->' in text
    assert (cfir_project / "reports" / "r" / "cfir-construct-case-heatmap.png").stat().st_size
    with open_store(cfir_project) as store:
        assert audit(store, root=cfir_project).errors == []
    report.write_text(text.replace('cfir="outer-setting.financing" studies="3" excerpts="3" '
                                   'barriers="1"', 'cfir="outer-setting.financing" '
                                   'studies="3" excerpts="3" barriers="0"')
                      .replace('cells="1:(+1),2:(+1),3:(-1)"', 'cells="1:(+1),2:(+2),3:(-1)"')
                      .replace('excerpts="6" rated="0"', 'excerpts="6" rated="1"'))
    with open_store(cfir_project) as store:
        errors = audit(store, root=cfir_project).errors
    # each edited claim is named (the re-render also finds the edited markers)
    assert {("report-claim-mismatch", "rated"), ("report-claim-mismatch", "barriers"),
            ("report-claim-mismatch", "cells")} <= {(p.check, p.where.get("key"))
                                                    for p in errors}
    assert {p.check for p in errors} <= {"report-claim-mismatch", "report-marker-changed"}


# --- coding against CFIR directly ---------------------------------------------------------

def test_auto_coding_that_can_propose_nothing_is_an_error(cfir_project, run):
    result = run("code", "auto", "--codebook", "mini")
    assert result.exit_code == 2
    assert "[E630] Codebook 'mini' 1 has no auto-coding rules" in result.output


def test_auto_coding_against_cfir2_proposes_codings(cfir_project, run):
    result = run("code", "auto", "--codebook", "cfir2", "--json")
    assert result.exit_code == 0, result.output
    import json

    per_code = json.loads(result.output)["per_code"]
    assert per_code.get("outer-setting.financing", 0) >= 2      # "funding" findings


# --- the commands, exact output -------------------------------------------------------------

CFIR_LISTING = """\
CFIR domain / construct / code                                studies  excerpts  barriers  facilitators  net
------------------------------------------------------------  -------  --------  --------  ------------  ---
I. Innovation                                                       0         0
II. Outer Setting                                                   3         4
  B. Local Attitudes (outer-setting.local-attitudes)                1         1         1             0   -1
    mini:stigma                                                     1         1
  F. Financing (outer-setting.financing)                            3         3         1             2   +2
    mini:funding                                                    3         3
III. Inner Setting                                                  4         5
  D. Culture (inner-setting.culture)                                1         1         0             1   +1
    mini:supervision                                                1         1
  J. Available Resources (inner-setting.available-resources)        4         4         1             2   +2
    cfir2:inner-setting.available-resources                         1         1
    mini:funding                                                    3         3
IV. Individuals                                                     0         0
V. Implementation Process                                           0         0
CFIR Outcomes Addendum                                              0         0
6 excerpts with accepted evidence for a CFIR construct; net = the rating the evidence suggests (-2..+2, 0, X).
"""

MATRIX = """\
Cases by implementation: high (1, 2); low (3, 4)
construct                             1     2     3    4  distinguishes
---------------------------------  ----  ----  ----  ---  -------------
innovation.cost                                       0†
outer-setting.local-attitudes                  (-1)
outer-setting.financing            (+1)  (+1)    -2              strong
inner-setting.culture              (+1)
inner-setting.available-resources  (+1)  (+1)  (-1)  (0)           weak
(r) = suggested from the evidence, not yet rated by a person; † = rated without coded evidence.
High: high; low: low; a construct distinguishes high from low implementation cases when the mean of its ratings in high cases exceeds the mean in low cases by at least 2 (strong) or 1 (weak); X and empty cells do not count.
"""


def test_cli_listing_rating_and_matrix(cfir_project, run):
    from click.testing import CliRunner

    from thematic.cli.main import cli

    assert run("cfir", "valence", "--auto").output == (
        "Read 6 excerpts with the valence rule: 2 barrier, 3 facilitator, 0 mixed, 1 "
        "without a cue.\n")
    assert run("cfir").output == CFIR_LISTING
    suggested = run("cfir", "rate", "--suggest").output.splitlines()
    assert suggested[2].split() == ["3", "outer-setting.local-attitudes", "-1", "1", "0", "1"]
    assert suggested[-1].startswith("Suggestions only: record one with `thematic cfir rate")
    assert run("cfir", "rate", "--case", "3", "--construct", "outer-setting.financing",
               "--rating", "-2", "--why", "funding cut mid-year").output == (
        "Rated outer-setting.financing in case 3: -2 (by tester; 1 excerpt of coded "
        "evidence).\n")
    runner = CliRunner()
    base = ["--project", str(cfir_project), "cfir", "rate"]
    warned = runner.invoke(cli, [*base, "--case", "4", "--construct", "innovation.cost",
                                 "--rating", "0", "--why", "not discussed"])
    assert (warned.exit_code, warned.output) == (0, (
        "Warning: case 4 has no coded evidence for innovation.cost; the rating is recorded "
        "and shown as \"no coded evidence\".\n"
        "Rated innovation.cost in case 4: 0 (by tester; no coded evidence).\n"))
    bad = runner.invoke(cli, [*base, "--case", "3", "--construct", "outer-setting.financing",
                              "--rating", "3", "--why", "x"])
    assert (bad.exit_code, bad.output) == (2, (
        "Error: [E634] Rating '3' is outside the CFIR rating scale. Use one of: -2, -1, 0, "
        "+1, +2, X (-2/-1 barrier, +1/+2 facilitator, 0 neutral, X mixed).\n"))
    assert run("cfir", "matrix", "--by", "implementation").output == MATRIX
    listed = run("cfir", "ratings", "--json")
    import json

    assert [(r["case_id"], r["construct"], r["rating"], r["rater"], r["why"])
            for r in json.loads(listed.output)] == [
        ("3", "outer-setting.financing", "-2", "tester", "funding cut mid-year"),
        ("4", "innovation.cost", "0", "tester", "not discussed")]


def test_cli_valence_by_a_person_wins_over_the_rule(cfir_project, run):
    assert run("cfir", "valence", "--auto").exit_code == 0
    assert run("cfir", "valence", "E6", "barrier", "--why", "caseloads were too high"
               ).output == "E6: barrier (coder tester).\n"
    listed = run("cfir", "valence").output.splitlines()
    assert listed[0].split() == ["excerpt", "direction", "by"]
    assert ["E6", "barrier", "tester"] in [line.split() for line in listed]
    assert ["E1", "facilitator", "auto:valence"] in [line.split() for line in listed]


def test_semantic_stage_uses_the_codebooks_calibrated_threshold():
    from types import SimpleNamespace

    from thematic.coding.auto import _calibrated

    book = SimpleNamespace(metadata={"semantic": {"embedder": "minilm", "min_score": 0.275}})
    assert _calibrated(book, SimpleNamespace(name="sentence-transformers/all-MiniLM-L6-v2")) \
        == 0.275
    assert _calibrated(book, SimpleNamespace(name="tfidf-lsa")) is None
    assert _calibrated(SimpleNamespace(metadata={}), SimpleNamespace(name="x")) is None
