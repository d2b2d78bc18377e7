"""A project as a REFI-QDA .qdpx: a zip of project.qde (Project.xsd) and sources/*.txt.

The mapping (following what QualCoder writes):
- each excerpt → a <TextSource> (name = excerpt id) whose plain text is sources/GUID.txt, in
  UTF-8 without a byte-order mark, so positions count the excerpt's characters from 0;
- each study → a <Case> (name = study id) with its metadata as <VariableValue>s and a
  <SourceRef> to each of its excerpts; excerpt attributes are VariableValues on the source;
- each coding → a <PlainTextSelection> (start/end = the coding's span, or the whole
  excerpt) holding one <Coding> (creatingUser = the coder) with a <CodeRef>; a coding memo
  is the selection's <Description>;
- coders and memo authors → <Users>; memos → <Notes> (excerpt memos referenced from their
  TextSource, code memos from their Code, theme memos from their Set, project memos from
  the Project and written as sources/GUID.txt like QualCoder's journals);
- themes of the exported codebook → <Sets> with a <MemberCode> per code.
GUIDs are the ones an import brought in, else derived from stable keys, and every timestamp
comes from the store, so exporting an unchanged project twice gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

from thematic.interop.qdc import (
    PI,
    PROJECT_NS,
    book_pi,
    codebook_dict,
    codes_element,
    derived_guid,
    pi_json,
    serialise,
)
from thematic.interop.qdpx_documents import documents
from thematic.interop.qdpx_extension import project_extension, set_extension
from thematic.interop.safe import xml_text
from thematic.store.audit import event_span
from thematic.store.codings import Status

SNIPPET = 80


@dataclass
class QdpxExport:
    path: Path
    codebook: str | None       # None: the project has no codebook; sources only
    version: str | None
    codes: int = 0
    sources: int = 0
    cases: int = 0
    codings: int = 0
    users: list[str] = field(default_factory=list)
    notes: int = 0
    sets: int = 0
    skipped_codings: int = 0   # codings of codes the exported codebook version lacks
    skipped_memos: int = 0     # memos on codes or themes that are not exported
    extension_codings: int = 0  # proposals and rejected codings, in thematic's extension


class Guids:
    """GUIDs remembered from imports, else derived from the object's key."""

    def __init__(self, store) -> None:
        from thematic.store import refi as db

        self._store, self._db = store, db
        self._cache: dict[str, dict[str, str]] = {}   # kind → key → GUID

    def __call__(self, kind: str, key: str, derive: str | None = None) -> str:
        """The GUID remembered for ``key``, else one derived from ``derive`` (or the key)."""
        if kind not in self._cache:
            self._cache[kind] = self._db.guids(self._store, kind)
        return self._cache[kind].get(key) or derived_guid(kind, derive or key)


def coding_key(excerpt: str, book: str, code: str, coder: str, start, end) -> str:
    return f"{excerpt}|{book}|{code}|{coder}|{start}|{end}"


def memo_key(memo: dict) -> str:
    digest = hashlib.sha1(memo["text"].encode("utf-8")).hexdigest()[:12]
    return f"{memo['target_kind']}:{memo['target_id']}:{memo['author']}:{digest}"


