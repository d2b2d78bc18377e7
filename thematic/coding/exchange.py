"""Codings in and out of files: long, wide and list CSV (or XLSX/TSV), and JSON.

- long: one row per coding — ``excerpt, code[, coder, start, end, memo, status, codebook,
  codebook_version]``;
- wide: ``excerpt[, coder]`` + one 0/1 column per code;
- list: ``excerpt`` (or ``finding_id``) + ``codes`` with ids separated by ';' — the shape of
  corpus/peer-support/gold.csv (other columns, such as ``theme``, are ignored);
- json: what ``export_codings(fmt="json")`` writes (codings, coverage, codebook versions).

Every excerpt a file names counts as reviewed by its coder, so an excerpt listed with no
codes is a "no" for every code. An import is one transaction: all of it lands, or none.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from thematic import lookup
from thematic.coding.common import write
from thematic.errors import ThematicError, nearest
from thematic.exporters import Exporter, Table
from thematic.files import formula_unsafe, safe_row
from thematic.lookup import codebook as resolve_codebook
from thematic.store import codebooks as cb_db
from thematic.store import codings as db
from thematic.store import corpus as corpus_db
from thematic.store.codings import STATUSES, Status
from thematic.store.db import Store

EXCERPT_COLUMNS = ("excerpt", "excerpt_id", "finding_id", "id")
IGNORED_WIDE = {"text", "finding", "quote", "study", "study_id", "source", "source_id",
                "theme", "notes", "memo", "section", "codebook", "codebook_version"}
TRUE = {"1", "1.0", "true", "yes", "y", "x"}
FALSE = {"", "0", "0.0", "false", "no", "n"}
LONG = ("excerpt", "code", "coder", "start", "end", "status", "method", "origin", "score",
        "memo", "codebook", "codebook_version")


@dataclass
class ImportCodingsResult:
    path: str
    shape: str                               # long | wide | list | json
    rows: int = 0
    added: int = 0                           # new codings
    existing: int = 0                        # identical codings already stored
    excerpts: int = 0                        # excerpts marked reviewed
    coders: list[str] = field(default_factory=list)


@dataclass
class _Row:
    where: str                   # "FILE, row N" for messages and provenance
    excerpt: str
    codes: list[str]
    coder: str | None
    start: int | None = None
    end: int | None = None
    memo: str | None = None
    status: str | None = None
    method: str = "import"
    origin: str | None = None
    score: float | None = None
    codebook: str | None = None
    version: str | None = None
    digest: str | None = None


def import_codings(store: Store, path: str | os.PathLike, *, coder: str | None = None,
                   status: str = Status.ACCEPTED, codebook: str | None = None,
                   root: Path | None = None) -> ImportCodingsResult:
    """Import codings from ``path`` (shape detected from its columns); ``coder`` names the
    coder where the file has no coder column (or leaves it empty)."""
    from thematic.files import display_path

    path = Path(path)
    if not path.exists():
        raise ThematicError("E010", path=path, cwd=os.getcwd())
    shown = display_path(path, root)
    if path.suffix.lower() == ".json":
        shape, rows = "json", list(_json_rows(path, shown))
    else:
        shape, rows = _sheet_rows(path, shown)
    result = ImportCodingsResult(shown, shape, rows=len(rows))
    codings, reviewed = _resolve(store, rows, coder, status, codebook, path)

    def save() -> ImportCodingsResult:
        result.added = db.add_codings(store, codings)
        result.existing = len(codings) - result.added
        for (who, book_id), excerpts in reviewed.items():
            db.mark_reviewed(store, who, sorted(excerpts), book_id)
        result.excerpts = len({e for ex in reviewed.values() for e in ex})
        result.coders = sorted({who for who, _ in reviewed})
        store.log("code import", shown, {"shape": shape, "rows": len(rows), "added":
                                         result.added, "coders": result.coders})
        return result

    return write(store, f"code import {shown}", save)


def _sheet_rows(path: Path, shown: str) -> tuple[str, list[_Row]]:
    from thematic.corpus import readers

    sheet = readers.open_sheet(path)
    lower = {c.lower().strip(): c for c in sheet.columns}
    ex_col = next((lower[c] for c in EXCERPT_COLUMNS if c in lower), None)
    if ex_col is None:
        raise ThematicError("E158", path=shown, columns=", ".join(sheet.columns))
    get = {k: lower.get(k) for k in LONG}
    if "codes" in lower:
        shape = "list"
    elif "code" in lower:
        shape = "long"
    else:
        shape = "wide"
        code_cols = [c for c in sheet.columns if c != ex_col and c.lower().strip() not in
                     IGNORED_WIDE | {"coder"}]
        if not code_cols:
            raise ThematicError("E158", path=shown, columns=", ".join(sheet.columns))
    out = []
    for row_no, raw in sheet.rows:
        row = {k: formula_unsafe(v) for k, v in raw.items()}  # as `code export` escaped it
        where = f"{shown}, row {row_no}"
        cell = {k: (row.get(c) or "").strip() if c else "" for k, c in get.items()}
        base = _Row(where, row[ex_col].strip(), [], cell["coder"] or None,
                    codebook=cell["codebook"] or None, version=cell["codebook_version"] or None,
                    origin=f"{shown}:{row_no}")
        if not base.excerpt:
            raise ThematicError("E159", path=shown, row=row_no, problem="the excerpt id is "
                                "empty", suggest="", fix="Give every row an excerpt id.")
        if shape == "list":
            base.codes = [c.strip() for c in row[lower["codes"]].split(";") if c.strip()]
        elif shape == "wide":
            for col in code_cols:
                value = (row.get(col) or "").strip().lower()
                if value not in TRUE | FALSE:
                    # A misspelt list/long column ("kodes") reads as a wide one: say so.
                    raise ThematicError("E159", path=shown, row=row_no, problem=f"column "
                                        f"{col!r} holds {row.get(col)!r}",
                                        suggest=nearest(col.lower(), ("codes", "code")),
                                        fix="In a wide sheet write 1 for coded and 0 (or "
                                        "nothing) for not coded.")
                if value in TRUE:
                    base.codes.append(col.strip())
        else:
            if cell["code"]:
                base.codes = [cell["code"]]
            base.start, base.end = _int(cell["start"], "start", shown, row_no), \
                _int(cell["end"], "end", shown, row_no)
            base.memo = cell["memo"] or None
            base.status = cell["status"] or None
            base.method = cell["method"] or "import"
            base.origin = cell["origin"] or base.origin
            base.score = float(cell["score"]) if cell["score"] else None
        out.append(base)
    return shape, out


def _int(value: str, column: str, shown: str, row: int) -> int | None:
    if not value:
        return None
    try:
        return int(float(value))
    except ValueError:
        raise ThematicError("E159", path=shown, row=row, problem=f"{column} {value!r} is not "
                            "a number", suggest="",
                            fix="Give character offsets as whole numbers.") from None


def _json_rows(path: Path, shown: str) -> Iterator[_Row]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ThematicError("E026", path=shown, detail=str(exc)[:200], kind="JSON") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("codings"), list):
        raise ThematicError("E158", path=shown, columns="a JSON document without 'codings'")
    for i, c in enumerate(doc["codings"], 1):
        yield _Row(f"{shown}, coding {i}", str(c.get("excerpt", "")), [str(c.get("code", ""))],
                   c.get("coder"), c.get("start"), c.get("end"), c.get("memo"),
                   c.get("status"), c.get("method") or "import", c.get("origin"),
                   c.get("score"), c.get("codebook"), c.get("codebook_version"),
                   c.get("codebook_hash"))
    for i, group in enumerate(doc.get("coverage") or [], 1):
        for eid in group.get("excerpts", []):
            yield _Row(f"{shown}, coverage {i}", str(eid), [], group.get("coder"),
                       codebook=group.get("codebook"), version=group.get("codebook_version"),
                       digest=group.get("codebook_hash"))


def _resolve(store: Store, rows: list[_Row], coder: str | None, status: str,
             codebook: str | None, path: Path):
    """Check every row against the store; codings to add and who reviewed what."""
    if status not in STATUSES:
        raise ThematicError("E165", value=status, what="status",
                            fix=f"Use one of: {', '.join(STATUSES)}.")
    excerpt_ids = corpus_db.all_excerpt_ids(store)
    known = set(excerpt_ids)
    books: dict[tuple, cb_db.Codebook] = {}
    codings: list[db.Coding] = []
    reviewed: dict[tuple[str, int], set[str]] = {}   # (coder, codebook id) → excerpt ids
    for r in rows:
        who = r.coder or coder
        if not who:
            raise ThematicError("E160", what=r.where)
        if r.excerpt not in known:
            raise _bad(r, f"no excerpt {r.excerpt!r}",
                       "List the excerpts with `thematic excerpts list`.",
                       nearest(r.excerpt, excerpt_ids))
        key = (r.codebook or codebook, r.version, r.digest)
        if key not in books:
            books[key] = _book(store, key, r.where)
        book = books[key]
        reviewed.setdefault((who, book.id), set()).add(r.excerpt)
        for code_id in r.codes:
            code = book.code(code_id)
            if code is None or not code.codable:
                why = (f"code {code_id!r} is not in codebook {book.name!r} (version "
                       f"{book.version})" if code is None
                       else f"code {code_id!r} is a grouping, not assigned")
                raise _bad(r, why, "Use the codebook's code ids (`thematic codebook show`).",
                           nearest(code_id, [c.id for c in book.codes if c.codable]))
            if r.start is not None or r.end is not None:
                _check_span(store, r)
            state = r.status or status
            if state not in STATUSES:
                raise _bad(r, f"status {state!r} is unknown", f"Use {', '.join(STATUSES)}.")
            codings.append(db.Coding(excerpt_id=r.excerpt, codebook_id=book.id,
                                     code_id=code.id, coder=who, method=r.method,
                                     start=r.start, end=r.end, origin=r.origin, score=r.score,
                                     status=state, memo=r.memo))
    return codings, reviewed


def _bad(row: _Row, problem: str, fix: str, suggest: str = "") -> ThematicError:
    where, _, number = row.where.rpartition(", ")
    return ThematicError("E159", path=where, row=number.split(" ")[-1], problem=problem,
                         fix=fix, suggest=suggest)


def _check_span(store: Store, r: _Row) -> None:
    length = len(lookup.excerpt(store, r.excerpt).text)
    if r.start is None or r.end is None or not (0 <= r.start < r.end <= length):
        raise _bad(r, f"span {r.start}:{r.end} is not inside excerpt {r.excerpt!r} "
                      f"({length} characters)", f"Use 0 <= start < end <= {length}.")


def _book(store: Store, key: tuple, where: str) -> cb_db.Codebook:
    name, version, digest = key
    if version is None and digest is None:
        return resolve_codebook(store, name)
    loaded = cb_db.list_codebooks(store)
    match = [b for b in loaded if (digest is None or b.hash == digest)
             and (version is None or b.version == version) and (name is None or b.name == name)]
    if not match:
        same = [b.version for b in loaded if b.name == name]
        raise ThematicError("E155", where=where, codebook=name, version=version or digest,
                            loaded=f" (loaded: {', '.join(same)})" if same else "")
    best = max(match, key=lambda b: (b.current, b.id))
    found = cb_db.get_codebook(store, id=best.id)
    assert found is not None  # one of the versions just listed
    return found


# --- export -----------------------------------------------------------------------------

def export_codings(store: Store, fmt: str = "long", *, coder: str | None = None,
                   status: tuple[str, ...] | None = None, codebook: str | None = None) -> str:
    """The codings (and, for wide and json, the coverage) as CSV or JSON text, in one of
    ``EXPORTERS.names()``."""
    return str(EXPORTERS.get(fmt).write(store, coder=coder, status=status, codebook=codebook))


def _selected(store: Store, coder: str | None, status: tuple[str, ...] | None,
              codebook: str | None
              ) -> tuple[dict[int, cb_db.Codebook], cb_db.Codebook | None, list[db.Coding]]:
    """Every stored codebook by id, the one asked for (if any) and the codings chosen."""
    books = {b.id: b for b in cb_db.list_codebooks(store)}
    book = resolve_codebook(store, codebook) if codebook else None
    rows = db.list_codings(store, coder=coder, status=status,
                           codebook_id=book.id if book else None)
    return books, book, rows


def _export_long(store: Store, *, coder: str | None, status: tuple[str, ...] | None,
                 codebook: str | None) -> str:
    books, _, rows = _selected(store, coder, status, codebook)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LONG)
    for c in rows:
        b = books[c.codebook_id]
        writer.writerow(safe_row([c.excerpt_id, c.code_id, c.coder, _blank(c.start),
                                  _blank(c.end), c.status, c.method, c.origin or "",
                                  _blank(c.score), c.memo or "", b.name, b.version]))
    return out.getvalue()


def _export_json(store: Store, *, coder: str | None, status: tuple[str, ...] | None,
                 codebook: str | None) -> str:
    books, book, rows = _selected(store, coder, status, codebook)
    cover: dict[tuple[str, int], list[str]] = {}
    for who, eid, bid in db.coverage_rows(store, book.id if book else None):
        if coder is None or who == coder:
            cover.setdefault((who, bid), []).append(eid)
    doc = {"format": "thematic-codings/1",
           "codebooks": [{"name": b.name, "version": b.version, "hash": b.hash}
                         for b in books.values()],
           "coverage": [dict(coder=who, **_ref(books[bid]), excerpts=ids)
                        for (who, bid), ids in cover.items()],
           "codings": [dict(id=c.id, excerpt=c.excerpt_id, code=c.code_id, coder=c.coder,
                            start=c.start, end=c.end, status=c.status, method=c.method,
                            origin=c.origin, score=c.score, memo=c.memo,
                            **_ref(books[c.codebook_id]), created_at=c.created_at)
                       for c in rows]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _ref(book: cb_db.Codebook) -> dict:
    return {"codebook": book.name, "codebook_version": book.version,
            "codebook_hash": book.hash}


def _blank(value) -> str:
    return "" if value is None else str(value)


def _export_wide(store: Store, *, coder: str | None, status: tuple[str, ...] | None,
                 codebook: str | None) -> str:
    book = resolve_codebook(store, codebook)
    if status is None:
        # rejected codings are a "no": wide marks only what a coder proposed or accepted
        status = (Status.PROPOSED, Status.ACCEPTED)
    rows = db.list_codings(store, coder=coder, status=status, codebook_id=book.id)
    codes = [c.id for c in book.codes if c.codable]
    order = {e: i for i, e in enumerate(corpus_db.all_excerpt_ids(store))}
    marks: dict[tuple[str, str], set[str]] = {}
    for who, eid, _ in db.coverage_rows(store, book.id):
        if coder is None or who == coder:
            marks.setdefault((who, eid), set())
    for c in rows:
        marks.setdefault((c.coder, c.excerpt_id), set()).add(c.code_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(safe_row(["excerpt", "coder", *codes]))
    for (who, eid) in sorted(marks, key=lambda k: (k[0], order.get(k[1], 0))):
        writer.writerow(safe_row([eid, who, *("1" if c in marks[(who, eid)] else "0"
                                              for c in codes)]))
    return out.getvalue()


# The codings' export formats, one table: ``thematic code export --format`` offers its names.
# An exporter is ``write(store, *, coder, status, codebook) -> text``.
EXPORTERS = Table("codings")
EXPORTERS.register(Exporter("long", (".csv",), _export_long, "a row per coding"))
EXPORTERS.register(Exporter("wide", (".csv",), _export_wide,
                            "a row per excerpt and coder with a 0/1 column per code"))
EXPORTERS.register(Exporter("json", (".json",), _export_json,
                            "codings, coverage and codebooks"))
