"""Import studies and excerpts into the store, with provenance, in one transaction.

Re-importing the same file adds nothing; an edited file adds its new excerpts and reports
what changed (stored texts are kept, so codings and their spans stay valid).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, overload

from thematic.corpus import readers
from thematic.corpus.exports import Export
from thematic.corpus.language import available as language_available
from thematic.corpus.language import detect as detect_language
from thematic.errors import ThematicError
from thematic.files import display_path
from thematic.store import corpus as db
from thematic.store.db import Store
from thematic.words import plural

CHUNK = 5000
TEXT_COLUMNS = ("text", "finding", "excerpt", "quote", "answer", "response", "content")
SOURCE_COLUMNS = ("study_id", "source_id", "study", "source", "ref", "study_ref")
ID_COLUMNS = ("id", "excerpt_id", "finding_id")
CONTEXT_COLUMNS = ("question", "prompt", "item")
STUDY_ID_COLUMNS = ("id", "study_id", "ref", "source_id", "study")
STUDY_ALIASES = {"first_author": ("first_author", "author", "first author"),
                 "authors": ("authors",), "year": ("year", "publication_year"),
                 "title": ("title",), "journal": ("journal", "source_title"),
                 "doi": ("doi",), "design": ("design", "study_design"),
                 "population": ("population",), "setting": ("setting",),
                 "intervention_type": ("intervention_type", "intervention"),
                 "country": ("country",)}


@dataclass
class ImportResult:
    path: str
    added: int = 0
    unchanged: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    sources_created: list[str] = field(default_factory=list)
    already_imported: bool = False
    empty: bool = False                    # an empty document among several (warned)
    notes: list[str] = field(default_factory=list)
    speakers: dict[str, str] = field(default_factory=dict)   # speaker → role (turns)

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.changed:
            out.append(f"{self.path}: {plural(len(self.changed), 'excerpt')} with text changed "
                       f"since the last import, kept as stored: {_few(self.changed)}")
        if self.missing:
            out.append(f"{self.path}: {plural(len(self.missing), 'excerpt')} of the previous "
                       f"version no longer in the file (kept): {_few(self.missing)}")
        out.extend(self.skipped)
        out.extend(self.notes)
        return out


def _few(items: list[str], n: int = 5) -> str:
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


@overload
def _pick(table: readers.Sheet, wanted: str | None, defaults: Iterable[str], path: Path,
          flag: str, required: Literal[True] = True) -> str: ...


@overload
def _pick(table: readers.Sheet, wanted: str | None, defaults: Iterable[str], path: Path,
          flag: str, required: bool) -> str | None: ...


def _pick(table: readers.Sheet, wanted: str | None, defaults: Iterable[str], path: Path,
          flag: str, required: bool = True) -> str | None:
    columns = table.columns
    lowered = {c.lower(): c for c in columns}
    if wanted is not None:
        if wanted in columns:
            return wanted
        if wanted.lower() in lowered:
            return lowered[wanted.lower()]
        raise ThematicError("E013", path=path, column=wanted, flag=flag,
                            columns=_listing(table))
    for name in defaults:
        if name in lowered:
            return lowered[name]
    if required:
        raise ThematicError("E013", path=path, column=next(iter(defaults)), flag=flag,
                            columns=_listing(table))
    return None


def _listing(table: readers.Sheet) -> str:
    """The columns for an error message; a survey tool's with their questions (its
    headers are ids such as Q2)."""
    questions = table.export.questions if table.export else {}

    def shown(column: str) -> str:
        question = questions.get(column, column)
        if question == column:
            return column
        return f"{column} ({question if len(question) <= 50 else question[:49] + '…'})"

    return ", ".join(map(shown, table.columns))


def _register(store: Store, path: Path, kind: str, root: Path | None, result: ImportResult
              ) -> tuple[int | None, int | None]:
    """(new file id or None when this exact file was imported before, previous file id)."""
    shown = display_path(path, root)
    digest = readers.sha256(path)
    same = db.find_file(store, shown, digest)
    if same is not None:
        # The same file imported the other way (a survey sheet read as excerpts, then as
        # its cases' studies) is not "already imported": reuse its row for provenance.
        if db.file_used_as(store, same, kind):
            result.already_imported = True
            return None, None
        return same, None
    previous = db.previous_file(store, shown, kind)
    return db.add_file(store, shown, digest, path.stat().st_size, kind), previous


# --- studies ----------------------------------------------------------------------------

def import_studies(store: Store, path: str | os.PathLike, *, id_column: str | None = None,
                   fmt: str | None = None, encoding: str | None = None,
                   sheet: str | None = None, root: Path | None = None,
                   progress: Callable[[int], None] | None = None) -> ImportResult:
    path = Path(path)
    table = readers.open_sheet(path, fmt=fmt, encoding=encoding, sheet=sheet,
                               progress=progress)
    id_col = _pick(table, id_column, STUDY_ID_COLUMNS, path, "--id-column")
    mapped = {f: _pick(table, None, aliases, path, "", required=False)
              for f, aliases in STUDY_ALIASES.items()}
    used = {id_col, *[c for c in mapped.values() if c]}
    result = ImportResult(display_path(path, root))
    _export_note(table, result)
    with store.transaction(f"import studies {result.path}"):
        file_id, _ = _register(store, path, "studies", root, result)
        if file_id is None:
            return result
        rows: Iterable[tuple[int, dict[str, str]]] = table.rows
        if db.file_used_as(store, file_id, "excerpts"):
            rows = _cases(table, id_col, used, result)
        seen: dict[str, int] = {}
        for row_no, row in rows:
            sid = row[id_col].strip()
            if not sid:
                raise ThematicError("E021", path=path, row=row_no, column=id_col,
                                    problem="the study id is empty",
                                    fix="Give every study an id.")
            if sid in seen:
                raise ThematicError("E014", path=path, row=row_no, value=sid, first=seen[sid])
            seen[sid] = row_no
            # db.Source's keyword arguments: text, the year a number
            fields: dict[str, Any] = {f: (row[c].strip() or None) if c else None
                                      for f, c in mapped.items()}
            if fields["year"] is not None:
                fields["year"] = _year(fields["year"], path, row_no, mapped["year"])
            attrs = {k: v for k, v in row.items() if k not in used and v.strip()}
            source = db.Source(id=sid, attributes=attrs, location=f"row {row_no}", **fields)
            outcome = db.upsert_source(store, source, file_id)
            if outcome == "added":
                result.added += 1
            elif outcome == "unchanged":
                result.unchanged += 1
            else:
                result.changed.append(sid)
        store.log("import studies", result.path,
                  {"added": result.added, "changed": result.changed})
    return result


def _export_note(table: readers.Sheet, result: ImportResult) -> Export | None:
    export = table.export
    if export is not None:
        rows = " and ".join(map(str, export.header_rows))
        rows, verb = (f"rows {rows}", "hold") if len(export.header_rows) > 1 \
            else (f"row {rows}", "holds")
        result.notes.append(f"{result.path}: read as a {export.tool} export; {rows} {verb} "
                            f"the questions, not answers")
    return export


def _cases(table: readers.Sheet, id_col: str, used: set[str], result: ImportResult
           ) -> list[tuple[int, dict[str, str]]]:
    """A sheet of answers read as its cases: one row per case (the first), keeping only the
    columns that never vary within a case (a respondent's site, not the answers)."""
    first: dict[str, tuple[int, dict[str, str]]] = {}
    varying: set[str] = set()
    for row_no, row in table.rows:
        sid = row[id_col].strip()
        if sid not in first:
            first[sid] = (row_no, row)
            continue
        varying.update(k for k, v in row.items() if v != first[sid][1].get(k))
    if varying:
        used.update(varying)
        result.notes.append(f"{result.path}: read as cases ({len(first)} distinct "
                            f"{id_col!r}); columns that vary within a case are not case "
                            f"attributes: {', '.join(sorted(varying))}")
    return list(first.values())


def _year(value: str, path: Path, row: int, column: str | None) -> int:
    m = re.fullmatch(r"\s*(\d{4})(?:\.0)?\s*", value)
    if not m:
        raise ThematicError("E021", path=path, row=row, column=column, problem=
                            f"{value!r} is not a year", fix="Write the year as four digits.")
    return int(m.group(1))


# --- excerpts ---------------------------------------------------------------------------

@dataclass
class ExcerptOptions:
    text_column: str | None = None
    source_column: str | None = None
    id_column: str | None = None
    source: str | None = None          # one source for every excerpt of these files
    segment: str = "row"               # row | paragraph | sentence | turn
    create_sources: bool = False
    fmt: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    skip_unsupported: bool = False
    roles: dict[str, str] | None = None    # normalised speaker → interviewer | participant
    context_column: str | None = None      # sheets: the column that gives an answer context
    # auto (detect) | none | an ISO 639-1 code; None: detect in documents, not in sheets
    # (detection runs ~3,000 texts/s, a twentieth of a large sheet's import speed)
    language: str | None = None


def expand(paths: Iterable[str | os.PathLike], skip_unsupported: bool = False
           ) -> tuple[list[Path], list[str]]:
    """Files to import from paths and folders; folders with unsupported files fail unless
    ``skip_unsupported``, which returns the skipped ones as notices."""
    out, skipped = [], []
    for raw in paths:
        path = Path(raw)
        _utf8_name(path)
        if not path.exists():
            raise ThematicError("E010", path=path, cwd=os.getcwd())
        if not path.is_dir():
            out.append(path)
            continue
        inside = sorted(p for p in path.rglob("*") if p.is_file() and not
                        p.name.startswith("."))
        for p in inside:
            _utf8_name(p)
        bad = [p for p in inside if p.suffix.lower() not in readers.SHEETS | readers.DOCUMENTS]
        if bad and not skip_unsupported:
            raise ThematicError("E019", path=path, count=len(bad),
                                examples=", ".join(p.name for p in bad[:3]))
        skipped += [f"{p}: skipped (unsupported type {p.suffix or '(none)'})" for p in bad]
        out += [p for p in inside if p not in bad]
    return out, skipped


def _utf8_name(path: Path) -> None:
    """File names become excerpt locations and sources in the (UTF-8) database: a name in
    another encoding (undecodable bytes arrive as lone surrogates) is refused by name."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        raise ThematicError("E666", path=shown, name=f"{os.fsencode(path.name)!r}") from None


def import_excerpts(store: Store, paths: Iterable[str | os.PathLike],
                    options: ExcerptOptions | None = None, *, root: Path | None = None,
                    progress: Callable[[int], None] | None = None) -> list[ImportResult]:
    """Import every file in one transaction: all of them land, or none."""
    opts = options or ExcerptOptions()
    files, skipped = expand(paths, opts.skip_unsupported)
    results = []
    with store.transaction("import excerpts"):
        known = db.source_ids(store)
        for path in files:
            kind = readers.kind_of(path, opts.fmt)
            result = ImportResult(display_path(path, root), skipped=skipped)
            skipped = []
            if readers.is_sheet(kind):
                if opts.segment == "turn":
                    raise ThematicError("E501", path=path)
                _import_sheet(store, path, opts, known, root, result, progress)
            else:
                try:
                    _import_document(store, path, opts, known, root, result)
                except ThematicError as exc:
                    # One empty document among several is worth a warning, not a failed
                    # import of all the others.
                    if exc.code not in ("E011", "E024") or len(files) < 2:
                        raise
                    result.empty = True
                    result.notes.append(f"{result.path}: empty, nothing imported "
                                        f"({exc.message.split('. ')[0]})")
            if not (result.already_imported or result.empty):
                store.log("import excerpts", result.path,
                          {"added": result.added, "changed": result.changed,
                           "sources_created": result.sources_created})
            results.append(result)
    return results


def stable_id(source: str, text: str, taken: set[str]) -> str:
    """A content id: the same text of the same source gets the same id on every import."""
    base = f"{_slug(source)}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:10]}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "x"


_encode_json = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode


def _attributes_json(attrs: dict) -> str:
    """json.dumps(attrs, sort_keys=True, ensure_ascii=False), the same text, without an
    encoder per row: a sheet row's attributes are all text, quoted by json's own C
    function."""
    if all(type(k) is str and type(v) is str for k, v in attrs.items()):
        quote = json.encoder.encode_basestring
        return "{" + ", ".join(f"{quote(k)}: {quote(v)}" for k, v in sorted(attrs.items())) \
            + "}"
    return _encode_json(attrs)


def _text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Batch:
    """Collects excerpt rows and writes them CHUNK at a time, checking ids against the store."""

    def __init__(self, store: Store, path: Path, file_id: int, previous: int | None,
                 explicit_ids: bool, result: ImportResult, language: str = "auto") -> None:
        self.store, self.path, self.file_id = store, path, file_id
        self.language = language if language == "none" or language_available() else "none"
        self.explicit, self.result = explicit_ids, result
        self.previous = db.excerpt_ids_of_file(store, previous) if previous else set()
        self.position = db.next_position(store)
        self.pending: list[tuple] = []
        self.pending_at: dict[str, int] = {}
        self.seen_previous: set[str] = set()

    def add(self, eid: str, source: str, text: str, start: int, end: int, location: str,
            attrs: dict | str, row: int, *, speaker: str | None = None, role: str | None = None,
            context: str | None = None) -> None:
        if eid in self.pending_at:
            self._duplicate(eid, row, self.pending_at[eid])
            return
        self.pending_at[eid] = row
        self.pending.append((eid, source, text, _text_sha(text), self.file_id, start, end,
                             location, 0,
                             attrs if isinstance(attrs, str) else _attributes_json(attrs), row,
                             speaker, role, None, context))
        if len(self.pending) >= CHUNK:
            self.flush()

    def _duplicate(self, eid: str, row: int, first: int | str) -> None:
        if self.explicit:
            raise ThematicError("E014", path=self.path, row=row, value=eid, first=first)
        self.result.skipped.append(f"{self.path}, row {row}: same text as {first}; skipped")

    def flush(self) -> None:
        if not self.pending:
            return
        stored = db.existing_excerpts(self.store, [r[0] for r in self.pending])
        fresh = []
        for row in self.pending:
            eid, sha, where = row[0], row[3], row[10]
            if eid in stored:
                old_sha, old_file, old_location = stored[eid]
                if old_file == self.file_id:
                    self._duplicate(eid, where, old_location)
                    continue
                self.seen_previous.add(eid)
                if old_sha == sha:
                    self.result.unchanged += 1
                else:
                    self.result.changed.append(eid)
                continue
            language = self.language if self.language not in ("auto", "none") else None
            if self.language == "auto":
                language = detect_language(row[2])
            fresh.append((*row[:8], self.position, row[9], row[11], row[12], language, row[14]))
            self.position += 1
        db.insert_excerpts(self.store, fresh)
        self.result.added += len(fresh)
        self.pending, self.pending_at = [], {}

    def finish(self) -> None:
        self.flush()
        self.result.missing = sorted(self.previous - self.seen_previous)


def _ensure_source(store: Store, sid: str, opts: ExcerptOptions, known: set[str], path: Path,
                   row: int, column: str, result: ImportResult, title: str | None = None
                   ) -> None:
    if sid in known:
        return
    if not opts.create_sources and title is None:
        raise ThematicError("E015", path=path, row=row, column=column, value=sid)
    db.upsert_source(store, db.Source(id=sid, title=title, attributes={"created_by":
                                                                        "import"}), None)
    known.add(sid)
    result.sources_created.append(sid)


def _import_sheet(store: Store, path: Path, opts: ExcerptOptions, known: set[str],
                  root: Path | None, result: ImportResult, progress) -> None:
    table = readers.open_sheet(path, fmt=opts.fmt, encoding=opts.encoding, sheet=opts.sheet,
                               progress=progress)
    text_col = _pick(table, opts.text_column, TEXT_COLUMNS, path, "--text-column")
    src_col = None if opts.source else _pick(table, opts.source_column,
                                              SOURCE_COLUMNS, path, "--source-column")
    id_col = _pick(table, opts.id_column, ID_COLUMNS, path, "--id-column",
                   required=opts.id_column is not None)
    file_id, previous = _register(store, path, "excerpts", root, result)
    if file_id is None:
        return
    ctx_col = _pick(table, opts.context_column, CONTEXT_COLUMNS, path,
                    "--context-column", required=opts.context_column is not None)
    batch = _Batch(store, path, file_id, previous, id_col is not None, result,
                   opts.language or "none")
    used = {text_col, src_col, id_col, ctx_col}
    # The attribute JSON of a row, as _attributes_json writes it, with the keys sorted and
    # quoted once per sheet instead of once per row.
    quote = json.encoder.encode_basestring
    attr_cols = [(quote(c) + ": ", c) for c in sorted(table.columns) if c not in used]
    # A wide survey sheet names the question in the header of the answer column, or, from
    # a survey tool, in the header rows under it.
    export = _export_note(table, result)
    header_context = (export.questions.get(text_col) if export else None) \
        or (None if text_col.lower() in TEXT_COLUMNS else text_col)
    sheet_name = table.extra.get("sheet")
    where_prefix = f"sheet {sheet_name}, " if sheet_name else ""
    for row_no, row in table.rows:
        text = row[text_col]
        if not text.strip():
            result.skipped.append(f"{result.path}, row {row_no}: empty {text_col!r}; skipped")
            continue
        sid = row[src_col].strip() if src_col is not None else opts.source
        if not sid:
            raise ThematicError("E021", path=path, row=row_no, column=src_col,
                                problem="the study id is empty",
                                fix="Fill it in, or pass --source ID for the whole file.")
        _ensure_source(store, sid, opts, known, path, row_no, src_col or "--source", result)
        attrs = "{" + ", ".join([k + quote(row[c]) for k, c in attr_cols if row[c].strip()]) \
            + "}"
        base_id = row[id_col].strip() if id_col else None
        if id_col and not base_id:
            raise ThematicError("E021", path=path, row=row_no, column=id_col,
                                problem="the excerpt id is empty",
                                fix="Give every row an id, or leave out --id-column.")
        context = (row[ctx_col].strip() or None) if ctx_col else header_context
        location = f"{where_prefix}row {row_no}, column {text_col}"
        spans = [(0, len(text))]
        if opts.segment == "sentence":
            from thematic.corpus.segment import sentences

            spans = sentences(text)
        elif opts.segment == "paragraph":
            from thematic.corpus.segment import paragraphs

            spans = [(s, e) for s, e, _ in paragraphs(text)]
        for n, (start, end) in enumerate(spans, start=1):
            piece = text[start:end]
            if base_id:
                eid = base_id if len(spans) == 1 else f"{base_id}.{n}"
            else:
                eid = stable_id(sid, piece, set())
            where = location if len(spans) == 1 else f"{location}, segment {n}"
            batch.add(eid, sid, piece, start, end, where, attrs, row_no, context=context)
    batch.finish()
    notices = table.extra.get("notices")
    if notices and notices["count"]:
        result.skipped.append(f"{result.path}: the XLSX reader reported "
                              f"{plural(notices['count'], 'warning')} about features it "
                              f"ignores, e.g. "
                              f"{'; '.join(notices['examples'])}")


def _import_document(store: Store, path: Path, opts: ExcerptOptions, known: set[str],
                     root: Path | None, result: ImportResult) -> None:
    doc = readers.read_document(path, fmt=opts.fmt, encoding=opts.encoding)
    # a document that names its speakers (a caption file) is cut at their turns by default
    if opts.segment == "turn" or (opts.segment == "row" and doc.speakers):
        _import_turns(store, path, doc, opts, known, root, result)
        return
    sid, file_id, previous = _document_file(store, path, opts, known, root, result)
    if file_id is None:
        return
    result.notes.extend(f"{result.path}: {note}" for note in doc.notes)
    batch = _Batch(store, path, file_id, previous, False, result, opts.language or "auto")
    taken: set[str] = set()
    for start, end, attrs in doc.blocks:
        spans = [(start, end)]
        if opts.segment == "sentence":
            from thematic.corpus.segment import sentences

            spans = sentences(doc.text, start, end)
        for n, (s, e) in enumerate(spans, start=1):
            piece = doc.text[s:e]
            eid = stable_id(sid, piece, taken)
            taken.add(eid)
            where = f"paragraph {attrs['paragraph']}"
            if len(spans) > 1:
                where += f", sentence {n}"
            batch.add(eid, sid, piece, s, e, where, attrs, attrs["paragraph"])
    batch.finish()


def _document_file(store: Store, path: Path, opts: ExcerptOptions, known: set[str],
                   root: Path | None, result: ImportResult
                   ) -> tuple[str, int | None, int | None]:
    """(source id, file id or None when imported before, previous file id) of a document;
    a document is its own source unless --source names a study."""
    sid = opts.source or path.stem
    _ensure_source(store, sid, opts, known, path, 0, "--source", result,
                   title=None if opts.source else path.name)
    file_id, previous = _register(store, path, "excerpts", root, result)
    return sid, file_id, previous


def _import_turns(store: Store, path: Path, doc: readers.Document, opts: ExcerptOptions,
                  known: set[str], root: Path | None, result: ImportResult) -> None:
    """One excerpt per speaker turn, with the speaker and its role."""
    from thematic.corpus import turns

    roles = opts.roles or {}
    # Notes (DOCX/ODT footnotes) come after the body; they are nobody's turn.
    notes = [b for b in doc.blocks if "footnote" in b[2] or "endnote" in b[2]]
    body = doc.text[:notes[0][0]] if notes else doc.text
    if notes:
        result.notes.append(f"{display_path(path, root)}: "
                            f"{plural(len(notes), 'footnote or endnote', 'footnotes or endnotes')}"
                            " not imported (not speaker turns)")
    # a caption file names its speakers itself: each counts even when it speaks once
    speakers = set(roles) | {turns.normalise(s) for s in doc.speakers}
    found = turns.find_turns(body, known=speakers,
                             markdown=readers.kind_of(path, opts.fmt) == "markdown")
    if not found.turns:
        raise ThematicError("E500", path=path, lines=turns.first_lines(doc.text),
                            styles="; ".join(turns.STYLE_NAMES))
    sid, file_id, previous = _document_file(store, path, opts, known, root, result)
    if file_id is None:
        return
    if found.header_lines:
        lines = "line 1" if found.header_lines == 1 else f"lines 1–{found.header_lines}"
        result.notes.append(f"{result.path}: {lines} (before the first speaker label) "
                            "not imported, read as a header")
    batch = _Batch(store, path, file_id, previous, False, result, opts.language or "auto")
    taken: set[str] = set()
    for number, turn in enumerate(found.turns, start=1):
        piece = doc.text[turn.start:turn.end]
        key = turns.normalise(turn.speaker)
        role = roles.get(key) or (turns.default_role(turn.speaker) if not roles
                                  else "participant")
        result.speakers.setdefault(turn.speaker, role)
        if len(piece) > turns.LONG_TURN:
            result.notes.append(
                f"{result.path}, line {turn.line}: the turn of {turn.speaker} is "
                f"{len(piece):,} characters long (over {turns.LONG_TURN:,}); a speaker label "
                "was probably not recognised. Check the lines after it.")
        eid = stable_id(sid, f"{turn.speaker}: {piece}", taken)
        taken.add(eid)
        attrs: dict = {"turn": number, "line": turn.line}
        if turn.timestamp:
            attrs["timestamp"] = turn.timestamp
        if turn.section:
            attrs["section"] = turn.section
        where = f"turn {number}, line {turn.line}" + (f" [{turn.timestamp}]"
                                                       if turn.timestamp else "")
        batch.add(eid, sid, piece, turn.start, turn.end, where, attrs, turn.line,
                  speaker=turn.speaker, role=role)
    batch.finish()


def unknown_speakers(roles: dict[str, str], results: list[ImportResult]) -> list[str]:
    """Speakers the roles map names that no imported turn has (a typo, most often)."""
    from thematic.corpus.turns import normalise

    seen = {normalise(s) for r in results for s in r.speakers}
    spelling = getattr(roles, "spelling", {})
    return [spelling.get(name, name) for name in roles if name not in seen]


ROLES = ("interviewer", "participant")


class RolesMap(dict):
    """normalised speaker → role; ``spelling`` keeps each name as the user wrote it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.spelling: dict[str, str] = {}


def roles_map(interviewers: Iterable[str] = (), roles_file: str | os.PathLike | None = None
              ) -> dict[str, str]:
    """normalised speaker → role, from ``--interviewer`` names and a roles sheet (columns
    speaker, role); names not listed are participants."""
    from thematic.corpus.turns import normalise

    out = RolesMap({normalise(n): "interviewer" for n in interviewers if n.strip()})
    out.spelling.update({normalise(n): n.strip() for n in interviewers if n.strip()})
    if roles_file is None:
        return out
    path = Path(roles_file)
    table = readers.open_sheet(path)
    lowered = {c.lower(): c for c in table.columns}
    if "speaker" not in lowered or "role" not in lowered:
        raise ThematicError("E502", path=path, row=1, problem="the header lacks speaker or "
                            f"role (it has {', '.join(table.columns)})")
    for row_no, row in table.rows:
        speaker = row[lowered["speaker"]].strip()
        role = row[lowered["role"]].strip().lower()
        if not speaker or role not in ROLES:
            raise ThematicError("E502", path=path, row=row_no, problem=f"role {role!r} for "
                                f"speaker {speaker!r} is not one of {', '.join(ROLES)}"
                                if speaker else "the speaker is empty")
        out[normalise(speaker)] = role
        out.spelling[normalise(speaker)] = speaker
    return out