def export_qdpx(store, path: str | os.PathLike, *, codebook: str | None = None,
                coders: list[str] | None = None, statuses: tuple[str, ...] = (Status.ACCEPTED,),
                extensions: bool = True, project_name: str | None = None) -> QdpxExport:
    """Write the project to ``path`` (atomically). Codings of ``codebook`` (default: the
    current codebook loaded last) with the given statuses, by ``coders`` (default: all)."""
    from thematic.files import atomic_path
    from thematic.lookup import codebook as resolve_codebook
    from thematic.store import codebooks as cb
    from thematic.store import codings as cdb
    from thematic.store import corpus

    # Without any codebook the sources alone are exported, to be coded in another program.
    book = resolve_codebook(store, codebook) if codebook or cb.list_codebooks(store) else None
    data = codebook_dict(book, store) if book else {"codes": []}
    book_name = book.name if book else ""   # without a codebook nothing below uses it
    guid = Guids(store)
    code_guid = _code_guids(store, data, book_name, guid) if book else {}
    result = QdpxExport(Path(path), book.name if book else None,
                        book.version if book else None, codes=len(data["codes"]))

    excerpts = corpus.list_excerpts(store)
    sources = corpus.list_sources(store)
    codings = _codings(store, book_name, code_guid, statuses, coders, result) if book else []
    memos = cdb.memos(store)
    # Themes travel as Sets of the exported codebook's codes, with the parents above them.
    themes = _with_parents([t for t in (_themes(store, book_name) if book else [])
                            if any(c in code_guid for c in t.codes)], store)

    first, last = event_span(store)
    stamp = last or "1980-01-01T00:00:00Z"
    created = first or stamp
    user_guid = _user_guids(codings, memos, guid, result)
    excerpt_guid, doc_of, offset = _excerpt_guids(excerpts, guid)
    root = _project(project_name, user_guid, created, stamp)
    notes, refs = _notes(memos, data, excerpts, themes, user_guid, guid, result, offset)
    if book:
        holder = ET.SubElement(root, "CodeBook")
        if extensions:
            holder.append(book_pi(data))
        holder.append(codes_element(data, code_guid, extensions=extensions,
                                    note_refs=refs["code"]))
    variables = _variables(sources, excerpts)
    shared = _Shared(guid, book_name, code_guid, user_guid, excerpt_guid, refs, variables,
                     {name: guid("variable", name) for name in variables}, extensions)
    if variables:
        el = ET.SubElement(root, "Variables")
        for name, kind in variables.items():
            ET.SubElement(el, "Variable", {"guid": shared.var_guid[name],
                                           "name": xml_text(name), "typeOfVariable": kind})
    _cases(root, shared, sources, excerpts, result)
    _sources(root, shared, excerpts, sources, codings, doc_of, result)
    _note_list(root, shared, notes, result)
    _sets(root, shared, themes, result)
    for target in refs["project"].get("-", []):
        ET.SubElement(root, "NoteRef", {"targetGUID": target})
    if extensions and book:
        ext = project_extension(store, book, codings, {e.id for e in excerpts}, coders)
        result.extension_codings = len(ext["codings"])
        root.append(ET.ProcessingInstruction(PI, pi_json(ext)))

    qde = serialise(root)
    with atomic_path(path) as tmp:
        _zip(tmp, qde, shared.files, stamp)
    return result


@dataclass
class _Shared:
    """What the parts of one export's project.qde share."""

    guid: Guids
    book: str                                  # the codebook's name ("" without one)
    code_guid: dict[str, str]                  # code id → GUID
    user_guid: dict[str, str]                  # user name → GUID
    excerpt_guid: dict[str, str]               # excerpt id → its TextSource's GUID
    refs: dict[str, dict[str, list[str]]]      # NoteRef targets by kind, then id
    variables: dict[str, str]                  # variable name → REFI type
    var_guid: dict[str, str]                   # variable name → GUID
    extensions: bool
    files: dict[str, str] = field(default_factory=dict)   # archive entry → text


def _code_guids(store, data: dict, book_name: str, guid: Guids) -> dict[str, str]:
    """code id → GUID: one an import remembered, else derived from the codebook and id."""
    from thematic.interop.refi import remembered_code_guids

    remembered = remembered_code_guids(store, book_name)
    return {c["id"]: remembered.get(c["id"]) or guid("code", f"{book_name}:{c['id']}")
            for c in data["codes"]}


def _codings(store, book_name: str, code_guid: dict[str, str], statuses: tuple[str, ...],
             coders: list[str] | None, result: QdpxExport) -> list:
    """The codings to export: of the codebook, with the statuses, by the coders; those of
    codes the codebook version lacks are counted as skipped."""
    from thematic.store import codebooks as cb
    from thematic.store import codings as cdb

    names = {b.id: b.name for b in cb.list_codebooks(store)}
    codings = []
    for c in cdb.list_codings(store, status=tuple(statuses), coders=coders or None):
        if names.get(c.codebook_id) != book_name:
            continue
        if c.code_id not in code_guid:
            result.skipped_codings += 1
            continue
        codings.append(c)
    return codings


def _user_guids(codings: list, memos: list[dict], guid: Guids, result: QdpxExport
                ) -> dict[str, str]:
    """user → GUID for the coders, the memo authors and whoever exports."""
    from thematic.store.db import actor

    people = sorted({c.coder for c in codings} | {m["author"] for m in memos} | {actor()})
    result.users = people
    return {u: guid("user", u) for u in people}


def _excerpt_guids(excerpts: list, guid: Guids) -> tuple[dict[str, str], dict, dict[str, int]]:
    """(excerpt id → its TextSource's GUID, excerpt id → its document, excerpt id → its
    offset in that TextSource's text)."""
    # Derived from the text too: two projects' excerpts "F001" are different objects.
    excerpt_guid = {e.id: guid("excerpt", e.id, f"{e.id}:{_sha(e.text)}") for e in excerpts}
    # Excerpts of one document share its TextSource (and GUID); offsets are the document's.
    doc_of = documents(excerpts)
    for doc in {id(d): d for d in doc_of.values()}.values():
        doc_guid = guid("document", doc.key, f"{doc.key}:{_sha(doc.text())}")
        for e in doc.excerpts:
            excerpt_guid[e.id] = doc_guid
    offset = {e.id: e.start if e.id in doc_of else 0 for e in excerpts}
    return excerpt_guid, doc_of, offset


