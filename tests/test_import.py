"""Corpus import: every reader, re-import behaviour, and every bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import db_bytes

STUDIES = "id,first_author,year,title,journal,extra\n1,Cooper,2024,\"Peer support, a review\",BMC,x\n15,Smith,2022,Roles,J,\n"
FINDINGS = "id,study_id,finding,section\nF1,1,Hope grew in groups.,Outcomes\nF2,15,Role ambiguity was common.,Barriers\n"


def write(path: Path, text: str | bytes, encoding: str = "utf-8") -> Path:
    if isinstance(text, str):
        text = text.encode(encoding)
    path.write_bytes(text)
    return path


@pytest.fixture
def studied(run, tmp_path):
    result = run("import", "studies", write(tmp_path / "studies.csv", STUDIES))
    assert result.exit_code == 0, result.output
    return run


def excerpts_json(run, *args):
    result = run("excerpts", "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_import_studies_and_excerpts(studied, tmp_path):
    result = studied("import", "excerpts", write(tmp_path / "f.csv", FINDINGS))
    assert result.output == f"{tmp_path}/f.csv: 2 excerpts added, 0 unchanged, 0 changed.\n"
    rows = excerpts_json(studied, "--source", "15")
    assert [(r["id"], r["source_id"], r["text"], r["location"], r["start"], r["end"])
            for r in rows] == [("F2", "15", "Role ambiguity was common.",
                                "row 3, column finding", 0, 26)]
    assert rows[0]["attributes"] == {"section": "Barriers"}
    assert len(rows[0]["sha256"]) == 64
    studies = json.loads(studied("studies", "list", "--json").output)
    assert studies[0]["title"] == "Peer support, a review"
    assert studies[0]["attributes"] == {"extra": "x"}


def test_status_counts(studied, tmp_path):
    studied("import", "excerpts", write(tmp_path / "f.csv", FINDINGS))
    counts = json.loads(studied("status", "--json").output)
    assert (counts["studies"], counts["excerpts"], counts["files"]) == (2, 2, 2)


def test_reimport_adds_nothing_and_edit_warns(studied, tmp_path):
    path = write(tmp_path / "f.csv", FINDINGS)
    studied("import", "excerpts", path)
    again = studied("import", "excerpts", path)
    assert again.output == f"{path}: already imported; nothing added.\n"
    write(path, FINDINGS.replace("was common", "was very common")
          + "F3,15,Supervision helped.,Facilitators\n")
    edited = studied("import", "excerpts", path)
    assert "1 excerpt added, 1 unchanged, 1 changed" in edited.output
    assert "1 excerpt with text changed since the last import, kept as stored: F2" in edited.output
    texts = {r["id"]: r["text"] for r in excerpts_json(studied)}
    assert texts == {"F1": "Hope grew in groups.", "F2": "Role ambiguity was common.",
                     "F3": "Supervision helped."}


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                          ("utf-16", b""), ("cp1252", b"")])
def test_encodings(studied, tmp_path, encoding, bom):
    text = FINDINGS.replace("Hope grew", "Hope grew — naïvely")
    path = write(tmp_path / "f.csv", bom + text.encode(encoding))
    assert studied("import", "excerpts", path).exit_code == 0
    assert excerpts_json(studied)[0]["text"] == "Hope grew — naïvely in groups."


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_sniffed_delimiters(studied, tmp_path, delimiter):
    text = FINDINGS.replace(",", delimiter)
    path = write(tmp_path / "f.txt_table", text)
    assert studied("import", "excerpts", path, "--format", "csv").exit_code == 0
    assert len(excerpts_json(studied)) == 2


def test_tsv_xlsx_jsonl(studied, tmp_path):
    import openpyxl

    write(tmp_path / "a.tsv", "id\tstudy_id\ttext\nT1\t1\tTab text.\n")
    book = openpyxl.Workbook()
    book.active.title = "ignored"
    sheet = book.create_sheet("extraction")
    sheet.append(["finding_id", "study", "finding", "year"])
    sheet.append(["X1", 15, "Excel text.", 2022.0])
    book.save(tmp_path / "b.xlsx")
    write(tmp_path / "c.jsonl", json.dumps({"id": "J1", "study_id": "1", "text": "Json text.",
                                            "tags": ["a"]}) + "\n\n")
    assert studied("import", "excerpts", tmp_path / "a.tsv").exit_code == 0
    result = studied("import", "excerpts", tmp_path / "b.xlsx", "--sheet", "extraction",
                     "--id-column", "finding_id", "--source-column", "study")
    assert result.exit_code == 0, result.output
    assert studied("import", "excerpts", tmp_path / "c.jsonl").exit_code == 0
    got = {r["id"]: (r["source_id"], r["text"], r["location"], r["attributes"])
           for r in excerpts_json(studied)}
    assert got == {
        "T1": ("1", "Tab text.", "row 2, column text", {}),
        "X1": ("15", "Excel text.", "sheet extraction, row 2, column finding",
               {"year": "2022"}),
        "J1": ("1", "Json text.", "row 1, column text", {"tags": "[\"a\"]"}),
    }


def test_documents_txt_md_docx(run, tmp_path):
    import docx

    write(tmp_path / "int-01.txt", "Interviewer: How was it?\n\nParticipant: My role was "
          "unclear at first.\nThen it settled.\n\n\n")
    write(tmp_path / "int-02.md", "# Warm-up\n\nWe met online.\n\n## Later\n\nThe forum "
          "helped.\n")
    document = docx.Document()
    document.add_heading("Team lead", level=1)
    document.add_paragraph("Supervision mattered.")
    document.add_paragraph("")
    document.add_paragraph("Burnout was a risk.")
    document.save(tmp_path / "int-03.docx")
    result = run("import", "excerpts", tmp_path / "int-01.txt", tmp_path / "int-02.md",
                 tmp_path / "int-03.docx")
    assert result.exit_code == 0, result.output
    assert result.output.count("2 excerpts added, 0 unchanged, 0 changed, 1 source created.") == 3
    rows = excerpts_json(run)
    got = [(r["source_id"], r["text"], r["location"], r["attributes"]) for r in rows]
    assert got == [
        ("int-01", "Interviewer: How was it?", "paragraph 1",
         {"paragraph": 1, "speaker": "Interviewer"}),
        ("int-01", "Participant: My role was unclear at first.\nThen it settled.",
         "paragraph 2", {"paragraph": 2, "speaker": "Participant"}),
        ("int-02", "We met online.", "paragraph 1", {"paragraph": 1, "section": "Warm-up"}),
        ("int-02", "The forum helped.", "paragraph 2", {"paragraph": 2, "section": "Later"}),
        ("int-03", "Supervision mattered.", "paragraph 1",
         {"paragraph": 1, "section": "Team lead"}),
        ("int-03", "Burnout was a risk.", "paragraph 2",
         {"paragraph": 2, "section": "Team lead"}),
    ]
    original = (tmp_path / "int-01.txt").read_text()
    second = rows[1]
    assert original[second["start"]:second["end"]] == second["text"]


def test_sentence_segmentation(studied, tmp_path):
    path = write(tmp_path / "f.csv", "id,study_id,text\nS1,1,Hope grew. Isolation fell.\n")
    assert studied("import", "excerpts", path, "--segment", "sentence").exit_code == 0
    rows = excerpts_json(studied)
    assert [(r["id"], r["text"], r["start"], r["end"]) for r in rows] == [
        ("S1.1", "Hope grew.", 0, 10), ("S1.2", "Isolation fell.", 11, 26)]


def test_content_ids_are_stable(studied, tmp_path):
    path = write(tmp_path / "f.csv", "study_id,text\n1,Same words.\n15,Other words.\n")
    studied("import", "excerpts", path)
    first = [r["id"] for r in excerpts_json(studied)]
    write(path, "study_id,text,note\n15,Other words.,n\n1,Same words.,\n")
    studied("import", "excerpts", path)
    assert [r["id"] for r in excerpts_json(studied)] == first
    assert first[0].startswith("1-")


# --- bad input: one clear error line, exit 2, database byte-identical ---------------------

def bad(run, project, *args):
    before = db_bytes(project)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert db_bytes(project) == before
    assert result.output.startswith("Error: [E") and result.output.count("\n") == 1, \
        result.output
    return result.output


def test_empty_file(studied, project, tmp_path):
    out = bad(studied, project, "import", "excerpts", write(tmp_path / "e.csv", ""))
    assert "[E011]" in out and "e.csv is empty" in out


def test_header_only(studied, project, tmp_path):
    out = bad(studied, project, "import", "excerpts", write(tmp_path / "h.csv",
                                                            "id,study_id,text\n"))
    assert "[E012]" in out


def test_missing_text_column_lists_columns(studied, project, tmp_path):
    path = write(tmp_path / "f.csv", FINDINGS)
    out = bad(studied, project, "import", "excerpts", path, "--text-column", "quote")
    assert out == ("Error: [E013] " + str(path) + ": no column 'quote' (use --text-column). "
                   "Columns in the file: id, study_id, finding, section.\n")


def test_duplicate_study_ids(run, project, tmp_path):
    path = write(tmp_path / "s.csv", STUDIES + "15,Other,2021,T,J,\n")
    out = bad(run, project, "import", "studies", path)
    assert "row 4: id '15' is used again (first at row 3)" in out


def test_duplicate_excerpt_ids(studied, project, tmp_path):
    path = write(tmp_path / "f.csv", FINDINGS + "F1,15,Another text.,X\n")
    out = bad(studied, project, "import", "excerpts", path)
    assert "[E014]" in out and "row 4: id 'F1'" in out


def test_unknown_study(run, project, tmp_path):
    path = write(tmp_path / "f.csv", FINDINGS)
    out = bad(run, project, "import", "excerpts", path)
    assert "row 2, column 'study_id': study '1' is not in the project" in out
    assert run("import", "excerpts", path, "--create-sources").exit_code == 0
    assert len(excerpts_json(run)) == 2


def test_undecodable_bytes(studied, project, tmp_path):
    # 0x81 is undefined in cp1252 and invalid as UTF-8: no encoding we guess can read it.
    path = write(tmp_path / "f.csv", FINDINGS.encode() + b"F9,1,bad \x81\x8d byte,X\n")
    out = bad(studied, project, "import", "excerpts", path)
    assert "[E016]" in out and "--encoding" in out


def test_wrong_explicit_encoding_names_row(studied, project, tmp_path):
    path = write(tmp_path / "f.csv", FINDINGS.replace("Hope", "Höpe"), "cp1252")
    out = bad(studied, project, "import", "excerpts", path, "--encoding", "utf-8")
    assert "[E016]" in out and "as utf-8" in out


def test_xlsx_that_is_csv(studied, project, tmp_path):
    out = bad(studied, project, "import", "excerpts", write(tmp_path / "f.xlsx", FINDINGS))
    assert "is not an Excel workbook: it looks like CSV text" in out
    assert "--format csv" in out


def test_path_does_not_exist(studied, project, tmp_path):
    out = bad(studied, project, "import", "excerpts", tmp_path / "nope.csv")
    assert "[E010]" in out and "nope.csv does not exist" in out


def test_folder_of_mixed_files(studied, project, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    write(folder / "f.csv", FINDINGS)
    write(folder / "notes.pdf", b"%PDF-1.4")
    out = bad(studied, project, "import", "excerpts", folder)
    assert "1 file(s) of unsupported types in the folder (notes.pdf)" in out
    result = studied("import", "excerpts", folder, "--skip-unsupported")
    assert result.exit_code == 0 and "notes.pdf: skipped" in result.output


def test_binary_file(studied, project, tmp_path):
    out = bad(studied, project, "import", "excerpts",
              write(tmp_path / "f.csv", b"id,text\n\x00\x01\x02\x00\xff\x00"))
    assert "[E023]" in out


def test_failure_in_second_file_keeps_first_out(studied, project, tmp_path):
    good = write(tmp_path / "good.csv", FINDINGS)
    broken = write(tmp_path / "broken.csv", "id,study_id,text\nB1,99,x\n")
    bad(studied, project, "import", "excerpts", good, broken)
    assert excerpts_json(studied) == []


def test_interrupt_rolls_back(store, project, tmp_path):
    from thematic.corpus.importer import import_excerpts, import_studies

    import_studies(store, write(tmp_path / "s.csv", STUDIES))
    rows = "".join(f"F{i},1,Finding number {i}.,X\n" for i in range(12000))
    path = write(tmp_path / "big.csv", "id,study_id,text,section\n" + rows)
    before = store.scalar("SELECT COUNT(*) FROM events")
    seen = []

    def interrupt(n: int) -> None:  # Ctrl-C arrives after the first chunk is written
        seen.append(n)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_excerpts(store, [path], progress=interrupt)
    assert store.scalar("SELECT COUNT(*) FROM excerpts") == 0
    assert store.scalar("SELECT COUNT(*) FROM files") == 1
    assert store.scalar("SELECT COUNT(*) FROM events") == before
