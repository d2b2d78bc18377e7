"""`thematic report` on a small project built through the library: exact fragments, a
CommonMark parse (tables, headings, anchors), hostile excerpt text, determinism, figures."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from test_report_fixtures import HOSTILE, build

MD = MarkdownIt("commonmark", {"html": True}).enable("table")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """(project root, Markdown text) of the default report, rendered once for the module."""
    from thematic.project import init, open_store
    from thematic.report import render

    root = init(tmp_path_factory.mktemp("report") / "proj")
    build(root)
    with open_store(root) as store:
        out = render(store, root / "reports" / "synthesis.md", title="Peer support | *demo*")
    return root, out.read_text(encoding="utf-8")


def _tables(text: str) -> list[tuple[list[int], int]]:
    """Per table: the cell count of each row (markdown-it tokens) and the header width."""
    found, rows, count = [], [], 0
    for tok in MD.parse(text):
        if tok.type == "table_open":
            rows = []
        elif tok.type == "tr_open":
            count = 0
        elif tok.type in ("th_open", "td_open"):
            count += 1
        elif tok.type == "tr_close":
            rows.append(count)
        elif tok.type == "table_close":
            found.append((rows, rows[0]))
    return found


def _source_cells(line: str) -> int:
    """Cells of a table row in the source: pipes not escaped by a backslash."""
    return len(re.findall(r"(?<!\\)\|", line)) - 1


def test_exact_fragments(rendered):
    _, text = rendered
    assert text.startswith("# Peer support \\| \\*demo\\*\n\n*thematic ")
    assert ("This synthesis draws on 8 excerpts from 3 of the project's 4 studies; 8 excerpts "
            "carry 10 accepted codings. <!-- claim project studies=\"4\" studies_with_excerpts="
            "\"3\" excerpts=\"8\" coded_excerpts=\"8\" codings=\"10\" -->\n") in text
    assert ("| [Personal recovery](#theme-personal-recovery) | 3 | 4 | 100% <!-- claim theme="
            "\"personal-recovery\" studies=\"3\" excerpts=\"4\" share=\"100%\" --> |\n") in text
    assert ("<a id=\"theme-personal-recovery\"></a>\n### 1. Personal recovery\n\n"
            "Gains in hope; \\*mixed\\* clinical effects.\n") in text
    assert ("- Hope (hope): 3 excerpts from 3 studies. <!-- claim code=\"hope\" "
            "codebook=\"demo\" studies=\"3\" excerpts=\"3\" -->\n") in text
    assert ("> <!-- quote excerpt=\"F8\" -->\n> \"Hope and fewer symptoms followed group "
            "sessions.\" — [Scanlan 2020](#study-3), [F8](#excerpt-F8)\n") in text
    assert ("| peer specialists in teams | hospital \\*wards\\* | peer workers \\| staff | "
            "Hope, Symptoms | [Scanlan 2020](#study-3) |\n") in text
    assert ("- <a id=\"study-1\"></a>\\[1\\] R. E. Cooper and K. Saunders (2024). Peer "
            "support: an umbrella review. *BMC Medicine*.\n") in text
    assert "[F2](#excerpt-F2) (“mixed”)" in text
    assert "Codable codes with no accepted coding: Funding.\n" in text
    # a proposal and a rejected coding never count as evidence
    assert "1 automatic proposal not yet reviewed" in text
    assert "Hope (hope): 3 excerpts" in text and "Stigma (stigma): 1 excerpt from 1" in text


def test_markdown_structure(rendered):
    _, text = rendered
    tokens = MD.parse(text)
    headings = [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens)
                if t.type == "heading_open"]
    assert [h for h in headings if h[0] in ("h1", "h2")] == [
        ("h1", "Peer support \\| \\*demo\\*"), ("h2", "Summary"), ("h2", "Methods"),
        ("h2", "Evidence table"), ("h2", "Themes"), ("h2", "Findings through CFIR 2.0"),
        ("h2", "Figures"),
        ("h2", "Evidence gaps"), ("h2", "Appendix A. Traceability"), ("h2", "References"),
        ("h2", "Notes on this report")]
    tables = _tables(text)
    assert [(len(rows), width) for rows, width in tables] == [(4, 4), (3, 5)]
    for rows, width in tables:
        assert set(rows) == {width}
    for line in text.splitlines():
        if line.startswith("|"):
            assert _source_cells(line) in (4, 5), line
    page = MD.render(text)
    ids = re.findall(r'<a id="([^"]+)"></a>', page)
    assert len(ids) == len(set(ids))
    targets = set(re.findall(r'href="#([^"]+)"', page))
    assert targets and targets <= set(ids)
    assert {"excerpt-F1", "excerpt-F6", "study-4", "theme-evidence-gaps"} <= set(ids)


def test_hostile_text_comes_out_literally(rendered):
    _, text = rendered
    page = MD.render(text)
    assert "<script>" not in page and "49" not in text and "yes{%" not in text
    quotes = [html.unescape(q) for q in re.findall(r"<p>&quot;(.*?)&quot; — ", page)]
    assert HOSTILE in quotes
    cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", page)]
    assert "peer workers | staff" in cells and "hospital *wards*" in cells
    links = re.findall(r'<a href="#theme-role-ambiguity-stigma-7-7">(.*?)</a>', page)
    assert html.unescape(links[0]) == "Role ambiguity | stigma {{ 7*7 }}"
    assert "Unclear roles &lt;b&gt;and&lt;/b&gt; stigma." in page


def test_quotes_are_verbatim_and_claims_match_the_store(rendered):
    from thematic.project import open_store
    from thematic.report.markdown import parse_claims, parse_quotes
    from thematic.store.corpus import get_excerpt
    from thematic.themes import evidence

    root, text = rendered
    quotes = parse_quotes(text)
    assert [q["excerpt"] for q in quotes] == ["F8", "F5", "F1", "F2", "F4", "F6", "F7"]
    with open_store(root) as store:
        for quote in quotes:
            assert quote["text"] in get_excerpt(store, quote["excerpt"]).text
        for claim in parse_claims(text):
            if "theme" in claim:
                ev = evidence(store, claim["theme"])
                assert int(claim["excerpts"]) == len(ev.excerpts)
                assert int(claim.get("studies", len(ev.studies))) == len(ev.studies)


def test_same_project_same_bytes(rendered, tmp_path):
    from thematic.project import open_store
    from thematic.report import render

    root, text = rendered
    folder = root / "reports" / "synthesis"
    figures = {p.name: p.read_bytes() for p in folder.glob("*.png")}
    assert sorted(figures) == ["theme-network.png", "theme-study-heatmap.png"]
    assert "![Theme co-occurrence network](synthesis/theme-network.png)" in text
    with open_store(root) as store:
        again = render(store, root / "reports" / "synthesis.md", title="Peer support | *demo*")
    assert again.read_text(encoding="utf-8") == text
    assert {p.name: p.read_bytes() for p in folder.glob("*.png")} == figures
    assert not list((root / "reports").glob(".*.tmp"))


def test_theme_filter_and_html(rendered, run, project):
    from thematic.project import open_store

    build(project)
    out = project / "reports" / "one.html"
    result = run("report", "--themes", "Personal recovery", "--format", "html", "--out", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<title>Thematic synthesis</title>" in page
    assert page.count('<a id="theme-') == 1 and '<a id="theme-personal-recovery"></a>' in page
    assert "It presents 1 theme of the project's 3: <!-- claim project themes=\"3\" -->" in page
    assert "<table>" in page and (project / "reports" / "one" / "theme-network.png").exists()
    with open_store(project) as store:
        assert store.scalar("SELECT COUNT(*) FROM events WHERE action LIKE 'report%'") == 0


def test_cli_json(run, project):
    build(project)
    result = run("report", "--json")
    assert result.exit_code == 0, result.output
    import json

    document = json.loads(result.stdout)
    assert document == {
        "report": "reports/report.md", "format": "md", "themes": 3,
        "figures": ["reports/report/theme-network.png",
                    "reports/report/theme-study-heatmap.png"],
        "notes": [document["notes"][0]]}
    assert document["notes"][0].startswith("Inter-coder agreement was not measured: it needs")


def test_agreement_between_named_coders(tmp_path):
    from thematic.project import init, open_store
    from thematic.report import render

    root = init(tmp_path / "two")
    build(root, themes=False, second_coder=True)
    with open_store(root) as store:
        text = render(store, root / "reports" / "r.md", agreement_coders=["ana", "ben"]
                      ).read_text(encoding="utf-8")
    section = text.split("### Agreement\n\n")[1].split("###")[0]
    assert section.startswith("Agreement between ana and ben on the codes of demo 1.0.0, over "
                              "the 8 excerpts they all reviewed")
    assert re.search(r"- Krippendorff's alpha: 0\.\d{3} \(", section)
    assert "<!-- claim statistic=\"Cohen&#x27;s kappa\" value=\"0." in section
    assert "not agreement between two human coders" not in section
    # no themes yet: the sections say so in one line, nothing is faked
    assert "No themes have been defined yet (thematic theme add, or thematic theme accept)." \
        in text and "## Themes" not in text
    assert "## Figures" not in text


def test_path_helpers():
    from thematic.report.render import _url

    assert _url("my report/theme-network.png") == "my%20report/theme-network.png"
    assert Path("x").name == "x"


def test_render_is_the_function_whatever_was_imported_first():
    import importlib

    importlib.import_module("thematic.report.render")
    import thematic.report
    from thematic.report.render import build_report  # the module's contents

    assert callable(thematic.report.render) and not hasattr(thematic.report.render, "__path__")
    assert thematic.report.render.__module__ == "thematic.report"
    assert build_report.__module__ == "thematic.report.render"


def test_analytical_theme_gathers_its_children(tmp_path):
    from thematic.project import init, open_store
    from thematic.report import render
    from thematic.themes import add_theme, edit

    root = init(tmp_path / "levels")
    build(root)
    with open_store(root) as store:
        add_theme(store, "Recovery against barriers", [], level="analytical",
                  description="How gains and barriers meet.")
        for child in ("personal-recovery", "role-ambiguity-stigma-7-7"):
            edit(store, child, parent="recovery-against-barriers")
        text = render(store, root / "reports" / "r.md").read_text(encoding="utf-8")
    assert ("An analytical theme gathering [Personal recovery](#theme-personal-recovery), "
            "[Role ambiguity \\| stigma \\{\\{ 7\\*7 \\}\\}](#theme-role-ambiguity-stigma-7-7)."
            ) in text
    assert "A descriptive theme within [Recovery against barriers](#theme-recovery-against-" \
           "barriers).\n" in text
    assert ("<!-- claim theme=\"recovery-against-barriers\" studies=\"3\" excerpts=\"7\" "
            "share=\"100%\" -->") in text
    section = text.split("### 4. Recovery against barriers")[1].split("<a id=")[0]
    assert "- Hope (hope): 3 excerpts from 3 studies." in section   # its children's codes


def test_agreement_with_an_automatic_coder_is_labelled_as_validation(tmp_path):
    from thematic.project import init, open_store
    from thematic.report import render
    from thematic.store.codings import Coding, add_codings, mark_reviewed

    root = init(tmp_path / "auto")
    build(root, themes=False)
    with open_store(root) as store:
        book = store.scalar("SELECT id FROM codebooks")
        with store.transaction("auto"):
            add_codings(store, [Coding(excerpt_id="F3", codebook_id=book, code_id="stigma",
                                       coder="auto:rules", method="rules", status="proposed")])
            mark_reviewed(store, "auto:rules", ["F1", "F2", "F3", "F4"], book)
        text = render(store, root / "reports" / "r.md", agreement_coders=["ana", "auto:rules"]
                      ).read_text(encoding="utf-8")
    section = text.split("### Agreement\n\n")[1].split("###")[0]
    assert ("This compares human coding with automatic coding (auto:rules): it validates the "
            "automatic coder against the human reference, and is not agreement between two "
            "human coders.") in section
