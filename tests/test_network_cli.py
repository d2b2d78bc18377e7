"""`thematic network`: exact output, written files, and every bad input (error number, exit
status, database unchanged)."""

from __future__ import annotations

import json

import pytest
from conftest import db_bytes
from test_network_fixtures import TINY_CODES, fill, tiny

from thematic.project import open_store


def _fill(project, how=tiny, **kwargs):
    with open_store(project) as store:
        how(store, **kwargs)


def test_summary_table(project, run):
    _fill(project)
    result = run("network", "--weight", "jaccard")
    assert result.exit_code == 0
    assert result.stdout == """\
Codes co-occurring in the same excerpt; codebook demo: 3 nodes, 3 links; 4 excerpts from 2 studies.
Weight: jaccard (at least 0). Links more than chance: 0 (BH q < 0.05 over 3 pairs). Communities: 1 (louvain, seed 0).

id  name   count  studies  community  degree  betweenness  eigenvector  bridging
--  -----  -----  -------  ---------  ------  -----------  -----------  --------
a   Alpha  3      2        1          2       0.000        0.626
b   Beta   2      1        1          2       0.000        0.649
c   Gamma  2      2        1          2       0.000        0.432

Strongest links (all 3):
source  target  count  weight  p      q  sig
------  ------  -----  ------  -----  -  ---
a       b       2      0.667   0.5    1
b       c       1      0.333   0.833  1
a       c       1      0.250   1      1
"""
    assert result.stderr == ""


def test_study_level_npmi_keeps_negative_links_only_when_asked(project, run):
    _fill(project)
    result = run("network", "--unit", "study", "--weight", "npmi", "--min-weight", "-1",
                 "--top", "2")
    assert result.exit_code == 0
    assert result.stdout == """\
Codes co-occurring in the same study; codebook demo: 3 nodes, 3 links; 2 studies.
Weight: npmi (at least -1). Links more than chance: 0 (BH q < 0.05 over 3 pairs). Communities: 2 (louvain, seed 0).

id  name   count  studies  community  degree  betweenness  eigenvector  bridging
--  -----  -----  -------  ---------  ------  -----------  -----------  --------
a   Alpha  2      2        1          2       0.000        0.707
c   Gamma  2      2        1          2       0.000        0.707
b   Beta   1      1        2          2       0.000        0.000

Strongest links (top 2 of 3):
source  target  count  weight  p  q  sig
------  ------  -----  ------  -  -  ---
a       c       2      1.000   1  1
a       b       1      0.000   1  1
"""


def test_no_links_left_is_a_warning_not_an_error(project, run):
    _fill(project)
    result = run("network", "--weight", "npmi", "--min-weight", "0.5")
    assert result.exit_code == 0
    assert "Strongest links (all 0):\n(none)\n" in result.stdout
    assert "Communities: 3 (singletons: no links, seed 0)" in result.stdout
    assert result.stderr == "Warning: no links have weight >= 0.5; lower --min-weight.\n"


