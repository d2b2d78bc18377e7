"""Reading a .qdpx into plain data (no store access): users, codebook, cases, text
sources with their selections and codings, notes and sets.

Lenient where the meaning is unambiguous (namespaces, GUID case and braces, sources/ or
Sources/, another *.qde name, a bare .qde without an archive, a plainTextPath inside
sources/ written without internal://, a BOM on a source text, selections without codings,
a source whose text was not packed, which is skipped with a warning), strict where guessing
would corrupt data (a selection outside its text or over other words than it names, a
source path outside the archive, a position that is not a number).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

from thematic.errors import ThematicError
from thematic.interop.qdc import ReadBook, _pi_data, read_codes, slug
from thematic.interop.safe import SafeZip, child, children, guid_key, local, parse_xml, text_of


# A reference's GUID key lists hold None for a reference without its targetGUID: it then
# matches nothing, as a GUID no element has would not.
@dataclass
class ReadCoding:
    code: str | None            # GUID key of the CodeRef target
    user: str | None            # GUID key of the creating user
    start: int | None           # None: the whole source
    end: int | None
    memo: str | None
    extra: dict                 # thematic's instruction: status, method, origin, score
    selection_guid: str | None
    coding_guid: str | None


@dataclass
class ReadSource:
    guid: str
    name: str
    text: str
    extra: dict                 # thematic's instruction: excerpt, source, start, end, location
    codings: list[ReadCoding] = field(default_factory=list)
    notes: list[str | None] = field(default_factory=list)   # Note GUID keys (None: see above)
    values: dict = field(default_factory=dict)              # variable name → value
    selection_notes: list = field(default_factory=list)     # (start, end, [Note GUID keys])


@dataclass
class ReadCase:
    guid: str
    name: str
    values: dict
    sources: list[str | None]   # TextSource GUID keys (None: see above)


@dataclass
class ReadNote:
    guid: str
    name: str
    text: str
    user: str | None


@dataclass
class ReadSet:
    guid: str
    name: str
    description: str
    codes: list[str | None]     # GUID keys (None: see above)
    sources: list[str | None]
    notes: list[str | None]
    extra: dict = field(default_factory=dict)   # thematic's extension: theme, parent, level


@dataclass
class ReadProject:
    where: str
    name: str
    origin: str | None
    creator: str | None
    users: dict[str, str]                     # GUID key → name
    book: ReadBook | None
    cases: list[ReadCase]
    sources: list[ReadSource]
    notes: dict[str, ReadNote]
    sets: list[ReadSet]
    project_notes: list[str | None]            # Note GUID keys (None: see above)
    skipped_sources: dict[str, int] = field(default_factory=dict)  # element name → count
    empty_selections: int = 0
    warnings: list[str] = field(default_factory=list)   # one per thing skipped
    extension: dict = field(default_factory=dict)       # thematic's, see qdpx_extension


class _NoText(Exception):
    """A source whose text is not in the file: skipped (with a warning), not fatal."""


def read_qde(path: Path, shown: str) -> ReadProject:
    """A bare project.qde (no archive): sources with their text inline are read, sources
    whose text lived in the archive are skipped with a warning."""
    from thematic.interop.safe import MAX_XML_BYTES

    size = path.stat().st_size
    if size > MAX_XML_BYTES:
        raise ThematicError("E457", path=shown, what="the file", found=f"{size} bytes",
                            limit=f"{MAX_XML_BYTES} bytes")
    root = parse_xml(path.read_bytes(), shown)
    if local(root.tag) != "Project":
        raise ThematicError("E453", path=shown, found=local(root.tag) or "?",
                            expected="Project")
    return _Reader(None, shown, Path(shown).stem).project(root)


def read_qdpx(path: Path, shown: str) -> ReadProject:
    with SafeZip(path, shown) as zf:
        qde = zf.find("project.qde") or next(
            (n for n in sorted(zf.names()) if n.lower().endswith(".qde") and "/" not in n),
            None)
        if qde is None:
            listed = ", ".join(sorted(zf.names())[:8]) or "none"
            raise ThematicError("E458", path=shown, entries=listed)
        where = f"{shown}:{qde}"
        root = parse_xml(zf.read(qde), where)
        if local(root.tag) != "Project":
            raise ThematicError("E453", path=where, found=local(root.tag) or "?",
                                expected="Project")
        return _Reader(zf, where, Path(shown).stem).project(root)


class _Reader:
    def __init__(self, zf: SafeZip | None, where: str, stem: str) -> None:
        self.zf, self.where, self.stem = zf, where, stem
        self.ours = False          # written by thematic: selection names are snippets
        self.variables: dict[str | None, tuple[str, str]] = {}

    def project(self, root: ET.Element) -> ReadProject:
        name = (root.get("name") or "").strip() or self.stem
        self.ours = (root.get("origin") or "").startswith("thematic")
        users = {}
        for u in children(_or_empty(child(root, "Users")), "User"):
            key = guid_key(u.get("guid"))
            if key:
                users[key] = (u.get("name") or "").strip() or f"user-{key[:8]}"
        holder = child(root, "CodeBook")
        book = read_codes(holder, self.where, name=slug(name, "codebook"), title=name,
                          origin=root.get("origin")) if holder is not None else None
        for v in children(_or_empty(child(root, "Variables")), "Variable"):
            self.variables[guid_key(v.get("guid"))] = ((v.get("name") or "").strip(),
                                                       v.get("typeOfVariable") or "Text")
        out = ReadProject(where=self.where, name=name, origin=root.get("origin"),
                          creator=guid_key(root.get("creatingUserGUID")), users=users,
                          book=book, cases=[], sources=[], notes={}, sets=[],
                          project_notes=[guid_key(r.get("targetGUID"))
                                         for r in children(root, "NoteRef")])
        for case in children(_or_empty(child(root, "Cases")), "Case"):
            out.cases.append(ReadCase(
                guid=case.get("guid") or "", name=(case.get("name") or "").strip(),
                values=self.values(case),
                sources=[guid_key(r.get("targetGUID")) for r in children(case, "SourceRef")]))
        for el in _or_empty(child(root, "Sources")):
            kind = local(el.tag)
            try:
                if kind == "TextSource":
                    out.sources.append(self.source(el, el, out))
                elif kind == "PDFSource" and (rep := child(el, "Representation")) is not None:
                    # The PDF's plain-text representation carries the text selections.
                    out.sources.append(self.source(rep, el, out))
                elif kind:
                    out.skipped_sources[kind] = out.skipped_sources.get(kind, 0) + 1
            except _NoText as skipped:
                out.warnings.append(f"{self.where}: {skipped}; skipped with its codings")
                continue
        for note in children(_or_empty(child(root, "Notes")), "Note"):
            key = guid_key(note.get("guid"))
            try:
                text = self.note_text(note) if key else ""
            except _NoText as skipped:
                out.warnings.append(f"{self.where}: note {skipped}; skipped")
                continue
            if key:
                out.notes[key] = ReadNote(note.get("guid") or "", (note.get("name") or "").strip(),
                                          text,
                                          guid_key(note.get("creatingUser") or
                                                   note.get("modifyingUser")))
        for s in children(_or_empty(child(root, "Sets")), "Set"):
            out.sets.append(ReadSet(
                s.get("guid") or "", " ".join((s.get("name") or "").split()),
                text_of(child(s, "Description")).strip(),
                [guid_key(m.get("targetGUID")) for m in children(s, "MemberCode")],
                [guid_key(m.get("targetGUID")) for m in children(s, "MemberSource")],
                [guid_key(m.get("targetGUID")) for m in children(s, "MemberNote")],
                _pi_data(s, self.where, f'<Set name="{s.get("name")}">') or {}))
        out.extension = _pi_data(root, self.where, "<Project>") or {}
        return out

    # --- sources -----------------------------------------------------------------------
    def source(self, el: ET.Element, outer: ET.Element, out: ReadProject) -> ReadSource:
        name = (outer.get("name") or el.get("name") or "").strip()
        what = f'<{local(outer.tag)} name="{name}">' if name else \
            f'<{local(outer.tag)} guid="{outer.get("guid")}">'
        text = self.text(el, what)
        # The GUID is required; without one, a placeholder keeps this source apart.
        guid = outer.get("guid") or el.get("guid") or f"(source {len(out.sources) + 1})"
        src = ReadSource(guid=guid, name=name, text=text,
                         extra=_pi_data(el, self.where, what) or {},
                         notes=[guid_key(r.get("targetGUID")) for r in children(el, "NoteRef")],
                         values=self.values(el))
        for sel in children(el, "PlainTextSelection"):
            start = self.position(sel, "startPosition", what)
            end = self.position(sel, "endPosition", what)
            if not 0 <= start <= end <= len(text):
                raise ThematicError("E460", path=self.where, element=f"{what} "
                                    f'<PlainTextSelection guid="{sel.get("guid")}">',
                                    start=start, end=end, length=len(text))
            codings = list(children(sel, "Coding"))
            if codings:
                self.check_snippet(sel, text[start:end], name or outer.get("guid"), len(text))
            refs = [guid_key(r.get("targetGUID")) for r in children(sel, "NoteRef")]
            if refs:
                src.selection_notes.append((start, end, refs))
            if start == end:
                out.empty_selections += len(codings)
                continue
            memo = text_of(child(sel, "Description")).strip() or None
            user = sel.get("creatingUser") or sel.get("modifyingUser")
            for coding in codings:
                src.codings.append(self.coding(coding, start, end, memo, user, sel, what))
        for coding in children(el, "Coding"):  # coded as a whole
            src.codings.append(self.coding(coding, None, None, None, None, None, what))
        return src

    def coding(self, el: ET.Element, start, end, memo, user, sel, what: str) -> ReadCoding:
        ref = child(el, "CodeRef")
        return ReadCoding(code=guid_key(ref.get("targetGUID")) if ref is not None else None,
                          user=guid_key(el.get("creatingUser") or user),
                          start=start, end=end, memo=memo,
                          extra=_pi_data(el, self.where, what) or {},
                          selection_guid=sel.get("guid") if sel is not None else None,
                          coding_guid=el.get("guid"))

    def position(self, sel: ET.Element, attr: str, what: str) -> int:
        raw = (sel.get(attr) or "").strip()
        try:
            return int(raw)
        except ValueError:
            raise ThematicError("E454", path=self.where, element=f"{what} <PlainTextSelection "
                                f'guid="{sel.get("guid")}">', problem=f"{attr}={raw!r} is not "
                                "a whole number", fix="Positions are character offsets: 0, 1, "
                                "2, …") from None

    def text(self, el: ET.Element, what: str) -> str:
        content = child(el, "PlainTextContent")
        if content is not None:
            return text_of(content)
        ref = (el.get("plainTextPath") or "").strip()
        if not ref:
            raise _NoText(f"{what} has no text (neither PlainTextContent nor plainTextPath)")
        scheme, sep, rest = ref.partition("://")
        if not sep and not PurePosixPath(ref.replace("\\", "/")).is_absolute() and \
                ":" not in ref:
            # Some programs write the path inside sources/ without the internal:// scheme.
            scheme, rest = "internal", ref.removeprefix("sources/")
        if scheme.lower() != "internal":
            raise ThematicError("E459", path=self.where, element=what, target=ref,
                                problem="is outside the archive; thematic reads only source "
                                "texts packed inside the .qdpx", fix="Export the project "
                                "with its sources embedded (internal://).")
        rest = rest.lstrip("/")
        if "\\" in rest or ".." in PurePosixPath(rest).parts:
            raise ThematicError("E459", path=self.where, element=what, target=ref,
                                problem="climbs out of the sources/ folder",
                                fix="Export the project again.")
        if self.zf is None:
            raise _NoText(f"{what}: its text {ref!r} is in the .qdpx archive, not in this "
                          ".qde")
        entry = self.zf.find(f"sources/{rest}")
        if entry is None:
            raise _NoText(f"{what}: its text {ref!r} is not in the archive's sources/ folder")
        try:
            return self.zf.read(entry).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ThematicError("E459", path=self.where, element=what, target=ref,
                                problem=f"is not UTF-8 text (byte {exc.start})",
                                fix="REFI-QDA plain-text sources are UTF-8; export again."
                                ) from None

    def note_text(self, note: ET.Element) -> str:
        if child(note, "PlainTextContent") is not None or note.get("plainTextPath"):
            what = f'<Note guid="{note.get("guid")}">'
            return self.text(note, what).strip()
        return text_of(child(note, "Description")).strip()

    def check_snippet(self, sel: ET.Element, selected: str, source: str | None,
                      length: int) -> None:
        """thematic names each selection after the words it covers: other words there mean
        the text is not the one it was coded on (offsets that would code the wrong words)."""
        name = " ".join((sel.get("name") or "").split())
        if not self.ours or not name:
            return
        words = " ".join(selected.split())
        if not (words == name or (name.endswith("…") and words.startswith(name[:-1]))):
            raise ThematicError("E541", path=self.where, selection=f'"{sel.get("name")}" '
                                f'(guid {sel.get("guid")})', start=sel.get("startPosition"),
                                end=sel.get("endPosition"), source=source, length=length)

    # --- variables ---------------------------------------------------------------------
    def values(self, el: ET.Element) -> dict:
        out = {}
        for vv in children(el, "VariableValue"):
            ref = child(vv, "VariableRef")
            name, _ = self.variables.get(guid_key(ref.get("targetGUID")) if ref is not None
                                         else "", ("", ""))
            for kid in vv:
                kind = local(kid.tag)
                if name and kind.endswith("Value"):
                    out[name] = _convert(kind, text_of(kid).strip())
        return out


def _convert(kind: str, raw: str):
    try:
        if kind == "IntegerValue":
            return int(raw)
        if kind == "FloatValue":
            return float(raw)
    except ValueError:
        return raw
    if kind == "BooleanValue":
        return raw.lower() in ("true", "1")
    return raw


def _or_empty(el: ET.Element | None) -> ET.Element:
    return el if el is not None else ET.Element("none")