def _project(project_name: str | None, user_guid: dict[str, str], created: str, stamp: str
             ) -> ET.Element:
    """The <Project> element with its <Users>."""
    from thematic.interop.refi import origin
    from thematic.store.db import actor

    root = ET.Element("Project", {"xmlns": PROJECT_NS, "name": xml_text(project_name or
                                                                        "thematic project"),
                                  "origin": origin(), "creatingUserGUID": user_guid[actor()],
                                  "creationDateTime": created, "modifiedDateTime": stamp})
    users = ET.SubElement(root, "Users")
    for u in user_guid:
        ET.SubElement(users, "User", {"guid": user_guid[u], "name": xml_text(u)})
    return root


def _cases(root: ET.Element, shared: _Shared, sources: list, excerpts: list,
           result: QdpxExport) -> None:
    """A <Case> per study with excerpts: its metadata as values, a SourceRef per excerpt."""
    from thematic.store import corpus

    by_source = defaultdict(list)
    for e in excerpts:
        by_source[e.source_id].append(e)
    cases = [s for s in sources if by_source.get(s.id)]
    if not cases:
        return
    el = ET.SubElement(root, "Cases")
    for s in cases:
        case = ET.SubElement(el, "Case", {"guid": shared.guid("case", s.id,
                                                              f"{s.id}:{s.citation}"),
                                          "name": xml_text(s.id)})
        ET.SubElement(case, "Description").text = xml_text(
            ". ".join(x for x in (s.citation, s.title) if x))
        values = {k: getattr(s, k) for k in corpus.SOURCE_FIELDS}
        values.update(s.attributes)
        _values(case, values, shared.variables, shared.var_guid)
        for target in dict.fromkeys(shared.excerpt_guid[e.id] for e in by_source[s.id]):
            ET.SubElement(case, "SourceRef", {"targetGUID": target})
    result.cases = len(cases)


def _sources(root: ET.Element, shared: _Shared, excerpts: list, sources: list, codings: list,
             doc_of: dict, result: QdpxExport) -> None:
    """<Sources>: a TextSource per document (its excerpts as selections) or per excerpt
    outside any document, each holding its codings."""
    by_excerpt = defaultdict(list)
    for c in codings:
        by_excerpt[c.excerpt_id].append(c)
    # Without excerpts there is no <Sources>: the loop below puts nothing in a detached one.
    el_sources = ET.SubElement(root, "Sources") if excerpts else ET.Element("Sources")
    citations = {s.id: s.citation for s in sources}
    coding_args = (shared.book, shared.code_guid, shared.user_guid, shared.guid)
    for e in excerpts:
        if e.id in doc_of:
            if doc_of[e.id].first == e.id:
                _document(el_sources, doc_of[e.id], shared.excerpt_guid[e.id], shared.files,
                          by_excerpt, shared.refs, coding_args, shared.extensions,
                          citations.get(e.source_id, e.source_id))
            continue
        g = shared.excerpt_guid[e.id]
        shared.files[f"sources/{g}.txt"] = e.text
        src = ET.SubElement(el_sources, "TextSource", {
            "guid": g, "name": xml_text(e.id), "plainTextPath": f"internal://{g}.txt"})
        if shared.extensions:
            src.append(ET.ProcessingInstruction(PI, pi_json(
                {"excerpt": e.id, "source": e.source_id, "start": e.start, "end": e.end,
                 "location": e.location})))
        ET.SubElement(src, "Description").text = xml_text(
            "; ".join(x for x in (citations.get(e.source_id, e.source_id), e.location) if x))
        for c in by_excerpt.get(e.id, []):
            _selection(src, e, c, *coding_args, shared.extensions)
        for target in shared.refs["excerpt"].get(e.id, []):
            ET.SubElement(src, "NoteRef", {"targetGUID": target})
        _values(src, e.attributes, shared.variables, shared.var_guid)
    result.sources = len(set(shared.excerpt_guid.values()))
    result.codings = len(codings)


