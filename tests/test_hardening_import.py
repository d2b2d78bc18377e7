"""Issue 18: hostile or damaged import files fail safe — one numbered line, exit 2, and the
project database byte-identical afterwards (or the file imported exactly)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import db_bytes

HEADER = b"id,study_id,text\n"


def refused(run, project: Path, code: str, *args: str) -> str:
    """Run a command that must fail with ``code``; return its one line."""
    before = db_bytes(project)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: [{code}] "), result.output
    assert result.output.count("\n") == 1, result.output
    assert "This is a bug" not in result.output
    assert db_bytes(project) == before
    return result.output


@pytest.fixture
def studied(run, tmp_path):
    (tmp_path / "s.csv").write_text("id,title\n1,A\n")
    assert run("import", "studies", tmp_path / "s.csv").exit_code == 0
    return run


def texts(run) -> list[str]:
    return [r["text"] for r in json.loads(run("excerpts", "list", "--json").output)]


def test_one_bad_byte_does_not_turn_utf8_into_cp1252(studied, project, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER + b"F1,1,Caf\xc3\xa9\nF2,1,bad \xff here\n")
    line = refused(studied, project, "E661", "import", "excerpts", path)
    assert "row 3 (byte offset 37, 0xFF)" in line


def test_bad_byte_after_the_first_64_kib_is_named_at_its_offset(studied, project, tmp_path):
    body = b"".join(b"F%d,1,Caf\xc3\xa9 number %d\n" % (i, i) for i in range(5000))
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER + body + b"G,1,x\xe9y\n")
    offset = len(HEADER + body) + len(b"G,1,x")
    line = refused(studied, project, "E661", "import", "excerpts", path)
    assert f"row 5002 (byte offset {offset}, 0xE9)" in line


def test_real_cp1252_is_still_read_as_cp1252(studied, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER + "F1,1,Café — naïve\n".encode("cp1252"))
    assert studied("import", "excerpts", path).exit_code == 0
    assert texts(studied) == ["Café — naïve"]


def test_ascii_then_cp1252_byte_past_the_sample_is_refused_not_garbled(studied, project,
                                                                       tmp_path):
    body = b"".join(b"F%d,1,plain %d\n" % (i, i) for i in range(6000))
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER + body + b"G,1,caf\xe9\n")
    assert studied("import", "excerpts", path).exit_code == 0  # cp1252: no UTF-8 anywhere
    assert "café" in texts(studied)


def test_unterminated_quote_names_the_row_where_it_opened(studied, project, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER + b'F1,1,ok\nF2,1,"open\nF3,1,b\nF4,1,c\n')
    line = refused(studied, project, "E664", "import", "excerpts", path)
    assert ", row 3: a quoted cell opened in that row is never closed" in line


def test_quote_closed_then_followed_by_text(studied, project, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER + b'F1,1,"open\nF2,1,"b"\nF3,1,c\n')
    line = refused(studied, project, "E664", "import", "excerpts", path)
    assert "row 2: a quoted cell opened in that row closes in row 3" in line


def test_multiline_quoted_cells_still_import_and_keep_their_first_row(studied, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER + b'F1,1,"two\nlines"\nF2,1,three\n')
    assert studied("import", "excerpts", path).exit_code == 0
    rows = json.loads(studied("excerpts", "list", "--json").output)
    assert [(r["text"], r["location"]) for r in rows] == [
        ("two\nlines", "row 2, column text"), ("three", "row 4, column text")]


def test_nul_byte_anywhere_is_refused(studied, project, tmp_path):
    body = b"".join(b"F%d,1,hello world\n" % i for i in range(5000))
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER + body + b"G,1,x\x00y\n")
    line = refused(studied, project, "E662", "import", "excerpts", path)
    assert f"row 5002 (byte offset {len(HEADER + body) + 5})" in line


def test_nul_through_an_explicit_encoding_is_refused(studied, project, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER + b"F1,1,x\x00y\n")
    line = refused(studied, project, "E663", "import", "excerpts", "--encoding", "latin-1",
                   path)
    assert "row 2, column 'text': the cell holds a NUL character" in line


@pytest.mark.parametrize("value,code,words", [
    ('"a\\u0000b"', "E663", "NUL character"),
    ('"a\\ud800b"', "E663", "lone surrogate"),
    ("9" * 5000, "E665", "a number is too long"),
    ("[" * 100_000 + "]" * 100_000, "E665", "nested too deeply"),
])
def test_jsonl_values_that_cannot_be_stored(studied, project, tmp_path, value, code, words):
    path = tmp_path / "f.jsonl"
    path.write_text('{"id": "J1", "study_id": "1", "text": "fine"}\n'
                    f'{{"id": "J2", "study_id": "1", "text": {value}}}\n')
    line = refused(studied, project, code, "import", "excerpts", path)
    assert "line 2" in line or "row 2" in line
    assert words in line


def test_bogus_encoding(studied, project, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER + b"F1,1,x\n")
    line = refused(studied, project, "E660", "import", "excerpts", "--encoding", "utf-9",
                   path)
    assert "Did you mean 'utf-8'?" in line


def test_a_one_megabyte_cell_imports_exactly(studied, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER + b'F1,1,"' + b"a" * 2**20 + b'"\n')
    assert studied("import", "excerpts", path).exit_code == 0
    assert texts(studied) == ["a" * 2**20]


def test_non_utf8_file_name_in_a_folder(studied, project, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "ok.txt").write_text("Hope grew.\n")
    try:
        with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as fh:
            fh.write(b"Role ambiguity.\n")
    except OSError:
        pytest.skip("the file system refuses non-UTF-8 names")
    line = refused(studied, project, "E666", "import", "excerpts", "--create-sources", folder)
    assert "b'caf\\xe9.txt'" in line


# The fast tier cuts a 15 KB text into 2,000-character windows; the full suite segments
# 1.5 MB, past spaCy's own 1,000,000-character limit, with the real window.
@pytest.mark.parametrize("lines, window", [(300, 2_000),
                                           pytest.param(30_000, None, marks=pytest.mark.slow)])
def test_sentence_segmentation_of_a_text_over_spacys_limit(lines, window, monkeypatch):
    from thematic.corpus import segment
    from thematic.corpus.segment import sentences

    if window:
        monkeypatch.setattr(segment, "WINDOW", window)
    text = "Hope grew in the group. Role ambiguity was common!\n" * lines
    spans = sentences(text)
    assert len(spans) == 2 * lines
    assert {text[s:e] for s, e in spans} == {"Hope grew in the group.",
                                            "Role ambiguity was common!"}


@pytest.mark.parametrize("args", [("excerpts", "list", "--limit", "-1"),
                                  ("log", "--limit", "-5"),
                                  ("network", "--top", "-1")])
def test_negative_counts(run, project, args):
    line = refused(run, project, "E669", *args)
    assert "is negative; give 0 or a positive number" in line


def test_boot_beyond_the_cap(run, project, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("unit,a,b\n1,1,1\n2,2,2\n")
    line = refused(run, project, "E207", "agree", "ratings", "--boot", "100000000", path)
    assert "more than the 100,000 thematic allows" in line


def _docx(path: Path, body_bytes: int) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("Hope grew in the group.")
    document.save(path)
    if body_bytes:
        import zipfile

        padded = path.with_suffix(".tmp")
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(padded, "w",
                                                           zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "word/document.xml":
                    data = data.replace(b"</w:body>", b"<!--" + b" " * body_bytes
                                        + b"--></w:body>")
                out.writestr(info, data, zipfile.ZIP_DEFLATED)
        padded.replace(path)
    return path


def test_docx_bomb_is_refused_before_parsing(studied, project, tmp_path, monkeypatch):
    from thematic.corpus import readers

    monkeypatch.setitem(readers.MAX_XML_BYTES, "DOCX", 2**20)
    path = _docx(tmp_path / "bomb.docx", 3 * 2**20)
    assert path.stat().st_size < 100_000  # three megabytes of XML compress to kilobytes
    line = refused(studied, project, "E670", "import", "excerpts", "--create-sources", path)
    assert "its XML would inflate to 3." in line and "over the limit of 1.0 MiB" in line


def test_docx_within_the_budget_imports(studied, tmp_path):
    path = _docx(tmp_path / "ok.docx", 0)
    assert studied("import", "excerpts", "--create-sources", path).exit_code == 0
    assert texts(studied) == ["Hope grew in the group."]


def test_xlsx_bomb_is_refused(studied, project, tmp_path, monkeypatch):
    import openpyxl

    from thematic.corpus import readers

    book = openpyxl.Workbook()
    book.active.append(["id", "study_id", "text"])
    for i in range(20_000):
        book.active.append([f"F{i}", "1", "the same long text " * 5])
    book.save(tmp_path / "big.xlsx")
    monkeypatch.setitem(readers.MAX_XML_BYTES, "XLSX", 2**20)
    line = refused(studied, project, "E670", "import", "excerpts", tmp_path / "big.xlsx")
    assert "its XML would inflate to" in line and "over the limit of 1.0 MiB" in line


def test_reader_warnings_are_counted_not_printed():
    import warnings

    from thematic.corpus.readers import _quietly

    def noisy():
        for i in range(10_000):
            warnings.warn(f"cell A{i}: extension dropped", UserWarning, stacklevel=1)
            yield i

    notices = {"count": 0, "examples": []}
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        assert sum(_quietly(noisy(), notices)) == sum(range(10_000))
    assert leaked == []
    assert notices == {"count": 10_000, "examples": ["cell A0: extension dropped",
                                                     "cell A1: extension dropped",
                                                     "cell A2: extension dropped"]}


@pytest.mark.parametrize("args,text,code", [
    (("codebook", "import"), b'id,name\na,"open\nb,B\n', "E664"),
    (("codebook", "import"), b"id,name\na,A\x00\n", "E662"),
    (("agree", "ratings"), b'unit,a,b\n1,"x\n2,y,y\n', "E664"),
    (("import", "studies", "--encoding", "utf-16"), b"id,title\n1,x\n", "E016"),
])
def test_other_sheets_are_strict_too(run, project, tmp_path, args, text, code):
    path = tmp_path / "sheet.csv"
    path.write_bytes(text)
    line = refused(run, project, code, *args, path)
    assert "row 2" in line or "row 1" in line


def test_an_argument_that_is_not_utf8(run, project):
    line = refused(run, project, "E669", "trace", os.fsdecode(b"\xff"))
    assert "'\\\\xff' is not valid UTF-8" in line
