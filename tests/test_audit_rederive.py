"""`thematic audit` re-renders each report from the store and compares what a reader sees:
hostile data in every field audits clean; every forged, edited or deleted element exits 1
and is named."""

from __future__ import annotations

import re

import pytest
import test_report_fixtures as fx

EVIL = ('note <!-- transcriber --> then --> {{ 7*7 }} | `tick` # heading '
        '<!-- claim statistic="x" \\ end')


@pytest.fixture(scope="module")
def hostile_built(tmp_path_factory):
    """The report fixture with markers, comments, Jinja, pipes, backticks and headings in an
    excerpt, a theme name, a code name and a study title; report rendered by the CLI. Built
    once for the module; each test gets its own copy (``hostile``)."""
    from click.testing import CliRunner

    from thematic.cli.main import cli
    from thematic.project import init

    project = init(tmp_path_factory.mktemp("hostile") / "proj")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fx, "FINDINGS", [
            *fx.FINDINGS,
            ("F9", "2", EVIL + "\n# second line <!-- quote excerpt=\"F1\" -->", ["stigma"]),
            ("F10", "3", "<!-- claim theme=\"x\" studies=\"99\" --> did not help", ["hope"])])
        patch.setattr(fx, "CODES", [c if c[0] != "stigma" else
                                    ("stigma", "Stigma <!-- claim code=\"y\"", "barriers",
                                     True, "Stigma --> in `teams`") for c in fx.CODES])
        patch.setattr(fx, "STUDIES", fx.STUDIES.replace(
            "Peer workers in teams", '"Peer <!-- workers --> | # in {{ teams }}"'))
        patch.setattr(fx, "THEMES", [("X <!-- claim statistic=\"x\"", ["hope"],
                                      "desc --> `code` | {{ 1 }}"), *fx.THEMES[1:]])
        fx.build(project, second_coder=True)
    result = CliRunner().invoke(cli, ["--project", str(project), "report",
                                      "--agreement-coders", "ana,ben"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture
def hostile(project, hostile_built):
    """A copy of the module's hostile project in this test's project folder."""
    import shutil

    shutil.rmtree(project)
    shutil.copytree(hostile_built, project)
    return project


def report(project):
    return project / "reports" / "report.md"


def forge(project, old: str, new: str, count: int = 1) -> None:
    path = report(project)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def problems(run) -> tuple[int, list[dict]]:
    import json

    result = run("audit", "--json")
    return result.exit_code, json.loads(result.output)["problems"]


def errors(found: list[dict]) -> list[dict]:
    return [p for p in found if p["severity"] == "error"]


def test_hostile_data_in_every_field_audits_clean(hostile, run):
    text = report(hostile).read_text(encoding="utf-8")
    assert "\\<!-- transcriber --\\>" in text and "7\\*7" in text
    result = run("audit")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("reports: reports/report.md).\n")


@pytest.mark.parametrize("old, new, check, element", [
    # a visible number in a table cell (the summary table's Excerpts column)
    (r"\| 2 \| 4 \| 67% ", "| 2 | 5 | 67% ", "report-differs", 'column "Excerpts"'),
    # a count in prose
    ("This synthesis draws on 10 excerpts", "This synthesis draws on 12 excerpts",
     "report-differs", 'section "Summary"'),
    # an agreement value
    (r"(Krippendorff's alpha: )0\.(\d)", r"\g<1>0.9", "report-differs",
     'section "Agreement"'),
    # an excerpt in the appendix
    (r"(\): )Hope grew through shared lived experience\.", r"\1Hope grew through nothing.",
     "report-differs", 'section "Excerpt → study"'),
])
def test_forged_visible_text_is_named(hostile, run, old, new, check, element):
    path = report(hostile)
    text = path.read_text(encoding="utf-8")
    forged = re.sub(old, new, text, count=1)
    assert forged != text
    path.write_text(forged, encoding="utf-8")
    code, found = problems(run)
    assert code == 1
    named = [p for p in errors(found) if p["check"] == check]
    assert named and element in named[0]["message"], found
    assert named[0]["where"]["file"] == "reports/report.md" and named[0]["where"]["line"] > 0


def test_deleted_marker_is_named(hostile, run):
    text = report(hostile).read_text(encoding="utf-8")
    marker = re.search(r" <!-- claim project studies=\"4\"[^>]*-->", text).group(0)
    forge(hostile, marker, "")
    code, found = problems(run)
    assert code == 1
    changed = [p for p in found if p["check"] == "report-marker-changed"]
    assert changed and "is missing" in changed[0]["message"]
    assert 'section "Summary"' in changed[0]["message"]


def test_invented_blockquote_with_citation(hostile, run):
    path = report(hostile)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## Methods", '> "Peer work cured everyone." — '
                                 "[Cooper 2024](#study-1)\n\n## Methods", 1), encoding="utf-8")
    code, found = problems(run)
    assert code == 1
    assert {p["check"] for p in errors(found)} == {"report-unsourced-quote"}
    assert all("Peer work cured everyone." in p["message"] for p in errors(found))


