"""``thematic codebook …``: validate, load (versions, diffs, flags), list, show, diff, export,
import — and every bad input, each leaving the database unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CODEBOOKS, db_bytes

SMALL = """\
name: demo
version: "1.0.0"
title: Demo codebook
codes:
  - id: outcomes
    name: Outcomes
    codable: false
  - id: hope
    parent: outcomes
    name: Hope
    definition: Hope about the future.
    cfir: [outcomes.innovation.recipients]
    rules:
      phrases: ["hope", "hopeful"]
  - id: stigma
    parent: outcomes
    name: Stigma
    definition: Stigma and discrimination.
  - id: funding
    name: Funding
    definition: Money for services.
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_shipped_codebooks(run):
    for name, codes, codable in (("cfir2", 88, 78), ("peer-support", 50, 42)):
        path = CODEBOOKS / f"{name}.yaml"
        result = run("codebook", "validate", path)
        assert result.exit_code == 0, result.output
        assert result.output == (f"{path}: valid — {name} 1.0.0, {codes} codes "
                                 f"({codable} codable).\n")


def test_validate_lists_every_problem_with_its_line(run, tmp_path):
    bad = write(tmp_path / "bad.yaml", SMALL.replace("    definition: Stigma",
                                                     "    defintion: Stigma")
                .replace("parent: outcomes\n    name: Hope", "parent: outcome\n    name: Hope")
                .replace("  - id: funding", "  - id: hope"))
    result = run("codebook", "validate", bad)
    assert result.exit_code == 1
    assert result.output == (
        f"{bad}:9: codes[1] (hope): parent 'outcome' is not a code in this codebook. "
        "Did you mean 'outcomes'?\n"
        f"{bad}:18: codes[2] (stigma): unknown key 'defintion'. Did you mean 'definition'? "
        "Known keys: cfir, codable, colour, definition, examples, exclude, id, include, "
        "name, parent, rules.\n"
        f"{bad}:19: codes[3] (hope): id 'hope' is used again (first at line 8); ids must be "
        "unique\n"
        f"3 problems found in {bad}.\n")
    as_json = json.loads(run("codebook", "validate", bad, "--json").output)
    assert as_json["valid"] is False
    assert [p["line"] for p in as_json["problems"]] == [9, 18, 19]


def test_load_list_show_and_versions(run, project, tmp_path):
    path = write(tmp_path / "demo.yaml", SMALL)
    result = run("codebook", "load", path)
    assert result.output == "Loaded demo 1.0.0 as version #1: 4 codes (3 codable).\n"
    again = run("codebook", "load", path)
    assert again.output == ("demo 1.0.0 is already loaded as version #1 (same content); "
                            "nothing changed.\n")
    # Comments and layout do not make a new version; content does.
    write(path, "# a comment\n" + SMALL)
    assert "already loaded" in run("codebook", "load", path).output
    listing = run("codebook", "list").output.splitlines()
    assert listing[0].split() == ["id", "name", "version", "codes", "codable", "current",
                                  "loaded_at", "source"]
    assert listing[2].split()[:6] == ["#1", "demo", "1.0.0", "4", "3", "yes"]
    tree = run("codebook", "show", "demo", "--tree").output
    assert tree.splitlines()[1:] == ["outcomes  Outcomes  (grouping)", "├── hope  Hope",
                                     "└── stigma  Stigma", "funding  Funding"]
    shown = json.loads(run("codebook", "show", "--json").output)
    assert shown["codebook"]["name"] == "demo"
    assert shown["codes"][1]["rules"] == {"phrases": ["hope", "hopeful"]}
    assert shown["flagged"] == []


def _code(project: Path, codebook_id: int, codes: list[str]) -> None:
    from thematic.project import open_store
    from thematic.store.codings import Coding, add_codings
    from thematic.store.db import now

    with open_store(project) as store, store.transaction("test fixture"):
        store.execute("INSERT INTO sources (id, created_at) VALUES ('S1', ?)", (now(),))
        store.execute("INSERT INTO excerpts (id, source_id, text, text_sha, start, end, "
                      "location, position, created_at) VALUES ('E1', 'S1', 'Hope grew.', "
                      "'x', 0, 10, 'row 2', 0, ?)", (now(),))
        add_codings(store, [Coding("E1", codebook_id, c, "ann") for c in codes])


