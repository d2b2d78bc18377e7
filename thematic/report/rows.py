"""The report's long repetitive lists, formatted in Python.

A report of 100k excerpts lists every evidence excerpt of every theme (Appendix A): through
Jinja's sandbox each row cost a macro call, several attribute look-ups and an escape per
value, and that loop was most of the time of ``thematic report`` and of the audit's
re-render. These functions write the same Markdown the macros of ``_macros.md.j2`` wrote,
byte for byte (tests/test_report_rows.py renders both), and every value still goes through
markdown.escape, as the environment's finalize hook would do. Templates reach them as the
filters ``excerpt_links``, ``study_links`` and ``appendix_entries``.
"""

from __future__ import annotations

from functools import lru_cache

from thematic.report.markdown import escape

#: Short strings (ids, anchors, citations, file names, code lists) recur across a report:
#: an excerpt is linked from its codes, its theme and the appendix. escape is a pure
#: function of its text, so their escapes are kept (a bounded cache: at most this many).
_KEPT = 1 << 17
_SHORT = 100


def _esc(value: object) -> str:
    # the finalize hook's rule: None prints nothing
    if value is None:
        return ""
    if type(value) is str and len(value) <= _SHORT:
        return _kept(value)
    return escape(value)


_kept = lru_cache(maxsize=_KEPT)(escape)


@lru_cache(maxsize=_KEPT)
def _link(label: str, target: str) -> str:
    return f"[{_esc(label)}](#{_esc(target)})"


def _str(value: object) -> bool:
    return type(value) is str


def study_link(ref: dict | None) -> str:
    """``[Cooper 2024](#study-1)``; "(study unknown)" without a study (macro ``study``)."""
    if not ref:
        return "(study unknown)"
    label, target = ref["citation"], ref["anchor"]
    if _str(label) and _str(target):
        return _link(label, target)
    return f"[{_esc(label)}](#{_esc(target)})"


def excerpt_link(ref: dict) -> str:
    """``[F001](#excerpt-F001)`` (macro ``excerpt``)."""
    label, target = ref["id"], ref["anchor"]
    if _str(label) and _str(target):
        return _link(label, target)
    return f"[{_esc(label)}](#{_esc(target)})"


def excerpt_links(refs) -> str:
    """Excerpt links joined by ", " (macro ``excerpts``)."""
    return ", ".join([excerpt_link(r) for r in refs])


def study_links(refs) -> str:
    """Study links joined by ", " (macro ``studies``)."""
    return ", ".join([study_link(r) for r in refs])


def appendix_entry(e: dict) -> str:
    """One line of the appendix's "Excerpt → study" list."""
    where = study_link(e["study"])
    if e.get("file"):
        where += "; " + _esc(e["file"])
    if e.get("location"):
        where += ", " + _esc(e["location"])
    codes = f" — codes: {_esc(', '.join(map(str, e['codes'])))}." if e.get("codes") else ""
    return (f'- <a id="{_esc(e["anchor"])}"></a>**{_esc(e["id"])}** ({where}): '
            f"{_esc(e['text'])}{codes}")


def appendix_entries(rows) -> str:
    """Every entry of the "Excerpt → study" list, one per line (the template's newline
    ends the last)."""
    return "\n".join([appendix_entry(e) for e in rows])
