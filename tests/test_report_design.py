"""The report follows the design (issue 19): a survey gets theme × attribute breakdowns,
long citation lists move to Appendix B, interviews get a participants table; the demo review
keeps its table (tests/test_demo.py)."""

from __future__ import annotations

import json
import re

import pytest
from conftest import DATA, REPO
from test_audit_checks import audit_json

SURVEY = REPO / "corpus" / "survey"


@pytest.fixture(scope="module")
def survey_built(tmp_path_factory):
    """The survey project (336 answers, coded, two themes), built once for the module."""
    from click.testing import CliRunner

    from thematic.cli.main import cli
    from thematic.project import init

    project = init(tmp_path_factory.mktemp("survey") / "proj")
    _build(lambda *args: CliRunner().invoke(cli, ["--project", str(project), *map(str, args)],
                                            catch_exceptions=False))
    return project


@pytest.fixture
def survey(run, project, survey_built):
    """``run`` on a copy of the module's survey project."""
    import shutil

    shutil.rmtree(project)
    shutil.copytree(survey_built, project)
    return run


def _build(run) -> None:
    sheet = SURVEY / "survey.csv"
    for args in (("import", "excerpts", sheet, "--source-column", "respondent",
                  "--create-sources"),
                 ("import", "studies", sheet, "--id-column", "respondent"),
                 ("codebook", "load", SURVEY / "codebook.yaml"), ("code", "auto"),
                 ("code", "accept", "--all", "--coder", "gold"),
                 ("theme", "add", "Lived experience", "--codes", "lived-experience,hope"),
                 ("theme", "add", "Access and continuity", "--codes",
                  "access,continuity,resources")):
        result = run(*args)
        assert result.exit_code == 0, result.output


def report(run, project, *args) -> str:
    result = run("report", "--out", project / "reports" / "r.md", *args)
    assert result.exit_code == 0, result.output
    return (project / "reports" / "r.md").read_text(encoding="utf-8")


def test_survey_generator_is_reproducible(tmp_path):
    import runpy

    made = runpy.run_path(str(SURVEY / "make_survey.py"))["main"](tmp_path / "s.csv")
    assert made.read_bytes() == (SURVEY / "survey.csv").read_bytes()
    rows = made.read_text(encoding="utf-8").splitlines()
    assert len(rows) - 1 == 336


def test_survey_report_breaks_themes_down_by_attributes(survey, project):
    text = report(survey, project, "--by", "service")
    assert ("| Theme | Community team (n = 100) | Crisis house (n = 39) | "
            "Online group (n = 40) | All (n = 179) |") in text
    table = text[text.index("by service:"):]
    row = next(line for line in table.splitlines()
               if line.startswith("| [Lived experience](#theme-lived-experience) |"))
    cells = [c.strip() for c in row.split("|")[2:-1]]
    counts = [int(re.match(r"(\d+) \((\d+)%\)", c).group(1)) for c in cells[:-1]]
    assert sum(counts) == int(cells[-1])            # the groups partition the respondents
    assert "they are listed in [Appendix B](#sources-lived-experience)" in text
    assert "## Appendix B. Sources per theme" in text
    assert "*In answer to “What helped you most?”:*" in text
    # 179 respondents: the heatmap is themes × service groups, not themes × respondents
    assert "![Themes by service (share of respondents)](r/theme-attribute-heatmap.png)" in text
    assert (project / "reports" / "r" / "theme-attribute-heatmap.png").exists()
    assert audit_json(survey)[0] == 0


def test_survey_prose_counts_respondents_not_studies(survey, project):
    text = report(survey, project, "--by", "service")
    assert "from 179 of the project's 179 respondents;" in text
    assert "| Theme | Respondents | Excerpts | Share of respondents |" in text
    assert "The respondent table lists 179 respondents;" in text
    assert "the share of respondents is the number of respondents with evidence" in text
    assert re.search(r"\*\*Prevalence\.\*\* \d+ excerpts from \d+ of the 179 respondents "
                     r"that contribute excerpts", text)
    # what a reader sees: markers and link targets (#study-R001) aside
    visible = re.sub(r"<!--.*?-->|\(#[^)]*\)", "", text.split("## Appendix")[0])
    assert [line for line in visible.splitlines() if "stud" in line.lower()] == []


def test_survey_attributes_chosen_when_not_named(survey, project):
    text = report(survey, project)
    assert "by score_band:" in text and "by service:" in text and "by site:" not in text
    # groups in their natural order, not alphabetical
    assert "| Theme | low (0-6) (n = 31) | middle (7-8) (n = 53) | high (9-10) (n = 95) |" \
        in text


def test_unknown_breakdown_attribute(survey, project):
    result = survey("report", "--out", project / "reports" / "r.md", "--by", "servise")
    assert result.exit_code == 2
    assert "[E506] --by 'servise'" in result.output and "Did you mean 'service'?" in result.output


def test_interviews_get_a_participants_table(run, project, tmp_path):
    book = tmp_path / "cb.yaml"
    book.write_text("name: mini\nversion: '1'\ntitle: Mini\nlanguage: en\ncodes:\n"
                    "  - id: supervision\n    name: Supervision\n    definition: Supervision\n"
                    "    rules:\n      phrases: [supervision, supervises, supervisor]\n",
                    encoding="utf-8")
    interviews = DATA / "interviews"
    for args in (("import", "excerpts", "--segment", "turn",
                  interviews / "focus-group-ts.txt", interviews / "interview-07.md",
                  "--interviewer", "Interviewer 1,Interviewer 2,Interviewer"),
                 ("codebook", "load", book), ("code", "auto"),
                 ("code", "accept", "--all", "--coder", "gold"),
                 ("theme", "add", "Supervision", "--codes", "supervision")):
        result = run(*args)
        assert result.exit_code == 0, result.output
    text = report(run, project)
    table = text[text.index("Table 1. Participants"):text.index("## Themes")]
    assert table.splitlines()[2:6] == [
        "| Participant | Turns | Themes |", "|---|---:|---|",
        "| [focus-group-ts](#study-focus-group-ts) | 7 | [Supervision](#theme-supervision) (2) |",
        "| [interview-07](#study-interview-07) | 4 | none |"]
    assert "| Theme | Participants | Excerpts | Share of participants |" in text
    codings = json.loads(run("code", "list", "--json").output)
    assert codings and all(c["excerpt_id"].split("-")[0] in {"focus", "interview"}
                           for c in codings)
    assert audit_json(run)[0] == 0
