"""Markdown escaping for report data, and parsers for the report's machine-readable marks.

Every value a template prints goes through :func:`escape`, so excerpt text full of ``*``,
``_``, ``#``, ``|``, ``<script>``, backticks, ``[links]`` or ``{{ jinja }}`` comes out as the
literal text on GitHub, in pandoc and in any CommonMark renderer, and never breaks a table.
Escaping uses CommonMark backslash escapes only, so :func:`unescape` undoes it exactly
(what ``thematic audit`` does before it compares a quote with its excerpt).

The marks the report writes (and :func:`parse_quotes` / :func:`parse_claims` read back)::

    <a id="excerpt-F001"></a>      anchors: excerpt-, study-, theme- + id (see anchor())
    > <!-- quote excerpt="F001" -->
    > "verbatim excerpt text" — [Cooper 2024](#study-1), [F001](#excerpt-F001)
    <!-- claim theme="role-ambiguity" studies="5" excerpts="12" share="8%" -->

A quote's marker sits alone on the blockquote's first line: CommonMark reads a line that
*starts* with ``<!--`` as a raw HTML block up to ``-->``, so text after the marker on the same
line would not be rendered as Markdown. A quote cut short (first line of a multi-line
excerpt, or more than QUOTE_LIMIT characters) carries ``truncated="yes"`` and `` \\[…\\]``
after its closing quotation mark; the text between the quotation marks is always a verbatim
substring of the excerpt once unescaped.
"""

from __future__ import annotations

import html
import re

#: Characters always backslash-escaped. ``{ }`` stop Liquid/Jekyll and any later template
#: pass from reading ``{{ … }}``; ``$ ^ ~ @`` are pandoc's maths, super/subscript and
#: citation marks; ``& < >`` stop entities and raw HTML; ``|`` keeps table cells intact.
ALWAYS = frozenset("\\`*[]<>#|{}$&~^@")
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
QUOTE_LIMIT = 400

_BREAKS = re.compile(r"\r\n|\r|\n")
_LIST_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_EMOJI = re.compile(r":(?=[a-z0-9_+-]+:)")
_UNESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def escape(value: object) -> str:
    """The Markdown source that renders as exactly ``str(value)`` on one line.

    Line breaks become spaces (a value must never end a table row or a paragraph) and
    leading and trailing whitespace is dropped (at a line start, four spaces would open a
    code block; at a line end, two would make a hard break).
    """
    if type(value) is str and _PLAIN.fullmatch(value) is not None:
        # ids, anchors, locations, plain prose: one C scan proves nothing below changes them
        return value
    text = value if type(value) is str else ("" if value is None else str(value))
    if _ANY_BREAK.search(text) is not None:
        text = _BREAKS.sub(" ", text)
    text = text.strip()
    if _TOUCHED.search(text) is None:
        # most values (ids, names, plain prose) need no escape: one scan, no substitution
        return _escape_start(text)
    # one regex pass, a Python call only per special character (a per-character loop
    # dominated rendering a report of 100k excerpts)
    escaped = _SPECIAL.sub(_escape_one, text)
    escaped = _EMOJI.sub(r"\\:", escaped)
    return _escape_start(escaped)


_SPECIAL = re.compile("[" + re.escape("".join(sorted(ALWAYS))) + "_]")
#: A character escape() may change: a special one, or the ":" of an emoji shortcode.
_TOUCHED = re.compile("[" + re.escape("".join(sorted(ALWAYS))) + "_:]")
_ANY_BREAK = re.compile(r"[\r\n]")
#: Text escape() returns as it is: a letter first (no list, break or setext start, no
#: leading space), no trailing space, and no character it escapes, no ":" or "_" and no
#: line break anywhere.
_PLAIN = re.compile(r"[A-Za-z](?:[A-Za-z0-9 .,;'\"()/!?%-]*[A-Za-z0-9.,;'\"()/!?%-])?")


def _escape_one(match: re.Match) -> str:
    ch, text, i = match.group(0), match.string, match.start()
    if ch != "_":
        return "\\" + ch
    # Between two letters or digits an underscore never starts or ends emphasis
    # (CommonMark flanking rules, pandoc's intraword_underscores), so snake_case and
    # anchors stay readable.
    inner = 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
    return ch if inner else "\\_"


def _escape_start(text: str) -> str:
    """Escape what would start a list, a thematic break or a setext underline when the value
    is printed at the start of a line."""
    if text and text[0] in "-+=" and (len(text) == 1 or text[1] in " \t" or text[1] == text[0]):
        return "\\" + text
    match = _LIST_START.match(text)
    if match:
        return f"{match.group(1)}\\{match.group(2)}{text[match.end():]}"
    return text


