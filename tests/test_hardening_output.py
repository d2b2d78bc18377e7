"""Issue 18: what thematic writes — templates confined to their folder, outputs that are
devices, and CSV cells a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
import os
import stat

import pytest
from test_hardening_import import refused
from test_report_fixtures import build


@pytest.fixture
def built(project):
    build(project)
    return project


def test_template_that_is_not_a_template_file(built, run, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0\n")
    out = tmp_path / "r.md"
    line = refused(run, built, "E673", "report", "--template", secret, "--out", out)
    assert "a template file's name ends in .j2" in line
    assert not out.exists()


def test_template_file_linking_outside(built, run, tmp_path):
    secret = tmp_path / "secret.md.j2"
    secret.write_text("root:x:0:0\n")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.md.j2").symlink_to(secret)
    line = refused(run, built, "E673", "report", "--template", mine / "report.md.j2",
                   "--out", tmp_path / "r.md")
    assert f"it is a link to {secret}, outside its folder" in line


def test_template_folder_entry_linking_outside(built, run, tmp_path):
    secret = tmp_path / "outside.md.j2"
    secret.write_text("root:x:0:0\n")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.md.j2").symlink_to(secret)
    line = refused(run, built, "E673", "report", "--template", mine, "--out",
                   tmp_path / "r.md")
    assert f"it leads to {secret}, outside the template folder {mine}" in line


def test_included_partial_linking_outside(built, run, tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0\n")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.md.j2").write_text('{% include "leak.md.j2" %}\n')
    (mine / "leak.md.j2").symlink_to(secret)
    out = tmp_path / "r.md"
    line = refused(run, built, "E673", "report", "--template", mine, "--out", out)
    assert "leak.md.j2: it leads to" in line
    assert not out.exists()


def test_links_inside_the_folder_are_fine(built, run, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "real.md.j2").write_text("# Mine\n")
    (mine / "report.md.j2").write_text('{% include "alias.md.j2" %}\n')
    (mine / "alias.md.j2").symlink_to(mine / "real.md.j2")
    result = run("report", "--template", mine, "--out", tmp_path / "r.md")
    assert result.exit_code == 0, result.output
    # the template's text, then the trailer every report ends with (see `thematic audit`)
    assert (tmp_path / "r.md").read_text().startswith("# Mine\n<!-- thematic-report ")


@pytest.fixture
def device(tmp_path):
    """A character device like /dev/full, made where the test cannot harm the machine."""
    path = tmp_path / "full"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except (PermissionError, OSError):
        pytest.skip("cannot make a device node here")
    return path


@pytest.mark.parametrize("args", [("report", "--out"), ("code", "export", "--out")])
def test_out_to_a_device_is_refused(built, run, device, args):
    line = refused(run, built, "E672", *args, device)
    assert f"Cannot write {device} (it is not a regular file (a device or pipe))" in line
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_out_below_a_file(built, run, tmp_path):
    (tmp_path / "afile").write_text("x")
    line = refused(run, built, "E672", "code", "export", "--out", tmp_path / "afile" / "x.csv")
    assert f"{tmp_path / 'afile'} is in the way of its folder" in line


def test_formula_cells_are_escaped_and_read_back(tmp_path):
    from thematic.files import formula_safe, formula_unsafe

    cells = ["=HYPERLINK(\"http://x\")", "+1+1", "-cmd", "@SUM(A1)", "\t=1", "-0.5", "+3",
             "1e5", "plain", "a=b"]
    safe = [formula_safe(c) for c in cells]
    assert safe == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-cmd", "'@SUM(A1)", "'\t=1",
                    "-0.5", "+3", "1e5", "plain", "a=b"]
    assert [formula_unsafe(c) for c in safe] == cells


def test_codebook_csv_export_escapes_and_keep_formulas_turns_it_off(run, project, tmp_path):
    book = tmp_path / "b.csv"
    book.write_text('id,name,definition\nhope,Hope,"=HYPERLINK(""http://evil"",""x"")"\n')
    assert run("codebook", "import", book).exit_code == 0
    out = run("codebook", "export", "b", "--format", "csv")
    row = list(csv.reader(io.StringIO(out.output)))[1]
    assert row[4] == "'=HYPERLINK(\"http://evil\",\"x\")"
    kept = run("--keep-formulas", "codebook", "export", "b", "--format", "csv")
    assert list(csv.reader(io.StringIO(kept.output)))[1][4] == \
        "=HYPERLINK(\"http://evil\",\"x\")"
    again = tmp_path / "again.csv"
    again.write_text(out.output)
    from thematic.codebook.io import read_csv

    assert read_csv(again).codes[0]["definition"] == "=HYPERLINK(\"http://evil\",\"x\")"
