"""`thematic audit` on reports: quotes, anchors, citations and claims, planted one at a time
in a hand-made report in the anchors format; a report `thematic report` renders audits
clean."""

from __future__ import annotations

import hashlib

import pytest
from test_audit_checks import audit_json, named
from test_audit_fixtures import REPORT, build

from thematic.audit import heading_slug, scan, unescape, verbatim


@pytest.fixture
def built(project):
    build(project)
    return project


def plant(project, old: str, new: str, name: str = "synthesis.md") -> None:
    assert old in REPORT
    (project / "reports" / name).write_text(REPORT.replace(old, new, 1), encoding="utf-8")


def only(problems: list[dict]) -> list[tuple]:
    return [(p["severity"], p["check"], p["where"]) for p in problems]


def test_quote_not_verbatim(built, run):
    plant(built, "unclear about their role", "unclear about the role")
    code, problems = audit_json(run)
    assert code == 1
    assert only(problems) == [("error", "report-quote-not-verbatim",
                               {"file": "reports/synthesis.md", "line": 19,
                                "excerpt": "F001"})]
    assert problems[0]["message"] == (
        "reports/synthesis.md, line 19: the quote of excerpt 'F001' is not word for word in "
        "the excerpt: \"Peer workers were unclear about the role in the team.\".")


def test_quote_compared_after_markdown_escaping_is_undone(built, run):
    # the fixture's F004 quote is escaped (\*, \&, \<b\>); unescaped it is verbatim
    assert audit_json(run) == (0, [])
    plant(built, "\\*renewed\\*", "renewed")
    assert named(audit_json(run)[1], "report-quote-not-verbatim")[0]["where"]["excerpt"] == \
        "F004"


def test_quote_of_an_unknown_excerpt_and_marker_without_text(built, run):
    text = REPORT.replace('excerpt="F003" truncated', 'excerpt="F404" truncated').replace(
        '> "Peer workers were unclear about their role in the team." — ', "> — ")
    (built / "reports" / "synthesis.md").write_text(text)
    code, problems = audit_json(run)
    assert code == 1
    assert only(problems) == [
        ("error", "report-bad-marker", {"file": "reports/synthesis.md", "line": 19}),
        ("error", "report-unknown-excerpt", {"file": "reports/synthesis.md", "line": 30,
                                             "excerpt": "F404"})]


def test_link_to_an_anchor_that_does_not_exist(built, run):
    plant(built, '- <a id="excerpt-F003"></a>', "- ")
    code, problems = audit_json(run)
    assert code == 1
    assert only(problems) == [("error", "report-broken-anchor",
                               {"file": "reports/synthesis.md", "line": 31,
                                "anchor": "excerpt-F003"})]


def test_citation_of_a_study_not_in_the_store(built, run):
    plant(built, "- <a id=\"study-3\"></a>Smith 2022. Hope and recovery.",
          '- <a id="study-3"></a>Smith 2022. Hope and recovery.\n'
          '- <a id="study-9"></a>[Brown 2020](#study-9). Not included.')
    code, problems = audit_json(run)
    assert code == 1
    assert only(problems) == [
        ("error", "report-unknown-study", {"file": "reports/synthesis.md", "line": 47,
                                           "anchor": "study-9"}),
        ("error", "report-unknown-study", {"file": "reports/synthesis.md", "line": 47,
                                           "anchor": "study-9"})]


def test_citation_label_disagrees_with_the_store(built, run):
    plant(built, "[Cooper 2024](#study-1), [F001]", "[Cooper 2023](#study-1), [F001]")
    code, problems = audit_json(run)
    assert code == 1
    assert only(problems) == [("error", "report-citation-mismatch",
                               {"file": "reports/synthesis.md", "line": 20, "study": "1"})]
    assert problems[0]["fix"] == "Write [Cooper 2024](#study-1), or regenerate the report."


def test_excerpt_link_labelled_with_another_excerpt(built, run):
    plant(built, "[F004](#excerpt-F004)", "[F001](#excerpt-F004)")
    code, problems = audit_json(run)
    assert code == 1
    assert only(problems) == [("error", "report-citation-mismatch",
                               {"file": "reports/synthesis.md", "line": 28,
                                "excerpt": "F004"})]


@pytest.mark.parametrize(("old", "new", "key", "line"), [
    ('theme="role-ambiguity" studies="2"', 'theme="role-ambiguity" studies="3"', "studies", 17),
    ('excerpts="2" share="67%"', 'excerpts="2" share="50%"', "share", 17),
    ('share="0.67"', 'share="0.5"', "share", 25),
    ('project studies="3" excerpts="6"', 'project studies="3" excerpts="7"', "excerpts", 4),
])
def test_claim_that_disagrees_with_the_store(built, run, old, new, key, line):
    plant(built, old, new)
    code, problems = audit_json(run)
    assert code == 1
    [p] = problems
    assert (p["check"], p["where"]["line"], p["where"]["key"]) == \
        ("report-claim-mismatch", line, key)


