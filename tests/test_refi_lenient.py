"""REFI-QDA files in the shapes other programs write import leniently (a warning per thing
skipped); offsets that do not fit their text are refused naming the selection."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, db_bytes

LENIENT = DATA / "refi-lenient"


def pack(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(folder).as_posix())
    return target


def imported(run, path: Path) -> dict:
    out = run("import", "qdpx", path, "--json")
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def test_plain_text_path_without_internal_scheme(run, tmp_path):
    result = imported(run, pack(LENIENT / "board", tmp_path / "board.qdpx"))
    assert (result["excerpts_added"], result["codings_added"], result["coders"]) == (
        1, 2, ["Alice Smith"])
    listed = json.loads(run("code", "list", "--json").output)
    spans = sorted((c["code_id"], c["start"], c["end"]) for c in listed)
    assert spans == [("funding", 0, 30), ("peer-workforce", 32, 69)]
    assert result["warnings"] == []


def test_codebook_chosen_by_content_not_extension(run):
    out = run("codebook", "import", LENIENT / "codebook.qdc.xml", "--json")
    assert out.exit_code == 0, out.output
    assert (json.loads(out.output)["name"], json.loads(out.output)["codes"]) == ("codebook", 2)
    shown = json.loads(run("codebook", "show", "--json").output)
    assert [c["id"] for c in shown["codes"]] == ["funding", "peer-workforce"]
    assert shown["codes"][0]["definition"] == "Money for peer support"


def test_bare_qde_reads_inline_texts_and_skips_the_rest(run):
    result = imported(run, LENIENT / "bare.qde")
    assert (result["excerpts_added"], result["codings_added"]) == (1, 1)
    assert len(result["warnings"]) == 1
    assert "<TextSource name=\"interview-2\">: its text 'internal://33333333-0000-4000-8000-" \
           "000000000003.txt' is in the .qdpx archive, not in this .qde; skipped with its " \
           "codings" in result["warnings"][0]


def test_project_without_sources_keeps_codebook_cases_and_notes(run, tmp_path):
    out = run("import", "qdpx", pack(LENIENT / "f4", tmp_path / "f4.qdpx"))
    assert out.exit_code == 0, out.output
    warnings = [line for line in out.output.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 2
    assert "<TextSource name=\"site-a.rtf\">: its text 'site-a.txt' is not in the " \
           "archive's sources/ folder; skipped with its codings" in warnings[0]
    assert "site-b.rtf" in warnings[1]
    assert out.output.splitlines()[-1].endswith(
        "f4.qdpx: 2 studies and 0 excerpts added (0 already present), codebook f4-study 1 "
        "(2 codes), 0 codings by 0 coders, 1 memo, 0 themes.")
    studies = json.loads(run("studies", "list", "--json").output)
    assert {s["id"]: s["country"] for s in studies} == {
        "site-a": "Germany", "site-b": None}


def test_selection_over_other_words_is_refused_naming_it(run, project, tmp_path):
    qde = (LENIENT / "board" / "project.qde").read_text(encoding="utf-8")
    qde = qde.replace('origin="MinutesQDA 2.1"', 'origin="thematic 0.1"').replace(
        'name="sel 2"', 'name="Two peer workers were hired in March."').replace(
        'name="sel 1"', 'name="The board cut the peer budget."').replace(
        'startPosition="32" endPosition="69"', 'startPosition="30" endPosition="67"')
    folder = tmp_path / "shifted"
    (folder / "sources").mkdir(parents=True)
    (folder / "project.qde").write_text(qde, encoding="utf-8")
    (folder / "sources" / "board_2017.txt").write_text(
        (LENIENT / "board" / "sources" / "board_2017.txt").read_text(), encoding="utf-8")
    before = db_bytes(project)
    out = run("import", "qdpx", pack(folder, tmp_path / "shifted.qdpx"))
    assert out.exit_code == 2
    assert out.output == (
        f"Error: [E541] {tmp_path / 'shifted.qdpx'}:project.qde: the selection \"Two peer "
        "workers were hired in March.\" (guid 44444444-0000-4000-8000-000000000002) "
        "(30–67) does not fit its source text 'board_2017.txt' (70 characters): the text "
        "is not the one it was coded on. Export the project again with its sources, in "
        "UTF-8.\n")
    assert db_bytes(project) == before


@pytest.mark.parametrize("name", ["codebook.qdc.xml"])
def test_refi_root_sniffing(name, tmp_path):
    from thematic.interop.sniff import refi_root

    assert refi_root(LENIENT / name) == "CodeBook"
    assert refi_root(LENIENT / "bare.qde") == "Project"
    (tmp_path / "codes.csv").write_text("id,name\nhope,Hope\n")
    assert refi_root(tmp_path / "codes.csv") is None
