"""REFI-QDA codebooks (.qdc): strict writer, lenient reader, a file made by Taguette itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CODEBOOKS, DATA, db_bytes

REFI = DATA / "refi"
TAGUETTE = REFI / "taguette-codebook.qdc"


def _schema(name: str):
    import xmlschema

    return xmlschema.XMLSchema(str(REFI / name))


def _yaml(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def peer_support() -> dict:
    return _yaml(CODEBOOKS / "peer-support.yaml")


def test_written_qdc_validates_and_reads_back_exactly(peer_support, tmp_path):
    from thematic.interop.refi import codebook_to_qdc, qdc_to_codebook

    data = codebook_to_qdc(peer_support)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<CodeBook ')
    _schema("Codebook.xsd").validate(data.decode("utf-8"))
    path = tmp_path / "peer-support.qdc"
    path.write_bytes(data)
    # Every field (criteria, CFIR cross-walk, rules, the order of the list) comes back.
    assert qdc_to_codebook(path) == peer_support


def test_nesting_colour_and_guids_follow_the_codebook(peer_support):
    from xml.etree import ElementTree as ET

    from thematic.interop.refi import codebook_to_qdc

    root = ET.fromstring(codebook_to_qdc(peer_support))
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    group = root.find("q:Codes/q:Code[@name='Personal recovery']", ns)
    assert group.get("isCodable") == "false"
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", group.get("color"))
    hope = group.find("q:Code[@name='Hope']", ns)
    assert hope.get("isCodable") == "true"
    assert hope.find("q:Description", ns).text.startswith("Hope")
    # Derived GUIDs: the same on every export and from every project.
    again = ET.fromstring(codebook_to_qdc(peer_support))
    assert again.find("q:Codes/q:Code/q:Code[@name='Hope']", ns).get("guid") == hope.get("guid")


def test_without_extensions_ids_come_from_names(peer_support, tmp_path):
    from thematic.interop.refi import codebook_to_qdc, read_qdc

    data = codebook_to_qdc(peer_support, extensions=False)
    assert b"<?thematic" not in data
    _schema("Codebook.xsd").validate(data.decode("utf-8"))
    path = tmp_path / "plain.qdc"
    path.write_bytes(data)
    read = read_qdc(path)
    assert read.data["name"] == "plain" and read.data["version"] == "1"
    codes = {c["id"]: c for c in read.data["codes"]}
    assert codes["hope"]["name"] == "Hope" and codes["hope"]["parent"] == "personal-recovery"
    assert codes["personal-recovery"]["codable"] is False
    assert len(codes) == len(peer_support["codes"])


def test_taguette_codebook_is_read_leniently():
    from thematic.interop.refi import read_qdc

    # Taguette writes an empty <Sets/>, which the schema forbids: a reader must cope.
    assert not _schema("Codebook.xsd").is_valid(TAGUETTE.read_text(encoding="utf-8"))
    read = read_qdc(TAGUETTE)
    assert read.origin == "Taguette 1.5.2"
    assert read.data["name"] == "taguette-codebook"
    assert read.data["title"] == "taguette-codebook (from Taguette 1.5.2)"
    assert [(c["id"], c["name"]) for c in read.data["codes"]] == [
        ("interesting", "interesting"),
        ("hope", "hope"),
        ("barriers.stigma", "barriers.stigma"),
        ("barriers.role-ambiguity", "barriers.role ambiguity"),
        ("peer-support-training", "peer support & <training>"),
        ("autonomia", "autonomía"),
    ]
    assert read.guids["hope"] == "7CB3C416-D426-5D6B-94BC-503E655D30E7"


def test_taguette_codebook_loads_and_keeps_taguettes_guids(store, tmp_path):
    from thematic.codebook import CodebookDoc, validate
    from thematic.interop.refi import export_qdc, import_qdc, read_qdc
    from thematic.store.codebooks import get_codebook

    assert validate(CodebookDoc(read_qdc(TAGUETTE).data)) == []
    loaded = import_qdc(store, TAGUETTE, name="taguette")
    assert (loaded.name, loaded.status, len(loaded.codes)) == ("taguette", "new", 6)
    book = get_codebook(store, "taguette")
    assert book.code("barriers.stigma").name == "barriers.stigma"
    out = export_qdc(store, tmp_path / "again.qdc", codebook="taguette")
    text = out.read_text(encoding="utf-8")
    _schema("Codebook.xsd").validate(text)
    # Taguette's GUIDs go back out (normalised to lower case), so Taguette-made codes
    # stay recognisable in the next program.
    assert 'guid="7cb3c416-d426-5d6b-94bc-503e655d30e7" name="hope"' in text
    assert import_qdc(store, out).status == "unchanged"


def test_spec_annex_sample_is_read(tmp_path):
    from thematic.interop.refi import qdc_to_codebook

    book = qdc_to_codebook(REFI / "spec-annex-a1.qdc")
    codes = {c["id"]: c for c in book["codes"]}
    assert codes["topics"] == {"id": "topics", "name": "Topics", "codable": False}
    assert codes["economy"] == {"id": "economy", "name": "Economy", "colour": "#ffff00",
                                "definition": "Anything about jobs or taxes or business"}
    assert len(codes) == 6


def test_load_round_trip_is_the_same_version(store, tmp_path):
    from thematic.codebook import load
    from thematic.interop.refi import export_qdc, import_qdc

    first = load(store, CODEBOOKS / "peer-support.yaml")
    out = export_qdc(store, tmp_path / "ps.qdc")
    again = import_qdc(store, out)
    assert (again.codebook_id, again.status) == (first.codebook_id, "unchanged")


def test_lenient_reader_namespaces_and_defaults(tmp_path):
    from thematic.interop.refi import qdc_to_codebook

    path = tmp_path / "loose.qdc"
    path.write_text(
        '<CodeBook><Codes><Code guid="{AAAAAAAA-1111-2222-3333-444444444444}" name=" Role  '
        'ambiguity "><Description>\n   Unclear roles.\n </Description><Code name="Sub" '
        'isCodable="0" color="not-a-colour"/></Code><Code name="Role ambiguity"/></Codes>'
        '<Sets/></CodeBook>', encoding="utf-8")
    book = qdc_to_codebook(path)
    assert book["codes"] == [
        {"id": "role-ambiguity", "name": "Role ambiguity", "definition": "Unclear roles."},
        {"id": "sub", "name": "Sub", "parent": "role-ambiguity", "codable": False},
        {"id": "role-ambiguity-2", "name": "Role ambiguity"},
    ]


def test_cli_export_qdc(run, project, tmp_path):
    result = run("export", "qdc", tmp_path / "x.qdc")
    assert result.exit_code == 2
    assert result.output == ("Error: [E150] No codebook is loaded. Load one with `thematic "
                             "codebook load FILE` (e.g. codebooks/peer-support.yaml).\n")
    before = db_bytes(project)
    from thematic.codebook import load
    from thematic.project import open_store

    with open_store(project) as store:
        load(store, CODEBOOKS / "peer-support.yaml")
    result = run("export", "qdc", tmp_path / "x.qdc", "--codebook", "peer-suport")
    assert result.exit_code == 2
    assert "[E106] No codebook 'peer-suport' in the project. Did you mean 'peer-support'?" \
        in result.output
    result = run("export", "qdc", tmp_path / "x.qdc")
    assert result.exit_code == 0 and result.output == f"{tmp_path / 'x.qdc'}: written.\n"
    _schema("Codebook.xsd").validate(str(tmp_path / "x.qdc"))
    assert before != db_bytes(project)


def test_codebook_cli_speaks_qdc(run, project, tmp_path):
    out = tmp_path / "ps.qdc"
    assert run("codebook", "load", CODEBOOKS / "peer-support.yaml").exit_code == 0
    result = run("codebook", "export", "peer-support", "--format", "qdc", "--out", out)
    assert result.output == f"Wrote {out} (peer-support 1.0.0, qdc).\n"
    _schema("Codebook.xsd").validate(str(out))
    assert run("codebook", "export", "--format", "qdc").output == out.read_text(encoding="utf-8")
    result = run("codebook", "import", TAGUETTE, "--json")
    assert result.exit_code == 0, result.output
    assert '"name": "taguette-codebook"' in result.output
    before = db_bytes(project)
    result = run("codebook", "import", out)  # the same content: the same version
    assert result.exit_code == 0 and db_bytes(project) == before
