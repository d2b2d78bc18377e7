"""User templates (one block overridden, partials, the sandbox), rooms that are missing, and
every bad input of `thematic report`: its error number, exit status 2, nothing written."""

from __future__ import annotations

import hashlib

import pytest
from test_report_fixtures import build


@pytest.fixture
def built(project):
    build(project)
    return project


def _db(project) -> str:
    return hashlib.sha256((project / ".thematic" / "project.db").read_bytes()).hexdigest()


def test_override_one_block(built, run, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.md.j2").write_text(
        '{% extends "default/report.md.j2" %}\n'
        "{% block methods %}\n## How we worked\n\nTwo reviewers read "
        "{{ project.studies }} studies.\n\n{{ super() }}{% endblock %}\n", encoding="utf-8")
    result = run("report", "--template", mine, "--out", built / "reports" / "mine.md")
    assert result.exit_code == 0, result.output
    text = (built / "reports" / "mine.md").read_text(encoding="utf-8")
    assert "## How we worked\n\nTwo reviewers read 4 studies.\n\n## Methods\n" in text
    assert "### 1. Personal recovery" in text and "## References" in text


def test_override_a_partial_and_the_colon_prefix(built, run, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "_theme.md.j2").write_text(
        '<a id="{{ theme.anchor }}"></a>\n### {{ theme.name }}: {{ theme.studies }} '
        "studies\n", encoding="utf-8")
    (mine / "report.md.j2").write_text('{% extends "default:report.md.j2" %}\n',
                                       encoding="utf-8")
    result = run("report", "--template", mine)
    assert result.exit_code == 0, result.output
    text = (built / "reports" / "report.md").read_text(encoding="utf-8")
    assert "### Role ambiguity \\| stigma \\{\\{ 7\\*7 \\}\\}: 2 studies\n" in text
    assert "**Prevalence.**" not in text


def test_a_single_template_file(built, run, tmp_path):
    one = tmp_path / "short.md.j2"
    one.write_text("# {{ report.title }}\n\n{% for t in themes %}- {{ t.name }}\n"
                   "{% endfor %}", encoding="utf-8")
    result = run("report", "--template", one, "--out", built / "reports" / "short.md")
    assert result.exit_code == 0, result.output
    body, trailer = (built / "reports" / "short.md").read_text(encoding="utf-8").rsplit(
        "<!-- thematic-report ", 1)
    assert body == ("# Thematic synthesis\n\n- Personal recovery\n- Role ambiguity \\| "
                    "stigma \\{\\{ 7\\*7 \\}\\}\n- Evidence gaps\n")
    assert trailer.startswith('seq="') and trailer.endswith(" -->\n")
    # a user's own template is re-rendered by audit like the default one
    assert run("audit").exit_code == 0


@pytest.mark.parametrize("source, code, words", [
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "E356", "unsafe"),
    ("{% for t in themes %}\n{{ t.name }\n", "E352", "line 2"),
    ("{{ no_such_thing.name }}", "E357", "no_such_thing"),
    ('{% include "missing.md.j2" %}', "E355", "missing.md.j2"),
])
def test_bad_templates(built, run, tmp_path, source, code, words):
    mine = tmp_path / "bad"
    mine.mkdir()
    (mine / "report.md.j2").write_text(source, encoding="utf-8")
    before = _db(built)
    result = run("report", "--template", mine)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: [{code}] ") and words in result.output
    assert not (built / "reports" / "report.md").exists()
    assert not (built / "reports" / "report").exists()
    assert _db(built) == before


def test_a_failed_render_leaves_the_old_report(built, run, tmp_path):
    assert run("report").exit_code == 0
    old = (built / "reports" / "report.md").read_bytes()
    bad = tmp_path / "bad.md.j2"
    bad.write_text("{{ 1/0 }}", encoding="utf-8")
    result = run("report", "--template", bad, "--out", built / "reports" / "report.md")
    assert result.exit_code == 2 and "[E357]" in result.output
    assert (built / "reports" / "report.md").read_bytes() == old


@pytest.mark.parametrize("args, code, words", [
    (["--template", "defualt"], "E350", "Did you mean 'default'?"),
    (["--themes", "personal-recovry"], "E353", "Did you mean 'personal-recovery'?"),
    (["--out", "reports"], "E360", "is a folder"),
])
def test_bad_options(built, run, args, code, words, monkeypatch):
    monkeypatch.chdir(built)
    before = _db(built)
    result = run("report", *args)
    assert (result.exit_code, result.output.startswith(f"Error: [{code}] ")) == (2, True)
    assert words in result.output
    assert not (built / "reports" / "report.md").exists()
    assert _db(built) == before


def test_folder_without_entry_template(built, run, tmp_path):
    result = run("report", "--template", tmp_path)
    assert result.exit_code == 2 and "[E351]" in result.output
    assert "has no report.md.j2" in result.output


def test_empty_project(project, run):
    result = run("report")
    assert result.exit_code == 2
    assert result.output.startswith("Error: [E354] Nothing to report")


def test_rooms_that_refuse_are_said_not_faked(built, monkeypatch):
    """When the network, agreement and themes rooms give no result (a catalogued error),
    the report says so in their sections instead of leaving them out."""
    from thematic.project import open_store
    from thematic.report import components, render

    def refused(what):
        return lambda *a, **k: components.Outcome(note=f"{what} is not available: refused.")

    monkeypatch.setattr(components, "theme_network", refused("The theme co-occurrence network"))
    monkeypatch.setattr(components, "agreement", refused("Inter-coder agreement"))
    with open_store(built) as store:
        text = render(store, built / "reports" / "r.md").read_text(encoding="utf-8")
    assert ("**Co-occurring themes.** The theme co-occurrence network is not available: "
            "refused.\n") in text
    assert "Figure 1 (Theme co-occurrence network) is not included: The theme" in text
    assert "![Themes across studies](r/theme-study-heatmap.png)" in text
    assert "Inter-coder agreement is not available: refused.\n" in text

    monkeypatch.setattr(components, "themes", refused("The themes room"))
    with open_store(built) as store:
        text = render(store, built / "reports" / "r.md").read_text(encoding="utf-8")
    assert "The themes room is not available: refused." in text
    assert "## Themes" not in text and "## Figures" not in text
    # the evidence-gaps code still names its excerpts, and they still get their anchors
    assert "- The code Evidence gaps gathers 1 excerpt from 1 study: [F7](#excerpt-F7)." in text
    assert "### Excerpt → study\n\n- <a id=\"excerpt-F7\"></a>**F7**" in text
