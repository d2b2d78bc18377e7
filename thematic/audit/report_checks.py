"""The audit's checks of a report: its markers, quotes, anchors, citations and claims."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from pathlib import Path

from thematic.audit import cfir_checks
from thematic.audit.core import ERROR, WARNING, Audit
from thematic.files import display_path
from thematic.report.markdown import anchor, mask
from thematic.store import audit as db

_PRODUCED = re.compile(r'<!-- (?:quote|claim|thematic-report)\b|<a\s+id="(?:excerpt|study|theme)-')
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_ANCHOR = re.compile(r"<a\s[^>]*?\b(?:id|name)\s*=\s*[\"']([^\"']*)[\"']", re.I)
# "[" then a lookbehind that the character before it is no backslash: a literal first lets
# the regex engine skip to each "[" (a lookbehind first was tried at every position)
_LINK = re.compile(r"\[(?<!\\\[)((?:\\.|[^\[\]\\])*)\]\(\s*#([^)\s]*)[^)]*\)")
# A marker's grammar: kind, then key="value" pairs whose values went through markdown.attr
# (no quote, no "--", no "<" or ">"), single spaces; found only in a line's mask.
_MARKER = re.compile(r'<!-- (quote|claim)((?: [A-Za-z_][\w-]*(?:="[^"<>]*")?)*) -->')
_COMMENT = re.compile(r"<!--.*?(?:-->|$)")
_KIND = re.compile(r"\s*([A-Za-z][\w-]*)")
_QUOTED = re.compile(r'["\u201c]|\]\(#(?:study|excerpt)-')
_ATTR = re.compile(r'([A-Za-z_][\w-]*)\s*=\s*"([^"]*)"')
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_ELISION = re.compile(r"\s*(?:\[(?:…|\.\.\.)\]|…|\.\.\.)\s*")
_COUNTS = ("studies", "studies_with_excerpts", "excerpts", "coded_excerpts", "codings",
           "pairs", "proposed", "codes", "themes", "coders")


def discover(root: str | os.PathLike) -> list[Path]:
    """Every reports/*.md that ``thematic report`` wrote (it carries report markers)."""
    folder = Path(root) / "reports"
    found = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            continue
        if _produced(text):
            found.append(path)
    return found


def _produced(text: str) -> bool:
    """Does a line of ``text``, masked, hold a report marker? Only the lines where the raw
    text has one are masked (a mask cannot make a match), and the first hit ends it: a
    report's first claim is near its top, while masking all of a 40 MB report took 0.3 s."""
    at = 0
    while (hit := _PRODUCED.search(text, at)) is not None:
        start = text.rfind("\n", 0, hit.start()) + 1
        end = text.find("\n", hit.end())
        end = len(text) if end < 0 else end
        if _PRODUCED.search(mask(text[start:end])):
            return True
        at = end
    return False


def resolve(root: str | os.PathLike, path: str | os.PathLike) -> Path:
    from thematic.errors import ThematicError

    given = Path(path)
    for candidate in (given, Path(root) / given):
        if candidate.is_file():
            return candidate
    raise ThematicError("E402", path=given)


def unescape(text: str) -> str:
    """Markdown text back to the literal text: backslash escapes and HTML entities undone."""
    return _ESCAPED.sub(lambda m: m.group(1) if m.group(1) is not None
                        else html.unescape(m.group(0)), text)


def verbatim(quote: str, text: str) -> bool:
    """Is ``quote`` in ``text`` word for word (whitespace aside; an ellipsis may mark a cut)?"""
    q, t = " ".join(quote.split()), " ".join(text.split())
    if not q:
        return False
    if q in t:
        return True
    pieces = [p for p in _ELISION.split(q) if p]
    if not pieces or pieces == [q]:
        return False
    at = 0
    for piece in pieces:
        at = t.find(piece, at)
        if at < 0:
            return False
        at += len(piece)
    return True


def heading_slug(text: str) -> str:
    """The anchor GitHub-style renderers give a heading."""
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\[((?:\\.|[^\]\\])*)\]\([^)]*\)", r"\1", text)
    text = unescape(text.replace("`", "")).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@dataclass
class _Scan:
    anchors: dict[str, int] = field(default_factory=dict)          # id → line
    headings: set[str] = field(default_factory=set)
    # line, [(label, target)]: a line of the appendix's lists holds thousands of links
    linked: list[tuple[int, list[tuple[str, str]]]] = field(default_factory=list)
    quotes: list[tuple[int, dict, str | None]] = field(default_factory=list)
    claims: list[tuple[int, list[str], dict]] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)        # unreadable markers
    bare: list[tuple[int, str]] = field(default_factory=list)       # unmarked quotes

    @property
    def links(self) -> Iterator[tuple[int, str, str]]:
        """(line, label, target) of every #link."""
        return ((n, label, target) for n, pairs in self.linked for label, target in pairs)


def scan(text: str) -> _Scan:
    """Anchors, heading anchors, #links and markers of a report (code blocks skipped).

    Everything is found in the line's mask (markdown.mask): a character the report escaped
    is data, and data can neither open a marker nor swallow one."""
    out, fence, quote = _Scan(), None, None
    seen: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence, quote = opened.group(1), None
            continue
        # each pattern is tried only on a line holding the text it must start with: a
        # 100k-excerpt report has 400k lines, most of them plain appendix entries
        visible = mask(line)
        if "`" in visible:
            visible = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), visible)
        if quote is not None and visible.lstrip().startswith(">") and "<!--" not in visible:
            quote[1].append(re.sub(r"^\s*>\s?", "", line))
        else:
            _flush(out, quote)
            quote = None
            if visible.lstrip().startswith(">") and "<!--" not in visible and \
                    _QUOTED.search(visible):
                out.bare.append((n, line))
        if "<a" in visible or "<A" in visible:
            for m in _ANCHOR.finditer(visible):
                out.anchors.setdefault(m.group(1), n)
        heading = _HEADING.match(visible) if "#" in visible[:4] else None
        if heading:
            slug = heading_slug(line[heading.start(1):heading.end(1)])
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            out.headings.add(slug if not count else f"{slug}-{count}")
        if "](" in visible:
            # a line the mask left alone (most) gives (label, target) straight from findall
            out.linked.append((n, _LINK.findall(line) if visible is line else
                               [(line[m.start(1):m.end(1)], m.group(2))
                                for m in _LINK.finditer(visible)]))
        if "<!--" not in visible:
            continue
        for m in _COMMENT.finditer(visible):
            kind = _KIND.match(visible, m.start() + 4)
            if kind is None or kind.group(1) not in ("quote", "claim"):
                continue
            strict = _MARKER.fullmatch(visible, m.start(), m.end())
            if strict is None:
                out.bad.append((n, line[m.start():m.end()]))
                continue
            body = line[strict.start(2):strict.end(2)]
            attrs = {k: html.unescape(v) for k, v in _ATTR.findall(body)}
            if strict.group(1) == "claim":
                words = _ATTR.sub(" ", body).split()
                out.claims.append((n, words, attrs))
            else:
                quote = (n, [line[m.end():]], attrs)
    _flush(out, quote)
    return out


def _flush(out: _Scan, quote) -> None:
    if quote is not None:
        n, parts, attrs = quote
        body = "\n".join(parts).strip()
        close = max(body.rfind('"'), body.rfind("”"))
        text = body[1:close] if body[:1] in ('"', "“") and close > 0 else None
        out.quotes.append((n, attrs, text))


def check_reports(audit: Audit, paths: list[Path], rederived=None) -> None:
    """Check each report in ``paths`` against the store. ``rederived``: the re-derivations
    a second process is running (workers.Rederiving); None: re-derive here."""
    if paths:
        checker = _ReportChecker(audit)
        for path in paths:
            checker.check(path, rederived)


class _ReportChecker:
    def __init__(self, audit: Audit) -> None:
        from thematic.store.corpus import list_sources

        self.audit, self.store = audit, audit.store
        self.sources = {s.id: s for s in list_sources(self.store)}
        self.study_slugs = {anchor("study", s): s for s in self.sources}
        self.theme_slugs = {anchor("theme", t.id): t for t in audit.themes}
        self.coders: list[str] | None = None      # the evidence coders of the report
        self.counts: dict[str, int] = {}
        self._groups: db.Groups | None = None     # accepted_groups by self.coders
        self._excerpt_slugs: dict[str, str] | None = None
        self._actuals: dict[tuple, dict | None] = {}
        # every code's figures by (codebook, coders), read in one query when first needed
        self._codes: dict[tuple, dict[str, tuple[int, int, int]]] = {}

    def excerpt_of_slug(self, slug: str, known: set) -> str | None:
        """The excerpt an anchor's tail names: usually its id (in ``known``, the ids found);
        only an id with characters the anchor replaced needs the map of every id."""
        if slug in known:
            return slug
        if self._excerpt_slugs is None:
            self._excerpt_slugs = {anchor("excerpt", i): i
                                   for i in db.all_ids(self.store, "excerpts")}
        return self._excerpt_slugs.get("excerpt-" + slug)

    def read(self, path: Path) -> str:
        from thematic.errors import ThematicError

        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ThematicError("E403", path=path, detail=str(exc)) from None
        self.file = display_path(path, self.audit.root)
        return text

    def rederive(self, path: Path, text: str) -> dict | None:
        """Render the report again and compare (rederive.check); its options."""
        from thematic.audit import rederive
        from thematic.report.render import project_path

        return rederive.check(self, text, project_path(self.store, path),
                              is_html=path.suffix.lower() in (".html", ".htm"),
                              folder=path.parent)

    def check(self, path: Path, rederived=None) -> None:
        text = self.read(path)
        at = len(self.audit.problems)
        if rederived is None:
            options = self.rederive(path, text)
        else:
            from thematic.audit import rederive
            from thematic.report.render import project_path

            # the markers are checked while the other process renders; its problems are
            # put where re-deriving here would have put them (before the markers')
            options = rederive.options(self.store, text, project_path(self.store, path))
        found = scan(text)
        self._policy((options or {}).get("evidence_coders"))
        for line, raw in found.bad:
            self.add(ERROR, "report-bad-marker", line, f"the marker {_clip(raw)} does not "
                     "follow the marker grammar (kind, then key=\"value\" pairs).",
                     _REGENERATE)
        for line, raw in found.bare:
            self.add(ERROR, "report-unsourced-quote", line, "a quotation in a blockquote "
                     f"without a quote marker naming its excerpt: \"{_clip(raw)}\".",
                     'Mark it (> <!-- quote excerpt="ID" -->) or regenerate the report.')
        # texts only for the quotes; the anchors and links need only know the ids exist
        texts = db.excerpt_texts(self.store, [a.get("excerpt", "") for _, a, _ in found.quotes])
        # each (label, target) once: a 100k-excerpt report has 400k links, 100k distinct
        linked = set(chain.from_iterable(map(itemgetter(1), found.linked)))
        known = db.excerpt_ids(self.store, [
            *(t[len("excerpt-"):] for _, t in linked if t.startswith("excerpt-")),
            *(a[len("excerpt-"):] for a in found.anchors if a.startswith("excerpt-"))])
        self._anchors(found, known)
        self._links(found, known, linked)
        self._quotes(found, texts)
        for line, words, attrs in found.claims:
            self._claim(line, words, attrs)
        if rederived is not None:
            problems, markers_only = rederived.result(path, lambda: self.rederived(path, text))
            self.audit.problems[at:at] = problems
            if markers_only:
                self.audit.markers_only.append(self.file)

    def rederived(self, path: Path, text: str) -> tuple[list, bool]:
        """Re-derive ``path`` on its own: (its problems, markers only?), the audit's lists
        left as they were (the second process re-derives each report so; the first, so,
        when the second could not)."""
        problems, markers = self.audit.problems, self.audit.markers_only
        self.audit.problems, self.audit.markers_only = [], []
        try:
            self.rederive(path, text)
            return self.audit.problems, bool(self.audit.markers_only)
        finally:
            self.audit.problems, self.audit.markers_only = problems, markers

    def _policy(self, named: list[str] | None) -> None:
        """Check counts against the evidence coders the report was rendered with."""
        from thematic.errors import ThematicError
        from thematic.evidence import resolve

        try:
            coders = resolve(self.store, named).coders
        except ThematicError as exc:
            self.add(ERROR, "report-differs", 1, exc.message, _REGENERATE)
            coders = resolve(self.store).coders
        if coders != self.coders:
            self.coders, self._actuals = coders, {}
            # the project, codebook and code figures are summed from one grouped pass
            self._groups = db.accepted_groups(self.store, coders)
            self.counts = db.project_counts(self.store, coders, self._groups)

    def add(self, severity: str, check: str, line: int, message: str, fix: str, **where):
        self.audit.add(severity, check, f"{self.file}, line {line}: {message}", fix,
                       file=self.file, line=line, **where)

    def _anchors(self, found: _Scan, known: set) -> None:
        for name, line in found.anchors.items():
            kind, _, rest = name.partition("-")
            if kind == "excerpt" and self.excerpt_of_slug(rest, known) is None:
                self.add(ERROR, "report-unknown-excerpt", line, f"anchor {name!r} names an "
                         f"excerpt that is not in the project.", _REGENERATE, anchor=name)
            elif kind == "study" and name not in self.study_slugs:
                self.add(ERROR, "report-unknown-study", line, f"anchor {name!r} names a study "
                         "that is not in the project.", _REGENERATE, anchor=name)
            elif kind == "theme" and name not in self.theme_slugs:
                self.add(ERROR, "report-unknown-theme", line, f"anchor {name!r} names a theme "
                         "that is not in the project.", _REGENERATE, anchor=name)

    def _links(self, found: _Scan, known: set, linked: set[tuple[str, str]]) -> None:
        # a report links the same study or excerpt many times; a (label, target) pair that
        # passed every check passes again (the checks read only the report and the store).
        # A link labelled with the id its target names passes _link when the anchor is in
        # the report and the excerpt in the store: found in one pass, for the 100k the
        # appendix's lists hold (such a label has only [A-Za-z0-9_-], nothing to unescape)
        anchors = found.anchors
        passed = {pair for pair in linked if pair[1][:8] == "excerpt-"
                  and pair[0] == pair[1][8:] and pair[1] in anchors and pair[0] in known}
        for line, pairs in found.linked:
            for pair in pairs:
                if pair in passed:
                    continue
                before = len(self.audit.problems)
                self._link(found, known, line, *pair)
                if len(self.audit.problems) == before:
                    passed.add(pair)

    def _link(self, found: _Scan, known: set, line: int, raw: str, target: str) -> None:
        label = " ".join(unescape(raw).split())
        if target not in found.anchors and target not in found.headings:
            self.add(ERROR, "report-broken-anchor", line, f"link [{label}](#{target}) "
                     "points to no anchor in the report.",
                     f"Add <a id=\"{target}\"></a> where it should land, or regenerate "
                     "the report (`thematic report`).", anchor=target)
        if target.startswith("study-"):
            self._citation(line, label, target)
        elif target.startswith("excerpt-"):
            eid = self.excerpt_of_slug(target[len("excerpt-"):], known)
            if eid is None:
                self.add(ERROR, "report-unknown-excerpt", line, f"link [{label}](#{target})"
                         " cites an excerpt that is not in the project.", _REGENERATE,
                         anchor=target)
            elif label != eid and db.excerpt_ids(self.store, [label]):
                self.add(ERROR, "report-citation-mismatch", line, f"link [{label}]"
                         f"(#{target}) is labelled with excerpt {label!r} but points to "
                         f"excerpt {eid!r}.", _REGENERATE, excerpt=eid)

    def _citation(self, line: int, label: str, target: str) -> None:
        sid = self.study_slugs.get(target)
        if sid is None:
            self.add(ERROR, "report-unknown-study", line, f"citation [{label}](#{target}) "
                     "names a study that is not in the project.",
                     "Import the study (`thematic import studies`) or regenerate the report.",
                     anchor=target)
            return
        citation = self.sources[sid].citation
        if label not in (citation, sid) and not re.fullmatch(re.escape(citation) + "[a-z]",
                                                             label):
            self.add(ERROR, "report-citation-mismatch", line, f"citation [{label}](#{target}) "
                     f"does not match study {sid}, which the project cites as {citation!r}.",
                     f"Write [{citation}](#{target}), or regenerate the report.", study=sid)

    def _quotes(self, found: _Scan, texts: dict) -> None:
        for line, attrs, quoted in found.quotes:
            eid = attrs.get("excerpt")
            if not eid or quoted is None:
                self.add(ERROR, "report-bad-marker", line, "a quote marker without "
                         + ("excerpt=\"ID\"" if not eid else "a quoted text after it") + ".",
                         'Write > <!-- quote excerpt="ID" --> "text" — citation, or '
                         "regenerate the report.")
            elif eid not in texts:
                self.add(ERROR, "report-unknown-excerpt", line, f"quote of excerpt {eid!r}, "
                         "which is not in the project.", _REGENERATE, excerpt=eid)
            elif not verbatim(unescape(quoted), texts[eid][0]):
                self.add(ERROR, "report-quote-not-verbatim", line, f"the quote of excerpt "
                         f"{eid!r} is not word for word in the excerpt: "
                         f"\"{_clip(unescape(quoted))}\".",
                         f"Quote the excerpt exactly (`thematic excerpts show {eid}`), marking "
                         "cuts with …, or regenerate the report.", excerpt=eid)

    def _claim(self, line: int, words: list[str], attrs: dict) -> None:
        if "project" in words:
            kind, ident = "project", None
        elif attrs and next(iter(attrs)) not in _FIGURES:
            kind, ident = next(iter(attrs.items()))
        else:
            self.add(ERROR, "report-bad-marker", line, "a claim marker names nothing it is "
                     "about.", '<!-- claim theme="ID" studies="N" excerpts="N" -->, or '
                     "regenerate the report.")
            return
        if kind in _NOT_RECOMPUTED:
            return
        if kind in cfir_checks.KINDS:
            cfir_checks.check_claim(self, line, kind, ident, attrs)
            return
        subject = "the project" if ident is None else f"{kind} {ident!r}"
        # a report states a theme's figures several times (summary, section, gaps)
        key = (kind, ident, *(attrs.get(q) for q in _QUALIFIERS.get(kind, ())),
               "divergent" in attrs)
        if key not in self._actuals:
            self._actuals[key] = self._actual(line, kind, ident, attrs)
        actual = self._actuals[key]
        if actual is None:
            return
        for key, given in attrs.items():
            if key == kind or key in _QUALIFIERS.get(kind, ()):
                continue
            if key not in actual:
                self.add(WARNING, "report-claim-unchecked", line, f"claim {key}=\"{given}\" "
                         f"about {subject} is not a figure audit can check (for a {kind} it "
                         f"checks {', '.join(sorted(actual))}).",
                         "Use those keys, or ask for the figure to be added to audit.")
                continue
            ok = (given == actual[key] if isinstance(actual[key], str)
                  else _matches(given, actual[key], share=key == "share"))
            if ok is None:
                self.add(ERROR, "report-bad-marker", line, f"claim {key}=\"{given}\" is not "
                         "a number.", "Write the figure as in the text, e.g. 12, 0.42 or 42%.")
            elif not ok:
                value = actual[key]
                shown = f"{value:.3f}" if isinstance(value, float) else str(value)
                self.add(ERROR, "report-claim-mismatch", line, f"the report says {subject} "
                         f"has {key}={given}, but the store has {shown}.",
                         "Regenerate the report (`thematic report`) so it states the store's "
                         "figures, or correct the text.", claim=kind, id=ident, key=key)

    def _actual(self, line: int, kind: str, ident: str | None, attrs: dict) -> dict | None:
        """The store's figures for what a claim is about (None: a problem was added)."""
        contributing = self.counts["studies_with_excerpts"] or 1
        if kind == "project":
            return {k: self.counts[k] for k in _COUNTS}
        assert ident is not None  # only a project claim names nothing (see _claim)
        if kind == "theme":
            theme = self.theme_slugs.get(anchor("theme", ident))
            if theme is None:
                self.add(ERROR, "report-unknown-theme", line, f"claim about theme {ident!r}, "
                         "which is not in the project.", _REGENERATE, theme=ident)
                return None
            ev = self.audit.evidence(theme.id, self.coders)
            found = {"studies": len(ev.studies), "excerpts": len(ev.excerpts),
                     "codes": len(theme.codes), "share": len(ev.studies) / contributing}
            if "divergent" in attrs:
                found["divergent"] = self._divergent(theme, ev)
            return found
        if kind == "code":
            book = attrs.get("codebook")
            if not db.code_known(self.store, ident, book):
                self.add(ERROR, "report-unknown-code", line, f"claim about code {ident!r}, "
                         "which is in no loaded codebook" + (f" named {book!r}" if book else
                                                            "") + ".", _REGENERATE, code=ident)
                return None
            key = (book, tuple(self.coders) if self.coders is not None else None)
            if key not in self._codes:
                self._codes[key] = db.code_evidence_all(self.store, book, self.coders,
                                                        self._groups)
            studies, excerpts, codings = self._codes[key].get(ident, (0, 0, 0))
            return {"studies": studies, "excerpts": excerpts, "codings": codings,
                    "share": studies / contributing}
        if kind == "codebook":
            book_counts = db.codebook_counts(self.store, ident, attrs.get("version"),
                                             self.coders, self._groups)
            if book_counts is None:
                self.add(ERROR, "report-unknown-code", line, f"claim about codebook {ident!r}"
                         ", which is not loaded.", _REGENERATE, codebook=ident)
            return book_counts
        if kind == "coder":
            return db.coder_counts(self.store, ident)
        if kind == "design":
            return db.design_counts(self.store, ident)
        from thematic.audit import finding_checks

        if kind in finding_checks.KINDS:
            return finding_checks.actual(self, line, kind, ident, attrs)
        self.add(WARNING, "report-claim-unchecked", line, f"claim about a {kind}, which audit "
                 "cannot check.", "Use theme, code, codebook, coder, design or project "
                 "claims, or ask for this kind to be added to audit.")
        return None

    def _divergent(self, theme, ev) -> int:
        """Excerpts matching the report's stated divergence rule: a divergence phrase in
        the text, or an accepted code the codebook lists as contrary to a theme code."""
        from thematic.report.sections import divergent_phrases, theme_terms
        from thematic.store.codebooks import get_codebook

        book = get_codebook(self.store, theme.codebook) if theme.codebook else None
        contrary: set[str] = set()
        for code in theme.codes:
            found = book.code(code) if book else None
            listed = (found.data.get("contrary") or []) if found else []
            contrary.update([listed] if isinstance(listed, str) else listed)
        terms = theme_terms(book.code(c) for c in dict.fromkeys([*theme.codes, *ev.by_code])
                            ) if book else ()
        # a cue counts only beside the theme's own terms, so the memo is per theme
        phrased = {eid: bool(divergent_phrases(text, terms)) for eid, (text, _) in
                   db.excerpt_texts(self.store, list(ev.excerpts)).items()}
        codes = db.accepted_codes(self.store, ev.excerpts, self.coders) if contrary else {}
        return sum(1 for e in ev.excerpts
                   if phrased.get(e) or contrary & codes.get(e, set()))


# Agreement figures depend on the coders the report chose and are the agreement room's
# measurement, not a count of evidence; audit checks traceability, so it leaves them alone.
_NOT_RECOMPUTED = ("statistic",)
_QUALIFIERS = {"code": ("codebook",), "codebook": ("version",)}
_FIGURES = {*_COUNTS, "share", "divergent", "codable", "value", "units"}
_REGENERATE = "Regenerate the report (`thematic report`) from the current project."


def _clip(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _matches(given: str, actual: float, share: bool = False) -> bool | None:
    """Does a stated figure equal the store's, to the precision it was stated at?"""
    text = given.strip()
    percent = text.endswith("%")
    text = text.rstrip("%").strip()
    if not re.fullmatch(r"\d+(?:\.\d+)?", text):
        return None
    if not share:
        return not percent and "." not in text and int(text) == actual
    places = len(text.partition(".")[2])
    value = actual * 100 if percent else actual
    return abs(float(text) - value) <= 0.5 * 10 ** -places + 1e-9
