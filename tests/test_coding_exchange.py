"""``thematic code import|export``: long, wide and list CSV and JSON; coverage; bad files."""

from __future__ import annotations

import json

import pytest
from conftest import CODEBOOKS, CORPUS, db_bytes
from test_coding_support import load_codebook, prepare, rows

LIST = "finding_id,codes,theme\nF001,hope;empowerment,1\nF002,,2\nF006,training ; stigma,3\n"
LONG = ("excerpt,code,coder,start,end,memo\n"
        "F001,hope,ann,22,26,the word\n"
        "F003,role-ambiguity,,,,\n"
        "F004,stigma,bo,,,\n")
WIDE = "excerpt,text,hope,stigma,training\nF001,x,1,0,0\nF002,y,0,0,\nF004,z,0,1,1\n"


@pytest.fixture
def proj(project):
    return prepare(project)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stored(project):
    return rows(project, "SELECT excerpt_id, code_id, coder, start, end, status, method, memo "
                         "FROM codings ORDER BY excerpt_id, code_id, coder")


def covered(project):
    return rows(project, "SELECT coder, excerpt_id FROM coverage ORDER BY 1, 2")


def test_import_list_shape_like_gold(proj, run, tmp_path):
    path = write(tmp_path, "gold.csv", LIST)
    result = run("code", "import", path, "--coder", "gold")
    assert result.output == (f"{path} (list): 3 rows; 4 codings added, 0 already "
                             "present; 3 excerpts reviewed by gold.\n")
    assert stored(proj) == [
        ("F001", "empowerment", "gold", None, None, "accepted", "import", None),
        ("F001", "hope", "gold", None, None, "accepted", "import", None),
        ("F006", "stigma", "gold", None, None, "accepted", "import", None),
        ("F006", "training", "gold", None, None, "accepted", "import", None)]
    # F002 was listed with no codes: reviewed, so a "no" for every code
    assert covered(proj) == [("gold", "F001"), ("gold", "F002"), ("gold", "F006")]
    again = run("code", "import", path, "--coder", "gold")
    assert "0 codings added, 4 already present" in again.output
    origin = rows(proj, "SELECT origin FROM codings WHERE code_id = 'hope'")
    assert origin == [(f"{path}:2",)]


def test_import_long_shape(proj, run, tmp_path):
    result = run("code", "import", write(tmp_path, "long.csv", LONG), "--coder", "cy",
                 "--status", "proposed")
    assert result.exit_code == 0, result.output
    assert "3 codings added" in result.output and "reviewed by ann, bo, cy" in result.output
    assert stored(proj) == [
        ("F001", "hope", "ann", 22, 26, "proposed", "import", "the word"),
        ("F003", "role-ambiguity", "cy", None, None, "proposed", "import", None),
        ("F004", "stigma", "bo", None, None, "proposed", "import", None)]


def test_import_wide_shape(proj, run, tmp_path):
    result = run("code", "import", write(tmp_path, "wide.csv", WIDE), "--coder", "dee")
    assert "(wide): 3 rows; 3 codings added" in result.output
    assert [r[:3] for r in stored(proj)] == [("F001", "hope", "dee"), ("F004", "stigma", "dee"),
                                            ("F004", "training", "dee")]
    assert covered(proj) == [("dee", "F001"), ("dee", "F002"), ("dee", "F004")]


def test_import_codings_library_call(proj, tmp_path):
    from thematic.coding.manual import import_codings
    from thematic.project import open_store

    with open_store(proj) as store:
        result = import_codings(store, write(tmp_path, "g.csv", LIST), coder="gold")
    assert (result.shape, result.added, result.excerpts, result.coders) == (
        "list", 4, 3, ["gold"])


