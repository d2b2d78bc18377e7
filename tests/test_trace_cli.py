"""`thematic trace ID`: exact output for a theme, a code and an excerpt, JSON, the Markdown
appendix fragment (which audits clean), and ids that resolve to nothing or to two codes."""

from __future__ import annotations

import json

import pytest
from test_audit_checks import audit_json, named
from test_audit_fixtures import build, load_codebook

from thematic import themes, trace
from thematic.project import open_store


@pytest.fixture
def built(project):
    build(project)
    return project


def test_theme_chain_exact(built, run):
    result = run("trace", "role-ambiguity")
    assert result.exit_code == 0
    assert result.output == """\
theme role-ambiguity: Role ambiguity (descriptive)
  Peer workers' roles are unclear.
  evidence: 2 excerpts from 2 studies (1, 2)
  up: a top-level theme
  down:
    code peer-support:role-ambiguity — Role ambiguity
      excerpt F001 — study 1, Cooper 2024
        "Peer workers were unclear about their role in the team."
        at corpus/findings.csv, row 2, column finding, characters 0–55
        coded by gold (accepted; import from gold.csv:2)
      excerpt F002 — study 2, Lee 2023
        "Staff described confusion over the peer role and its duties."
        at corpus/findings.csv, row 3, column finding, characters 0–60
        coded by gold (accepted; import from gold.csv:3)
"""


def test_excerpt_chain_exact_lists_every_coding(built, run):
    result = run("trace", "F003")
    assert result.exit_code == 0
    assert result.output == """\
excerpt F003 — study 1, Cooper 2024
  "Participants gained hope that recovery was possible."
  down: study 1, Cooper 2024: Peer roles in community teams (corpus/studies.csv, row 2)
        at corpus/findings.csv, row 4, column finding, characters 0–52
  up:
    coding 7: peer-support:digital — Digital, by auto:rules (proposed; rules, rule digital: \
app, score 0.50)
      (not evidence: proposed)
    coding 3: peer-support:hope — Hope, by gold (accepted; import from gold.csv:4)
      theme hope: Hope
  supports:
    theme hope: Hope — coding 3 (hope by gold)
"""


def test_code_chain_exact(built, run):
    # "digital" is no theme id (the theme is digital-support), so it resolves to the code
    result = run("trace", "digital")
    assert result.exit_code == 0
    assert result.output == """\
code peer-support:digital — Digital
  definition: Digital or remote delivery
  evidence: 2 excerpts from 2 studies (2, 3)
  up: theme(s) digital-support (Digital support)
  down:
    excerpt F005 — study 2, Lee 2023
      "Peer contact through an app reduced isolation."
      at corpus/findings.csv, row 6, column finding, characters 0–46
      coded by gold (accepted; import from gold.csv:6)
    excerpt F006 — study 3, Smith 2022
      "Video calls with a peer made support possible in rural areas."
      at corpus/findings.csv, row 7, column finding, characters 0–61
      coded by gold (accepted; import from gold.csv:7)
"""