def _note_list(root: ET.Element, shared: _Shared, notes: list, result: QdpxExport) -> None:
    """<Notes>, with the texts of project memos as archive entries."""
    if not notes:
        return
    el = ET.SubElement(root, "Notes")
    for note, text_file in notes:
        el.append(note)
        if text_file:
            shared.files[text_file[0]] = text_file[1]
    result.notes = len(notes)


def _sets(root: ET.Element, shared: _Shared, themes: list, result: QdpxExport) -> None:
    """<Sets>: a Set per theme with its codes as members."""
    if not themes:
        return
    el = ET.SubElement(root, "Sets")
    for t in themes:
        set_el = ET.SubElement(el, "Set", {"guid": shared.guid("set", t.id),
                                           "name": xml_text(t.name)})
        if shared.extensions:
            set_el.append(ET.ProcessingInstruction(PI, pi_json(set_extension(t))))
        if t.description:
            ET.SubElement(set_el, "Description").text = xml_text(t.description)
        for c in t.codes:
            if c in shared.code_guid:
                ET.SubElement(set_el, "MemberCode", {"targetGUID": shared.code_guid[c]})
        for target in shared.refs["theme"].get(t.id, []):
            ET.SubElement(set_el, "MemberNote", {"targetGUID": target})
    result.sets = len(themes)


def _with_parents(themes: list, store) -> list:
    """The themes and every theme above them (a parent may group themes without codes of
    its own), in the store's order, parents first."""
    from thematic.themes import list_themes

    every = {t.id: t for t in list_themes(store)}
    wanted = {t.id for t in themes}
    for t in themes:
        parent = t.parent_id
        while parent in every and parent not in wanted:
            wanted.add(parent)
            parent = every[parent].parent_id
    out, seen = [], set()

    def visit(t) -> None:
        if t.id in seen:
            return
        seen.add(t.id)
        if t.parent_id in wanted:
            visit(every[t.parent_id])
        out.append(t)

    for t in every.values():
        if t.id in wanted:
            visit(t)
    return out


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _themes(store, book_name: str) -> list:
    from thematic.themes import list_themes

    return [t for t in list_themes(store) if t.codebook in (None, book_name) and t.codes]


def _document(parent: ET.Element, doc, g: str, files: dict, by_excerpt, refs, coding_args,
              extensions: bool, citation: str) -> None:
    """One TextSource for a document: its excerpts as selections, their codings inside."""
    files[f"sources/{g}.txt"] = doc.text()
    src = ET.SubElement(parent, "TextSource", {
        "guid": g, "name": xml_text(Path(doc.file).name), "plainTextPath": f"internal://{g}.txt"})
    if extensions:
        src.append(ET.ProcessingInstruction(PI, pi_json(
            {"document": doc.file, "source": doc.source_id,
             "excerpts": [doc.entry(e) for e in doc.excerpts]})))
    ET.SubElement(src, "Description").text = xml_text(f"{citation}; {doc.file}")
    book, code_guid, user_guid, guid = coding_args
    for e in doc.excerpts:
        sel = ET.SubElement(src, "PlainTextSelection", {
            "guid": guid("excerpt-selection", e.id, f"{e.id}:{_sha(e.text)}"),
            "name": xml_text(f"{e.id} ({e.location})"),
            "startPosition": str(e.start), "endPosition": str(e.end)})
        for target in refs["excerpt"].get(e.id, []):
            ET.SubElement(sel, "NoteRef", {"targetGUID": target})
        for c in by_excerpt.get(e.id, []):
            _selection(src, e, c, book, code_guid, user_guid, guid, extensions, e.start)


def _selection(src: ET.Element, e, c, book: str, code_guid, user_guid, guid,
               extensions: bool, offset: int | None = None) -> None:
    """A coding as a selection; ``offset`` is the excerpt's place in its document."""
    start = 0 if c.start is None else c.start
    end = len(e.text) if c.end is None else c.end
    key = coding_key(e.id, book, c.code_id, c.coder, c.start, c.end)
    snippet = " ".join(e.text[start:end].split())
    if len(snippet) > SNIPPET:
        snippet = snippet[:SNIPPET - 1] + "…"
    stamp = c.created_at or "1980-01-01T00:00:00Z"
    sel = ET.SubElement(src, "PlainTextSelection", {
        "guid": guid("selection", key), "name": xml_text(snippet),
        "startPosition": str(start + (offset or 0)), "endPosition": str(end + (offset or 0)),
        "creatingUser": user_guid[c.coder], "creationDateTime": stamp})
    if c.memo:
        ET.SubElement(sel, "Description").text = xml_text(c.memo)
    coding = ET.SubElement(sel, "Coding", {"guid": guid("coding", key),
                                           "creatingUser": user_guid[c.coder],
                                           "creationDateTime": stamp})
    ET.SubElement(coding, "CodeRef", {"targetGUID": code_guid[c.code_id]})
    if extensions:  # after the CodeRef: QualCoder takes a Coding's first child as its CodeRef
        extra = {k: getattr(c, k) for k in ("status", "method", "origin", "score")
                 if getattr(c, k) is not None}
        if offset is not None:
            extra["excerpt"] = e.id   # inside a document: the excerpt it belongs to
        coding.append(ET.ProcessingInstruction(PI, pi_json(extra)))


