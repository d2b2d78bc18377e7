"""Untrusted REFI-QDA input: each bad file gets its numbered error, exit status 2 and leaves
the project database as it was."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import db_bytes

OK_QDE = """<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p">
<CodeBook><Codes><Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="Hope" isCodable="true"/>
</Codes></CodeBook>
<Sources><TextSource guid="eeeeeeee-0000-0000-0000-000000000001" name="doc" {path}>{inner}
</TextSource></Sources></Project>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="&lol3;" isCodable="true"/>
</Codes></CodeBook>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>"""


def qde(path: str = 'plainTextPath="internal://doc.txt"', inner: str = "") -> str:
    return OK_QDE.format(path=path, inner=inner)


def make_zip(path: Path, entries: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


@pytest.fixture
def importer(run, project):
    """run("import", "qdpx", FILE), checking that a failure changed nothing."""
    from thematic.cli.imports import import_
    from thematic.cli.interop import qdpx_command

    if "qdpx" not in import_.commands:  # until the lead wires it into `thematic import`
        import_.add_command(qdpx_command, "qdpx")

    def attempt(path: Path, code: str) -> str:
        before = db_bytes(project)
        result = run("import", "qdpx", path)
        assert result.exit_code == 2, result.output
        assert result.output.startswith(f"Error: [{code}] "), result.output
        assert result.output.count("\n") == 1
        assert db_bytes(project) == before
        return result.output

    return attempt


def test_a_good_file_imports(importer, run, tmp_path):
    path = make_zip(tmp_path / "ok.qdpx", {"project.qde": qde(), "sources/doc.txt": "Some text"})
    assert run("import", "qdpx", path).exit_code == 0


def test_billion_laughs_is_refused(store, tmp_path):
    from thematic.errors import ThematicError
    from thematic.interop.refi import import_qdc

    path = tmp_path / "laughs.qdc"
    path.write_text(LAUGHS, encoding="utf-8")
    events = len(list(store.events()))
    with pytest.raises(ThematicError) as err:
        import_qdc(store, path)
    assert err.value.code == "E451" and err.value.exit_code == 2
    assert "declares a DTD (<!DOCTYPE lolz>)" in err.value.message
    assert len(list(store.events())) == events


def test_external_entity_is_refused(importer, tmp_path):
    path = make_zip(tmp_path / "xxe.qdpx", {"project.qde": XXE})
    assert "refuses DTDs and entity declarations" in importer(path, "E451")


def test_external_dtd_is_not_fetched(tmp_path):
    from thematic.errors import ThematicError
    from thematic.interop.refi import read_qdc

    path = tmp_path / "remote.qdc"
    path.write_text('<?xml version="1.0"?><!DOCTYPE CodeBook SYSTEM "http://127.0.0.1:9/x.dtd">'
                    "<CodeBook/>", encoding="utf-8")
    with pytest.raises(ThematicError) as err:
        read_qdc(path)
    assert err.value.code == "E451"


@pytest.mark.parametrize("entry, problem", [
    ("../evil.txt", "climbs out of the archive with '..'"),
    ("sources/../../evil.txt", "climbs out of the archive with '..'"),
    ("/etc/evil.txt", "has an absolute path"),
    ("C:/evil.txt", "has an absolute path"),
    ("sources\\..\\evil.txt", "uses backslashes in its path"),
])
def test_entries_leaving_the_folder_are_refused(importer, tmp_path, entry, problem):
    path = make_zip(tmp_path / "slip.qdpx", {"project.qde": qde(), "sources/doc.txt": "x",
                                             entry: "pwned"})
    assert f"archive entry {entry!r} {problem}" in importer(path, "E456")


def test_zip_bomb_by_ratio_is_refused(importer, tmp_path):
    path = make_zip(tmp_path / "bomb.qdpx", {"project.qde": qde(),
                                             "sources/doc.txt": b"a" * (8 * 2**20)})
    assert "the compression ratio of entry 'sources/doc.txt'" in importer(path, "E457")


def test_limits_on_size_and_entries(importer, tmp_path, monkeypatch):
    from thematic.interop import safe

    path = make_zip(tmp_path / "big.qdpx", {"project.qde": qde(), "sources/doc.txt": "x" * 5000})
    monkeypatch.setattr(safe, "MAX_ENTRY_BYTES", 4096)
    assert "declared size" in importer(path, "E457")
    monkeypatch.setattr(safe, "MAX_ENTRY_BYTES", 2**20)
    monkeypatch.setattr(safe, "MAX_TOTAL_BYTES", 4096)
    assert "the inflated size of the entries read" in importer(path, "E457")
    monkeypatch.setattr(safe, "MAX_TOTAL_BYTES", 2**20)
    monkeypatch.setattr(safe, "MAX_ENTRIES", 1)
    assert "the number of entries is 2, over the limit of 1" in importer(path, "E457")


def test_oversized_codebook_is_not_read(tmp_path, monkeypatch):
    from thematic.errors import ThematicError
    from thematic.interop import safe
    from thematic.interop.refi import read_qdc

    path = tmp_path / "huge.qdc"
    path.write_text("<CodeBook>" + " " * 5000 + "</CodeBook>")
    monkeypatch.setattr(safe, "MAX_XML_BYTES", 4096)
    with pytest.raises(ThematicError) as err:
        read_qdc(path)
    assert err.value.code == "E457" and "the file is 5021 bytes" in err.value.message


def test_not_a_zip(importer, tmp_path):
    path = tmp_path / "plain.qdpx"
    path.write_text("<Project/>", encoding="utf-8")
    importer(path, "E455")


def test_no_project_qde(importer, tmp_path):
    path = make_zip(tmp_path / "empty.qdpx", {"sources/doc.txt": "x"})
    assert "(entries: sources/doc.txt)" in importer(path, "E458")


def test_malformed_xml_names_line_and_column(importer, tmp_path):
    path = make_zip(tmp_path / "broken.qdpx", {"project.qde": '<Project name="p">\n<Users>'
                                               "\n</Project>"})
    assert "project.qde: the XML is not well-formed (mismatched tag, line 3, column 3)" in \
        importer(path, "E450")


def test_wrong_root(importer, tmp_path):
    path = make_zip(tmp_path / "root.qdpx", {"project.qde": "<CodeBook/>"})
    assert "the root element is <CodeBook>, not a REFI-QDA <Project>" in importer(path, "E453")


def test_selection_outside_the_text(importer, tmp_path):
    inner = ('<PlainTextSelection guid="ffffffff-0000-0000-0000-000000000001" '
             'startPosition="2" endPosition="99"/>')
    path = make_zip(tmp_path / "range.qdpx", {"project.qde": qde(inner=inner),
                                              "sources/doc.txt": "Some text"})
    message = importer(path, "E460")
    assert 'element <TextSource name="doc"> <PlainTextSelection guid=' in message
    assert "the selection 2–99 is not inside its source text (9 characters)" in message


def test_position_not_a_number(importer, tmp_path):
    inner = ('<PlainTextSelection guid="ffffffff-0000-0000-0000-000000000001" '
             'startPosition="two" endPosition="4"/>')
    path = make_zip(tmp_path / "nan.qdpx", {"project.qde": qde(inner=inner),
                                            "sources/doc.txt": "Some text"})
    assert "startPosition='two' is not a whole number" in importer(path, "E454")


@pytest.mark.parametrize("attr, problem", [
    ('plainTextPath="absolute:///etc/passwd"', "is outside the archive"),
    ('plainTextPath="internal://../../etc/passwd"', "climbs out of the sources/ folder"),
])
def test_source_text_problems(importer, tmp_path, attr, problem):
    path = make_zip(tmp_path / "src.qdpx", {"project.qde": qde(path=attr),
                                            "sources/doc.txt": "x"})
    assert problem in importer(path, "E459")


def test_source_text_not_utf8(importer, tmp_path):
    path = make_zip(tmp_path / "latin.qdpx", {"project.qde": qde(),
                                              "sources/doc.txt": "Café".encode("cp1252")})
    assert "is not UTF-8 text (byte 3)" in importer(path, "E459")


def test_code_without_name_and_deep_nesting(tmp_path):
    from thematic.errors import ThematicError
    from thematic.interop.refi import read_qdc

    path = tmp_path / "noname.qdc"
    path.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="aaaaaaaa-0000'
                    '-0000-0000-000000000001" isCodable="true"/></Codes></CodeBook>')
    with pytest.raises(ThematicError) as err:
        read_qdc(path)
    assert err.value.code == "E454"
    assert 'element <Code guid="aaaaaaaa-0000-0000-0000-000000000001">: the code has no name' \
        in err.value.message
    deep = "".join(f'<Code name="c{i}">' for i in range(300)) + "</Code>" * 300
    path.write_text(f"<CodeBook><Codes>{deep}</Codes></CodeBook>")
    with pytest.raises(ThematicError) as err:
        read_qdc(path)
    assert "codes are nested more than 200 levels deep" in err.value.message


def test_duplicate_code_guid(tmp_path):
    from thematic.errors import ThematicError
    from thematic.interop.refi import read_qdc

    path = tmp_path / "dup.qdc"
    path.write_text('<CodeBook><Codes><Code guid="{AAAAAAAA-0000-0000-0000-000000000001}" '
                    'name="A"/><Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="B"/>'
                    "</Codes></CodeBook>")
    with pytest.raises(ThematicError) as err:
        read_qdc(path)
    assert "is used again (first by code 'a')" in err.value.message


def test_writer_escapes_what_xml_cannot_hold(tmp_path):
    import xmlschema

    from thematic.interop.refi import codebook_to_qdc, qdc_to_codebook

    book = {"name": "odd", "version": "1", "title": "Odd", "codes": [
        {"id": "a", "name": "Ends ?> here & <b>", "definition": "bell \x07 and ]]> too",
         "include": "a ?> inside an instruction"}]}
    data = codebook_to_qdc(book)
    xmlschema.XMLSchema(str(Path(__file__).parent / "data/refi/Codebook.xsd")).validate(
        data.decode("utf-8"))
    path = tmp_path / "odd.qdc"
    path.write_bytes(data)
    back = qdc_to_codebook(path)["codes"][0]
    assert back["name"] == "Ends ?> here & <b>"
    assert back["definition"] == "bell \ufffd and ]]> too"
    assert back["include"] == "a ?> inside an instruction"


def test_invalid_codebook_rolls_the_whole_import_back(importer, tmp_path):
    # The codebook room validates what the instructions carry; the sources read before it
    # fails must not land either.
    bad = qde().replace('isCodable="true"/>', 'isCodable="true"><?thematic {"id": "Not A Slug!",'
                        ' "cfir": ["no-such-construct"]}?></Code>')
    path = make_zip(tmp_path / "badbook.qdpx", {"project.qde": bad, "sources/doc.txt": "x"})
    assert "no-such-construct" in importer(path, "E100")


def test_many_entries_just_under_the_old_ratio_floor_are_refused(importer, tmp_path):
    """Issue 18: entries under 1 MiB used to skip the ratio check (344 KB → 218 MB)."""
    sources = "".join(
        f'<TextSource guid="eeeeeeee-0000-0000-0000-{i:012d}" name="d{i}" '
        f'plainTextPath="internal://d{i}.txt"/>' for i in range(8))
    project = OK_QDE.replace(
        '<TextSource guid="eeeeeeee-0000-0000-0000-000000000001" name="doc" {path}>{inner}\n'
        '</TextSource>', sources)
    entries = {"project.qde": project}
    entries.update({f"sources/d{i}.txt": b"a" * (2**20 - 4096) for i in range(8)})
    path = make_zip(tmp_path / "flat.qdpx", entries)
    assert path.stat().st_size < 60_000
    assert "the compression ratio of entry 'sources/d0.txt'" in importer(path, "E457")


def test_small_entries_add_up_to_the_archive_ratio(tmp_path):
    from thematic.errors import ThematicError
    from thematic.interop.safe import SafeZip

    entries = {f"sources/d{i}.txt": b"a" * 60_000 for i in range(40)}
    path = make_zip(tmp_path / "many.qdpx", entries)
    with SafeZip(path, str(path)) as archive, \
            pytest.raises(ThematicError, match=r"compression ratio of the entries read"):
        for name in archive.names():
            archive.read(name)