def test_export_formats_and_round_trip(proj, run, tmp_path, project_factory):
    run("code", "import", write(tmp_path, "long.csv", LONG), "--coder", "cy")
    run("code", "import", write(tmp_path, "gold.csv", LIST), "--coder", "gold")
    long = run("code", "export").output
    assert long.splitlines()[:3] == [
        "excerpt,code,coder,start,end,status,method,origin,score,memo,codebook,"
        "codebook_version",
        f"F001,empowerment,gold,,,accepted,import,{tmp_path}/gold.csv:2,,,test-book,1.0.0",
        f"F001,hope,ann,22,26,accepted,import,{tmp_path}/long.csv:2,,the word,test-book,1.0.0"]
    wide = run("code", "export", "--format", "wide").output
    assert wide.splitlines() == [
        "excerpt,coder,hope,empowerment,symptoms,role-ambiguity,stigma,training,supervision",
        "F001,ann,1,0,0,0,0,0,0", "F004,bo,0,0,0,0,1,0,0", "F003,cy,0,0,0,1,0,0,0",
        "F001,gold,1,1,0,0,0,0,0", "F002,gold,0,0,0,0,0,0,0", "F006,gold,0,0,0,0,1,1,0"]
    doc = json.loads(run("code", "export", "--format", "json").output)
    assert doc["format"] == "thematic-codings/1" and len(doc["codings"]) == 7
    assert {(g["coder"], tuple(g["excerpts"])) for g in doc["coverage"]} == {
        ("ann", ("F001",)), ("bo", ("F004",)), ("cy", ("F003",)),
        ("gold", ("F001", "F002", "F006"))}
    out = tmp_path / "out" / "codings.json"
    assert run("code", "export", "--format", "json", "--out", out).output == (
        f"Wrote {out} (json).\n")
    # wide and json carry coverage (gold's uncoded F002); long carries codings only
    for name, text, with_coverage in (("e.csv", long, False), ("w.csv", wide, True),
                                      ("e.json", out.read_text(), True)):
        fresh = project_factory()
        result = fresh("code", "import", write(tmp_path, name, text))
        assert result.exit_code == 0, result.output
        assert [r[:3] for r in stored(fresh.project)] == [r[:3] for r in stored(proj)]
        assert (covered(fresh.project) == covered(proj)) is with_coverage


@pytest.fixture
def project_factory(tmp_path):
    """Fresh prepared projects, each with its own CliRunner."""
    from click.testing import CliRunner

    from thematic.cli.main import cli
    from thematic.project import init

    made = []

    def make():
        root = prepare(init(tmp_path / f"p{len(made)}"))
        made.append(root)

        def invoke(*args):
            return CliRunner().invoke(cli, ["--project", str(root), *map(str, args)],
                                      catch_exceptions=False)

        invoke.project = root
        return invoke

    return make


