"""Markdown escaping of report data: any text prints as itself, in a paragraph or a table
cell, with CommonMark (markdown-it-py) — and escaping is undone exactly."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from thematic.report.markdown import (
    anchor,
    attr,
    escape,
    parse_claims,
    parse_quotes,
    quote_text,
    unescape,
)

MD = MarkdownIt("commonmark", {"html": True}).enable("table")
HOSTILE = ('Staff said: roles were *unclear* | "we did not know" <script>alert(1)</script> '
           '`rm -rf` [x](http://e.com) {{ 7*7 }} {% raw %} & &amp; $5 ~a~ ^b^ @c :smile: '
           '_x_ # not a heading \\ end')


def _paragraph_text(source: str) -> str:
    rendered = MD.render(source)
    match = re.fullmatch(r"<p>(.*)</p>\n", rendered, re.DOTALL)
    assert match, rendered
    assert "<" not in match.group(1).replace("<br />", ""), rendered  # no tag, no link
    return html.unescape(match.group(1))


def _cell_texts(source: str) -> list[str]:
    rendered = MD.render(source)
    return [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", rendered, re.DOTALL)]


def test_hostile_text_prints_literally_in_a_paragraph():
    assert _paragraph_text(escape(HOSTILE)) == HOSTILE


def test_hostile_text_keeps_a_table_row_to_its_cells():
    row = f"| {escape(HOSTILE)} | {escape('second | cell')} |"
    assert _cell_texts(f"| a | b |\n|---|---|\n{row}\n") == [HOSTILE, "second | cell"]


def test_escape_values():
    assert escape("snake_case_id") == "snake_case_id"     # intraword: never emphasis
    assert escape("_x_") == "\\_x\\_"
    assert escape("a|b") == "a\\|b"
    assert escape("line one\nline two") == "line one line two"
    assert escape("  padded  ") == "padded"
    assert escape("1. not a list") == "1\\. not a list"
    assert escape("- not a list") == "\\- not a list"
    assert escape("-0.12") == "-0.12"
    assert escape("---") == "\\---"
    assert escape("{{ 7*7 }}") == "\\{\\{ 7\\*7 \\}\\}"
    assert escape(None) == ""
    assert escape(3) == "3"


def test_anchor_and_attr():
    assert anchor("excerpt", "F 001/ä") == "excerpt-F-001--"
    assert escape(anchor("excerpt", "F_001")) == "excerpt-F_001"   # safe in any context
    assert attr('a "b" --> |c|') == "a &quot;b&quot; &#45;&#45;&gt; &#124;c&#124;"


def test_quote_text_is_a_verbatim_prefix():
    assert quote_text("  One line.  ") == ("One line.", False)
    assert quote_text("First line.\nSecond line.") == ("First line.", True)
    long = "word " * 200
    text, cut = quote_text(long)
    assert cut and long.startswith(text) and len(text) <= 400 and not text.endswith(" ")


def test_marks_are_read_back():
    quote = escape('He said "*no*" | then left')
    doc = (f'> <!-- quote excerpt="F&#45;&#45;1" truncated="yes" -->\n> "{quote}" \\[…\\] — '
           '[Cooper 2024](#study-1), [F1](#excerpt-F1)\n\n'
           'Text. <!-- claim project studies="3" excerpts="8" -->\n'
           '<!-- claim theme="t" studies="2" share="40%" -->\n')
    assert parse_quotes(doc) == [{"excerpt": "F--1", "text": 'He said "*no*" | then left',
                                  "truncated": True, "line": 1}]
    assert parse_claims(doc) == [{"project": "", "studies": "3", "excerpts": "8", "line": 4},
                                 {"theme": "t", "studies": "2", "share": "40%", "line": 5}]


TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF,
                             blacklist_categories=("Cs", "Cc", "Zs")) | st.sampled_from(" "),
               min_size=1, max_size=60).map(str.strip).filter(bool)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_text_round_trips(text):
    escaped = escape(text)
    assert unescape(escaped) == text
    assert _paragraph_text(escaped) == text
    assert _cell_texts(f"| h |\n|---|\n| {escaped} |\n") == [text]


@pytest.mark.parametrize("text", ["&#123;", "&copy;", "<!-- x -->", "\\*", "![a](b)", "<a@b.c>",
                                  "http://x.org/a_b_", "~~~", "```", "    code", "#", "+",
                                  "1)", "*", "a  \\"])
def test_tricky_values(text):
    escaped = escape(text)
    assert unescape(escaped) == text.strip()
    assert _paragraph_text(escaped) == text.strip()


def test_plain_text_skips_escaping_only_where_escaping_changes_nothing(monkeypatch):
    """escape's shortcut for plain text (markdown._PLAIN) returns exactly what the full
    escape returns, for strings inside and at the edges of what it accepts."""
    import random
    import re

    from thematic.report import markdown as md

    rng = random.Random(7)
    alphabet = "aZ09 .,;'\"()/!?%-_:*#|<>`\\{}$&~^@+=\t\n1."
    samples = ["F000001", "excerpt-F000001", "row 2, column finding", "Cooper 2024",
               "- item", "1. one", "a_b", "a:b:", "word ", " word", "x-", "=", "Ab.", "a\nb"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
                for _ in range(3000)]
    # mostly plain, with at most one character from anywhere at a random place
    for _ in range(3000):
        text = [rng.choice(alphabet[:18]) for _ in range(rng.randint(1, 12))]
        if rng.random() < 0.3:
            text.insert(rng.randint(0, len(text)), rng.choice(alphabet))
        samples.append("".join(text))
    fast = [md.escape(s) for s in samples]
    shortcut = [s for s in samples if md._PLAIN.fullmatch(s)]
    monkeypatch.setattr(md, "_PLAIN", re.compile(r"(?!)"))
    assert fast == [md.escape(s) for s in samples]
    assert len(shortcut) > 100 and "row 2, column finding" in shortcut
