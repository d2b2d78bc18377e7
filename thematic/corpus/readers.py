"""Readers: sheets (CSV/TSV, XLSX, JSONL) stream rows; documents (TXT, Markdown, DOCX) give
text with paragraph offsets. Every problem becomes a numbered error naming file, row, column.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from thematic.errors import ThematicError

SHEETS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt_table": "csv", ".xlsx": "xlsx",
          ".xlsm": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}
DOCUMENTS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
             ".docx": "docx", ".odt": "odt"}
SUPPORTED = ", ".join(sorted(set(SHEETS) - {".txt_table"} | set(DOCUMENTS)))
SAMPLE = 1 << 16

Progress = Callable[[int], None]


def kind_of(path: Path, fmt: str | None = None) -> str:
    """csv | tsv | xlsx | jsonl | text | markdown | docx, from --format or the extension."""
    if fmt:
        return fmt
    suffix = path.suffix.lower()
    if suffix in SHEETS:
        return SHEETS[suffix]
    if suffix in DOCUMENTS:
        return DOCUMENTS[suffix]
    raise ThematicError("E018", path=path, suffix=suffix or "(none)", supported=SUPPORTED)


def is_sheet(kind: str) -> bool:
    return kind in {"csv", "tsv", "xlsx", "jsonl"}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_file(path: Path) -> None:
    if not path.exists():
        raise ThematicError("E010", path=path, cwd=os.getcwd())
    if path.stat().st_size == 0:
        raise ThematicError("E011", path=path)


# --- encodings --------------------------------------------------------------------------

def detect_encoding(path: Path, sample: bytes | None = None) -> str:
    """BOMs first (UTF-8, UTF-16), then strict UTF-8, then cp1252; binary is an error."""
    if sample is None:
        with open(path, "rb") as fh:
            sample = fh.read(SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        # UTF-16 without a BOM shows NULs in every other byte of ASCII text.
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        if odd > len(sample) // 4 and even == 0:
            return "utf-16-le"
        if even > len(sample) // 4 and odd == 0:
            return "utf-16-be"
        raise ThematicError("E023", path=path, offset=sample.index(b"\x00"))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError as exc:
        raise ThematicError("E016", path=path, row=_line_at(sample, exc.start),
                            offset=exc.start, encoding="utf-8 or cp1252") from None


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


class _Counting(io.RawIOBase):
    """A binary reader that reports bytes read, so progress follows the file, not rows."""

    def __init__(self, fh: io.BufferedReader, progress: Progress | None) -> None:
        self.fh, self.progress = fh, progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        n = self.fh.readinto(buffer)
        if n and self.progress:
            self.progress(n)
        return n or 0

    def close(self) -> None:
        self.fh.close()
        super().close()


def read_text(path: Path, *, encoding: str | None = None) -> str:
    """A whole small text file, decoded as import decodes it (BOMs, UTF-16, cp1252), with
    the same numbered errors for a missing, empty, binary or undecodable file."""
    path = Path(path)
    check_file(path)
    data = path.read_bytes()
    enc = encoding or detect_encoding(path, data[:SAMPLE])
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        raise ThematicError("E016", path=path, row=_line_at(data, exc.start), offset=exc.start,
                            encoding=enc) from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ThematicError("E011", path=path)
    return text


# --- sheets -----------------------------------------------------------------------------

@dataclass
class Sheet:
    """Rows of a table, streamed: ``rows`` yields (row number as the user sees it, dict)."""

    path: Path
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    encoding: str | None = None
    delimiter: str | None = None
    extra: dict = field(default_factory=dict)


def open_sheet(path: Path, *, fmt: str | None = None, encoding: str | None = None,
               sheet: str | None = None, delimiter: str | None = None,
               progress: Progress | None = None) -> Sheet:
    path = Path(path)
    check_file(path)
    kind = kind_of(path, fmt)
    if kind == "xlsx":
        return _xlsx(path, sheet, progress)
    if kind == "jsonl":
        return _jsonl(path, encoding, progress)
    if kind in {"csv", "tsv"}:
        return _delimited(path, encoding, delimiter or ("\t" if kind == "tsv" else None),
                          progress)
    raise ThematicError("E018", path=path, suffix=path.suffix, supported=SUPPORTED)


def _text_stream(path: Path, encoding: str | None, progress: Progress | None):
    enc = encoding or detect_encoding(path)
    raw = _Counting(open(path, "rb"), progress)  # noqa: SIM115 - the reader owns it
    return enc, io.TextIOWrapper(io.BufferedReader(raw, SAMPLE), encoding=enc, newline="")


def _delimited(path: Path, encoding: str | None, delimiter: str | None,
               progress: Progress | None) -> Sheet:
    enc, fh = _text_stream(path, encoding, progress)
    try:
        head = fh.read(SAMPLE)
    except UnicodeDecodeError as exc:
        fh.close()
        raise ThematicError("E016", path=path, row=1, offset=exc.start, encoding=enc) from None
    if not head.strip():
        fh.close()
        raise ThematicError("E011", path=path)
    if delimiter is None:
        delimiter = _sniff(head)
    # Re-read from the start: the sniffing sample must not be lost.
    fh.close()
    enc, fh = _text_stream(path, enc, progress)
    reader = csv.reader(fh, delimiter=delimiter)
    try:
        header = next(reader)
    except UnicodeDecodeError as exc:
        fh.close()
        raise ThematicError("E016", path=path, row=1, offset=exc.start, encoding=enc) from None
    columns = _columns(path, header)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        number = 1
        try:
            with fh:
                for record in reader:
                    number = reader.line_num
                    if not any(cell.strip() for cell in record):
                        continue
                    if len(record) > len(columns):
                        raise ThematicError(
                            "E021", path=path, row=number, column=f"#{len(columns) + 1}",
                            problem=f"{len(record)} cells but the header has {len(columns)}",
                            fix="Quote cells that contain the delimiter, or fix the header.")
                    yield number, dict(zip(columns, record + [""] * (len(columns) - len(record))))
        except UnicodeDecodeError as exc:
            raise ThematicError("E016", path=path, row=number + 1, offset=exc.start,
                                encoding=enc) from None
        except csv.Error as exc:
            raise ThematicError("E021", path=path, row=reader.line_num, column="-",
                                problem=str(exc), fix="Check the quoting of that row.") from None

    return _nonempty(Sheet(path, columns, rows(), enc, delimiter))


def _sniff(head: str) -> str:
    first = head.splitlines()[0] if head.splitlines() else head
    try:
        return csv.Sniffer().sniff(head[:SAMPLE], delimiters=",\t;|").delimiter
    except csv.Error:
        counts = {d: first.count(d) for d in ",\t;|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _columns(path: Path, header: list) -> list[str]:
    columns = [str(c if c is not None else "").strip().lstrip("\ufeff") for c in header]
    seen: dict[str, int] = {}
    for i, name in enumerate(columns):
        if not name:
            columns[i] = name = f"column_{i + 1}"
        if name in seen:
            raise ThematicError("E021", path=path, row=1, column=name,
                                problem=f"the header repeats column {name!r}",
                                fix="Give every column a distinct name.")
        seen[name] = i
    return columns


def _nonempty(sheet: Sheet) -> Sheet:
    """Peek one row so a header-only file fails before any write."""
    rest = sheet.rows
    try:
        first = next(rest)
    except StopIteration:
        raise ThematicError("E012", path=sheet.path) from None

    def chained() -> Iterator[tuple[int, dict[str, str]]]:
        yield first
        yield from rest

    sheet.rows = chained()
    return sheet


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx(path: Path, sheet_name: str | None, progress: Progress | None) -> Sheet:
    with open(path, "rb") as fh:
        magic = fh.read(SAMPLE)
    if not magic.startswith(b"PK\x03\x04"):
        looks, suggest = "is not a zip archive", "csv"
        try:
            text = magic.decode("utf-8")
            if "\t" in text.splitlines()[0]:
                looks, suggest = "looks like tab-separated text", "tsv"
            elif "," in text or ";" in text:
                looks, suggest = "looks like CSV text", "csv"
        except (UnicodeDecodeError, IndexError):
            pass
        raise ThematicError("E017", path=path, looks=looks, suggest=suggest)
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ThematicError("E026", path=path, detail=str(exc) or type(exc).__name__,
                            kind="XLSX") from None
    if sheet_name is not None and sheet_name not in book.sheetnames:
        raise ThematicError("E022", path=path, sheet=sheet_name,
                            sheets=", ".join(book.sheetnames))
    ws = book[sheet_name] if sheet_name else book.worksheets[0]
    values = ws.iter_rows(values_only=True)
    header, number = None, 0
    for number, record in enumerate(values, start=1):  # noqa: B007 - used after
        if record and any(v not in (None, "") for v in record):
            header = list(record)
            break
    if header is None:
        book.close()
        raise ThematicError("E011", path=path)
    while header and header[-1] in (None, ""):
        header.pop()
    columns = _columns(path, header)
    start = number

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for n, record in enumerate(values, start=start + 1):
                cells = [_cell(v) for v in (record or ())][: len(columns)]
                if not any(c.strip() for c in cells):
                    continue
                if progress:
                    progress(1)
                yield n, dict(zip(columns, cells + [""] * (len(columns) - len(cells))))
        finally:
            book.close()

    return _nonempty(Sheet(path, columns, rows(), None, None, {"sheet": ws.title}))


def _jsonl(path: Path, encoding: str | None, progress: Progress | None) -> Sheet:
    enc, fh = _text_stream(path, encoding, progress)
    columns: list[str] = []

    def parse(n: int, line: str) -> dict[str, str]:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ThematicError("E020", path=path, row=n, detail=exc.msg) from None
        if not isinstance(obj, dict):
            raise ThematicError("E020", path=path, row=n, detail="not an object")
        for key in obj:
            if key not in columns:
                columns.append(key)
        return {k: v if isinstance(v, str) else _json_cell(v) for k, v in obj.items()}

    lines = enumerate(fh, start=1)
    first = None
    try:
        for n, line in lines:
            if line.strip():
                first = (n, parse(n, line))
                break
    except UnicodeDecodeError as exc:
        raise ThematicError("E016", path=path, row=1, offset=exc.start, encoding=enc) from None
    if first is None:
        fh.close()
        raise ThematicError("E011", path=path)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        yield first
        n = first[0]
        try:
            with fh:
                for n, line in lines:
                    if line.strip():
                        yield n, parse(n, line)
        except UnicodeDecodeError as exc:
            raise ThematicError("E016", path=path, row=n + 1, offset=exc.start,
                                encoding=enc) from None

    return Sheet(path, columns, rows(), enc)


def _json_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float, bool)):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


# --- documents --------------------------------------------------------------------------

@dataclass
class Document:
    """A document's plain text; ``blocks`` are (start, end, attributes) of its paragraphs."""

    path: Path
    text: str
    blocks: list[tuple[int, int, dict]]
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