def _notes(memos: list[dict], data: dict, excerpts: list, themes: list,
           user_guid: dict[str, str], guid: Guids, result: QdpxExport,
           offset: dict[str, int] | None = None
           ) -> tuple[list[tuple[ET.Element, tuple[str, str] | None]],
                      dict[str, dict[str, list[str]]]]:
    """(Note element, optional (file name, text)) per memo, and NoteRefs by target."""
    codes = {c["id"] for c in data["codes"]}
    lengths = {e.id: len(e.text) for e in excerpts}
    theme_ids = {t.id for t in themes}
    refs: dict[str, dict[str, list[str]]] = {k: defaultdict(list) for k in
                                             ("excerpt", "code", "theme", "project")}
    out = []
    for m in memos:
        kind, target = m["target_kind"], m["target_id"]
        known = {"excerpt": target in lengths, "code": target in codes,
                 "theme": target in theme_ids, "project": True}.get(kind, False)
        if not known:
            result.skipped_memos += 1
            continue
        g = guid("note", memo_key(m))
        name = f"Memo on {kind} {target}" if kind != "project" else "Project memo"
        note = ET.Element("Note", {"guid": g, "name": xml_text(name),
                                   "creatingUser": user_guid[m["author"]],
                                   "creationDateTime": m["created_at"]})
        text_file = None
        if kind == "project":  # QualCoder reads project-level notes ("journals") from files
            note.set("plainTextPath", f"internal://{g}.txt")
            text_file = (f"sources/{g}.txt", m["text"])
        else:
            ET.SubElement(note, "PlainTextContent").text = xml_text(m["text"])
            if kind == "excerpt":  # QualCoder's annotation form: the span it annotates
                ET.SubElement(note, "PlainTextSelection", {
                    "guid": derived_guid("note-selection", memo_key(m)),
                    "startPosition": str((offset or {}).get(target, 0)),
                    "endPosition": str((offset or {}).get(target, 0) + lengths[target])})
        refs[kind]["-" if kind == "project" else target].append(g)
        out.append((note, text_file))
    return out, refs


def _variables(sources, excerpts) -> dict[str, str]:
    """Variable name → REFI type, inferred from every value it takes."""
    from thematic.store.corpus import SOURCE_FIELDS

    seen: dict[str, list] = defaultdict(list)
    for s in sources:
        for k in SOURCE_FIELDS:
            if getattr(s, k) not in (None, ""):
                seen[k].append(getattr(s, k))
        for k, v in s.attributes.items():
            if v not in (None, ""):
                seen[k].append(v)
    for e in excerpts:
        for k, v in e.attributes.items():
            if v not in (None, ""):
                seen[k].append(v)
    return {name: _type(values) for name, values in sorted(seen.items())}


def _type(values: list) -> str:
    if all(isinstance(v, bool) for v in values):
        return "Boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "Integer"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
           for v in values):
        return "Float"
    return "Text"


def _values(parent: ET.Element, values: dict, variables: dict, var_guid: dict) -> None:
    for name in sorted(values):
        value = values[name]
        if value in (None, "") or name not in variables:
            continue
        kind = variables[name]
        vv = ET.SubElement(parent, "VariableValue")
        ET.SubElement(vv, "VariableRef", {"targetGUID": var_guid[name]})
        if kind == "Boolean":
            text = "true" if value else "false"
        elif kind == "Integer":
            text = str(int(value))
        elif kind == "Float":
            text = format(Decimal(repr(float(value))), "f")
        else:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        ET.SubElement(vv, f"{kind}Value").text = xml_text(text)


def _zip(tmp: Path, qde: bytes, files: dict[str, str], stamp: str) -> None:
    year, month, day, hour, minute, second = (
        int(x) for x in (stamp[0:4], stamp[5:7], stamp[8:10], stamp[11:13], stamp[14:16],
                         stamp[17:19]))
    when = (year, month, day, hour, minute, second) if year >= 1980 else (1980, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("project.qde", qde), *sorted(
                (n, t.encode("utf-8")) for n, t in files.items())]:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
