"""Codebooks in the project: load (versioned by content hash), resolve, flag stale codings.

Loading a file whose content is already stored changes nothing (or makes that older version
current again). Loading edited content stores a new version, which becomes current; the
previous versions and every coding made against them are kept. Codings against codes that
the new version removed, renamed or changed are *flagged*: listed by ``flagged()`` (and by
``thematic codebook load/show``) for review — never deleted or silently moved.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from thematic.codebook import io
from thematic.codebook.checks import CFIR_NAME, Problem, bundled_cfir_ids, validate
from thematic.codebook.diffs import CodebookDiff, diff
from thematic.codebook.model import CodebookDoc, from_stored, to_store_codes
from thematic.errors import ThematicError
from thematic.lookup import codebook as get
from thematic.store import codebooks as db
from thematic.store.db import Store
from thematic.words import plural


@dataclass
class Flag:
    """Codings of an earlier version against a code the current version changed."""

    codebook_id: int       # the earlier version holding the codings
    version: str
    code_id: str
    reason: str            # removed | renamed to X | changed: fields
    codings: int


@dataclass
class LoadResult:
    name: str
    version: str
    codebook_id: int
    digest: str
    status: str                         # new | updated | unchanged | reactivated
    codes: list = field(default_factory=list)    # store.codebooks.Code
    previous_id: int | None = None
    diff: CodebookDiff | None = None
    flagged: list[Flag] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- reading and checking files -------------------------------------------------------------

def known_cfir_ids(store: Store | None = None) -> set[str]:
    ids = set(bundled_cfir_ids())
    if store is not None:
        book = db.get_codebook(store, CFIR_NAME)
        if book is not None:
            ids |= {c.id for c in book.codes}
    return ids


def check(path: str | os.PathLike, store: Store | None = None
          ) -> tuple[CodebookDoc | None, list[Problem]]:
    """Read and validate a file; a file that cannot be read at all is one problem."""
    try:
        doc = io.read(path)
    except ThematicError as exc:
        if exc.code == "E010":
            raise
        line = exc.fields.get("line")
        message = exc.message
        for prefix in (f"{exc.fields.get('path')}, line {line}: ",
                       f"{exc.fields.get('path')}: "):
            if message.startswith(prefix):
                message = message[len(prefix):]
                break
        return None, [Problem(line if isinstance(line, int) else None, "",
                              f"[{exc.code}] {message}")]
    return doc, validate(doc, cfir_ids=known_cfir_ids(store))


def parse(path: str | os.PathLike | None, store: Store | None = None, *,
          doc: CodebookDoc | None = None) -> CodebookDoc:
    """A valid document from ``path`` (or ``doc``), else ThematicError E100 naming the
    first problem."""
    if doc is None:
        if path is None:
            raise TypeError("parse() needs a path or a doc")
        doc = io.read(path)
    problems = validate(doc, cfir_ids=known_cfir_ids(store))
    if problems:
        first = problems[0]
        more = f" ({plural(len(problems) - 1, 'more problem')}.)" if len(problems) > 1 else ""
        message = f"{first.where}: {first.message}" if first.where else first.message
        if not message.endswith((".", "?", "!")):
            message += "."
        raise ThematicError("E100", path=doc.path or path, unit=doc.unit,
                            line=first.line if first.line is not None else "?",
                            message=message, more=more)
    return doc


# --- loading ----------------------------------------------------------------------------------

def _shown_path(path: str | os.PathLike | None, root: Path | None) -> str | None:
    if path is None:
        return None
    p = Path(path).resolve()
    if root is not None:
        try:
            return str(p.relative_to(Path(root).resolve()))
        except ValueError:
            pass
    return str(p)


def load(store: Store, path: str | os.PathLike, *, root: str | os.PathLike | None = None
         ) -> LoadResult:
    """Validate the file at ``path`` and store it as a version (see the module docstring)."""
    doc = parse(path, store)
    return load_doc(store, doc, source_path=_shown_path(path, Path(root) if root else None),
                    validated=True)


def load_doc(store: Store, doc: CodebookDoc, *, source_path: str | None = None,
             command: str | None = None, validated: bool = False) -> LoadResult:
    """Store an already-read document (CSV import and REFI-QDA use this too)."""
    if not validated:
        parse(doc.path, store, doc=doc)
    digest = doc.digest
    with store.transaction(command or f"codebook load {source_path or doc.name}"):
        existing = db.find_by_hash(store, digest)
        if existing is not None:
            book = db.get_codebook(store, id=existing)
            assert book is not None  # the version just found by its hash
            status = "unchanged" if book.current else "reactivated"
            if not book.current:
                db.make_current(store, existing)
                store.log("codebook.reactivate", f"{book.name}@{existing}",
                          {"hash": digest, "version": book.version, "path": source_path})
            result = LoadResult(book.name, book.version, existing, digest, status,
                                codes=book.codes)
            result.flagged = flagged(store, book.name)
            return result
        previous = db.get_codebook(store, doc.name)
        codes = to_store_codes(doc)
        book_id = db.insert_codebook(store, name=doc.name, version=doc.version, digest=digest,
                                     title=doc.title, metadata=doc.metadata,
                                     content=doc.canonical(), source_path=source_path,
                                     codes=codes)
        result = LoadResult(doc.name, doc.version, book_id, digest,
                            "updated" if previous else "new", codes=codes)
        if previous is not None:
            result.previous_id = previous.id
            result.diff = diff(stored_doc(store, previous.id), doc,
                               old_label=f"{previous.name}@{previous.id}",
                               new_label=f"{doc.name}@{book_id}")
            if previous.version == doc.version:
                result.warnings.append(
                    f"the content changed but the file still says version {doc.version}; "
                    "consider raising `version:` so reports can tell the versions apart")
        result.flagged = flagged(store, doc.name)
        store.log("codebook.load", f"{doc.name}@{book_id}", {
            "hash": digest, "version": doc.version, "path": source_path, "codes": len(codes),
            "previous": result.previous_id,
            "diff": result.diff.as_dict() if result.diff else None,
            "flagged": [vars(f) for f in result.flagged]})
        return result


# --- reading what is stored -------------------------------------------------------------------

def stored_doc(store: Store, codebook_id: int) -> CodebookDoc:
    book = db.get_codebook(store, id=codebook_id)
    assert book is not None, f"no codebook version {codebook_id}"  # callers pass stored ids
    content = db.content_of(store, codebook_id)
    if content:
        return CodebookDoc(data=json.loads(content), path=f"{book.name}@{book.id}")
    return from_stored(book)  # pragma: no cover - every version stores its content


def resolve(store: Store | None, ref: str) -> CodebookDoc:
    """A file path (read and checked), else a codebook of the project (see ``get``)."""
    if Path(ref).is_file() or store is None:
        return parse(ref, store)
    book = get(store, ref)
    return stored_doc(store, book.id)


def flagged(store: Store, name: str) -> list[Flag]:
    """Codings made against earlier versions of ``name`` whose code the current version
    removed, renamed or changed."""
    books = [b for b in db.list_codebooks(store) if b.name == name]
    current = next((b for b in books if b.current), None)
    if current is None:
        return []
    older = [b for b in books if b.id != current.id]
    counts = db.coding_counts(store, [b.id for b in older])
    if not counts:
        return []
    now = stored_doc(store, current.id)
    out = []
    for book in older:
        used = {code: n for (bid, code), n in counts.items() if bid == book.id}
        if not used:
            continue
        affected = diff(stored_doc(store, book.id), now).affected
        out += [Flag(book.id, book.version, code, affected[code], n)
                for code, n in sorted(used.items()) if code in affected]
    return out


def import_csv(store: Store, path: str | os.PathLike, *, name: str | None = None,
               version: str = "1.0.0", title: str | None = None,
               root: str | os.PathLike | None = None) -> LoadResult:
    """Load a codebook written as a sheet (id, parent, name, definition, ...)."""
    doc = io.read_csv(path, name=name, version=version, title=title)
    doc = parse(path, store, doc=doc)
    return load_doc(store, doc, source_path=_shown_path(path, Path(root) if root else None),
                    command=f"codebook import {path}", validated=True)
