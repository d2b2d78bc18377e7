"""Codebooks in REFI-QDA form: the <Codes> tree of a .qdc file or of a project.qde.

Writing is strict (the output validates against Codebook.xsd / Project.xsd). What REFI has
no place for — a code's thematic id, inclusion and exclusion criteria, examples, CFIR
cross-walk, auto-coding rules, and the codebook's name, version and title — travels in
``<?thematic {json}?>`` processing instructions: schema validators and other QDA programs
skip them, and thematic reads them back so a round trip loses nothing. Reading is lenient
where the meaning is unambiguous (namespaces, GUID case and braces, a missing isCodable, an
empty <Sets/>); without the instructions, ids are made from code names.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from thematic.errors import ThematicError
from thematic.interop.safe import (
    MAX_DEPTH,
    child,
    children,
    guid_key,
    local,
    pis,
    text_of,
    xml_text,
)

if TYPE_CHECKING:
    from thematic.store.codebooks import Codebook

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
# Fixed namespace for GUIDs thematic derives: the same object gets the same GUID on every
# export, from every project (as Taguette does for its tags).
THEMATIC_NS = uuid.UUID("3f0c8a52-5b1e-4c55-9d1e-7a3c2b9e4f60")
PI = "thematic"

META_KEYS = ("description", "citation", "licence", "language")
_SLUG = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
_RGB = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def derived_guid(kind: str, key: str) -> str:
    return str(uuid.uuid5(THEMATIC_NS, f"{kind}:{key}"))


def slug(name: str, fallback: str = "code") -> str:
    """'Role ambiguity' → 'role-ambiguity'; keeps dots, which Taguette uses for paths."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9.]+", "-", text.lower())
    text = re.sub(r"[-.]*\.[-.]*", ".", text)
    text = re.sub(r"-+", "-", text).strip("-.")[:80].strip("-.")
    return text or fallback


def pi_json(data: Mapping) -> str:
    # ASCII-only JSON has no character XML forbids; ">" only occurs inside strings, where
    # \u003e means the same, and without it "?>" cannot end the instruction early.
    return json.dumps(data, ensure_ascii=True, sort_keys=True).replace(">", "\\u003e")


# --- the codebook as a YAML-shaped dict ------------------------------------------------------

def codebook_dict(codebook: Mapping | Codebook, store=None) -> dict:
    """The YAML-shaped dict of a codebook: a dict as it is, a stored ``Codebook``
    (thematic.store.codebooks) as the content it was loaded with (exactly, given the store)."""
    if isinstance(codebook, Mapping):
        return json.loads(json.dumps(codebook))
    if store is not None:
        from thematic.codebook import stored_doc

        return stored_doc(store, codebook.id).data
    return _from_stored(codebook)


def _from_stored(book) -> dict:
    """The dict of a stored version from its rows (what thematic.codebook.model does)."""
    data: dict = {"name": book.name, "version": str(book.version)}
    if book.title is not None:
        data["title"] = book.title
    data.update({k: book.metadata[k] for k in META_KEYS if k in (book.metadata or {})})
    codes = []
    for c in book.codes:
        entry: dict = {"id": c.id, "name": c.name}
        if c.parent:
            entry["parent"] = c.parent
        if not c.codable:
            entry["codable"] = False
        if c.definition:
            entry["definition"] = c.definition
        entry.update(c.data or {})
        codes.append(entry)
    data["codes"] = codes
    return data


# --- writing ---------------------------------------------------------------------------------

def codes_element(book: dict, guids: Mapping[str, str], *, extensions: bool = True,
                  note_refs: Mapping[str, list[str]] | None = None) -> ET.Element:
    """<Codes> for ``book`` (nested by parent, in the codebook's order)."""
    codes = book["codes"]
    known = {c["id"] for c in codes}
    kids: dict[str | None, list[dict]] = {}
    for c in codes:
        parent = c.get("parent") if c.get("parent") in known else None
        kids.setdefault(parent, []).append(c)
    order = {c["id"]: i for i, c in enumerate(codes)}
    root = ET.Element("Codes")
    todo = [(root, c) for c in reversed(kids.get(None, []))]
    seen: set[str] = set()
    while todo:
        parent_el, code = todo.pop()
        if code["id"] in seen:  # a cycle a hand-made dict may hold; the codebook room rejects it
            continue
        seen.add(code["id"])
        attrs = {"guid": guids[code["id"]], "name": xml_text(code["name"]),
                 "isCodable": "false" if code.get("codable") is False else "true"}
        colour = code.get("colour")
        if colour and _RGB.match(colour):
            attrs["color"] = colour
        el = ET.SubElement(parent_el, "Code", attrs)
        if extensions:
            el.append(ET.ProcessingInstruction(PI, pi_json(_code_extra(code, order[code["id"]]))))
        if code.get("definition"):
            ET.SubElement(el, "Description").text = xml_text(code["definition"])
        for target in (note_refs or {}).get(code["id"], []):
            ET.SubElement(el, "NoteRef", {"targetGUID": target})
        todo.extend((el, c) for c in reversed(kids.get(code["id"], [])))
    return root