def test_json_document(project, run):
    _fill(project)
    result = run("network", "--weight", "count", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert set(doc) == {"network", "nodes", "edges", "written"}
    assert doc["written"] is None
    assert doc["network"]["units"] == 4 and doc["network"]["tested_pairs"] == 3
    assert [n["id"] for n in doc["nodes"]] == ["a", "b", "c"]
    assert {(e["source"], e["target"]): (e["count"], e["excerpts"]) for e in doc["edges"]} == {
        ("a", "b"): (2, ["E1", "E2"]), ("a", "c"): (1, ["E2"]), ("b", "c"): (1, ["E2"])}


def test_out_writes_the_file(project, run, tmp_path):
    import networkx as nx

    _fill(project)
    out = tmp_path / "exports" / "codes.graphml"
    result = run("network", "--out", out)
    assert result.exit_code == 0
    assert result.stdout.endswith(f"\nWrote {out} (graphml).\n")
    back = nx.read_graphml(out)
    assert sorted(back.edges) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert back.edges["a", "c"]["excerpts"] == "E2"


def test_format_alone_writes_into_reports(project, run):
    _fill(project)
    result = run("network", "--format", "png", "--json")
    assert result.exit_code == 0
    written = project / "reports" / "network-code.png"
    assert json.loads(result.stdout)["written"] == str(written)
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_theme_level_is_the_default_once_there_are_themes(project, run):
    from thematic.themes import add_theme

    with open_store(project) as store:
        tiny(store)
        add_theme(store, "First", ["a", "b"])
        add_theme(store, "Second", ["c"])
    result = run("network")
    assert result.exit_code == 0
    assert result.stdout.startswith("Themes co-occurring in the same excerpt: 2 nodes, 1 "
                                    "link; 4 excerpts from 2 studies.\n")


# --- bad input ---------------------------------------------------------------------------

def _fails(project, run, *args, code: str):
    before = db_bytes(project)
    result = run("network", *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: [{code}] ")
    assert db_bytes(project) == before
    return result.stderr


def test_no_codings_yet(project, run):
    message = _fails(project, run, code="E300")
    assert message == ("Error: [E300] No accepted codings yet, so there is no co-occurrence to "
                       "map. Code the excerpts first (`thematic code auto` then `thematic code "
                       "review`, or `thematic code import FILE`).\n")


def test_only_proposed_codings(project, run):
    _fill(project, status="proposed")
    message = _fails(project, run, code="E300")
    assert "7 proposed codings to review: accept them with `thematic code review`." \
        in message


def test_npmi_needs_two_units(project, run):
    _fill(project, fill, excerpts={"E1": ("S1", ["a", "b"]), "E2": ("S1", ["b", "c"])},
          codes=TINY_CODES)
    assert run("network", "--unit", "study").exit_code == 0
    message = _fails(project, run, "--unit", "study", "--weight", "npmi", code="E302")
    assert message == ("Error: [E302] --weight npmi compares co-occurrence with chance and "
                       "needs at least 2 studies, but the codes occur in only 1 study. Code excerpts "
                       "of more studies, use --unit excerpt, or use --weight count or "
                       "jaccard.\n")
    _fails(project, run, "--unit", "study", "--weight", "association", code="E302")


def test_a_single_code_makes_no_network(project, run):
    _fill(project, fill, excerpts={"E1": ("S1", ["a"]), "E2": ("S2", ["a"])},
          codes=TINY_CODES)
    message = _fails(project, run, code="E303")
    assert message.startswith("Error: [E303] Only 1 code (Alpha) has evidence; a "
                              "co-occurrence network needs at least two.")


def test_unknown_codebook(project, run):
    _fill(project)
    message = _fails(project, run, "--codebook", "dem", code="E307")
    assert "Did you mean 'demo'?" in message


def test_theme_level_without_themes(project, run):
    _fill(project)
    _fails(project, run, "--level", "theme", code="E301")


def test_output_folder_not_writable(project, run, locked):
    _fill(project)
    message = _fails(project, run, "--out", locked / "net.gexf", code="E041")
    assert message == f"Error: [E041] Folder {locked} is not writable. Choose another " \
                      "output path (--out).\n"
    assert list(locked.iterdir()) == []


def test_output_path_through_a_file(project, run, tmp_path):
    _fill(project)
    (tmp_path / "plain").write_text("x")
    _fails(project, run, "--out", tmp_path / "plain" / "net.csv", code="E305")


def test_output_extension_unknown(project, run, tmp_path):
    _fill(project)
    _fails(project, run, "--out", tmp_path / "net.txt", code="E306")


@pytest.mark.parametrize("option", ["--weight", "--unit", "--level", "--format"])
def test_bad_choices_are_usage_errors(project, run, option):
    _fill(project)
    result = run("network", option, "bogus")
    assert result.exit_code == 2
    assert "Invalid value for" in result.stderr
