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
    # excerpt_link inlined: the appendix's theme → code lists hold ~250k links at 100k
    link = _link
    return ", ".join([link(r["id"], r["anchor"])
                      if type(r["id"]) is str and type(r["anchor"]) is str
                      else excerpt_link(r) for r in refs])


def study_links(refs) -> str:
    """Study links joined by ", " (macro ``studies``)."""
    return ", ".join([study_link(r) for r in refs])


def appendix_entry(e: dict) -> str:
    """One line of the appendix's "Excerpt → study" list."""
    return _entry(e, study_link(e["study"]))


def _entry(e: dict, where: str) -> str:
    # an excerpt's anchor, id, location and text appear once in a report: escaped directly,
    # not through the cache of recurring strings (which they would only churn)
    if e.get("file"):
        where += "; " + _esc(e["file"])
    location = e.get("location")
    if location:
        where += ", " + escape(location)
    codes = e.get("codes")
    codes = f" — codes: {_esc(', '.join(map(str, codes)))}." if codes else ""
    return (f'- <a id="{_once(e["anchor"])}"></a>**{_once(e["id"])}** ({where}): '
            f"{_once(e['text'])}{codes}")


def _once(value: object) -> str:
    return "" if value is None else escape(value)


def appendix_entries(rows) -> str:
    """Every entry of the "Excerpt → study" list, one per line (the template's newline
    ends the last)."""
    # rows share their study references (1,000 studies, 100k rows): each link is made
    # once; the cache holds the reference, so its id cannot be reused meanwhile
    links: dict[int, tuple[object, str]] = {}
    out = []
    for e in rows:
        ref = e["study"]
        hit = links.get(id(ref))
        if hit is None or hit[0] is not ref:
            hit = links[id(ref)] = (ref, study_link(ref))
        out.append(_entry(e, hit[1]))
    return "\n".join(out)