def unescape(text: str) -> str:
    """Undo :func:`escape` (CommonMark backslash escapes of ASCII punctuation)."""
    return _UNESCAPE.sub(r"\1", text)


def attr(value: object) -> str:
    """A value safe inside an HTML attribute or comment in Markdown: no quote, no ``--``,
    no ``|`` (which would split a table row even inside a comment), no backslash (which
    would escape the closing quote for a Markdown reader)."""
    text = html.escape(_BREAKS.sub(" ", "" if value is None else str(value)), quote=True)
    return (text.replace("--", "&#45;&#45;").replace("|", "&#124;")
            .replace("\\", "&#92;"))


_ESCAPE_PAIR = re.compile(r"\\[!-/:-@\[-`{-~]")


def mask(line: str) -> str:
    """``line`` with each backslash escape (``\\X``, data the report escaped) turned into
    two NULs: the same length, so a match found in the mask slices the line, and no escaped
    character can open a marker, a comment, a link, an anchor or a code span."""
    if "\\" not in line:
        return line   # no escape to mask (most lines): no regex pass
    return _ESCAPE_PAIR.sub("\0\0", line)


def anchor(kind: str, ident: object) -> str:
    """``excerpt-F001``: kind + "-" + id with every character outside [A-Za-z0-9_-] as "-".

    Anchors pass through :func:`escape` unchanged, so they are safe in link targets and
    ``<a id>`` attributes alike.
    """
    return f"{kind}-{_ANCHOR_UNSAFE.sub('-', str(ident))}"


def quote_text(text: str, limit: int = QUOTE_LIMIT) -> tuple[str, bool]:
    """The part of an excerpt a quote prints and whether it was cut short: the first line,
    at most ``limit`` characters ending at a word boundary; always a verbatim substring."""
    stripped = text.strip()
    first = _BREAKS.split(stripped, maxsplit=1)[0].rstrip()
    cut = len(first) < len(stripped)
    if len(first) > limit:
        space = first.rfind(" ", 0, limit)
        first = first[: space if space > limit // 2 else limit].rstrip()
        cut = True
    return first, cut


# --- reading the marks back (audit, tests) ---------------------------------------------

_QUOTE = re.compile(
    r'^>[ \t]*<!-- quote excerpt="(?P<id>[^"]*)"(?P<extra>[^>]*)-->[ \t]*\r?\n'
    r'>[ \t]*"(?P<body>.*)$', re.MULTILINE)
_QUOTE_END = re.compile(r'"(?: \\\[…\\\])? — ')
_CLAIM = re.compile(r"<!-- claim (?P<body>[^>]*?)\s*-->")
_PAIR = re.compile(r'(\w+)(?:="([^"]*)")?')
_ANCHOR_DEF = re.compile(r'<a id="([^"]+)"></a>')
_LINK = re.compile(r"\]\(#([A-Za-z0-9_-]+)\)")


def parse_quotes(markdown: str) -> list[dict]:
    """Every quote in a report: {"excerpt": id, "text": unescaped quoted text,
    "truncated": bool, "line": 1-based line of the marker}."""
    found = []
    for match in _QUOTE.finditer(mask(markdown)):   # escaped data cannot open a marker
        body = markdown[match.start("body"):match.end("body")]
        ends = list(_QUOTE_END.finditer(body))
        quoted = body[: ends[-1].start()] if ends else body.rstrip().rstrip('"')
        found.append({"excerpt": html.unescape(markdown[match.start("id"):match.end("id")]),
                      "text": unescape(quoted),
                      "truncated": 'truncated="yes"' in match.group("extra"),
                      "line": markdown.count("\n", 0, match.start()) + 1})
    return found


def parse_claims(markdown: str) -> list[dict]:
    """Every claim marker as a dict of its attributes (a bare word such as ``project`` maps
    to ""), with "line"."""
    claims = []
    for match in _CLAIM.finditer(mask(markdown)):
        body = markdown[match.start("body"):match.end("body")]
        fields: dict[str, str | int] = {k: html.unescape(v or "")
                                        for k, v in _PAIR.findall(body)}
        fields["line"] = markdown.count("\n", 0, match.start()) + 1
        claims.append(fields)
    return claims


def anchors(markdown: str) -> list[str]:
    """The ids of every ``<a id="..."></a>`` in a report, in order."""
    return _ANCHOR_DEF.findall(markdown)


def links(markdown: str) -> list[str]:
    """The targets of every in-document link ``](#target)``, in order."""
    return _LINK.findall(markdown)
