"""REFI-QDA codebooks in and out (.qdc), and what the .qdpx modules share with them.

- ``codebook_to_qdc(codebook) -> bytes`` and ``qdc_to_codebook(path) -> dict``: pure
  conversions between a codebook (stored ``Codebook`` or the YAML-shaped dict) and .qdc.
- ``export_qdc(store, path)`` / ``import_qdc(store, path)``: the same against a project,
  keeping REFI GUIDs stable (GUIDs that came in with an import are written back out).
- Whole projects (.qdpx) are ``thematic.interop.qdpx_export.export_qdpx`` and
  ``thematic.interop.qdpx_import.import_qdpx``; they build on this module, not it on them.

Writers are strict (output validates against the REFI-QDA 1.0 schemas); readers are lenient
where the meaning is unambiguous and refuse unsafe input (DTDs, entities, external
references, zip entries that leave the archive, zip bombs) with a numbered error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from thematic.codebook.exports import EXPORTERS
from thematic.errors import ThematicError
from thematic.exporters import Exporter
from thematic.interop import safe
from thematic.interop.qdc import (
    ReadBook,
    code_guids,
    codebook_dict,
    derived_guid,
    read_codes,
    slug,
    write_qdc,
)
from thematic.interop.safe import guid_key, is_guid, local, parse_xml

if TYPE_CHECKING:
    from thematic.store.codebooks import Codebook

__all__ = ["codebook_to_qdc", "export_qdc", "import_qdc", "qdc_to_codebook", "read_qdc",
           "render_qdc", "store_codebook"]


def origin() -> str:
    from thematic import __version__

    return f"thematic {__version__}"


# --- .qdc, pure ------------------------------------------------------------------------------

def codebook_to_qdc(codebook: Mapping | Codebook, *, guids: dict[str, str] | None = None,
                    extensions: bool = True) -> bytes:
    """A .qdc document (UTF-8 bytes) for a stored ``Codebook`` or a YAML-shaped dict.

    ``guids`` maps code ids to GUIDs to keep; other codes get GUIDs derived from the
    codebook name and code id, the same on every export. ``extensions=False`` leaves out
    thematic's processing instructions (ids, criteria, rules), for the plainest file.
    """
    book = codebook_dict(codebook)
    return write_qdc(book, code_guids(book, guids), origin=origin(), extensions=extensions)


def read_qdc(path: str | os.PathLike, *, name: str | None = None) -> ReadBook:
    """Read a .qdc (or the codebook inside a project.qde) with its GUIDs."""
    path = Path(path)
    if not path.is_file():
        raise ThematicError("E010", path=path, cwd=os.getcwd())
    size = path.stat().st_size
    if size > safe.MAX_XML_BYTES:  # refuse before reading it into memory
        raise ThematicError("E457", path=path, what="the file", found=f"{size} bytes",
                            limit=f"{safe.MAX_XML_BYTES} bytes")
    root = parse_xml(path.read_bytes(), str(path))
    kind = local(root.tag)
    holder = root
    if kind == "Project":  # a project.qde handed over as a codebook: take its <CodeBook>
        found = next((c for c in root if local(c.tag) == "CodeBook"), None)
        if found is None:
            raise ThematicError("E454", path=path, element="<Project>", problem="the project "
                                "has no <CodeBook>", fix="Export the codebook as a .qdc.")
        holder = found
    elif kind != "CodeBook":
        raise ThematicError("E453", path=path, found=kind or "?", expected="CodeBook")
    stem = path.stem
    if stem.lower().endswith(".qdc"):  # codebook.qdc.xml: the name is "codebook"
        stem = stem[:-4]
    return read_codes(holder, str(path), name=name or slug(stem, "codebook"),
                      title=_title(stem, root.get("origin")), origin=root.get("origin"))


def qdc_to_codebook(path: str | os.PathLike) -> dict:
    """The codebook of a .qdc file as the YAML-shaped dict the codebook room validates."""
    return read_qdc(path).data


def _title(stem: str, made_by: str | None) -> str:
    title = " ".join(stem.replace("_", " ").split()) or "Imported codebook"
    return f"{title} (from {made_by})" if made_by and not made_by.startswith("thematic") \
        else title


# --- codebooks against a project -------------------------------------------------------------

def remembered_code_guids(store, book_name: str) -> dict[str, str]:
    from thematic.store import refi as db

    prefix = f"{book_name}:"
    return {k[len(prefix):]: g for k, g in db.guids(store, "code").items()
            if k.startswith(prefix)}


def render_qdc(store, codebook_id: int, *, extensions: bool = True) -> str:
    """The .qdc text of a stored codebook version, with the GUIDs its codes came in with."""
    from thematic.store.codebooks import get_codebook

    book = get_codebook(store, id=codebook_id)
    assert book is not None  # the caller names a stored version
    return codebook_to_qdc(codebook_dict(book, store), extensions=extensions,
                           guids=remembered_code_guids(store, book.name)).decode("utf-8")


def export_qdc(store, path: str | os.PathLike, *, codebook: str | None = None,
               extensions: bool = True) -> Path:
    """Write the current version of ``codebook`` (default: the one loaded last) as .qdc."""
    from thematic.files import atomic_write
    from thematic.lookup import codebook as resolve_codebook

    book = resolve_codebook(store, codebook)
    data = codebook_to_qdc(codebook_dict(book, store),
                           guids=remembered_code_guids(store, book.name), extensions=extensions)
    return atomic_write(path, data)


def store_codebook(store, data: dict, *, source_path: str | None,
                   guids: dict[str, str] | None = None):
    """Validate and store a YAML-shaped codebook through the codebook room (an identical
    version is reused) and remember the GUIDs its codes came with; returns the codebook
    room's ``LoadResult``. Joins the caller's transaction, if any."""
    from thematic.codebook import CodebookDoc, load_doc
    from thematic.store import refi as db

    doc = CodebookDoc(data=data, path=source_path or data.get("name"))
    with store.transaction(f"codebook import {source_path or data.get('name')}"):
        loaded = load_doc(store, doc, source_path=source_path)
        # Only GUIDs thematic would not derive by itself need remembering.
        db.remember(store, [("code", f"{loaded.name}:{cid}", guid_key(g))
                            for cid, g in (guids or {}).items() if is_guid(g) and guid_key(g)
                            != derived_guid("code", f"{loaded.name}:{cid}")])
    return loaded


def import_qdc(store, path: str | os.PathLike, *, name: str | None = None,
               root: Path | None = None):
    """Load a .qdc into the project as a codebook version (``name`` renames it); returns
    the codebook room's ``LoadResult`` (status new, updated, unchanged or reactivated)."""
    from thematic.files import display_path

    read = read_qdc(path, name=name)
    if name:
        read.data["name"] = name
    return store_codebook(store, read.data, source_path=display_path(Path(path), root),
                          guids=read.guids)



# REFI-QDA is a codebook export format; GUIDs are kept stable across exports.
EXPORTERS.register(Exporter("qdc", (".qdc",), render_qdc,
                            "REFI-QDA, for NVivo, ATLAS.ti, MAXQDA, QualCoder"))
