"""Reading .qdpx files the way other programs write them (QualCoder, NVivo, MAXQDA habits):
braced upper-case GUIDs, a capitalised Sources/ folder, a BOM on the text, cases with
variables, annotation notes, journals, codings of cases, pictures, an empty <Sets/>."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

TEXT1 = "Teams said: stigma is everywhere, but hope remains. Café 😀 fine."
TEXT2 = "We just talked."
QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  name="Peer Interviews" origin="QualCoder 3.5"
  creatingUserGUID="{11111111-1111-1111-1111-111111111111}">
<Users>
  <User guid="{11111111-1111-1111-1111-111111111111}" name="Colin"/>
  <User guid="22222222-2222-2222-2222-222222222222" name="Ana"/>
</Users>
<CodeBook><Codes>
  <Code guid="AAAAAAAA-0000-0000-0000-000000000001" name="Barriers" isCodable="false">
    <Code guid="AAAAAAAA-0000-0000-0000-000000000002" name="Stigma" isCodable="true"
          color="#FF0000"><Description>Stigma in teams</Description>
      <NoteRef targetGUID="{DDDDDDDD-0000-0000-0000-000000000003}"/></Code>
  </Code>
  <Code guid="aaaaaaaa-0000-0000-0000-000000000003" name="Hope" isCodable="true"/>
</Codes></CodeBook>
<Variables>
  <Variable guid="BBBBBBBB-0000-0000-0000-000000000001" name="year" typeOfVariable="Integer"/>
  <Variable guid="BBBBBBBB-0000-0000-0000-000000000002" name="site" typeOfVariable="Text"/>
</Variables>
<Cases>
  <Case guid="{CCCCCCCC-0000-0000-0000-000000000001}" name="P01">
    <VariableValue><VariableRef targetGUID="BBBBBBBB-0000-0000-0000-000000000001"/>
      <IntegerValue>2021</IntegerValue></VariableValue>
    <SourceRef targetGUID="{EEEEEEEE-0000-0000-0000-000000000001}"/>
  </Case>
</Cases>
<Sources>
  <TextSource guid="EEEEEEEE-0000-0000-0000-000000000001" name="Interview 1.docx"
      richTextPath="internal://e1.docx" plainTextPath="internal://e1.txt"
      creatingUser="{11111111-1111-1111-1111-111111111111}">
    <Description>first interview</Description>
    <PlainTextSelection guid="F0000000-0000-0000-0000-000000000001" name="stigma is every"
        startPosition="12" endPosition="27" creatingUser="{22222222-2222-2222-2222-222222222222}">
      <Description>why stigma</Description>
      <Coding guid="F1000000-0000-0000-0000-000000000001"
              creatingUser="22222222-2222-2222-2222-222222222222">
        <CodeRef targetGUID="{AAAAAAAA-0000-0000-0000-000000000002}"/></Coding>
      <Coding guid="F1000000-0000-0000-0000-000000000002">
        <CodeRef targetGUID="AAAAAAAA-0000-0000-0000-000000000003"/></Coding>
    </PlainTextSelection>
    <PlainTextSelection guid="F0000000-0000-0000-0000-000000000002" startPosition="52"
        endPosition="58" creatingUser="11111111-1111-1111-1111-111111111111">
      <Coding guid="F1000000-0000-0000-0000-000000000003">
        <CodeRef targetGUID="CCCCCCCC-0000-0000-0000-000000000001"/></Coding>
      <Coding guid="F1000000-0000-0000-0000-000000000004">
        <CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000003"/></Coding>
    </PlainTextSelection>
    <PlainTextSelection guid="F0000000-0000-0000-0000-000000000003" startPosition="3"
        endPosition="3"/>
    <NoteRef targetGUID="{DDDDDDDD-0000-0000-0000-000000000001}"/>
    <VariableValue><VariableRef targetGUID="BBBBBBBB-0000-0000-0000-000000000002"/>
      <TextValue>Leeds</TextValue></VariableValue>
  </TextSource>
  <TextSource guid="EEEEEEEE-0000-0000-0000-000000000002" name="Interview 2"
      plainTextPath="internal://e2.txt">
    <Coding guid="F1000000-0000-0000-0000-000000000005"
            creatingUser="{11111111-1111-1111-1111-111111111111}">
      <CodeRef targetGUID="aaaaaaaa-0000-0000-0000-000000000003"/></Coding>
  </TextSource>
  <PictureSource guid="EEEEEEEE-0000-0000-0000-000000000003" name="photo.png"
      path="internal://p.png"/>
</Sources>
<Notes>
  <Note guid="DDDDDDDD-0000-0000-0000-000000000001"
        creatingUser="22222222-2222-2222-2222-222222222222">
    <PlainTextContent>Annotation on interview 1</PlainTextContent>
    <PlainTextSelection guid="F0000000-0000-0000-0000-000000000009" startPosition="0"
        endPosition="4"/>
  </Note>
  <Note guid="DDDDDDDD-0000-0000-0000-000000000002" name="Journal"
        creatingUser="{11111111-1111-1111-1111-111111111111}" plainTextPath="internal://j.txt"/>
  <Note guid="DDDDDDDD-0000-0000-0000-000000000003" name="Stigma memo">
    <PlainTextContent>Code memo.</PlainTextContent></Note>
</Notes>
<Sets/>
</Project>
"""


