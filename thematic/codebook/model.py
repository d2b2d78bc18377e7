"""The codebook as plain data: a document (metadata + a flat list of codes) and its tree.

A ``CodebookDoc`` is what a file says, after reading and before (or after) validation; it
knows where each of its parts came from (``lines``: path of keys → line or row number) so
problems can be reported where the user can fix them. Its ``digest`` identifies the content
whatever the file's layout, comments or key order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

# Keys of a code other than id/name/parent/codable/definition: kept in the store's `data`.
DATA_KEYS = ("include", "exclude", "examples", "cfir", "colour", "rules")
META_KEYS = ("description", "citation", "licence", "language", "semantic")
TOP_KEYS = ("name", "version", "title", *META_KEYS, "codes")
CODE_KEYS = ("id", "parent", "name", "codable", "definition", *DATA_KEYS)

Path_ = tuple  # a path of keys/indices into the document, e.g. ("codes", 3, "rules")


@dataclass
class CodebookDoc:
    data: dict                                  # the document as read (plain JSON types)
    path: str | None = None                     # the file it came from, as given
    unit: str = "line"                          # "line" (YAML/JSON) or "row" (CSV)
    lines: dict[Path_, int] = field(default_factory=dict)

    # -- metadata --
    @property
    def name(self) -> str:
        return str(self.data.get("name", ""))

    @property
    def version(self) -> str:
        return str(self.data.get("version", ""))

    @property
    def title(self) -> str | None:
        title = self.data.get("title")
        return None if title is None else str(title)

    @property
    def metadata(self) -> dict:
        return {k: self.data[k] for k in META_KEYS if k in self.data}

    @property
    def codes(self) -> list[dict]:
        codes = self.data.get("codes")
        return [c for c in codes if isinstance(c, dict)] if isinstance(codes, list) else []

    @property
    def by_id(self) -> dict[str, dict]:
        return {str(c.get("id")): c for c in self.codes}

    def line(self, path: Path_) -> int | None:
        """The line (or row) of ``path``, else of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    # -- identity --
    def canonical(self) -> str:
        """The content as canonical JSON: what is hashed and stored."""
        return json.dumps(self.data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()

    # -- tree --
    def children(self) -> dict[str | None, list[dict]]:
        """parent id (None for the roots) → its codes, in document order."""
        out: dict[str | None, list[dict]] = {}
        ids = set(self.by_id)
        for code in self.codes:
            parent = code.get("parent")
            out.setdefault(parent if parent in ids else None, []).append(code)
        return out

    def walk(self) -> Iterator[tuple[int, dict]]:
        """(depth, code) in tree order: each code followed by its descendants."""
        kids = self.children()
        seen: set[int] = set()

        def visit(code: dict, depth: int) -> Iterator[tuple[int, dict]]:
            if id(code) in seen:  # a cycle (validation reports it); do not loop
                return
            seen.add(id(code))
            yield depth, code
            for child in kids.get(code.get("id"), []):
                yield from visit(child, depth + 1)

        for root in kids.get(None, []):
            yield from visit(root, 0)
        for code in self.codes:  # codes caught in a cycle have no root above them
            if id(code) not in seen:
                yield from visit(code, 0)


def code_data(code: dict) -> dict:
    """The part of a code the store keeps as JSON (criteria, examples, cfir, colour, rules)."""
    return {k: code[k] for k in DATA_KEYS if k in code}


def to_store_codes(doc: CodebookDoc) -> list:
    from thematic.store.codebooks import Code

    return [Code(id=str(c["id"]), name=str(c["name"]), parent=c.get("parent"),
                 definition=str(c.get("definition") or ""),
                 codable=bool(c.get("codable", True)), position=i, data=code_data(c))
            for i, c in enumerate(doc.codes)]


def from_stored(book) -> CodebookDoc:
    """The document of a stored version (``store.codebooks.Codebook``)."""
    data: dict = {"name": book.name, "version": book.version}
    if book.title is not None:
        data["title"] = book.title
    data.update({k: book.metadata[k] for k in META_KEYS if k in book.metadata})
    codes = []
    for code in book.codes:
        entry: dict = {"id": code.id}
        if code.parent:
            entry["parent"] = code.parent
        entry["name"] = code.name
        if not code.codable:
            entry["codable"] = False
        if code.definition:
            entry["definition"] = code.definition
        entry.update({k: code.data[k] for k in DATA_KEYS if k in code.data})
        codes.append(entry)
    data["codes"] = codes
    return CodebookDoc(data=data, path=f"{book.name}@{book.id}")
