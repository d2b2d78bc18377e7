"""Re-derive a report: render it again from the store, as it was rendered, and compare what
a reader sees.

A report ends with a trailer marker (``<!-- thematic-report seq= head= options= -->``) and the
store keeps the same record (``thematic.store.reports``). Audit checks the event log still
holds the head the report was rendered from, that nothing changed the evidence since, then
renders the report again with the recorded template and options and compares the two line
by line, after normalising each line to what a reader sees: HTML comments (markers) aside,
backslash escapes undone, whitespace collapsed, a table row as its cells. Every difference
is an error naming the line, its section (and table row and column), the expected text and
the found text. Markers are compared too, on lines whose visible text agrees, so a deleted
or edited marker is named; but it is the visible text that carries the check.

Generic on purpose: whatever sections a template renders are compared the same way.
"""

from __future__ import annotations

import difflib
import html
import json
import re
from dataclasses import dataclass

from thematic.audit.core import ERROR
from thematic.report.markdown import mask, unescape
from thematic.report.render import FIGURE_FILES

#: Differences listed per report before the rest are summed up in one line.
LIMIT = 30

_COMMENT = re.compile(r"<!--.*?(?:-->|$)")
_TAG = re.compile(r"<[^>\0]*>")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_DELIMITER = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_TRAILER = re.compile(r'<!-- thematic-report seq="(\d+)" head="([^"<>]*)" '
                      r'options="([^"<>]*)" -->')


@dataclass
class Line:
    number: int                     # 1-based line in its text
    text: str                       # what a reader sees, normalised
    cells: tuple[str, ...] | None   # a table row's cells
    markers: tuple[str, ...]        # the HTML comments on the line
    section: str                    # the heading above it
    header: tuple[str, ...] | None  # the header row of its table


def trailer(text: str) -> tuple[int, str, dict] | None:
    """(seq, head hash, options) from a report's trailer marker, if it has a readable one."""
    found = None
    for match in _TRAILER.finditer(mask(text)):
        found = match
    if found is None:
        return None
    try:
        options = json.loads(html.unescape(found.group(3)))
    except ValueError:
        return None
    return int(found.group(1)), html.unescape(found.group(2)), options


def visible(text: str, *, is_html: bool = False) -> list[Line]:
    """The non-blank lines of a report as a reader sees them (the trailer left out)."""
    out: list[Line] = []
    section, header, previous = "(before the first heading)", None, None
    for number, line in enumerate(text.splitlines(), start=1):
        masked = mask(line)
        if _TRAILER.fullmatch(masked.strip()):
            continue
        keep, markers, at = [], [], 0
        for match in _COMMENT.finditer(masked):
            keep.append((at, match.start()))
            markers.append(line[match.start():match.end()])
            at = match.end()
        keep.append((at, len(line)))
        shown_mask = "".join(masked[a:b] for a, b in keep)
        shown = "".join(line[a:b] for a, b in keep)
        if is_html:
            shown = _strip_tags(shown, shown_mask)
        words = _norm(shown)
        if not words and not markers:
            header = None
            continue
        cells = _cells(shown, shown_mask) if shown_mask.lstrip().startswith("|") else None
        if cells is not None and _DELIMITER.match(shown.strip()):
            header, previous = (previous.cells if previous is not None else None), None
            continue
        heading = _HEADING.match(shown_mask)
        if heading:
            section = _norm(shown[heading.start(1):heading.end(1)])
        current = Line(number, words, cells, tuple(markers), section,
                       header if cells is not None else None)
        if cells is None:
            header = None
        out.append(current)
        previous = current
    return out


def _norm(text: str) -> str:
    return " ".join(unescape(text).split())


def _strip_tags(shown: str, shown_mask: str) -> str:
    parts, at = [], 0
    for match in _TAG.finditer(shown_mask):
        parts.append(shown[at:match.start()])
        parts.append(" ")
        at = match.end()
    parts.append(shown[at:])
    return html.unescape("".join(parts))


def _cells(shown: str, shown_mask: str) -> tuple[str, ...]:
    bounds = [i for i, ch in enumerate(shown_mask) if ch == "|"]
    pieces, at = [], 0
    for i in bounds:
        pieces.append(shown[at:i])
        at = i + 1
    pieces.append(shown[at:])
    if pieces and not pieces[0].strip():
        pieces = pieces[1:]
    if pieces and not pieces[-1].strip():
        pieces = pieces[:-1]
    return tuple(_norm(p) for p in pieces)


