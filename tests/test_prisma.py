"""PRISMA 2020 screening counts (checked sums, figure, table) and the report's confidence
sections (Summary of Qualitative Findings, CERQual profile, PRISMA flow, ENTREQ), audited."""

from __future__ import annotations

import json

import pytest
import test_findings
from test_themes_cli import dump

from thematic.findings.prisma import broken_sums, figure, flow, import_screening

built = test_findings.built   # the same small project with two themes
COUNTS = ("item,count,reason\nidentified,120,\nduplicates,20,\nscreened,100,\n"
          "screen_excluded,60,\nsought,40,\nnot_retrieved,2,\nassessed,38,\n"
          "excluded,6,participants under 18\nexcluded,4,thesis or abstract\nincluded,28,\n")


def test_counts_file_exact_output(built, run, tmp_path):
    sheet = tmp_path / "counts.csv"
    sheet.write_text(COUNTS, encoding="utf-8")
    result = run("screening", "import", sheet)
    assert result.exit_code == 0, result.output
    assert result.output == (f"Screening from {sheet} (counts): identified 120, screened 100, "
                             "assessed 38, included 28\n")
    assert run("screening", "show").output == (
        "phase           item                                             n\n"
        "--------------  -----------------------------------------------  ---\n"
        "Identification  Records identified from databases and registers  120\n"
        "Identification  Duplicate records removed                        20\n"
        "Screening       Records screened                                 100\n"
        "Screening       Records excluded                                 60\n"
        "Screening       Reports sought for retrieval                     40\n"
        "Screening       Reports not retrieved                            2\n"
        "Screening       Reports assessed for eligibility                 38\n"
        "Screening       Reports excluded                                 10\n"
        "Screening       participants under 18                            6\n"
        "Screening       thesis or abstract                               4\n"
        "Included        Studies included in review                       28\n")
    doc = json.loads(run("screening", "show", "--json").output)
    assert doc["counts"]["excluded"] == 10 and doc["reasons"][0] == ["participants under 18", 6]


def test_counts_that_do_not_add_up_name_the_broken_sum(built, run, tmp_path):
    before = dump(built)
    sheet = tmp_path / "bad.csv"
    sheet.write_text(COUNTS.replace("screened,100", "screened,95"), encoding="utf-8")
    result = run("screening", "import", sheet)
    assert result.exit_code == 2
    assert result.output.startswith(
        f"Error: [E600] {sheet}: the screening counts do not add up: identified (120) − "
        "duplicates (20) = 100, but screened is 95; screened (95) − screen_excluded (60) = 35, "
        "but sought is 40. Correct the counts")
    assert dump(built) == before


def test_unreported_counts_are_not_checked_or_guessed():
    counts = {"identified": None, "screened": None, "included": 65}
    assert broken_sums(counts) == []
    assert broken_sums({"assessed": 10, "excluded": 3, "included": 7},
                       reasons=[("a", 1), ("b", 1)]) == [
        "the exclusion reasons add up to 2, but excluded is 3"]


def test_screening_log_gives_consistent_counts(store, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "record,source,stage,decision,reason\n"
        "r1,PubMed,identification,duplicate,\n"
        "r2,PubMed,screening,exclude,\n"
        "r3,Scopus,screening,include,\nr3,Scopus,retrieval,not retrieved,\n"
        "r4,Scopus,screening,include,\nr4,Scopus,eligibility,exclude,under 18\n"
        "r5,PsycINFO,screening,include,\nr5,PsycINFO,eligibility,include,\n"
        "r6,PubMed,included,include,\n", encoding="utf-8")
    found = import_screening(store, log)
    c = found.counts
    assert (c["identified"], c["duplicates"], c["screened"], c["screen_excluded"],
            c["sought"], c["not_retrieved"], c["assessed"], c["excluded"], c["included"]) \
        == (6, 1, 5, 1, 4, 1, 3, 1, 2)
    assert found.reasons == [("under 18", 1)] and found.records == 6
    assert dict(found.sources) == {"PubMed": 3, "Scopus": 2, "PsycINFO": 1}


def test_log_exclusion_without_reason_is_refused(store, tmp_path):
    from thematic.errors import ThematicError

    log = tmp_path / "log.csv"
    log.write_text("record,source,stage,decision,reason\nr1,PubMed,eligibility,exclude,\n",
                   encoding="utf-8")
    with pytest.raises(ThematicError) as caught:
        import_screening(store, log)
    assert caught.value.code == "E601" and "row 2" in caught.value.message
    assert flow(store).available is False


def test_figure_is_png_and_svg_with_boxes(store, tmp_path):
    sheet = tmp_path / "counts.csv"
    sheet.write_text(COUNTS, encoding="utf-8")
    png, svg = figure(import_screening(store, sheet))
    assert png.startswith(b"\x89PNG")
    text = svg.decode("utf-8")
    assert "<svg" in text and "Records screened (n = 100)" in text
    assert text.count("<path") >= 10          # boxes and arrows are drawn shapes


def test_report_carries_confidence_sections_and_audit_checks_them(built, run, tmp_path):
    sheet = tmp_path / "counts.csv"
    sheet.write_text(COUNTS, encoding="utf-8")
    run("screening", "import", sheet)
    run("finding", "add", "Peer workers' roles are often unclear", "--theme", "role-ambiguity")
    run("cerqual", "set", "F1", "--limitations", "minor", "--coherence", "no concerns",
        "--adequacy", "serious", "--relevance", "minor", "--overall", "low",
        "--why", "Three studies with thin data.")
    result = run("report", "--out", built / "reports" / "synthesis.md")
    assert result.exit_code == 0, result.output
    text = (built / "reports" / "synthesis.md").read_text(encoding="utf-8")
    for heading in ("## Study selection (PRISMA 2020)", "## Summary of Qualitative Findings",
                    "## Appendix B. GRADE-CERQual evidence profile",
                    "## Appendix C. ENTREQ checklist"):
        assert heading in text
    assert (built / "reports" / "synthesis" / "prisma-flow.png").exists()
    assert (built / "reports" / "synthesis" / "prisma-flow.svg").exists()
    assert '<!-- claim finding="F1" studies="3" excerpts="10" confidence="low" -->' in text
    assert "| Low confidence | Three studies with thin data." in text
    assert "thematic proposes Moderate confidence" in text
    assert '<!-- claim screening="prisma" identified="120"' in text
    assert run("audit").exit_code == 0
    # a changed judgement or count in the report is caught like any other claim
    report = built / "reports" / "synthesis.md"
    report.write_text(text.replace('confidence="low"', 'confidence="high"', 1)
                      .replace('included="28"', 'included="29"'), encoding="utf-8")
    result = run("audit", "--json")
    assert result.exit_code == 1
    problems = json.loads(result.output)["problems"]
    mismatches = {(p["where"].get("claim"), p["where"].get("key")) for p in problems
                  if p["check"] == "report-claim-mismatch"}
    assert mismatches == {("finding", "confidence"), ("screening", "included")}


def test_removed_theme_leaves_a_finding_the_audit_reports(built, run):
    run("finding", "add", "Roles are unclear", "--theme", "role-ambiguity")
    run("theme", "remove", "role-ambiguity")
    result = run("audit", "--json")
    problems = json.loads(result.output)["problems"]
    assert "finding-unknown-theme" in {p["check"] for p in problems}
    assert result.exit_code == 1
    listed = run("finding", "list").output.splitlines()
    assert listed[2].split() == ["F1", "Roles", "are", "unclear", "role-ambiguity", "[E603]"]