def test_sub_themes_grouping_codes_and_topics(built, run):
    parents = {"hope": "recovery", "digital": "recovery"}
    codes = [("recovery", "Recovery outcomes", "Group"), ("hope", "Hope", "Hope"),
             ("digital", "Digital", "Digital or remote delivery"),
             ("role-ambiguity", "Role ambiguity", "Unclear or confused peer worker roles"),
             ("training", "Training", "Training of peer workers")]
    with open_store(built) as store:
        with store.transaction("v2 and a topic"):
            load_codebook(store, "2", codes, parents)
            store.execute("INSERT INTO topic_runs (id, created_at, model, params, "
                          "n_documents) VALUES (1, 'now', 'tfidf', '{}', 6)")
            store.execute("INSERT INTO topics (run_id, topic, label, keywords, size, "
                          "representative) VALUES (1, 0, 'peers', '[]', 1, '[\"F002\"]')")
            store.execute("INSERT INTO topic_members (run_id, topic, excerpt_id) "
                          "VALUES (1, 0, 'F002')")
        themes.add_theme(store, "Outcomes", ["recovery"], level="analytical",
                         codebook="peer-support")
        themes.edit(store, "role-ambiguity", parent="outcomes")
        store.execute("INSERT INTO theme_topics (theme_id, run_id, topic) "
                      "VALUES ('outcomes', 1, 0)")
    result = run("trace", "outcomes")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:5] == ["theme outcomes: Outcomes (analytical)",
                         "  evidence: 6 excerpts from 3 studies (1, 2, 3)",
                         "  up: a top-level theme", "  down:",
                         "    code peer-support:recovery — Recovery outcomes"]
    assert "    code peer-support:hope — Hope (beneath recovery)" in lines
    assert "    topic 0 of run 1: 1 member" in lines
    assert "    sub-theme role-ambiguity: Role ambiguity (descriptive)" in lines
    # the codings were made against version 1; version 2 is current now
    assert "        coded by gold (accepted; import from gold.csv:4, codebook version 1 " \
           "(not the current one))" in lines
    assert run("trace", "role-ambiguity").output.splitlines()[3] == \
        "  up: part of theme outcomes (Outcomes)"
    # an excerpt coded with a grouped code reaches the analytical theme too
    assert "      theme outcomes: Outcomes" in run("trace", "F003").output.splitlines()
    # the trace is symmetric: the excerpt names every theme it supports, and why
    up = run("trace", "F002").output.splitlines()
    assert up[up.index("  supports:") + 1:] == [
        "    theme role-ambiguity: Role ambiguity — coding 2 (role-ambiguity by gold)",
        "    theme outcomes: Outcomes — coding 2 (role-ambiguity by gold)",
        '    theme outcomes: Outcomes — member of topic 0 "peers" of run 1, which the theme '
        "was accepted from"]


def test_json_is_the_chain_dataclass(built, run):
    doc = json.loads(run("trace", "hope", "--json").output)
    assert doc["kind"] == "theme" and doc["code"] is None
    theme = doc["theme"]
    assert (theme["studies"], theme["evidence"]) == (["1", "3"], ["F003", "F004"])
    [code] = theme["codes"]
    assert [e["id"] for e in code["excerpts"]] == ["F003", "F004"]
    assert code["excerpts"][1]["source"] == {"id": "3", "citation": "Smith 2022",
                                             "title": "Hope and recovery",
                                             "file": "corpus/studies.csv",
                                             "location": "row 4"}
    assert run("trace", "F001", "--format", "json").output == \
        run("trace", "F001", "--json").output


def test_markdown_fragment_uses_report_anchors_and_audits_clean(built, run):
    result = run("trace", "hope", "--format", "md")
    assert result.exit_code == 0
    md = result.output
    assert md.startswith('<a id="theme-hope"></a>\n## Theme: Hope\n')
    assert ('<a id="excerpt-F004"></a>\n> <!-- quote excerpt="F004" -->\n'
            '> "Members reported \\*renewed\\* hope \\& optimism \\<b\\>after\\</b\\> meeting '
            'peers." — [Smith 2022](#study-3), [F004](#excerpt-F004)\n') in md
    assert '<!-- claim theme="hope" studies="2" excerpts="2" -->' in md
    for ident in ("hope", "digital", "F003"):
        out = run("trace", ident, "--format", "md").output
        (built / "reports" / f"appendix-{ident}.md").write_text(out, encoding="utf-8")
    assert audit_json(run) == (0, [])


def test_markdown_fragment_goes_stale_like_a_report(built, run):
    (built / "reports" / "appendix.md").write_text(run("trace", "hope", "--format",
                                                       "md").output)
    with open_store(built) as store, store.transaction("reject"):
        store.execute("UPDATE codings SET status = 'rejected' WHERE excerpt_id = 'F004'")
    code, problems = audit_json(run)
    assert code == 1
    assert {p["where"].get("key") for p in named(problems, "report-claim-mismatch")} >= \
        {"studies", "excerpts"}