def compare(expected: str, found: str, *, is_html: bool = False) -> list[dict]:
    """The differences between the re-rendered report and the one on disk: dicts with
    check, line, element, expected, found, message."""
    want, have = visible(expected, is_html=is_html), visible(found, is_html=is_html)
    a, b = [w.text for w in want], [h.text for h in have]
    out: list[dict] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for w, h in zip(want[i1:i2], have[j1:j2]):
                if w.markers != h.markers:
                    out.append(_marker_change(w, h))
            continue
        pairs = list(zip(want[i1:i2], have[j1:j2])) if op == "replace" else []
        for w, h in pairs:
            out.extend(_changed(w, h))
        for w in want[i1 + len(pairs):i2]:
            at = have[j1].number if j1 < len(have) else (have[-1].number + 1 if have else 1)
            out.append({"check": "report-differs", "line": at, "element": _where(w),
                        "expected": w.text, "found": "",
                        "message": f"{_where(w)}: the report lacks \"{_clip(w.text)}\", "
                                   "which the store gives."})
        for h in have[j1 + len(pairs):j2]:
            quote = h.text.startswith(">")
            out.append({"check": "report-unsourced-quote" if quote else "report-differs",
                        "line": h.number, "element": "quote" if quote else _where(h),
                        "expected": "", "found": h.text,
                        "message": (f"a blockquote the store cannot source (the report "
                                    f"re-rendered from the store has no such quote): "
                                    f"\"{_clip(h.text)}\"." if quote else
                                    f"{_where(h)}: \"{_clip(h.text)}\" is not what the "
                                    "store gives (the re-rendered report has no such "
                                    "line).")})
    return out


_LINKED = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _where(line: Line, column: str | None = None) -> str:
    parts = [f"section \"{_clip(line.section, 50)}\""]
    if line.cells is not None:
        # a row is named by its first cell as a reader sees it: a link by its label
        first = _LINKED.sub(r"\1", line.cells[0]) if line.cells else ""
        parts.append(f"table row \"{_clip(first, 40)}\"" if line.cells else "table row")
        if column:
            parts.append(f"column \"{column}\"")
    elif line.text.startswith(">"):
        parts.append("quote")
    return ", ".join(parts)


def _changed(w: Line, h: Line) -> list[dict]:
    if w.cells is not None and h.cells is not None and len(w.cells) == len(h.cells):
        out = []
        names = w.header if w.header and len(w.header) == len(w.cells) else None
        for k, (x, y) in enumerate(zip(w.cells, h.cells)):
            if x != y:
                column = names[k] if names else f"{k + 1}"
                where = _where(w, column)
                out.append({"check": "report-differs", "line": h.number, "element": where,
                            "expected": x, "found": y,
                            "message": f"{where}: expected \"{_clip(x)}\", found "
                                       f"\"{_clip(y)}\"."})
        return out
    x, y = _window(w.text, h.text)
    where = _where(w)
    return [{"check": "report-differs", "line": h.number, "element": where,
             "expected": w.text, "found": h.text,
             "message": f"{where}: expected \"{x}\", found \"{y}\"."}]


def _marker_change(w: Line, h: Line) -> dict:
    gone = [m for m in w.markers if m not in h.markers]
    new = [m for m in h.markers if m not in w.markers]
    what = "; ".join(([f"marker {_clip(m, 90)} is missing" for m in gone])
                     + [f"marker {_clip(m, 90)} is not the store's" for m in new]) \
        or "its markers are in another order"
    return {"check": "report-marker-changed", "line": h.number, "element": _where(w),
            "expected": " ".join(w.markers), "found": " ".join(h.markers),
            "message": f"{_where(w)}: {what}."}


def _window(a: str, b: str, width: int = 70) -> tuple[str, str]:
    """The two texts from a little before where they first differ."""
    at = 0
    while at < min(len(a), len(b)) and a[at] == b[at]:
        at += 1
    start = max(0, at - 20)
    lead = "…" if start else ""
    return lead + _clip(a[start:], width), lead + _clip(b[start:], width)