def test_edited_codebook_is_a_new_version_and_flags_codings(run, project, tmp_path):
    path = write(tmp_path / "demo.yaml", SMALL)
    run("codebook", "load", path)
    _code(project, 1, ["hope", "stigma", "funding"])
    edited = (SMALL.replace('version: "1.0.0"', 'version: "1.1.0"')
              .replace("Hope about the future.", "Hope and optimism about the future.")
              .replace("  - id: stigma", "  - id: discrimination")
              .replace("  - id: funding\n    name: Funding\n    definition: Money for "
                       "services.\n", "  - id: youth\n    name: Youth\n"))
    result = run("codebook", "load", write(tmp_path / "demo2.yaml", edited))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Loaded demo 1.1.0 as version #2 (was #1): 4 codes (3 codable).\n"
        "Changes: 1 added (youth); 1 removed (funding); 1 renamed (stigma → discrimination); "
        "1 changed (hope: definition); metadata: version.\n"
        "Flagged: 3 codings made against earlier versions use codes that were removed, "
        "renamed or changed; they are kept as they were:\n"
        "  funding (version #1, removed): 1 coding\n"
        "  hope (version #1, changed: definition): 1 coding\n"
        "  stigma (version #1, renamed to discrimination): 1 coding\n")
    from thematic.project import open_store

    with open_store(project) as store:   # nothing deleted, nothing moved
        assert store.scalar("SELECT COUNT(*) FROM codings WHERE codebook_id = 1") == 3
        assert [e.action for e in store.events()][-1] == "codebook.load"
    assert "Flagged: 3 codings" in run("codebook", "show", "demo").output
    # Loading the first file again makes version #1 current again.
    back = run("codebook", "load", path)
    assert back.output == ("demo 1.0.0: same content as version #1, which is the current "
                           "version again.\n")
    diffed = run("codebook", "diff", "demo@2", "#1")
    assert diffed.output == ("demo@2 → #1:\n  added     funding\n  removed   youth\n"
                             "  renamed   discrimination → stigma\n"
                             "  changed   hope: definition\n  metadata  version\n")
    same = run("codebook", "diff", path, "demo")
    assert same.output == f"No differences between {path} and demo.\n"


def test_export_formats_and_csv_import(run, project, tmp_path):
    run("codebook", "load", write(tmp_path / "demo.yaml", SMALL))
    out = tmp_path / "appendix.md"
    assert run("codebook", "export", "demo", "--format", "md", "--out", out).output == \
        f"Wrote {out} (demo 1.0.0, md).\n"
    assert "| &emsp;Hope (`hope`) | Hope about the future. |  |  | " \
           "`outcomes.innovation.recipients` |" in out.read_text()
    sheet = run("codebook", "export", "--format", "csv").output
    assert sheet.splitlines()[:3] == [
        "id,parent,name,codable,definition,include,exclude,cfir",
        "outcomes,,Outcomes,false,,,,",
        "hope,outcomes,Hope,,Hope about the future.,,,outcomes.innovation.recipients"]
    exported = run("codebook", "export", "demo").output
    assert "rules:\n    phrases:\n    - hope\n" in exported
    imported = run("codebook", "import", write(tmp_path / "mine.csv", sheet), "--name",
                   "mine")
    assert imported.output == "Loaded mine 1.0.0 as version #2: 4 codes (3 codable).\n"