def make_foreign(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", QDE)
        zf.writestr("Sources/e1.txt", "\ufeff" + TEXT1)   # QualCoder writes utf-8-sig
        zf.writestr("Sources/e2.txt", TEXT2)
        zf.writestr("Sources/e1.docx", b"PK not really a docx")
        zf.writestr("Sources/j.txt", "Day one of coding.\n")
        zf.writestr("Sources/p.png", b"\x89PNG")
    return path


@pytest.fixture
def foreign(tmp_path) -> Path:
    return make_foreign(tmp_path / "interviews.qdpx")


def test_foreign_project_is_imported(store, foreign):
    from thematic.interop.qdpx_import import import_qdpx
    from thematic.store.codebooks import get_codebook
    from thematic.store.codings import coverage, list_codings, memos
    from thematic.store.corpus import list_excerpts, list_sources
    from thematic.store.refi import guids

    result = import_qdpx(store, foreign)
    assert result.warnings == [f"{foreign}: 1 PictureSource skipped; thematic imports "
                               "text sources only"]
    book = get_codebook(store, "peer-interviews")
    assert (book.version, book.title) == ("1", "Peer Interviews")
    assert [(c.id, c.parent, c.codable, c.definition, c.data) for c in book.codes] == [
        ("barriers", None, False, "", {}),
        ("stigma", "barriers", True, "Stigma in teams", {"colour": "#FF0000"}),
        ("hope", None, True, "", {}),
    ]
    assert [(e.id, e.source_id, e.text, e.attributes) for e in list_excerpts(store)] == [
        ("Interview 1.docx", "P01", TEXT1, {"site": "Leeds"}),
        ("Interview 2", "Interview 2", TEXT2, {}),
    ]
    studies = {s.id: s for s in list_sources(store)}
    assert studies["P01"].year == 2021
    assert studies["Interview 2"].title == "Interview 2"
    codings = [(c.excerpt_id, c.code_id, c.coder, c.start, c.end, c.memo)
               for c in list_codings(store)]
    assert sorted(codings) == [
        ("Interview 1.docx", "hope", "Ana", 12, 27, "why stigma"),
        ("Interview 1.docx", "hope", "Colin", 52, 58, None),
        ("Interview 1.docx", "stigma", "Ana", 12, 27, "why stigma"),
        ("Interview 2", "hope", "Colin", None, None, None),
    ]
    assert TEXT1[12:27] == "stigma is every" and TEXT1[52:58] == "Café 😀"
    assert {k: sorted(v) for k, v in coverage(store).items()} == {
        "Ana": ["Interview 1.docx", "Interview 2"], "Colin": ["Interview 1.docx", "Interview 2"]}
    assert [(m["target_kind"], m["target_id"], m["author"], m["text"]) for m in memos(store)] \
        == [("excerpt", "Interview 1.docx", "Ana", "Annotation on interview 1"),
            ("project", "-", "Colin", "Journal\n\nDay one of coding."),
            ("code", "stigma", "Colin", "Code memo.")]  # no creatingUser: the project's
    remembered = guids(store, "code")
    assert remembered["peer-interviews:stigma"] == "aaaaaaaa-0000-0000-0000-000000000002"
    assert guids(store, "user") == {"Ana": "22222222-2222-2222-2222-222222222222",
                                    "Colin": "11111111-1111-1111-1111-111111111111"}


def test_reexport_keeps_the_other_programs_guids(store, foreign, tmp_path):
    import xmlschema

    from thematic.interop.qdpx_export import export_qdpx
    from thematic.interop.qdpx_import import import_qdpx

    import_qdpx(store, foreign)
    export_qdpx(store, tmp_path / "back.qdpx", project_name="Peer Interviews")
    with zipfile.ZipFile(tmp_path / "back.qdpx") as zf:
        qde = zf.read("project.qde").decode("utf-8")
    xmlschema.XMLSchema(str(Path(__file__).parent / "data/refi/Project.xsd")).validate(qde)
    for guid in ("aaaaaaaa-0000-0000-0000-000000000002", "eeeeeeee-0000-0000-0000-000000000001",
                 "cccccccc-0000-0000-0000-000000000001", "22222222-2222-2222-2222-222222222222",
                 "f0000000-0000-0000-0000-000000000001", "f1000000-0000-0000-0000-000000000005",
                 "dddddddd-0000-0000-0000-000000000001"):
        assert guid in qde


def test_coder_option_names_every_coding(store, foreign):
    from thematic.interop.qdpx_import import import_qdpx
    from thematic.store.codings import list_codings

    result = import_qdpx(store, foreign, coder="me", codebook="interviews")
    assert (result.codebook, result.coders) == ("interviews", ["me"])
    assert {c.coder for c in list_codings(store)} == {"me"}


def test_same_names_different_text_get_new_ids(store, foreign, tmp_path):
    from thematic.interop.qdpx_import import import_qdpx
    from thematic.store.corpus import list_excerpts

    import_qdpx(store, foreign)
    with zipfile.ZipFile(foreign) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    entries["Sources/e2.txt"] = b"We talked again."
    changed = tmp_path / "changed.qdpx"
    with zipfile.ZipFile(changed, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    result = import_qdpx(store, changed)
    assert (result.excerpts_added, result.excerpts_reused, result.codings_added) == (1, 1, 1)
    ids = [e.id for e in list_excerpts(store)]
    assert ids[:2] == ["Interview 1.docx", "Interview 2"]
    assert ids[2].startswith("interview-2-")


def test_sources_only_without_a_codebook(store, tmp_path):
    import xmlschema

    from thematic.corpus.importer import ExcerptOptions, import_excerpts
    from thematic.interop.qdpx_export import export_qdpx
    from thematic.interop.qdpx_import import import_qdpx
    from thematic.project import init, open_store

    doc = tmp_path / "interview.txt"
    doc.write_text("First paragraph.\n\nSecond paragraph, with more.\n", encoding="utf-8")
    import_excerpts(store, [doc], ExcerptOptions())
    done = export_qdpx(store, tmp_path / "bare.qdpx")
    # One TextSource for the document, its two paragraphs as selections in it (#20).
    assert (done.codebook, done.sources, done.codings) == (None, 1, 0)
    with zipfile.ZipFile(tmp_path / "bare.qdpx") as zf:
        qde = zf.read("project.qde").decode("utf-8")
    xmlschema.XMLSchema(str(Path(__file__).parent / "data/refi/Project.xsd")).validate(qde)
    with open_store(init(tmp_path / "other")) as other:
        result = import_qdpx(other, tmp_path / "bare.qdpx")
        assert (result.codebook, result.excerpts_added, result.studies_added) == \
            (None, 2, ["interview"])
