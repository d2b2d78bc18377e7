"""Reading untrusted REFI-QDA files safely.

XML goes through defusedxml with DTDs, entity declarations and external references all
forbidden (no billion laughs, no quadratic blow-up, no reading /etc/passwd through an
entity). Archives are never unpacked to disk: entries are read into memory on demand, and an
archive is refused outright when any entry name is absolute or climbs out with "..", when it
has too many entries, or when an entry inflates past the size limits (checked on the bytes
actually inflated, not on the sizes the archive claims).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TypeGuard, overload
from xml.etree import ElementTree as ET

from thematic.errors import ThematicError

MAX_XML_BYTES = 256 * 2**20        # a .qdc or project.qde larger than this is refused
MAX_ENTRIES = 100_000              # entries in one .qdpx
MAX_ENTRY_BYTES = 256 * 2**20      # one inflated entry
MAX_TOTAL_BYTES = 2 * 2**30        # all inflated entries read from one archive
MAX_RATIO = 200                    # inflated/compressed, per entry and over the archive
# Below this an entry's ratio means little (deflate's own overhead is a few bytes); the
# archive-wide ratio still counts it, so many entries just under it do not escape (a 344 KB
# file of 1 MiB entries once stored 218 MB).
RATIO_FLOOR = 64 * 2**10
MAX_DEPTH = 200                    # nesting of <Code> elements

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12})\}?$")
# Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF, CR; surrogates; …).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)  # pragma: no cover


# --- XML ----------------------------------------------------------------------------------

def parse_xml(data: bytes, where: str) -> ET.Element:
    """Parse untrusted XML; processing instructions are kept (thematic's own extensions)."""
    from defusedxml import DTDForbidden, EntitiesForbidden
    from defusedxml.ElementTree import DefusedXMLParser

    if len(data) > MAX_XML_BYTES:
        raise ThematicError("E457", path=where, what="the XML document", found=_size(len(data)),
                            limit=_size(MAX_XML_BYTES))
    parser = DefusedXMLParser(target=ET.TreeBuilder(insert_pis=True), forbid_dtd=True,
                              forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        return parser.close()
    except DTDForbidden as exc:
        raise ThematicError("E451", path=where,
                            what=f"declares a DTD (<!DOCTYPE {exc.name}>)") from None
    except EntitiesForbidden as exc:
        raise ThematicError("E451", path=where,
                            what=f"declares the entity {exc.name!r}") from None
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        detail = str(exc).split(":")[0]
        raise ThematicError("E450", path=where, detail=detail, line=line,
                            column=column + 1) from None


def local(tag: object) -> str:
    """'{urn:QDA-XML:project:1.0}Code' → 'Code'; processing instructions → ''."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    """Child elements called ``name`` in any namespace (exporters disagree on namespaces)."""
    return (c for c in element if local(c.tag) == name)


def child(element: ET.Element, name: str) -> ET.Element | None:
    return next(children(element, name), None)


def text_of(element: ET.Element | None) -> str:
    return "" if element is None else "".join(element.itertext())


def pis(element: ET.Element, target: str) -> Iterator[str]:
    """The text of <?target …?> processing instructions directly inside ``element``."""
    for c in element:
        if c.tag is ET.ProcessingInstruction:
            name, _, rest = (c.text or "").partition(" ")
            if name == target:
                yield rest


@overload
def guid_key(value: str) -> str: ...


@overload
def guid_key(value: str | None) -> str | None: ...


def guid_key(value: str | None) -> str | None:
    """A GUID as thematic compares it: lower case, no braces (exporters differ on both)."""
    if value is None:
        return None
    m = _GUID.match(value.strip())
    return m.group(1).lower() if m else value.strip().lower()


def is_guid(value: str | None) -> TypeGuard[str]:
    return value is not None and _GUID.match(value.strip()) is not None


def xml_text(value: object) -> str:
    """A string XML 1.0 can hold: characters it forbids become U+FFFD."""
    return _NOT_XML.sub("\ufffd", str(value))


# --- zip archives --------------------------------------------------------------------------

class SafeZip:
    """A .qdpx opened for reading, its entry names checked and its inflation bounded."""

    def __init__(self, path: Path, shown: str) -> None:
        self.path, self.shown = path, shown
        self.read_total = 0
        self.read_compressed = 0
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ThematicError("E455", path=shown, detail=str(exc) or type(exc).__name__
                                ) from None
        if len(infos) > MAX_ENTRIES:
            self.zip.close()
            raise ThematicError("E457", path=shown, what="the number of entries",
                                found=len(infos), limit=MAX_ENTRIES)
        self.entries: dict[str, zipfile.ZipInfo] = {}
        try:
            for info in infos:
                self._check_name(info.filename)
                if info.flag_bits & 0x1:
                    raise ThematicError("E455", path=shown, detail=f"entry {info.filename!r} "
                                        "is encrypted")
                if info.file_size > MAX_ENTRY_BYTES:
                    raise ThematicError("E457", path=shown,
                                        what=f"entry {info.filename!r} (declared size)",
                                        found=_size(info.file_size),
                                        limit=_size(MAX_ENTRY_BYTES))
                self._check_ratio(info, info.file_size)
                if not info.is_dir():
                    self.entries[info.filename.casefold()] = info
        except BaseException:
            self.zip.close()
            raise

    def _check_name(self, name: str) -> None:
        problem = None
        if "\\" in name:
            problem = "uses backslashes in its path"
        elif name.startswith("/") or re.match(r"^[A-Za-z]:", name):
            problem = "has an absolute path"
        elif ".." in PurePosixPath(name).parts:
            problem = "climbs out of the archive with '..'"
        elif "\x00" in name:
            problem = "has a NUL byte in its name"
        if problem:
            raise ThematicError("E456", path=self.shown, entry=name, problem=problem)

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def names(self) -> list[str]:
        return [i.filename for i in self.entries.values()]

    def find(self, name: str) -> str | None:
        """The entry's real name, matched ignoring case (sources/ vs Sources/)."""
        info = self.entries.get(name.casefold())
        return info.filename if info else None

    def read(self, name: str) -> bytes:
        """Inflate one entry, stopping as soon as a limit is passed."""
        info = self.entries[name.casefold()]
        limit = min(MAX_ENTRY_BYTES, MAX_TOTAL_BYTES - self.read_total)
        chunks, size = [], 0
        try:
            with self.zip.open(info) as fh:
                while True:
                    chunk = fh.read(1 << 16)
                    if not chunk:
                        break
                    size += len(chunk)
                    self._check_inflation(info, size, limit)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise ThematicError("E455", path=self.shown,
                                detail=f"entry {info.filename!r}: {exc}") from None
        self.read_total += size
        self.read_compressed += info.compress_size
        packed = max(self.read_compressed, 1)
        if self.read_total > RATIO_FLOOR and self.read_total > MAX_RATIO * packed:
            raise ThematicError("E457", path=self.shown, what="the compression ratio of the "
                                "entries read", found=f"{self.read_total // packed}:1",
                                limit=f"{MAX_RATIO}:1")
        return b"".join(chunks)

    def _check_inflation(self, info: zipfile.ZipInfo, size: int, limit: int) -> None:
        if size > limit:
            if limit < MAX_ENTRY_BYTES:
                raise ThematicError("E457", path=self.shown, what="the inflated size of the "
                                    "entries read", found=f"over {_size(self.read_total + size)}",
                                    limit=_size(MAX_TOTAL_BYTES))
            raise ThematicError("E457", path=self.shown, what=f"entry {info.filename!r}",
                                found=f"over {_size(size)}", limit=_size(MAX_ENTRY_BYTES))
        self._check_ratio(info, size)

    def _check_ratio(self, info: zipfile.ZipInfo, size: int) -> None:
        """``size``: the declared size, or what has been inflated so far (headers can lie)."""
        if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
            ratio = max(size, info.file_size) // max(info.compress_size, 1)
            raise ThematicError("E457", path=self.shown,
                                what=f"the compression ratio of entry {info.filename!r}",
                                found=f"{ratio}:1", limit=f"{MAX_RATIO}:1")
