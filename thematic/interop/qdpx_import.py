"""A .qdpx into a project, in one transaction.

- Each TextSource becomes ONE excerpt whose text is the whole source, so every selection is
  a span inside it and stays valid (a selection over the whole text is stored as a coding of
  the whole excerpt). The excerpt's study is the Case that refers to the source, else a
  study named after the source. thematic's own exports carry the original excerpt and study
  ids, offsets and locations, which are restored.
- The codebook becomes a codebook version (an identical one already loaded is reused).
- Each Coding becomes an accepted coding by the user who created it (``coder=`` overrides),
  and each such coder is recorded as having reviewed every excerpt of the file (a REFI
  project codes whole documents; an excerpt a coder left uncoded is a "no").
- Notes become memos on the excerpt, code, theme or project that refers to them (notes
  nothing refers to, such as QualCoder's journals, become project memos); Sets of codes
  become themes; Sets of sources become the excerpt
  attribute "sets".
GUIDs are remembered so that exporting the project again writes the same ones.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from thematic.errors import ThematicError
from thematic.interop.qdpx_export import coding_key, memo_key
from thematic.interop.qdpx_extension import EXTENSION, apply_project_extension
from thematic.interop.qdpx_read import ReadCase, ReadProject, ReadSource, read_qde, read_qdpx
from thematic.interop.safe import guid_key, is_guid
from thematic.interop.sniff import refi_root
from thematic.store.codings import STATUSES, Status
from thematic.words import plural

LEVELS = ("descriptive", "analytical")


@dataclass
class QdpxImport:
    path: str
    already_imported: bool = False
    codebook: str | None = None
    version: str | None = None
    codebook_created: bool = False
    codes: int = 0
    studies_added: list[str] = field(default_factory=list)
    excerpts_added: int = 0
    excerpts_reused: int = 0
    codings_added: int = 0
    coders: list[str] = field(default_factory=list)
    memos_added: int = 0
    themes_added: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def import_qdpx(store, path: str | os.PathLike, *, coder: str | None = None,
                codebook: str | None = None, root: Path | None = None) -> QdpxImport:
    """Import ``path``; ``coder`` names the coder of every coding (default: the REFI user
    who made it), ``codebook`` the codebook's name (default: the file's, else its project
    name)."""
    from thematic.corpus.readers import sha256
    from thematic.files import display_path
    from thematic.store import corpus

    path = Path(path)
    if not path.is_file():
        raise ThematicError("E010", path=path, cwd=os.getcwd())
    shown = display_path(path, root)
    suffix = path.suffix.lower()
    bare = suffix == ".qde" or (suffix != ".qdpx" and refi_root(path) == "Project")
    project = read_qde(path, shown) if bare else read_qdpx(path, shown)
    result = QdpxImport(shown)
    with store.transaction(f"import qdpx {shown}"):
        digest = sha256(path)
        if corpus.find_file(store, shown, digest) is not None:
            result.already_imported = True
            return result
        file_id = corpus.add_file(store, shown, digest, path.stat().st_size, "excerpts")
        _Writer(store, project, result, file_id, coder, codebook).run()
        store.log("import qdpx", shown, {
            "codebook": result.codebook, "version": result.version,
            "studies_added": result.studies_added, "excerpts_added": result.excerpts_added,
            "excerpts_reused": result.excerpts_reused, "codings_added": result.codings_added,
            "coders": result.coders, "memos_added": result.memos_added,
            "themes_added": result.themes_added})
    return result


class _Writer:
    def __init__(self, store, project: ReadProject, result: QdpxImport, file_id: int,
                 coder: str | None, codebook: str | None) -> None:
        self.store, self.p, self.r, self.file_id = store, project, result, file_id
        self.coder, self.codebook_name = coder, codebook
        self.guids: list[tuple[str, str, str]] = []
        self.excerpt_of: dict[str, str] = {}      # TextSource GUID key → excerpt id
        self.original: dict[str, str] = {}        # the exporting project's id → excerpt id
        self.in_document: dict[str, list] = {}    # TextSource key → [(start, end, excerpt)]

    def remember(self, kind: str, key: str, guid: str | None) -> None:
        if is_guid(guid):
            self.guids.append((kind, key, guid_key(guid)))

    def run(self) -> None:
        from thematic.store import codings as cdb
        from thematic.store import refi

        book_id = self.codebook()
        self.sources()
        self.lone_cases()
        codings = self.codings(book_id)
        self.r.codings_added = cdb.add_codings(self.store, codings)
        self.r.coders = sorted({c.coder for c in codings})
        ext = self.p.extension
        if ext.get("extension") == EXTENSION and book_id is not None:
            # thematic's own export says who reviewed what, and carries the proposals.
            added, reviewed = apply_project_extension(
                self.store, ext, self.original, book_id, coder=lambda n: self.coder or n)
            self.r.codings_added += added
            self.r.coders = sorted(set(self.r.coders) | set(reviewed))
        elif book_id is not None:   # without a codebook nothing was coded
            for who in self.r.coders:
                cdb.mark_reviewed(self.store, who, list(self.original.values()), book_id)
        themes = self.themes()
        self.memos(themes)
        refi.remember(self.store, self.guids)
        self._warnings()

    # --- codebook ------------------------------------------------------------------------
    def codebook(self) -> int | None:
        from thematic.interop.refi import store_codebook

        book = self.p.book
        if book is None:
            return None
        if self.codebook_name:
            book.data["name"] = self.codebook_name
        stored = store_codebook(self.store, book.data, source_path=self.r.path,
                                guids=book.guids)
        self.r.codebook, self.r.version = stored.name, stored.version
        self.r.codebook_created = stored.status in ("new", "updated")
        self.r.codes = len(stored.codes)
        return stored.codebook_id

    # --- studies and excerpts -----------------------------------------------------------
    def sources(self) -> None:
        from thematic.store import corpus

        case_of: dict[str | None, ReadCase] = {}
        for owner in self.p.cases:
            for ref in owner.sources:
                case_of.setdefault(ref, owner)
        sets_of: dict[str | None, list[str]] = {}
        for s in self.p.sets:
            for ref in s.sources:
                sets_of.setdefault(ref, []).append(s.name)
        known = corpus.source_ids(self.store)
        self.position = corpus.next_position(self.store)
        taken: set[str] = set()
        rows: list[tuple] = []
        empty = [src.name or src.guid for src in self.p.sources if not src.text.strip()]
        if empty:
            # An empty source (NVivo exports them for memos and media) is no excerpt.
            self.r.warnings.append(f"{self.r.path}: {plural(len(empty), 'empty source')} not "
                                   f"imported: {', '.join(empty[:5])}"
                                   + (f" and {len(empty) - 5} more" if len(empty) > 5 else ""))
        for n, src in enumerate(self.p.sources, start=1):
            if not src.text.strip():
                continue
            key = guid_key(src.guid)
            case = case_of.get(key)
            sid = _first(src.extra.get("source"), case.name if case else None,
                         Path(src.name).stem if src.name else None) or f"source-{n}"
            if sid not in known:
                self._add_study(sid, case, src)
                known.add(sid)
            attrs = dict(src.values)
            if key in sets_of:
                attrs["sets"] = sets_of[key]
            add = partial(self._excerpt, rows, taken, sid)

            entries = _entries(src)
            if entries:   # one document of thematic's: cut its excerpts again
                placed = []
                for entry in entries:
                    start, end = entry["start"], entry["end"]
                    eid = add(_first(entry.get("excerpt")), src.text[start:end], start, end,
                              entry.get("location") or f"{self.r.path}: {src.name}",
                              {**attrs, **(entry.get("attributes") or {})}, None)
                    placed.append((start, end, eid))
                    self.original[str(entry.get("excerpt") or eid)] = eid
                self.in_document[key] = placed
                self.excerpt_of[key] = placed[0][2]
                continue
            start = _int(src.extra.get("start"), 0)
            location = src.extra.get("location") or f"{self.r.path}: TextSource " \
                                                   f"{src.name or src.guid}"
            eid = add(_first(src.extra.get("excerpt"), src.name), src.text, start,
                      _int(src.extra.get("end"), start + len(src.text)), location, attrs,
                      src.guid)
            self.excerpt_of[key] = eid
            self.original[str(src.extra.get("excerpt") or eid)] = eid
        corpus.insert_excerpts(self.store, rows)

    def _excerpt(self, rows: list, taken: set[str], sid: str, wanted: str | None, text: str,
                 start: int, end: int, location: str, attrs: dict, guid: str | None) -> str:
        """An excerpt of study ``sid`` (a row to insert, or one already stored with the same
        id and text); a taken id gets a stable one made from the text."""
        from thematic.corpus.importer import stable_id
        from thematic.store import corpus

        eid = wanted or stable_id(sid, text, taken)
        existing = corpus.get_excerpt(self.store, eid)
        if existing is not None and existing.text == text and eid not in taken:
            self.r.excerpts_reused += 1
        else:
            if existing is not None or eid in taken:
                eid = stable_id(sid, text, taken | {eid})
                while corpus.get_excerpt(self.store, eid) is not None:
                    taken.add(eid)
                    eid = stable_id(sid, text, taken)
            rows.append((eid, sid, text, hashlib.sha256(text.encode("utf-8")).hexdigest(),
                         self.file_id, start, end, str(location), self.position,
                         json.dumps(attrs, sort_keys=True, ensure_ascii=False)))
            self.position += 1
            self.r.excerpts_added += 1
            if guid:
                self.remember("excerpt", eid, guid)
        taken.add(eid)
        return eid

    def place(self, src: ReadSource, start: int | None, end: int | None, hint=None
              ) -> tuple[str, int | None, int | None] | None:
        """(excerpt id, start, end within it) of a selection; None: in no excerpt."""
        key = guid_key(src.guid)
        placed = self.in_document.get(key)
        if placed is None:
            if start == 0 and end == len(src.text):
                start = end = None
            return self.excerpt_of[key], start, end
        if start is None:
            start, end = placed[0][0], placed[-1][1]
        wanted = self.original.get(hint) if hint else None
        for a, b, eid in placed:
            if (wanted is None or eid == wanted) and a <= start and end <= b:
                return (eid, None, None) if (start, end) == (a, b) else \
                    (eid, start - a, end - a)
        return None

    def lone_cases(self) -> None:
        """Cases no imported source belongs to (a project exported without its sources)
        still become studies, so their attributes are kept."""
        from thematic.store import corpus

        known = corpus.source_ids(self.store)
        for case in self.p.cases:
            if case.name and case.name not in known:
                self._add_study(case.name, case, None)
                known.add(case.name)

    def _add_study(self, sid: str, case: ReadCase | None, src: ReadSource | None) -> None:
        from thematic.store import corpus

        values = dict(case.values) if case else {}
        fields = {k: values.pop(k) for k in corpus.SOURCE_FIELDS if k in values}
        if "year" in fields:
            fields["year"] = _year(fields["year"])
        fields = {k: (v if k == "year" else str(v)) for k, v in fields.items()
                  if v not in (None, "")}
        if case:
            where = f"{self.r.path}: Case {case.name}"
        else:
            assert src is not None  # a study without a case is made from its source
            fields.setdefault("title", src.name or sid)
            values["created_by"] = "import qdpx"
            where = f"{self.r.path}: TextSource {src.name}"
        corpus.upsert_source(self.store, corpus.Source(id=sid, attributes=values,
                                                       location=where, **fields), self.file_id)
        self.r.studies_added.append(sid)
        if case:
            self.remember("case", sid, case.guid)

    # --- codings --------------------------------------------------------------------------
    def user(self, key: str | None, *, override: bool = True) -> str:
        if self.coder and override:
            return self.coder
        for candidate in (key, self.p.creator):
            if candidate and candidate in self.p.users:
                return self.p.users[candidate]
        return f"user-{key[:8]}" if key else "imported"

    def codings(self, book_id: int | None) -> list:
        from thematic.store.codings import Coding

        book = self.p.book
        cases = {guid_key(c.guid) for c in self.p.cases}
        out, self.unknown = [], 0
        self.outside = 0
        for src in self.p.sources:
            if guid_key(src.guid) not in self.excerpt_of:   # an empty source, left out
                continue
            for c in src.codings:
                code = book.by_guid.get(c.code) if book and c.code is not None else None
                if code is None:
                    # NVivo codes a source to a case with a CodeRef to the Case's GUID.
                    self.unknown += c.code not in cases
                    continue
                assert book is not None and book_id is not None  # a code: the book is stored
                found = self.place(src, c.start, c.end, c.extra.get("excerpt"))
                if found is None:
                    self.outside += 1
                    continue
                eid, start, end = found
                extra = c.extra
                status = extra["status"] if extra.get("status") in STATUSES else Status.ACCEPTED
                who = self.user(c.user)
                self.users_seen(c.user, who)
                out.append(Coding(excerpt_id=eid, codebook_id=book_id, code_id=code, coder=who,
                                  method=str(extra.get("method") or "import"),
                                  start=start, end=end,
                                  origin=extra.get("origin") or
                                  f"{self.r.path}#{c.selection_guid or c.coding_guid}",
                                  score=extra.get("score") if isinstance(
                                      extra.get("score"), (int, float)) else None,
                                  status=status, memo=c.memo))
                key = coding_key(eid, book.data["name"], code, who, start, end)
                self.remember("selection", key, c.selection_guid)
                self.remember("coding", key, c.coding_guid)
        return out

    def users_seen(self, key: str | None, name: str) -> None:
        if key and self.p.users.get(key) == name:
            self.remember("user", name, key)

    # --- themes and memos ------------------------------------------------------------------
    def themes(self) -> dict[str, str]:
        """Set GUID key → theme id, for the Sets that became themes."""
        book = self.p.book
        sets = _parents_first([s for s in self.p.sets if s.codes or s.extra.get("theme")])
        if not sets or book is None:
            return {}
        from thematic.themes import add_theme, list_themes

        names = {t.name.casefold() for t in list_themes(self.store)}
        out: dict[str, str] = {}
        self.theme_of: dict[str, str] = {}   # the exporting project's theme id → ours
        for s in sets:
            codes = [book.by_guid[c] for c in s.codes if c in book.by_guid]
            if not s.name or not (codes or s.extra.get("theme")):
                continue
            if s.name.casefold() in names:
                self.r.warnings.append(f"{self.r.path}: set {s.name!r} not imported: a theme "
                                       "of that name exists")
                continue
            try:
                parent = s.extra.get("parent")
                level = s.extra.get("level")
                theme = add_theme(self.store, s.name, codes, description=s.description,
                                  codebook=book.data["name"] if codes else None,
                                  level=level if level in LEVELS else "descriptive",
                                  parent=self.theme_of.get(parent) if parent else None)
            except ThematicError as exc:
                self.r.warnings.append(f"{self.r.path}: set {s.name!r} not imported: "
                                       f"{exc.message}")
                continue
            names.add(s.name.casefold())
            out[guid_key(s.guid)] = theme.id
            if s.extra.get("theme"):
                self.theme_of[s.extra["theme"]] = theme.id
            self.r.themes_added.append(theme.id)
            self.remember("set", theme.id, s.guid)
        return out

    def memos(self, themes: dict[str, str]) -> None:
        from thematic.store import codings as cdb

        targets: dict[str | None, tuple[str, str]] = {}
        for key in self.p.project_notes:
            targets.setdefault(key, ("project", "-"))
        for src in self.p.sources:
            if guid_key(src.guid) not in self.excerpt_of:
                continue
            for key in src.notes:
                targets.setdefault(key, ("excerpt", self.excerpt_of[guid_key(src.guid)]))
            for start, end, keys in src.selection_notes:
                found = self.place(src, start, end)
                if found:
                    for key in keys:
                        targets.setdefault(key, ("excerpt", found[0]))
        if self.p.book:
            for code, keys in self.p.book.note_refs.items():
                for key in keys:
                    targets.setdefault(key, ("code", code))
        for s in self.p.sets:
            if guid_key(s.guid) in themes:
                for key in s.notes:
                    targets.setdefault(key, ("theme", themes[guid_key(s.guid)]))
        for key, note in self.p.notes.items():
            if not note.text:
                continue
            kind, target = targets.get(key, ("project", "-"))
            text = note.text
            if key not in targets and note.name:  # a journal: keep its title
                text = f"{note.name}\n\n{text}"
            author = self.user(note.user, override=False)
            cdb.add_memo(self.store, kind, target, author, text)
            self.r.memos_added += 1
            self.remember("note", memo_key({"target_kind": kind, "target_id": target,
                                            "author": author, "text": text}), note.guid)

    def _warnings(self) -> None:
        path, w = self.r.path, self.r.warnings
        w.extend(self.p.warnings)
        for kind, n in sorted(self.p.skipped_sources.items()):
            w.append(f"{path}: {plural(n, kind)} skipped; thematic imports text sources only")
        if self.p.empty_selections:
            w.append(f"{path}: {plural(self.p.empty_selections, 'coding')} of empty selections "
                     "skipped")
        if self.outside:
            w.append(f"{path}: {plural(self.outside, 'coding')} outside every excerpt of their "
                     "document; skipped")
        if self.unknown:
            w.append(f"{path}: {plural(self.unknown, 'coding')} of codes not in the file's "
                     "codebook skipped")


def _parents_first(sets: list) -> list:
    """Sets ordered so that a theme's parent (thematic's extension) comes before it."""
    by_theme = {s.extra.get("theme"): s for s in sets if s.extra.get("theme")}
    out, seen = [], set()

    def visit(s) -> None:
        if id(s) in seen:
            return
        seen.add(id(s))
        parent = by_theme.get(s.extra.get("parent"))
        if parent is not None:
            visit(parent)
        out.append(s)

    for s in sets:
        visit(s)
    return out


def _entries(src: ReadSource) -> list[dict]:
    """The excerpts thematic's extension lists on a document's TextSource, when they fit."""
    entries = src.extra.get("excerpts")
    if not isinstance(entries, list):
        return []
    ok = [e for e in entries if isinstance(e, dict) and isinstance(e.get("start"), int)
          and isinstance(e.get("end"), int) and 0 <= e["start"] < e["end"] <= len(src.text)]
    return sorted(ok, key=lambda e: e["start"]) if len(ok) == len(entries) else []


def _first(*values) -> str | None:
    for v in values:
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def _int(value, default):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return default


def _year(value) -> int | None:
    """2024, "2024" or "2024-05-01" → 2024."""
    text = str(value).strip()
    return int(text[:4]) if text[:4].isdigit() else None