def test_claim_message_gives_both_figures(built, run):
    plant(built, 'theme="role-ambiguity" studies="2"', 'theme="role-ambiguity" studies="3"')
    assert audit_json(run)[1][0]["message"] == (
        "reports/synthesis.md, line 17: the report says theme 'role-ambiguity' has studies=3, "
        "but the store has 2.")


def test_claims_about_unknown_things_and_unreadable_claims(built, run):
    extra = ('<!-- claim theme="nope" studies="1" -->\n<!-- claim code="ghost" excerpts="1" -->\n'
             '<!-- claim theme="hope" studies="two" -->\n<!-- claim studies="2" -->\n'
             '<!-- claim theme="hope" colour="2" -->\n<a id="theme-nope"></a>\n')
    (built / "reports" / "synthesis.md").write_text(REPORT + extra)
    code, problems = audit_json(run)
    assert code == 1
    assert [(p["check"], p["where"]["line"]) for p in problems] == [
        ("report-unknown-theme", 52), ("report-unknown-theme", 47),
        ("report-unknown-code", 48), ("report-bad-marker", 49), ("report-bad-marker", 50),
        ("report-claim-unchecked", 51)]


def test_default_reports_are_those_thematic_wrote(built, run):
    (built / "reports" / "notes.md").write_text("My notes: [broken](#nowhere)\n")
    assert audit_json(run) == (0, [])
    code, problems = audit_json(run, "--report", str(built / "reports" / "notes.md"))
    assert (code, only(problems)) == (1, [("error", "report-broken-anchor", {
        "file": "reports/notes.md", "line": 1, "anchor": "nowhere"})])


def test_missing_or_unreadable_report_is_a_usage_error(built, run):
    result = run("audit", "--report", "nothere.md")
    assert result.exit_code == 2
    assert "Error: [E402] nothere.md: no such report." in result.output
    (built / "reports" / "bad.md").write_bytes(b"\xff\xfe\x00bad")
    result = run("audit", "--report", str(built / "reports" / "bad.md"))
    assert result.exit_code == 2 and "[E403]" in result.output


def test_scan_skips_code_and_reads_markers():
    found = scan(REPORT)
    assert "nowhere" not in [t for _, _, t in found.links]
    assert [(n, a) for n, a, _ in found.quotes] == [
        (19, {"excerpt": "F001"}), (27, {"excerpt": "F004"}),
        (30, {"excerpt": "F003", "truncated": "yes"})]
    assert found.quotes[2][2] == "Participants gained hope"
    assert {"methods", "references", "traceability-appendix"} <= found.headings


def test_unescape_verbatim_and_heading_slug():
    assert unescape(r"\*a\* \& \<b\> &amp; \\ x\_y") == "*a* & <b> & \\ x_y"
    assert verbatim("peer  role\nand", "the peer role and its duties")
    assert verbatim("the peer … duties", "the peer role and its duties")
    assert verbatim("the peer [...] duties", "the peer role and its duties")
    assert not verbatim("the duties … peer", "the peer role and its duties")
    assert not verbatim("", "anything")
    assert heading_slug("1. Role *ambiguity* & `x`") == "1-role-ambiguity--x"


def test_rendered_report_audits_clean(built, run):
    pytest.importorskip("jinja2")
    from thematic.project import open_store
    from thematic.report import render

    (built / "reports" / "synthesis.md").unlink()
    with open_store(built) as store:
        out = render(store, built / "reports" / "peer-support.md", title="Peer support")
    assert audit_json(run) == (0, [])
    text = out.read_text(encoding="utf-8")
    assert "<!-- quote excerpt=" in text and "<!-- claim theme=" in text
    # the audit does read it: the same report with one figure changed fails
    out.write_text(text.replace('studies="2" excerpts="2" share="67%"',
                                'studies="2" excerpts="3" share="67%"', 1))
    code, problems = audit_json(run)
    assert code == 1 and named(problems, "report-claim-mismatch")


def test_excerpt_ids_with_characters_anchors_replace(built, run):
    from thematic.project import open_store
    from thematic.store.corpus import insert_excerpts

    with open_store(built) as store, store.transaction("odd id"):
        sha = hashlib.sha256(b"Odd id.").hexdigest()
        insert_excerpts(store, [("F007.b", "1", "Odd id.", sha, None, 0, 7, "row 8", 7, "{}")])
    plant(built, "## References", '- <a id="excerpt-F007-b"></a>[F007.b](#excerpt-F007-b)\n'
          '- [F007.c](#excerpt-F007-c)\n\n## References')
    _, problems = audit_json(run)
    # F007.b resolves through its anchor; F007.c does not exist (and the project now has
    # 7 excerpts, not the 6 the report states)
    assert [(p["check"], p["where"].get("anchor")) for p in problems] == [
        ("report-broken-anchor", "excerpt-F007-c"), ("report-unknown-excerpt", "excerpt-F007-c"),
        ("report-claim-mismatch", None)]
