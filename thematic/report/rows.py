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

import re
from collections.abc import Sequence
from functools import lru_cache

from thematic.report.markdown import anchor, escape

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


class Ref(dict):
    """An excerpt reference ``{"id", "anchor", "study"}``: a plain dict to templates, which
    keeps its Markdown link once written. A 100k-excerpt report links its excerpts ~300k
    times (theme → code lists) and writes each one's anchor again in the appendix; the
    link is checked against the values it was made from (a template may change a dict)."""

    __slots__ = ("_md",)
    _md: tuple


def _ref_md(r: Ref) -> tuple:
    """(id, anchor, escaped id, escaped anchor, link) of ``r``, made once."""
    try:
        made = r._md
        if r["id"] is made[0] and r["anchor"] is made[1]:
            return made
    except AttributeError:
        pass
    ident, target = r["id"], r["anchor"]
    # an excerpt's id and anchor are written once here, not through the cache of
    # recurring strings (which they would only churn)
    i, a = _once(ident), _once(target)
    made = r._md = (ident, target, i, a, f"[{i}](#{a})")
    return made


def ref(ident: str, target: str, study: dict | None) -> Ref:
    """The excerpt reference ``{"id": ident, "anchor": target, "study": study}``, its link
    written now."""
    made = Ref(id=ident, anchor=target, study=study)
    i, a = _once(ident), _once(target)
    made._md = (ident, target, i, a, f"[{i}](#{a})")
    return made


#: An id whose anchor is "excerpt-" + id and which escape() leaves as it is, as its anchor.
_SIMPLE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")


def excerpt_ref(ident: str, study: dict | None) -> Ref:
    """``ref(ident, anchor("excerpt", ident), study)``; for a plain id (F000123) without a
    regex substitution or escape: a report makes one for each of 100k excerpts."""
    if type(ident) is str and _SIMPLE.fullmatch(ident) is not None:
        target = "excerpt-" + ident
        made = Ref(id=ident, anchor=target, study=study)
        made._md = (ident, target, ident, target, f"[{ident}](#{target})")
        return made
    return ref(ident, anchor("excerpt", ident), study)


def excerpt_links(refs) -> str:
    """Excerpt links joined by ", " (macro ``excerpts``)."""
    try:
        # the report's own references (rows.ref): each link written once, checked still
        # to be of the reference's id and anchor
        return ", ".join([m[4] if r["id"] is m[0] and r["anchor"] is m[1] else _ref_md(r)[4]
                          for r in refs for m in (r._md,)])
    except AttributeError:   # some other dict (a template's own), or a Ref not yet linked
        pass
    out = []
    for r in refs:
        if type(r) is Ref:
            out.append(_ref_md(r)[4])
        elif type(r["id"]) is str and type(r["anchor"]) is str:
            out.append(_link(r["id"], r["anchor"]))
        else:
            out.append(excerpt_link(r))
    return ", ".join(out)


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
    if type(rows) is Entries and rows._dicts is None:
        return rows.markdown()
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


class Entries(Sequence):
    """The appendix's "Excerpt → study" list (``appendix.excerpts``, CONTEXT.md) held as
    columns: a template that iterates or indexes it gets the documented dicts (``eref`` +
    ``text``, ``location``, ``file``, ``codes``, ``themes``), made then and kept, while the
    filter ``appendix_entries`` writes the lines straight from the columns: 100k dicts
    made only to be formatted were a fifth of a 100k-excerpt report's time."""

    def __init__(self, ids: list[str], refs: list, excerpts: list, codes: list,
                 themes: list[tuple[str, list[str]]]) -> None:
        # for excerpt ids[i]: refs[i] its reference; excerpts[i] an object with .text,
        # .location and .file; codes[i] its code ids (None: none). themes: (theme id, its
        # excerpt ids) in theme order, an excerpt's "themes" being those that list it
        self._ids, self._refs, self._excerpts, self._codes = ids, refs, excerpts, codes
        self._themes = themes
        self._dicts: list[dict] | None = None

    def _made(self) -> list[dict]:
        if self._dicts is None:
            themes = [(theme, set(ids)) for theme, ids in self._themes]
            self._dicts = [
                {**ref, "text": found.text, "location": found.location, "file": found.file,
                 "codes": [] if codes is None else codes,
                 "themes": [theme for theme, ids in themes if ident in ids]}
                for ident, ref, found, codes in zip(self._ids, self._refs, self._excerpts,
                                                    self._codes)]
        return self._dicts

    def __len__(self) -> int:
        return len(self._refs)

    def __getitem__(self, i):
        return self._made()[i]

    def __iter__(self):
        return iter(self._made())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Entries, list, tuple)):
            return self._made() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Entries({len(self)} appendix entries)"

    def markdown(self) -> str:
        """What ``appendix_entries`` writes of the dicts, from the columns."""
        links: dict[int, tuple[object, str]] = {}
        files: dict[object, str] = {}
        coded: dict[str, str] = {}
        out: list[str] = []
        append = out.append
        for ref, found, codes in zip(self._refs, self._excerpts, self._codes):
            study = ref["study"]
            hit = links.get(id(study))
            if hit is None or hit[0] is not study:
                hit = links[id(study)] = (study, study_link(study))
            where = hit[1]
            file = found.file
            if file:
                done = files.get(file)
                if done is None:
                    done = files[file] = _esc(file)
                where += "; " + done
            location = found.location
            if location:
                where += ", " + escape(location)
            if codes:
                joined = ", ".join(map(str, codes))
                tail = coded.get(joined)
                if tail is None:
                    tail = coded[joined] = f" — codes: {_esc(joined)}."
            else:
                tail = ""
            if type(ref) is Ref:
                made = _ref_md(ref)
                ident, target = made[2], made[3]
            else:
                ident, target = _once(ref["id"]), _once(ref["anchor"])
            append(f'- <a id="{target}"></a>**{ident}** ({where}): '
                   f"{_once(found.text)}{tail}")
        return "\n".join(out)