def _clip(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


# --- the audit check -------------------------------------------------------------------

REGENERATE = "Regenerate the report (`thematic report`) from the current project."


def options(store, text: str, key: str) -> dict | None:
    """The options a report was rendered with, as ``check`` reads them: the project's record
    of it, else its trailer; None for a hand-written report (neither)."""
    from thematic.store import reports as rdb

    record = rdb.get(store, key)
    if record is not None:
        out = dict(record.options)
        out.pop(FIGURE_FILES, None)
        return out
    found = trailer(text)
    return found[2] if found is not None else None


def check(checker, text: str, key: str, is_html: bool, folder=None) -> dict | None:
    """Re-derive one report (``checker`` is report_checks._ReportChecker); returns the
    options it was rendered with (None: no record)."""
    from thematic.errors import ThematicError
    from thematic.report.render import compose
    from thematic.store import reports as rdb

    record = rdb.get(checker.store, key)
    found = trailer(text)
    if record is None and found is None:
        # a hand-written report in the anchors format: its markers are all audit can check
        checker.audit.markers_only.append(checker.file)
        return None
    last = len(text.splitlines()) or 1
    files: dict = {}
    if record is not None:
        seq, digest, options = record.head_seq, record.head_hash, dict(record.options)
        files = options.pop(FIGURE_FILES, None) or {}
        if found is None:
            checker.add(ERROR, "report-marker-changed", last, "the report's thematic-report "
                        "trailer (how it was rendered, from which event) was removed.",
                        REGENERATE)
        elif found != (seq, digest, options):
            checker.add(ERROR, "report-marker-changed", last, "the report's thematic-report "
                        "trailer does not match the project's record of rendering it "
                        f"(trailer: event {found[0]}; record: event {seq}).", REGENERATE)
    else:
        seq, digest, options = found  # type: ignore[misc]
    if not _head(checker, seq, digest, last):
        return options
    try:
        expected, context, *_ = compose(checker.store, options,
                                        figures=options.get("figures") or [])
    except ThematicError as exc:
        checker.add(ERROR, "report-differs", 1, f"the report cannot be re-rendered as it was "
                    f"rendered: {exc.message}", REGENERATE)
        return options
    if folder is not None:
        _figures(checker, files, context.get("figure_inputs") or {}, folder, last)
    if _same(expected, text):
        return options
    problems = compare(expected, text, is_html=is_html)
    for p in problems[:LIMIT]:
        checker.add(ERROR, p["check"], p["line"], p["message"], REGENERATE,
                    element=p["element"], expected=_clip(p["expected"], 200),
                    found=_clip(p["found"], 200))
    if len(problems) > LIMIT:
        checker.add(ERROR, "report-differs", problems[LIMIT]["line"],
                    f"and {len(problems) - LIMIT} more difference(s) from the report "
                    "re-rendered from the store.", REGENERATE)
    return options


def _figures(checker, files: dict, inputs: dict, folder, last: int) -> None:
    """The theme network and heatmap are not drawn again: the project's record of the report
    holds, per figure, a digest of the data it was drawn from and its PNG's SHA-256
    (render.figure_inputs); the first must equal the digest of the store's data now, the
    second the file's."""
    import hashlib
    from pathlib import Path

    for ident, f in files.items():
        name = f"figure {ident!r} ({f['path']})"
        if inputs.get(ident) != f.get("input"):
            checker.add(ERROR, "report-figure-differs", last, f"{name} was drawn from data "
                        "that is not the store's now.", REGENERATE, figure=f["path"])
        path = Path(folder) / f["path"]
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            checker.add(ERROR, "report-figure-differs", last, f"{name} is missing.",
                        REGENERATE, figure=f["path"])
            continue
        if digest != f["sha256"]:
            checker.add(ERROR, "report-figure-differs", last, f"{name} is not the file that "
                        f"was drawn (its SHA-256 is {digest[:12]}…, the report records "
                        f"{str(f['sha256'])[:12]}…).", REGENERATE, figure=f["path"])


def _same(expected: str, text: str) -> bool:
    """Is ``text`` the re-rendered report byte for byte, plus its trailer line? Then no
    line can differ, and the line-by-line comparison (a minute on a 40 MB report) is
    skipped: the trailer itself was checked against the project's record already."""
    if len(text) <= len(expected) or not text.startswith(expected):
        return False
    rest = text[len(expected):]
    return rest.count("\n") <= 1 and _TRAILER.fullmatch(mask(rest.strip())) is not None


def _head(checker, seq: int, digest: str, last: int) -> bool:
    """Is the report's head in the log, unchanged, and nothing changed after it?"""
    from thematic.store import reports as rdb

    if seq:
        at = rdb.event_at(checker.store, seq)
        if at is None or at[0] != digest:
            now = "is not in the log" if at is None else f"now has hash {at[0][:12]}…"
            checker.add(ERROR, "report-head-mismatch", last, f"the report was rendered from "
                        f"event {seq} (hash {digest[:12]}…), which {now}: the history before "
                        "it was rewritten.", "Restore the project database from a backup or "
                        "version control; the history cannot be trusted.", event=seq)
            return False
    later = rdb.changes_since(checker.store, seq)
    if later:
        first = later[0]
        checker.add(ERROR, "report-stale", last, f"{len(later)} event(s) changed the project "
                    f"after this report was rendered (from event {seq}); the first is event "
                    f"{first['id']}, {first['action']} {first['entity']} at {first['ts']}.",
                    REGENERATE, event=first["id"])
        return False
    return True