def read_document(path: Path, *, fmt: str | None = None, encoding: str | None = None
                  ) -> Document:
    path = Path(path)
    check_file(path)
    kind = kind_of(path, fmt)
    if kind == "docx":
        return _docx(path)
    if kind == "odt":
        from thematic.corpus.odt import blocks as odt_blocks

        return _assemble(path, odt_blocks(path))
    if kind not in {"text", "markdown"}:
        raise ThematicError("E018", path=path, suffix=path.suffix, supported=SUPPORTED)
    text = read_text(path, encoding=encoding).replace("\r\n", "\n").replace("\r", "\n")
    from thematic.corpus.segment import paragraphs, single_newline

    markdown = kind == "markdown"
    doc = Document(path, text, paragraphs(text, markdown=markdown), encoding)
    if single_newline(text):
        doc.blocks = paragraphs(text, markdown=markdown, lines=True)
        doc.notes.append(f"no blank lines between paragraphs, so each of its "
                         f"{len(doc.blocks)} lines is a paragraph")
    if not doc.blocks:
        raise ThematicError("E024", path=path)
    return doc


def _docx(path: Path) -> Document:
    import zipfile

    if not zipfile.is_zipfile(path):
        raise ThematicError("E026", path=path, detail="not a zip archive", kind="DOCX")
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a damaged file
        raise ThematicError("E026", path=path, detail=str(exc) or type(exc).__name__,
                            kind="DOCX") from None
    from thematic.corpus.docx_text import blocks as docx_blocks

    return _assemble(path, docx_blocks(document))


def _assemble(path: Path, found) -> Document:
    """A Document from (kind, text, attrs) blocks: headings become the ``section`` of what
    follows; notes (footnote, endnote) come last and belong to no section."""
    parts, blocks, offset, section = [], [], 0, None
    for kind, text, extra in found:
        if parts:
            offset += 2
        start = offset
        parts.append(text)
        offset += len(text)
        if kind == "heading":
            section = text
            continue
        attrs = {"paragraph": len(blocks) + 1, **extra}
        if section and kind not in ("footnote", "endnote"):
            attrs["section"] = section
        blocks.append((start, offset, attrs))
    if not blocks:
        raise ThematicError("E024", path=path)
    return Document(path, "\n\n".join(parts), blocks)