# What the XML itself carries; everything else about a code travels in its instruction.
_IN_XML = ("name", "parent", "definition", "colour")


def _code_extra(code: dict, position: int) -> dict:
    """The code's instruction: its id, what REFI has no place for, and enough to rebuild
    the dict exactly (its place in the list, an explicit codable or empty definition), so
    a round trip keeps the content hash and reloading it is recognised as the same version.
    """
    extra = {k: v for k, v in code.items() if k not in _IN_XML}
    if code.get("definition") == "":
        extra["definition"] = ""
    extra["position"] = position
    return extra


def book_pi(book: dict) -> ET.Element[Any]:  # a processing instruction
    head = {k: book[k] for k in ("name", "version", "title", *META_KEYS) if k in book}
    return ET.ProcessingInstruction(PI, pi_json(head))


def code_guids(book: dict, remembered: Mapping[str, str] | None = None) -> dict[str, str]:
    """code id → GUID: one remembered from an import, else derived from the codebook name."""
    remembered = remembered or {}
    return {c["id"]: remembered.get(c["id"]) or derived_guid("code", f"{book['name']}:{c['id']}")
            for c in book["codes"]}


def serialise(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n")


def write_qdc(book: dict, guids: Mapping[str, str], *, origin: str,
              extensions: bool = True) -> bytes:
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": origin})
    if extensions:
        root.append(book_pi(book))
    root.append(codes_element(book, guids, extensions=extensions))
    return serialise(root)


# --- reading ---------------------------------------------------------------------------------

@dataclass
class ReadBook:
    """A codebook read from REFI-QDA XML."""

    data: dict                                     # the YAML-shaped codebook
    guids: dict[str, str] = field(default_factory=dict)     # code id → GUID as in the file
    by_guid: dict[str, str] = field(default_factory=dict)   # GUID key → code id
    note_refs: dict[str, list[str]] = field(default_factory=dict)  # code id → Note GUID keys
    origin: str | None = None
    extended: bool = False                         # carried thematic's own instructions


def _pi_data(element: ET.Element, where: str, what: str) -> dict | None:
    for text in pis(element, PI):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ThematicError("E454", path=where, element=what, problem="the <?thematic …?> "
                                "instruction does not hold a JSON object",
                                fix="Remove the instruction or export the file again.")
        return data
    return None


def _codable(value: str | None, where: str, what: str) -> bool:
    if value is None:
        return True  # REFI: isCodable is required, but QualCoder reads a missing one as true
    value = value.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise ThematicError("E454", path=where, element=what, problem=f"isCodable={value!r} is "
                        "not a boolean", fix="Write isCodable=\"true\" or \"false\".")


def read_codes(holder: ET.Element, where: str, *, name: str, title: str,
               origin: str | None = None) -> ReadBook:
    """The codebook under ``holder`` (a <CodeBook> element) as a YAML-shaped dict."""
    head = _pi_data(holder, where, f"<{local(holder.tag)}>") or {}
    codes_el = child(holder, "Codes")
    if codes_el is None:
        raise ThematicError("E454", path=where, element=f"<{local(holder.tag)}>",
                            problem="there is no <Codes> element",
                            fix="A codebook needs <Codes> with at least one <Code>.")
    out = ReadBook(data={}, origin=origin, extended=bool(head))
    codes: list[dict] = []
    positions: dict[str, Any] = {}   # as the instruction holds it: ints in thematic's files
    taken: set[str] = set()
    tried: dict[str, int] = {}
    todo: list[tuple[ET.Element, str | None, int]] = [
        (c, None, 1) for c in reversed(list(children(codes_el, "Code")))]
    while todo:
        el, parent, depth = todo.pop()
        what = _describe(el, len(codes) + 1)
        if depth > MAX_DEPTH:
            raise ThematicError("E454", path=where, element=what, problem=f"codes are nested "
                                f"more than {MAX_DEPTH} levels deep",
                                fix="Flatten the code hierarchy.")
        code_name = " ".join((el.get("name") or "").split())
        if not code_name:
            raise ThematicError("E454", path=where, element=what, problem="the code has no "
                                "name", fix="Give every <Code> a name attribute.")
        extra = _pi_data(el, where, what) or {}
        out.extended = out.extended or bool(extra)
        wanted = extra.get("id")
        cid = wanted if isinstance(wanted, str) and _SLUG.match(wanted) and \
            wanted not in taken else _unique(slug(code_name), taken, tried)
        taken.add(cid)
        _remember_guid(out, el, cid, where, what)
        entry = _entry(el, extra, cid, code_name, parent, where, what)
        positions[cid] = extra.get("position")
        refs = [guid_key(r.get("targetGUID")) for r in children(el, "NoteRef")]
        if any(refs):
            out.note_refs[cid] = [r for r in refs if r]
        codes.append(entry)
        todo.extend((c, cid, depth + 1) for c in reversed(list(children(el, "Code"))))
    if not codes:
        raise ThematicError("E454", path=where, element="<Codes>", problem="the codebook has "
                            "no codes", fix="Export a codebook with at least one code.")
    if all(isinstance(p, int) for p in positions.values()):
        # thematic's own file: the codes in the order of the original list, not tree order
        codes.sort(key=lambda c: positions[c["id"]])
    book = {"name": head.get("name") if _SLUG.match(str(head.get("name", ""))) else name,
            "version": str(head.get("version") or "1"),
            "title": head.get("title") or title}
    book.update({k: head[k] for k in META_KEYS if k in head})
    book["codes"] = codes
    out.data = book
    return out


def _remember_guid(out: ReadBook, el: ET.Element, cid: str, where: str, what: str) -> None:
    """Record code ``cid``'s GUID (a derived one when the file has none); E454 when another
    code of the file has it."""
    guid = el.get("guid") or derived_guid("code", f"{where}:{cid}")
    key = guid_key(guid)
    if key in out.by_guid:
        raise ThematicError("E454", path=where, element=what, problem=f"the GUID {guid} "
                            f"is used again (first by code {out.by_guid[key]!r})",
                            fix="Every code needs its own GUID; export the file again.")
    out.by_guid[key] = cid
    out.guids[cid] = guid


def _entry(el: ET.Element, extra: dict, cid: str, code_name: str, parent: str | None,
           where: str, what: str) -> dict:
    """The codebook entry of one <Code>: what the XML says, then its instruction's extras."""
    entry: dict = {"id": cid, "name": code_name}
    if parent:
        entry["parent"] = parent
    codable = _codable(el.get("isCodable"), where, what)
    if not codable or "codable" in extra:
        entry["codable"] = codable
    # thematic wrote the definition verbatim; other programs' may carry layout spaces
    definition = text_of(child(el, "Description"))
    definition = definition if extra else definition.strip()
    if definition or "definition" in extra:
        entry["definition"] = definition
    colour = (el.get("color") or "").strip()
    if _RGB.match(colour):
        entry["colour"] = colour
    entry.update({k: v for k, v in extra.items()
                  if k not in ("id", "codable", "definition", "position", *_IN_XML)})
    return entry


def _describe(el: ET.Element, n: int) -> str:
    bits = [f"<{local(el.tag)}"]
    if el.get("name"):
        bits.append(f' name="{el.get("name")}"')
    elif el.get("guid"):
        bits.append(f' guid="{el.get("guid")}"')
    else:
        bits.append(f" #{n}")
    return "".join(bits) + ">"


def _unique(base: str, taken: set[str], tried: dict[str, int] | None = None) -> str:
    """``base``, else ``base-2``, ``base-3``, ...; ``tried`` remembers where each base got
    to, so 100,000 codes of one name cost linear, not quadratic, time."""
    n = tried.get(base, 2) if tried is not None else 2
    candidate = base if n == 2 else f"{base}-{n}"
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    if tried is not None:
        tried[base] = n
    return candidate
