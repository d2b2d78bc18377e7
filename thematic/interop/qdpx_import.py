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
  become themes when the themes room is installed; Sets of sources become the excerpt
  attribute "sets".
GUIDs are remembered so that exporting the project again writes the same ones.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from thematic.errors import ThematicError
from thematic.interop.qdpx_export import coding_key, memo_key
from thematic.interop.qdpx_read import ReadProject, ReadSource, read_qdpx
from thematic.interop.safe import guid_key, is_guid

STATUSES = ("proposed", "accepted", "rejected")


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
    from thematic.corpus.importer import display_path
    from thematic.corpus.readers import sha256
    from thematic.store import corpus

    path = Path(path)
    if not path.is_file():
        raise ThematicError("E010", path=path, cwd=os.getcwd())
    shown = display_path(path, root)
    project = read_qdpx(path, shown)
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

    def remember(self, kind: str, key: str, guid: str | None) -> None:
        if is_guid(guid):
            self.guids.append((kind, key, guid_key(guid)))

    def run(self) -> None:
        from thematic.store import codings as cdb
        from thematic.store import refi

        book_id = self.codebook()
        self.sources()
        codings = self.codings(book_id)
        self.r.codings_added = cdb.add_codings(self.store, codings)
        self.r.coders = sorted({c.coder for c in codings})
        for who in self.r.coders:
            cdb.mark_reviewed(self.store, who, list(self.excerpt_of.values()), book_id)
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
        from thematic.corpus.importer import stable_id
        from thematic.store import corpus

        case_of = {}
        for case in self.p.cases:
            for ref in case.sources:
                case_of.setdefault(ref, case)
        sets_of: dict[str, list[str]] = {}
        for s in self.p.sets:
            for ref in s.sources:
                sets_of.setdefault(ref, []).append(s.name)
        known = corpus.source_ids(self.store)
        position = corpus.next_position(self.store)
        taken: set[str] = set()
        rows = []
        empty = [src.name or src.guid for src in self.p.sources if not src.text.strip()]
        if empty:
            # An empty source (NVivo exports them for memos and media) is no excerpt.
            self.r.warnings.append(f"{self.r.path}: {len(empty)} empty source(s) not "
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
            eid = _first(src.extra.get("excerpt"), src.name) or stable_id(sid, src.text, taken)
            existing = corpus.get_excerpt(self.store, eid)
            if existing is not None and existing.text == src.text and eid not in taken:
                self.r.excerpts_reused += 1
            else:
                if existing is not None or eid in taken:
                    eid = stable_id(sid, src.text, taken | {eid})
                    while corpus.get_excerpt(self.store, eid) is not None:
                        taken.add(eid)
                        eid = stable_id(sid, src.text, taken)
                attrs = dict(src.values)
                if key in sets_of:
                    attrs["sets"] = sets_of[key]
                start = _int(src.extra.get("start"), 0)
                end = _int(src.extra.get("end"), start + len(src.text))
                location = src.extra.get("location") or f"{self.r.path}: TextSource " \
                                                       f"{src.name or src.guid}"
                rows.append((eid, sid, src.text, hashlib.sha256(src.text.encode("utf-8"))
                             .hexdigest(), self.file_id, start, end, str(location), position,
                             json.dumps(attrs, sort_keys=True, ensure_ascii=False)))
                position += 1
                self.r.excerpts_added += 1
                self.remember("excerpt", eid, src.guid)
            taken.add(eid)
            self.excerpt_of[key] = eid
        corpus.insert_excerpts(self.store, rows)

    def _add_study(self, sid: str, case, src: ReadSource) -> None:
        from thematic.store import corpus

        values = dict(case.values) if case else {}
        fields = {k: values.pop(k) for k in corpus.SOURCE_FIELDS if k in values}
        if "year" in fields:
            fields["year"] = _year(fields["year"])
        fields = {k: (v if k == "year" else str(v)) for k, v in fields.items()
                  if v not in (None, "")}
        if not case:
            fields.setdefault("title", src.name or sid)
            values["created_by"] = "import qdpx"
        where = f"{self.r.path}: {'Case ' + case.name if case else 'TextSource ' + src.name}"
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
        for src in self.p.sources:
            eid = self.excerpt_of.get(guid_key(src.guid))
            if eid is None:          # an empty source, left out with a warning
                continue
            for c in src.codings:
                code = book.by_guid.get(c.code) if book else None
                if code is None:
                    # NVivo codes a source to a case with a CodeRef to the Case's GUID.
                    self.unknown += c.code not in cases
                    continue
                start, end = c.start, c.end
                if start == 0 and end == len(src.text):
                    start = end = None
                extra = c.extra
                status = extra.get("status") if extra.get("status") in STATUSES else "accepted"
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
        sets = [s for s in self.p.sets if s.codes]
        if not sets or book is None:
            return {}
        try:
            from thematic.themes import add_theme, list_themes
        except ImportError:
            self.r.warnings.append(f"{self.r.path}: {len(sets)} set(s) of codes not imported "
                                   "as themes (the themes module is not installed)")
            return {}
        names = {t.name.casefold() for t in list_themes(self.store)}
        out = {}
        for s in sets:
            codes = [book.by_guid[c] for c in s.codes if c in book.by_guid]
            if not s.name or not codes:
                continue
            if s.name.casefold() in names:
                self.r.warnings.append(f"{self.r.path}: set {s.name!r} not imported: a theme "
                                       "of that name exists")
                continue
            try:
                theme = add_theme(self.store, s.name, codes, description=s.description,
                                  codebook=book.data["name"])
            except ThematicError as exc:
                self.r.warnings.append(f"{self.r.path}: set {s.name!r} not imported: "
                                       f"{exc.message}")
                continue
            names.add(s.name.casefold())
            out[guid_key(s.guid)] = theme.id
            self.r.themes_added.append(theme.id)
            self.remember("set", theme.id, s.guid)
        return out

    def memos(self, themes: dict[str, str]) -> None:
        from thematic.store import codings as cdb

        targets: dict[str, tuple[str, str]] = {}
        for key in self.p.project_notes:
            targets.setdefault(key, ("project", "-"))
        for src in self.p.sources:
            if guid_key(src.guid) not in self.excerpt_of:
                continue
            for key in src.notes:
                targets.setdefault(key, ("excerpt", self.excerpt_of[guid_key(src.guid)]))
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
        for kind, n in sorted(self.p.skipped_sources.items()):
            w.append(f"{path}: {n} {kind}(s) skipped; thematic imports text sources only")
        if self.p.empty_selections:
            w.append(f"{path}: {self.p.empty_selections} coding(s) of empty selections skipped")
        if self.unknown:
            w.append(f"{path}: {self.unknown} coding(s) refer to codes not in the file's "
                     "codebook; skipped")


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