BAD_INPUTS = {
    "duplicate ids": (SMALL.replace("  - id: funding", "  - id: stigma"), "E100",
                      "line 19: codes[3] (stigma): id 'stigma' is used again (first at "
                      "line 15)"),
    "unknown parent": (SMALL.replace("parent: outcomes\n    name: Stigma",
                                     "parent: results\n    name: Stigma"), "E100",
                       "line 16: codes[2] (stigma): parent 'results' is not a code"),
    "cycle": (SMALL.replace("    codable: false\n", "    codable: false\n    parent: hope\n"),
              "E100", "parents form a cycle: outcomes → hope → outcomes"),
    "invalid pattern": (SMALL.replace('      phrases: ["hope", "hopeful"]',
                                      '      patterns: [[{"LOWER": "hope", "OP": "{}"}]]'),
                        "E100", "line 14: codes[1] (hope).rules.patterns[0]: spaCy cannot use "
                        "this pattern"),
    "wrong types": (SMALL.replace("    codable: false", "    codable: no thanks"), "E100",
                    "line 7: codes[0] (outcomes).codable: \"no thanks\" is not a boolean"),
    "unknown keys": (SMALL.replace("title:", "titel:"), "E100",
                     "unknown key 'titel'. Did you mean 'title'?"),
    "unknown CFIR id": (SMALL.replace("outcomes.innovation.recipients",
                                      "outcomes.innovation.recipient"), "E100",
                        "'outcomes.innovation.recipient' is not a CFIR 2.0 code id. Did you "
                        "mean 'outcomes.innovation.recipients'?"),
    "tag": (SMALL.replace("title: Demo codebook",
                          "title: !!python/object/apply:os.system [\"touch /tmp/pwned\"]"),
            "E102", "line 3: YAML tags"),
    "anchor": (SMALL.replace("name: Funding", "name: &n Funding"), "E102",
               "line 20: YAML anchors"),
    "alias bomb": ("a: &a [x, x, x, x, x, x, x, x, x]\n"
                   + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
                             for p, c in zip("abcdefgh", "bcdefghi")) + SMALL, "E102",
                   "line 1: YAML anchors"),
    "syntax": (SMALL + "  - id: [broken\n", "E103", "not valid YAML"),
    "not a mapping": ("- just\n- a list\n", "E105", "its top level is a list, not a mapping"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_refused_and_changes_nothing(run, project, tmp_path, case):
    text, code, fragment = BAD_INPUTS[case]
    path = write(tmp_path / "bad.yaml", text)
    before = db_bytes(project)
    result = run("codebook", "load", path)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: [{code}] {path}")
    assert fragment in result.output
    assert db_bytes(project) == before
    checked = run("codebook", "validate", path)
    assert checked.exit_code == 1 and fragment.split(": ", 1)[-1][:30] in checked.output


def test_huge_file_is_refused_unread(run, project, tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as fh:
        fh.write(SMALL.encode())
        fh.truncate(50 * 1024 * 1024)
    before = db_bytes(project)
    result = run("codebook", "load", path)
    assert result.exit_code == 2
    assert result.output == (f"Error: [E101] {path} is 50.0 MB, over the 5.0 MB limit for a "
                             "codebook. A codebook is a few hundred kilobytes at most; check "
                             "that this is the right file.\n")
    assert db_bytes(project) == before


def test_unknown_codebook_and_version(run, tmp_path):
    run("codebook", "load", write(tmp_path / "demo.yaml", SMALL))
    result = run("codebook", "show", "dmeo")
    assert result.exit_code == 2
    assert result.output.startswith("Error: [E106] No codebook 'dmeo' in the project. "
                                    "Did you mean 'demo'?")
    assert run("codebook", "show", "demo@9").output.startswith(
        "Error: [E107] Codebook 'demo' has no version #9. Its versions: #1")


def test_csv_import_reports_rows(run, project, tmp_path):
    sheet = write(tmp_path / "codes.csv", "id,parent,name,definition\nroles,,Roles,\n"
                  "clarity,roles,Role clarity,Clear roles.\nclarity,roles,Again,\n")
    before = db_bytes(project)
    result = run("codebook", "import", sheet)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: [E100] {sheet}, row 4: codes[2] (clarity): id "
                                    "'clarity' is used again (first at row 3)")
    assert db_bytes(project) == before
    missing = run("codebook", "import", write(tmp_path / "no-name.csv", "id,label\na,A\n"))
    assert missing.output.startswith(f"Error: [E108] {tmp_path}/no-name.csv: no column 'name'")
    # a code list another tool wrote (ATLAS.ti's) points at the exchange format it can write
    atlas = run("codebook", "import", write(tmp_path / "atlas.csv",
                                            "Code,Comment\nBarriers: Role ambiguity,Unsure\n"))
    assert atlas.output == (
        f"Error: [E108] {tmp_path}/atlas.csv: no column 'id'. A codebook CSV needs the columns "
        "id and name (and usually parent and definition); its columns are: 'code', 'comment'. "
        "A codebook from NVivo, ATLAS.ti, MAXQDA, QualCoder or Taguette: export it as REFI-QDA "
        "(.qdc) and import that.\n")