def test_forged_edit_on_a_line_with_a_hostile_theme_name(hostile, run):
    # the theme named 'X <!-- claim statistic="x"' cannot swallow its line's real claim
    text = report(hostile).read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("| [X \\<!--"))
    forge(hostile, line, line.replace("| 3 |", "| 4 |", 1))
    code, found = problems(run)
    assert code == 1
    assert any(p["check"] == "report-differs" and 'column "Studies"' in p["message"]
               for p in found)


def test_deleted_report_is_an_error(hostile, run):
    report(hostile).unlink()
    code, found = problems(run)
    assert code == 1
    assert [(p["check"], p["where"]) for p in errors(found)] == [
        ("report-missing", {"file": "reports/report.md"})]


def test_removed_trailer_and_stale_report(hostile, run):
    text = report(hostile).read_text(encoding="utf-8")
    report(hostile).write_text(text.rsplit("<!-- thematic-report", 1)[0], encoding="utf-8")
    code, found = problems(run)
    assert code == 1 and [p["check"] for p in errors(found)] == ["report-marker-changed"]
    report(hostile).write_text(text, encoding="utf-8")
    assert run("theme", "rename", "evidence-gaps", "Gaps").exit_code == 0
    code, found = problems(run)
    assert code == 1 and "report-stale" in {p["check"] for p in found}
    assert run("report").exit_code == 0
    code, found = problems(run)
    assert code == 0 and not errors(found)


def test_unsourced_quote_in_a_hand_written_report(built_by_hand, run):
    (built_by_hand / "reports" / "notes.md").write_text(
        '<a id="excerpt-F001"></a>\n\n> "We were all cured." — [F001](#excerpt-F001)\n',
        encoding="utf-8")
    code, found = problems(run)
    assert code == 1
    assert [(p["check"], p["where"]["line"]) for p in errors(found)] == [
        ("report-unsourced-quote", 3)]


@pytest.fixture
def built_by_hand(project):
    from test_audit_fixtures import build

    build(project, report=False)
    return project


def test_visible_normalisation():
    from thematic.audit.rederive import compare, visible

    lines = visible("# T\n\n| A | B |\n|---|---:|\n| x \\| y | 3 <!-- claim a=\"1\" --> |\n")
    assert [(x.text, x.cells, x.markers, x.header) for x in lines][2] == (
        "| x | y | 3 |", ("x | y", "3"), ('<!-- claim a="1" -->',), ("A", "B"))
    assert compare("a  b\n", "a b\n") == []
    [diff] = compare("# S\nsaid 3 things\n", "# S\nsaid 4 things\n")
    assert diff["message"] == 'section "S": expected "said 3 things", found "said 4 things".'
