"""The traceability audit: every check, every problem, nothing printed.

``run(store, root=...)`` checks that each theme rests on codes and accepted evidence, that
each coding points at an excerpt and a code of the current codebook, that each excerpt's
file is still the one imported, that the event log's hash chain is unbroken, and that each
report (``reports/*.md`` written by ``thematic report``) quotes, cites, links and counts
only what the store holds. A problem says what, where (ids, file, line) and how to fix it.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from thematic.report.markdown import anchor
from thematic.store import audit as db
from thematic.store.db import GENESIS, Store, event_hash

ERROR, WARNING = "error", "warning"

# check name → what it looks for (in the order they run).
CHECKS = {
    "event-chain": "the event log's hash chain recomputes from the first event to the last",
    "event-log-unprotected": "the triggers that keep the event log append-only are in place",
    "coding-missing-excerpt": "every coding's excerpt exists",
    "coding-missing-code": "every coding's code exists in its codebook version",
    "coding-old-codebook": "accepted codings use the current version of their codebook",
    "theme-no-codes": "every theme groups codes (its own or its sub-themes')",
    "theme-unknown-code": "every code a theme lists is in the current codebook",
    "theme-no-evidence": "every theme has accepted evidence",
    "theme-single-study": "no theme rests on a single study (warning)",
    "code-not-in-theme": "every code with accepted codings belongs to a theme (warning)",
    "source-file-missing": "every imported file is still where it was imported from",
    "source-file-changed": "every imported file still has the sha256 it had when imported",
    "report-bad-marker": "every report marker can be read",
    "report-quote-not-verbatim": "every quote is verbatim in its excerpt",
    "report-unknown-excerpt": "every quoted, linked or anchored excerpt exists",
    "report-unknown-study": "every cited or anchored study exists",
    "report-citation-mismatch": "every citation's label is the study's Author Year",
    "report-unknown-theme": "every theme a report anchors or counts exists",
    "report-unknown-code": "every code or codebook a report counts exists",
    "report-broken-anchor": "every #link resolves to an anchor in the report",
    "report-claim-mismatch": "every count a report states equals the store's",
    "report-claim-unchecked": "every claim key is one audit can check (warning)",
}


@dataclass
class Problem:
    severity: str                    # error | warning
    check: str                       # a key of CHECKS
    message: str                     # what is wrong
    where: dict = field(default_factory=dict)   # ids, file, line
    fix: str = ""                    # how to fix it


@dataclass
class AuditResult:
    problems: list[Problem] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)    # the reports checked

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def failed(self, strict: bool = False) -> bool:
        """True when audit should exit 1: any error, or (strict) any warning."""
        return bool(self.errors or (strict and self.problems))

    def to_dict(self) -> dict:
        return {"ok": not self.errors, "errors": len(self.errors),
                "warnings": len(self.warnings), "checks": self.checks,
                "reports": self.reports, "problems": [asdict(p) for p in self.problems]}


class _Audit:
    def __init__(self, store: Store, root: Path) -> None:
        self.store, self.root = store, Path(root)
        self.problems: list[Problem] = []
        self._themes: list | None = None
        self._evidence: dict = {}

    def add(self, severity: str, check: str, message: str, fix: str = "", **where) -> None:
        self.problems.append(Problem(severity, check, message,
                                     {k: v for k, v in where.items() if v is not None}, fix))

    @property
    def themes(self) -> list:
        if self._themes is None:
            from thematic.themes import list_themes

            self._themes = list_themes(self.store)
        return self._themes

    def evidence(self, theme_id: str):
        if theme_id not in self._evidence:
            from thematic.themes import evidence

            self._evidence[theme_id] = evidence(self.store, theme_id)
        return self._evidence[theme_id]


def run(store: Store, *, root: str | os.PathLike, reports: list | None = None) -> AuditResult:
    """Run every check. ``reports``: Markdown files to check (None: every report under
    ``root/reports`` that carries report markers; [] checks none)."""
    audit = _Audit(store, Path(root))
    paths = discover(audit.root) if reports is None else \
        [resolve(audit.root, p) for p in reports]
    # One read snapshot: a coder writing meanwhile cannot make the checks disagree.
    with db.snapshot(store):
        _event_chain(audit)
        _codings(audit)
        _old_codebooks(audit)
        _themes(audit)
        _unthemed_codes(audit)
        _files(audit)
        if paths:
            checker = _ReportChecker(audit)
            for path in paths:
                checker.check(path)
    return AuditResult(audit.problems, list(CHECKS), [_shown(p, audit.root) for p in paths])


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _few(ids: list, total: int) -> str:
    text = ", ".join(map(str, ids))
    return text + (f" and {total - len(ids)} more" if total > len(ids) else "")


# --- event log ------------------------------------------------------------------------------

def _event_chain(audit: _Audit) -> None:
    prev, last = GENESIS, None
    for ev in db.raw_events(audit.store):
        if ev.prev_hash != prev:
            after = f"event {last}" if last is not None else "the start of the log"
            audit.add(ERROR, "event-chain",
                      f"The event log is broken at event {ev.id}: it does not follow {after} "
                      "(its prev_hash is not that event's hash), so an event before it was "
                      "rewritten, removed or inserted.",
                      "Restore the project database from a backup or version control; the "
                      "history after this point cannot be trusted.", event=ev.id)
            return
        if event_hash(ev.prev_hash, ev.ts, ev.actor, ev.command, ev.action, ev.entity,
                      ev.payload) != ev.hash:
            audit.add(ERROR, "event-chain",
                      f"Event {ev.id} ({ev.action} {ev.entity}) was changed after it was "
                      "written: its hash no longer matches its content.",
                      "Restore the project database from a backup or version control.",
                      event=ev.id)
            return
        prev, last = ev.hash, ev.id
    sequence = db.event_sequence(audit.store)
    if sequence is not None and sequence > (last or 0):
        audit.add(ERROR, "event-chain",
                  f"The event log ends at event {last or 'none'}, but events up to "
                  f"{sequence} were written: the newest events were deleted.",
                  "Restore the project database from a backup or version control.",
                  event=(last or 0) + 1)
    missing = {"events_no_update", "events_no_delete"} - db.event_triggers(audit.store)
    if missing:
        audit.add(WARNING, "event-log-unprotected",
                  f"The event log's append-only trigger(s) {', '.join(sorted(missing))} were "
                  "dropped, so its history can be edited without an error.",
                  "Restore the project database from a backup, or recreate the triggers as "
                  "in thematic/store/migrations/0001_core.sql.")


# --- codings --------------------------------------------------------------------------------

def _codings(audit: _Audit) -> None:
    for row in db.orphan_codings(audit.store):
        what = f"Coding {row['id']} ({row['coder']}, {row['status']}, code {row['code_id']!r}"
        what += f" on excerpt {row['excerpt_id']!r})"
        if row["no_excerpt"]:
            audit.add(ERROR, "coding-missing-excerpt",
                      f"{what} points to an excerpt that is not in the project.",
                      "Re-import the excerpt's file, or remove the coding "
                      "(`thematic code remove`).", coding=row["id"],
                      excerpt=row["excerpt_id"], code=row["code_id"])
        if row["no_code"]:
            book = (f"codebook {row['codebook']!r} (version id {row['codebook_id']})"
                    if not row["no_codebook"] else
                    f"codebook version id {row['codebook_id']}, which is not loaded")
            audit.add(ERROR, "coding-missing-code",
                      f"{what} uses a code that is not in {book}.",
                      "Load the codebook version it was coded with, or re-code the excerpt "
                      "against the current codebook.", coding=row["id"],
                      excerpt=row["excerpt_id"], code=row["code_id"],
                      codebook=row["codebook"])


def _old_codebooks(audit: _Audit) -> None:
    stale = db.stale_codings(audit.store)
    if not stale:
        return
    current = db.current_codebooks(audit.store)
    codes = db.codes_by_book(audit.store, sorted({r["codebook_id"] for r in stale}
                                                 | set(current.values())))
    for row in stale:
        old = codes[row["codebook_id"]].get(row["code_id"])
        now_id = current.get(row["name"])
        new = codes.get(now_id, {}) if now_id is not None else {}
        changed = _code_change(row["code_id"], old, new)
        n = row["n"]
        what = (f"{n} accepted coding(s) of {row['code_id']!r} use codebook {row['name']!r} "
                f"version {row['version']!r}, not the current version")
        examples = f" (excerpts {_few(row['examples'], n)})"
        severity = ERROR if changed else WARNING
        audit.add(severity, "coding-old-codebook",
                  f"{what}; {changed or 'the code is unchanged in the current version'}"
                  f"{examples}.",
                  "Review these codings against the current codebook (`thematic code "
                  "review`) or re-code them, so the evidence matches the definitions in force.",
                  codebook=row["name"], version=row["version"], code=row["code_id"],
                  codings=n, excerpts=row["examples"])


def _code_change(code_id: str, old: dict | None, new: dict[str, dict]) -> str:
    """What happened to a code between an older version and the current one ('' if nothing)."""
    if code_id not in new:
        old_name = (old or {}).get("name", "").casefold()
        old_def = (old or {}).get("definition", "")
        renamed = [i for i, c in new.items()
                   if (old_name and c["name"].casefold() == old_name)
                   or (old_def and c["definition"] == old_def)]
        if renamed:
            return f"the code was renamed: it is {renamed[0]!r} in the current version"
        return "the code was removed from the current version"
    cur, changes = new[code_id], []
    if old is None:
        return ""
    if cur["name"] != old["name"]:
        changes.append(f"its name changed from {old['name']!r} to {cur['name']!r}")
    if cur["definition"] != old["definition"]:
        changes.append("its definition changed")
    if cur["parent"] != old["parent"]:
        changes.append(f"it moved from {old['parent']!r} to {cur['parent']!r}")
    return "; ".join(changes)


# --- themes -----------------------------------------------------------------------------

def _themes(audit: _Audit) -> None:
    from thematic.store.codebooks import get_codebook

    by_id = {t.id: t for t in audit.themes}
    books: dict = {}
    for t in audit.themes:
        ev = audit.evidence(t.id)
        family = [t] + [by_id[c] for c in ev.children if c in by_id]
        has_codes = any(m.codes for m in family)
        if not has_codes and not any(m.topics for m in family):
            audit.add(ERROR, "theme-no-codes",
                      f"Theme {t.id!r} ({t.name}) groups no codes, no topics and no "
                      "sub-themes, so nothing can support it.",
                      f"Add codes (`thematic theme edit {t.id} --add-codes CODE`) or remove "
                      "the theme.", theme=t.id)
        elif not has_codes:
            audit.add(WARNING, "theme-no-codes",
                      f"Theme {t.id!r} ({t.name}) rests only on topic members: no codebook "
                      "code links it to coded evidence.",
                      f"Add the codes it stands for (`thematic theme edit {t.id} --add-codes "
                      "CODE`).", theme=t.id)
        if t.codes:
            if t.codebook not in books:
                books[t.codebook] = get_codebook(audit.store, t.codebook)
            book = books[t.codebook]
            for code in t.codes:
                if book is None or book.code(code) is None:
                    where = f"codebook {t.codebook!r}" if book else \
                        f"any loaded codebook (no codebook {t.codebook!r})"
                    audit.add(ERROR, "theme-unknown-code",
                              f"Theme {t.id!r} lists code {code!r}, which is not in the "
                              f"current version of {where}.",
                              f"Remove it (`thematic theme edit {t.id} --remove-codes "
                              f"{code}`) or load a codebook that has it.",
                              theme=t.id, code=code, codebook=t.codebook)
        if not ev.excerpts and (has_codes or t.topics):
            audit.add(ERROR, "theme-no-evidence",
                      f"Theme {t.id!r} ({t.name}) has no evidence: no accepted coding of its "
                      f"codes ({', '.join(t.codes) or 'none'}) and no topic members.",
                      "Accept codings of its codes (`thematic code review`), add codes that "
                      "have evidence, or remove the theme.", theme=t.id)
        elif len(ev.studies) == 1:
            audit.add(WARNING, "theme-single-study",
                      f"Theme {t.id!r} ({t.name}) rests on a single study ({ev.studies[0]}; "
                      f"{len(ev.excerpts)} excerpt(s)).",
                      "Say so in the synthesis, or merge it into a broader theme.",
                      theme=t.id, study=ev.studies[0])


def _unthemed_codes(audit: _Audit) -> None:
    from thematic.trace import code_themes

    themed = code_themes(audit.store, audit.themes)
    for row in db.used_codes(audit.store):
        if (row["codebook"], row["code_id"]) not in themed:
            audit.add(WARNING, "code-not-in-theme",
                      f"Code {row['code_id']!r} ({row['codebook']}) has {row['codings']} "
                      f"accepted coding(s) on {row['excerpts']} excerpt(s) but belongs to no "
                      "theme.",
                      f"Add it to a theme (`thematic theme edit THEME --add-codes "
                      f"{row['code_id']}`), or leave it out of the synthesis on purpose.",
                      code=row["code_id"], codebook=row["codebook"])


# --- files ------------------------------------------------------------------------------

def _files(audit: _Audit) -> None:
    from thematic.corpus.readers import sha256

    by_path: dict[str, list[dict]] = {}
    for f in db.file_usage(audit.store):
        by_path.setdefault(f["path"], []).append(f)
    for shown, rows in by_path.items():
        path = Path(shown)
        path = path if path.is_absolute() else audit.root / path
        n_ex = sum(r["excerpts"] for r in rows)
        n_src = sum(r["sources"] for r in rows)
        examples = [e for r in rows for e in r["examples"]][:db.EXAMPLES]
        used = (f"{n_ex} excerpt(s)" if n_ex else "") + \
            (" and " if n_ex and n_src else "") + (f"{n_src} stud(ies)" if n_src else "")
        key = {"excerpts": examples} if n_ex else {"studies": examples}
        listed = _few(examples, n_ex or n_src)
        if not path.is_file():
            audit.add(ERROR, "source-file-missing",
                      f"{shown}, imported as the source of {used} ({listed}), is missing.",
                      f"Put the file back at {shown} (relative to the project folder), "
                      "exactly as it was imported.", file=shown, **key)
            continue
        newest = max(rows, key=lambda r: r["newest"])["newest"]
        expected = db.file_hash(audit.store, newest)
        found = sha256(path)
        if found != expected:
            audit.add(ERROR, "source-file-changed",
                      f"{shown} changed since it was imported (sha256 {found[:12]}…, imported "
                      f"as {expected[:12]}…); it is the source of {used} ({listed}).",
                      f"Restore the file as imported, or re-import it (`thematic import "
                      f"{'excerpts' if n_ex else 'studies'} {shown}`) to record the new "
                      "version.", file=shown, **key)


# --- reports ----------------------------------------------------------------------------

_PRODUCED = re.compile(r'<!--\s*(?:quote|claim)\b|<a\s+id="(?:excerpt|study|theme)-')
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_ANCHOR = re.compile(r"<a\s[^>]*?\b(?:id|name)\s*=\s*[\"']([^\"']*)[\"']", re.I)
_LINK = re.compile(r"(?<!\\)\[((?:\\.|[^\[\]\\])*)\]\(\s*#([^)\s]*)[^)]*\)")
_MARKER = re.compile(r"<!--\s*(quote|claim)\b(.*?)-->")
_ATTR = re.compile(r'([A-Za-z_][\w-]*)\s*=\s*"([^"]*)"')
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_ELISION = re.compile(r"\s*(?:\[(?:…|\.\.\.)\]|…|\.\.\.)\s*")
_COUNTS = ("studies", "studies_with_excerpts", "excerpts", "coded_excerpts", "codings",
           "proposed", "codes", "themes", "coders")


def discover(root: str | os.PathLike) -> list[Path]:
    """Every reports/*.md that ``thematic report`` wrote (it carries report markers)."""
    folder = Path(root) / "reports"
    found = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            if _PRODUCED.search(path.read_text(encoding="utf-8-sig", errors="replace")):
                found.append(path)
        except OSError:
            continue
    return found


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
    links: list[tuple[int, str, str]] = field(default_factory=list)  # line, label, target
    quotes: list[tuple[int, dict, str | None]] = field(default_factory=list)
    claims: list[tuple[int, list[str], dict]] = field(default_factory=list)


def scan(text: str) -> _Scan:
    """Anchors, heading anchors, #links and markers of a report (code blocks skipped)."""
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
        visible = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        if quote is not None and visible.lstrip().startswith(">") and "<!--" not in visible:
            quote[1].append(re.sub(r"^\s*>\s?", "", line))
        else:
            quote = _flush(out, quote)
        for m in _ANCHOR.finditer(visible):
            out.anchors.setdefault(m.group(1), n)
        heading = _HEADING.match(visible)
        if heading:
            slug = heading_slug(heading.group(1))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            out.headings.add(slug if not count else f"{slug}-{count}")
        out.links.extend((n, m.group(1), m.group(2)) for m in _LINK.finditer(visible))
        for m in _MARKER.finditer(visible):
            attrs = {k: html.unescape(v) for k, v in _ATTR.findall(m.group(2))}
            if m.group(1) == "claim":
                words = _ATTR.sub(" ", m.group(2)).split()
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


class _ReportChecker:
    def __init__(self, audit: _Audit) -> None:
        from thematic.store.corpus import list_sources

        self.audit, self.store = audit, audit.store
        self.sources = {s.id: s for s in list_sources(self.store)}
        self.study_slugs = {anchor("study", s): s for s in self.sources}
        self.theme_slugs = {anchor("theme", t.id): t for t in audit.themes}
        self.counts = db.project_counts(self.store)
        self._excerpt_slugs: dict[str, str] | None = None
        self._actuals: dict[tuple, dict | None] = {}
        self._phrased: dict[str, bool] = {}   # excerpt id → has a divergence phrase

    def excerpt_of_slug(self, slug: str, texts: dict) -> str | None:
        """The excerpt an anchor's tail names: usually its id; only an id with characters
        the anchor replaced needs the map of every id."""
        if slug in texts:
            return slug
        if self._excerpt_slugs is None:
            self._excerpt_slugs = {anchor("excerpt", i): i
                                   for i in db.all_ids(self.store, "excerpts")}
        return self._excerpt_slugs.get("excerpt-" + slug)

    def check(self, path: Path) -> None:
        from thematic.errors import ThematicError

        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ThematicError("E403", path=path, detail=str(exc)) from None
        self.file = _shown(path, self.audit.root)
        found = scan(text)
        wanted = [a.get("excerpt", "") for _, a, _ in found.quotes]
        wanted += [t[len("excerpt-"):] for _, _, t in found.links if t.startswith("excerpt-")]
        wanted += [a[len("excerpt-"):] for a in found.anchors if a.startswith("excerpt-")]
        texts = db.excerpt_texts(self.store, wanted)
        self._anchors(found, texts)
        self._links(found, texts)
        self._quotes(found, texts)
        for line, words, attrs in found.claims:
            self._claim(line, words, attrs)

    def add(self, severity: str, check: str, line: int, message: str, fix: str, **where):
        self.audit.add(severity, check, f"{self.file}, line {line}: {message}", fix,
                       file=self.file, line=line, **where)

    def _anchors(self, found: _Scan, texts: dict) -> None:
        for name, line in found.anchors.items():
            kind, _, rest = name.partition("-")
            if kind == "excerpt" and self.excerpt_of_slug(rest, texts) is None:
                self.add(ERROR, "report-unknown-excerpt", line, f"anchor {name!r} names an "
                         f"excerpt that is not in the project.", _REGENERATE, anchor=name)
            elif kind == "study" and name not in self.study_slugs:
                self.add(ERROR, "report-unknown-study", line, f"anchor {name!r} names a study "
                         "that is not in the project.", _REGENERATE, anchor=name)
            elif kind == "theme" and name not in self.theme_slugs:
                self.add(ERROR, "report-unknown-theme", line, f"anchor {name!r} names a theme "
                         "that is not in the project.", _REGENERATE, anchor=name)

    def _links(self, found: _Scan, texts: dict) -> None:
        for line, raw, target in found.links:
            label = " ".join(unescape(raw).split())
            if target not in found.anchors and target not in found.headings:
                self.add(ERROR, "report-broken-anchor", line, f"link [{label}](#{target}) "
                         "points to no anchor in the report.",
                         f"Add <a id=\"{target}\"></a> where it should land, or regenerate "
                         "the report (`thematic report`).", anchor=target)
            if target.startswith("study-"):
                self._citation(line, label, target)
            elif target.startswith("excerpt-"):
                eid = self.excerpt_of_slug(target[len("excerpt-"):], texts)
                if eid is None:
                    self.add(ERROR, "report-unknown-excerpt", line, f"link [{label}](#{target})"
                             " cites an excerpt that is not in the project.", _REGENERATE,
                             anchor=target)
                elif label != eid and db.excerpt_texts(self.store, [label]):
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
            ok = _matches(given, actual[key], share=key == "share")
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
        if kind == "theme":
            theme = self.theme_slugs.get(anchor("theme", ident))
            if theme is None:
                self.add(ERROR, "report-unknown-theme", line, f"claim about theme {ident!r}, "
                         "which is not in the project.", _REGENERATE, theme=ident)
                return None
            ev = self.audit.evidence(theme.id)
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
            studies, excerpts, codings = db.code_evidence(self.store, ident, book)
            return {"studies": studies, "excerpts": excerpts, "codings": codings,
                    "share": studies / contributing}
        if kind == "codebook":
            found = db.codebook_counts(self.store, ident, attrs.get("version"))
            if found is None:
                self.add(ERROR, "report-unknown-code", line, f"claim about codebook {ident!r}"
                         ", which is not loaded.", _REGENERATE, codebook=ident)
            return found
        if kind == "coder":
            return db.coder_counts(self.store, ident)
        if kind == "design":
            return db.design_counts(self.store, ident)
        self.add(WARNING, "report-claim-unchecked", line, f"claim about a {kind}, which audit "
                 "cannot check.", "Use theme, code, codebook, coder, design or project "
                 "claims, or ask for this kind to be added to audit.")
        return None

    def _divergent(self, theme, ev) -> int:
        """Excerpts matching the report's stated divergence rule: a divergence phrase in
        the text, or an accepted code the codebook lists as contrary to a theme code."""
        from thematic.report.sections import divergent_phrases
        from thematic.store.codebooks import get_codebook

        book = get_codebook(self.store, theme.codebook) if theme.codebook else None
        contrary: set[str] = set()
        for code in theme.codes:
            found = book.code(code) if book else None
            listed = (found.data.get("contrary") or []) if found else []
            contrary.update([listed] if isinstance(listed, str) else listed)
        todo = [e for e in ev.excerpts if e not in self._phrased]
        for eid, (text, _) in db.excerpt_texts(self.store, todo).items():
            self._phrased[eid] = bool(divergent_phrases(text))
        codes = db.accepted_codes(self.store, ev.excerpts) if contrary else {}
        return sum(1 for e in ev.excerpts
                   if self._phrased.get(e) or contrary & codes.get(e, set()))


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
