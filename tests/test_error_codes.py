"""Catalogued errors no other test reached: each from the command (or function) a user
would run, with its number and its words."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from thematic.cli.main import cli
from thematic.errors import ThematicError


def _error(result) -> str:
    assert result.exit_code == 2, result.output
    return result.output


def test_e015_study_not_in_the_project(run, project):
    sheet = project / "f.csv"
    sheet.write_text("id,study_id,text\nF1,S9,Peer workers gave hope.\n", encoding="utf-8")
    out = _error(run("import", "excerpts", sheet))
    assert out.startswith("Error: [E015] ") and "study 'S9' is not in the project" in out


def test_e018_unsupported_file_type(run, project):
    (project / "notes.pdf").write_bytes(b"%PDF-1.4")
    out = _error(run("import", "excerpts", project / "notes.pdf", "--create-sources"))
    assert out.startswith("Error: [E018] ") and "unsupported file type '.pdf'" in out


def test_e020_jsonl_line_that_is_not_json(run, project):
    lines = project / "f.jsonl"
    lines.write_text('{"id": "F1", "study_id": "S1", "text": "Hope."}\n{"id": \n',
                     encoding="utf-8")
    out = _error(run("import", "excerpts", lines, "--create-sources"))
    assert out.startswith("Error: [E020] ") and "line 2: not valid JSON" in out


def test_e021_year_that_is_not_a_year(run, project):
    sheet = project / "s.csv"
    sheet.write_text("study_id,first_author,year,title\nS1,Cooper,soon,Peer work\n",
                     encoding="utf-8")
    out = _error(run("import", "studies", sheet))
    assert out.startswith("Error: [E021] ") and "'soon' is not a year" in out


def test_e024_document_without_text(run, project):
    # A Markdown file of headings only: headings label passages, they are not passages.
    (project / "empty.md").write_text("# Interview\n\n## Part one\n", encoding="utf-8")
    out = _error(run("import", "excerpts", project / "empty.md", "--create-sources"))
    assert out.startswith("Error: [E024] ") and "the document has no text to import" in out


def test_e040_demo_into_a_folder_in_use(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    out = _error(CliRunner().invoke(cli, ["demo", str(tmp_path / "mine")]))
    assert out.startswith("Error: [E040] DIR: ") and "exists and is not empty" in out


def test_e050_demo_step_that_fails_names_the_step(tmp_path, monkeypatch):
    from thematic.corpus import importer

    def refuse(*args, **kwargs):
        raise ThematicError("E011", path=Path("studies.csv"))

    monkeypatch.setattr(importer, "import_studies", refuse)
    out = _error(CliRunner().invoke(cli, ["demo", str(tmp_path / "d")]))
    assert out.startswith("Error: [E050] ") and "import studies" in out
    assert "studies.csv is empty" in out


def test_e109_codebook_of_an_unknown_kind(run, project):
    (project / "book.txt").write_text("codes: []\n", encoding="utf-8")
    out = _error(run("codebook", "load", project / "book.txt"))
    assert out.startswith("Error: [E109] ") and "not a codebook that thematic can read" in out


def test_e359_report_format_unknown(store, tmp_path):
    from thematic.report import render

    with pytest.raises(ThematicError) as caught:
        render(store, tmp_path / "r.pdf", fmt="pdf")
    assert caught.value.code == "E359"
    assert caught.value.message.startswith("--format 'pdf': use one of ")
