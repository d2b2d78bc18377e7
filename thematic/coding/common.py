"""What the coding modules share: resolving codebooks, codes and excerpts with helpful
errors, span checks, and writes that retry while another coder holds the database."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from thematic.errors import ThematicError, nearest
from thematic.store import codebooks as cb_db
from thematic.store import corpus as corpus_db
from thematic.store.db import Store

T = TypeVar("T")
RETRIES = 3


def resolve_code(book: cb_db.Codebook, code_id: str, *, codable: bool = True) -> cb_db.Code:
    code = book.code(code_id)
    if code is None:
        by_name = {c.name.lower(): c for c in book.codes}
        code = by_name.get(code_id.lower())
    if code is None:
        raise ThematicError("E152", value=code_id, codebook=book.name, version=book.version,
                            suggest=nearest(code_id, [c.id for c in book.codes]))
    if codable and not code.codable:
        children = [c.id for c in book.codes if c.parent == code.id and c.codable]
        raise ThematicError("E153", value=code.id, codebook=book.name,
                            children=", ".join(children) or "(none)")
    return code


def parse_span(span: str | tuple[int, int] | None, excerpt: corpus_db.Excerpt
               ) -> tuple[int | None, int | None]:
    """'START:END' (or a pair) checked against the excerpt's text; None = whole excerpt."""
    if span is None or span == "":
        return None, None
    length = len(excerpt.text)
    if isinstance(span, str):
        parts = span.split(":")
        try:
            start, end = (int(p) for p in parts) if len(parts) == 2 else (None, None)
        except ValueError:
            start = end = None
        if start is None or end is None:
            raise ThematicError("E154", span=span, excerpt=excerpt.id, length=length)
    else:
        start, end = span
    if not (0 <= start < end <= length):
        raise ThematicError("E154", span=f"{start}:{end}", excerpt=excerpt.id, length=length)
    return start, end


def write(store: Store, command: str, work: Callable[[], T], retries: int = RETRIES) -> T:
    """Run ``work`` in one transaction; when another process kept the database busy past the
    busy timeout, wait a little and try again, so both coders' writes land."""
    for attempt in range(retries):
        try:
            with store.transaction(command):
                return work()
        except ThematicError as exc:
            if exc.code != "E005" or attempt == retries - 1:
                raise
            time.sleep(0.1 * (attempt + 1))
    raise AssertionError("unreachable")