@pytest.mark.parametrize("name,text,args,message", [
    ("a.csv", "finding_id,codes\nF001,hope\nF0002,stigma\n", ("--coder", "g"),
     "[E159] {path}, row 3: no excerpt 'F0002'. Did you mean 'F002'? List the excerpts with "
     "`thematic excerpts list`."),
    ("b.csv", "excerpt,code\nF001,hopes\n", ("--coder", "g"),
     "[E159] {path}, row 2: code 'hopes' is not in codebook 'test-book' (version 1.0.0). "
     "Did you mean 'hope'? Use the codebook's code ids (`thematic codebook show`)."),
    ("c.csv", "excerpt,hope\nF001,yes please\n", ("--coder", "g"),
     "[E159] {path}, row 2: column 'hope' holds 'yes please'. In a wide sheet write 1 for "
     "coded and 0 (or nothing) for not coded."),
    ("d.csv", "excerpt,code\nF001,hope\n", (),
     "[E160] No coder named for {path}, row 2. Pass --coder NAME (or add a coder column)."),
    ("e.csv", "excerpt,code,coder,codebook,codebook_version\nF001,hope,g,test-book,0.9.0\n",
     (), "[E155] {path}, row 2: codebook 'test-book' version '0.9.0' is not loaded in this "
         "project (loaded: 1.0.0). Load that version with `thematic codebook load FILE`, or "
         "drop the codebook columns to use the current version."),
    ("f.csv", "study,notes\n1,x\n", (),
     "[E158] {path}: cannot tell the shape of the file from its columns (study, notes)."),
    ("g.csv", "excerpt,code,coder,start,end\nF001,hope,g,10,99\n", (),
     "[E159] {path}, row 2: span 10:99 is not inside excerpt 'F001' (63 characters). Use 0 "
     "<= start < end <= 63."),
    ("h.csv", "excerpt,code,coder\nF001,outcomes,g\n", (),
     "[E159] {path}, row 2: code 'outcomes' is a grouping, not assigned. Use the"),
    ("i.json", '{"codings": [{"excerpt": "F001", "code": "hope", "coder": "g", '
               '"codebook": "test-book", "codebook_hash": "feed"}]}', (),
     "[E155] {path}, coding 1: codebook 'test-book' version 'feed' is not loaded"),
    ("j.json", "{not json", (), "[E026] {path}: cannot read the file"),
])
def test_bad_import_files_change_nothing(proj, run, tmp_path, name, text, args, message):
    path = write(tmp_path, name, text)
    before = db_bytes(proj)
    result = run("code", "import", path, *args)
    assert result.exit_code == 2
    assert result.output.startswith("Error: " + message.format(path=path)), result.output
    assert db_bytes(proj) == before


def test_import_missing_file_is_e010(proj, run, tmp_path):
    result = run("code", "import", tmp_path / "nope.csv", "--coder", "g")
    assert result.exit_code == 2 and result.output.startswith("Error: [E010]")


def test_import_into_an_older_loaded_version(proj, run, tmp_path):
    from test_coding_support import CODES

    from thematic.project import open_store

    with open_store(proj) as store:
        load_codebook(store, version="2.0.0", codes=CODES)
    path = write(tmp_path, "v.csv", "excerpt,code,coder,codebook,codebook_version\n"
                                    "F001,hope,g,test-book,1.0.0\nF002,hope,g,,\n")
    assert run("code", "import", path).exit_code == 0
    assert rows(proj, "SELECT excerpt_id, codebook_id FROM codings ORDER BY 1") == [
        ("F001", 1), ("F002", 2)]


@pytest.mark.skipif(not (CORPUS / "gold.csv").exists()
                    or not (CODEBOOKS / "peer-support.yaml").exists(),
                    reason="the bundled corpus or codebook is not there yet")
def test_bundled_gold_imports(project):
    from thematic.codebook import load
    from thematic.coding.manual import import_codings
    from thematic.corpus.importer import import_excerpts, import_studies
    from thematic.project import open_store

    with open_store(project) as store:
        import_studies(store, CORPUS / "studies.csv")
        import_excerpts(store, [CORPUS / "findings.csv"])
        load(store, CODEBOOKS / "peer-support.yaml")
        result = import_codings(store, CORPUS / "gold.csv", coder="gold")
        excerpts = store.scalar("SELECT COUNT(*) FROM excerpts")
    assert result.shape == "list" and result.excerpts == excerpts
    assert result.added == sum(len([c for c in line.split(",")[1].split(";") if c])
                               for line in (CORPUS / "gold.csv").read_text().splitlines()[1:])


def test_misspelt_codes_column_suggests_the_right_name(tmp_path):
    from thematic.coding.exchange import import_codings
    from thematic.errors import ThematicError
    from thematic.project import init, open_store

    root = init(tmp_path / "p")
    (tmp_path / "wrong.csv").write_text("finding_id,kodes\nF001,hope\n", encoding="utf-8")
    with open_store(root) as store, pytest.raises(ThematicError) as err:
        import_codings(store, tmp_path / "wrong.csv", coder="x")
    assert err.value.message.endswith(
        "row 2: column 'kodes' holds 'hope'. Did you mean 'codes'? In a wide sheet write 1 "
        "for coded and 0 (or nothing) for not coded.")