def test_unknown_id_names_the_nearest(built, run):
    result = run("trace", "hop")
    assert result.exit_code == 2
    assert result.output == (
        "Error: [E400] Nothing named 'hop': no theme, code or excerpt has that id. Did you "
        "mean 'hope'? List themes with `thematic theme list` and excerpts with `thematic "
        "excerpts list`.\n")


def test_code_in_two_codebooks_needs_its_codebook(built, run):
    from thematic.store.codebooks import Code, insert_codebook

    with open_store(built) as store, store.transaction("cfir"):
        insert_codebook(store, name="cfir", version="2", digest="c" * 64, title="CFIR",
                        metadata={}, content="{}", source_path=None,
                        codes=[Code(id="digital", name="Digital")])
    result = run("trace", "digital")
    assert result.exit_code == 2
    assert "[E401] Code 'digital' is in more than one codebook (cfir, peer-support). Name " \
           "one as CODEBOOK:CODE, e.g. `thematic trace cfir:digital`." in result.output
    assert run("trace", "peer-support:digital").output.startswith(
        "code peer-support:digital — Digital\n")
    result = run("trace", "cfir:digitl")
    assert result.exit_code == 2 and "[E404] No code 'digitl' in codebook 'cfir'. Did you " \
                                     "mean 'digital'?" in result.output


def test_library_chain_has_both_directions(built):
    with open_store(built) as store:
        found = trace.chain(store, "F004")
    assert found.kind == "excerpt" and found.excerpt.source.citation == "Smith 2022"
    assert [t.id for c in found.excerpt.codings for t in c.themes] == ["hope"]


def test_one_model_three_renderers(built, run):
    """The CLI prints what the library's renderers return, for every kind of chain."""
    with open_store(built) as store:
        for ident in ("role-ambiguity", "digital", "F003"):
            found = trace.chain(store, ident)
            assert run("trace", ident).output == trace.to_text(found)
            assert run("trace", ident, "--format", "md").output == trace.to_markdown(found)
            assert json.loads(run("trace", ident, "--json").output) == trace.to_json(found)


def test_excerpt_chain_json_exact(built, run):
    result = run("trace", "F001", "--json")
    assert result.exit_code == 0
    assert result.output == JSON_F001


JSON_F001 = """\
{
  "kind": "excerpt",
  "id": "F001",
  "theme": null,
  "code": null,
  "excerpt": {
    "id": "F001",
    "text": "Peer workers were unclear about their role in the team.",
    "file": "corpus/findings.csv",
    "location": "row 2, column finding",
    "start": 0,
    "end": 55,
    "source": {
      "id": "1",
      "citation": "Cooper 2024",
      "title": "Peer roles in community teams",
      "file": "corpus/studies.csv",
      "location": "row 2"
    },
    "codings": [
      {
        "id": 1,
        "codebook": "peer-support",
        "codebook_version": "1",
        "current_version": true,
        "code_id": "role-ambiguity",
        "code_name": "Role ambiguity",
        "coder": "gold",
        "status": "accepted",
        "method": "import",
        "rule": "gold.csv:2",
        "score": null,
        "start": null,
        "end": null,
        "themes": [
          {
            "id": "role-ambiguity",
            "name": "Role ambiguity"
          }
        ]
      }
    ],
    "supports": [
      {
        "theme": {
          "id": "role-ambiguity",
          "name": "Role ambiguity"
        },
        "via": "coding",
        "coding": 1,
        "code": "role-ambiguity",
        "coder": "gold",
        "run": null,
        "topic": null,
        "label": null,
        "through": null,
        "reassigned": false
      }
    ],
    "not_evidence": {},
    "not_evidence_topics": []
  }
}
"""
