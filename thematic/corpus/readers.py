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
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from thematic.corpus import exports, formats
from thematic.errors import ThematicError

# The readers are registered in thematic.corpus.formats (one module per format); these are
# its live suffix → kind tables.
SHEETS = formats.SHEETS
DOCUMENTS = formats.DOCUMENTS
SAMPLE = 1 << 16

Progress = Callable[[int], None]


def kind_of(path: Path, fmt: str | None = None) -> str:
    """csv | tsv | xlsx | jsonl | text | markdown | docx | odt (any registered kind), from
    --format or the extension."""
    if fmt:
        return fmt
    formats.load()
    suffix = path.suffix.lower()
    if suffix in SHEETS:
        return SHEETS[suffix]
    if suffix in DOCUMENTS:
        return DOCUMENTS[suffix]
    raise ThematicError("E018", path=path, suffix=suffix or "(none)",
                        supported=formats.supported())


def is_sheet(kind: str) -> bool:
    reader = formats.find(kind)
    return reader is not None and reader.sheet


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_file(path: Path, document: bool = False) -> None:
    """E010 for a missing file; for an empty one, E024 (a document's message) or E011 (a
    sheet's)."""
    if not path.exists():
        raise ThematicError("E010", path=path, cwd=os.getcwd())
    if path.stat().st_size == 0:
        if document:
            raise ThematicError("E024", path=path)
        raise ThematicError("E011", path=path)


# --- encodings --------------------------------------------------------------------------

def detect_encoding(path: Path, data: bytes | None = None) -> str:
    """BOMs first (UTF-8, UTF-16); otherwise the whole file is scanned (``data``: its bytes,
    if already read). A NUL byte is refused; valid UTF-8 is UTF-8; text with no UTF-8
    sequence at all is cp1252; and UTF-8 with one damaged byte is refused naming that byte,
    because reading it as cp1252 would silently turn every "é" into "Ã©"."""
    if data is None:
        with open(path, "rb") as fh:
            head = fh.read(SAMPLE)
    else:
        head = data[:SAMPLE]
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        # UTF-16 without a BOM shows NULs in every other byte of ASCII text.
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le"
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be"
        raise ThematicError("E023", path=path, offset=head.index(b"\x00"))
    bad, multibyte = _scan(path, data)
    if bad is None:
        return "utf-8"
    offset, byte, row, nul = bad
    if nul:
        raise ThematicError("E662", path=path, row=row, offset=offset)
    if multibyte:
        raise ThematicError("E661", path=path, row=row, offset=offset, byte=f"{byte:02X}")
    whole = data if data is not None else Path(path).read_bytes()
    try:
        whole.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ThematicError("E016", path=path, row=_line_at(whole, exc.start),
                            offset=exc.start, encoding="utf-8 or cp1252") from None
    return "cp1252"


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|"
                            rb"[\xf0-\xf4][\x80-\xbf]{3}")


def _scan(path: Path, data: bytes | None) -> tuple[tuple[int, int, int, bool] | None, bool]:
    """((offset, byte, line, is NUL) of the first NUL or invalid UTF-8 byte, or None;
    whether the file holds any valid multi-byte UTF-8 sequence), streamed in 1 MiB blocks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    multibyte, position, lines, first = False, 0, 1, None
    fh = None if data is not None else open(path, "rb")  # noqa: SIM115 - closed below
    try:
        # no file handle: data was given
        blocks: Iterable[bytes] = iter(lambda: fh.read(1 << 20), b"") if fh else [data or b""]
        for block in blocks:
            nul = block.find(b"\x00")
            if first is None and nul >= 0:
                first = (position + nul, 0, lines + block.count(b"\n", 0, nul), True)
            if first is None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    # The decoder's offset counts from the bytes it still held back.
                    held = len(exc.object) - len(block)
                    at = max(exc.start - held, 0)
                    first = (position + at, block[at] if at < len(block) else 0,
                             lines + block.count(b"\n", 0, at), False)
            # isascii() runs at memory speed; the regex only where a non-ASCII byte is
            multibyte = multibyte or (not block.isascii() and
                                      _UTF8_SEQUENCE.search(block) is not None)
            if first is not None and (first[3] or multibyte):
                break
            lines += block.count(b"\n")
            position += len(block)
        if first is None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                first = (max(position - 1, 0), 0, lines, False)
    finally:
        if fh:
            fh.close()
    return first, multibyte


def check_encoding(encoding: str | None) -> str | None:
    """``encoding`` as given, or E660 when Python does not know it."""
    if encoding is None:
        return None
    try:
        codecs.lookup(encoding)
    except LookupError:
        from thematic.errors import nearest

        known = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]
        raise ThematicError("E660", value=encoding, suggest=nearest(encoding, known)
                            ) from None
    return encoding


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


class _Counting(io.RawIOBase):
    """A binary reader that reports bytes read, so progress follows the file, not rows."""

    def __init__(self, fh: io.BufferedReader, progress: Progress | None) -> None:
        self.fh, self.progress = fh, progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
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
    enc = check_encoding(encoding) or detect_encoding(path, data)
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        raise ThematicError("E016", path=path, row=_line_at(data, exc.start), offset=exc.start,
                            encoding=enc) from None
    except UnicodeError:
        raise ThematicError("E016", path=path, row=1, offset=0, encoding=enc) from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ThematicError("E011", path=path)
    if "\x00" in text:  # an explicit or UTF-16 encoding lets NULs through the byte scan
        at = text.index("\x00")
        raise ThematicError("E663", path=path, row=text.count("\n", 0, at) + 1,
                            column="-", problem=f"character {at} is a NUL (U+0000)",
                            fix="Remove it; text never contains one.")
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
    export: exports.Export | None = None   # the survey tool that wrote it, if one did


def open_sheet(path: Path, *, fmt: str | None = None, encoding: str | None = None,
               sheet: str | None = None, delimiter: str | None = None,
               progress: Progress | None = None) -> Sheet:
    path = Path(path)
    check_file(path)
    kind = kind_of(path, fmt)
    reader = formats.find(kind)
    if reader is not None and reader.sheet:
        table = reader.read(path, kind=kind, encoding=encoding, sheet=sheet,
                            delimiter=delimiter, progress=progress)
        table.export, table.columns, table.rows = exports.detect(table.columns, table.rows)
        return table if table.export is None else _nonempty(table)
    raise ThematicError("E018", path=path, suffix=path.suffix, supported=formats.supported())


def _text_stream(path: Path, encoding: str | None, progress: Progress | None):
    enc = check_encoding(encoding) or detect_encoding(path)
    raw = _Counting(open(path, "rb"), progress)  # noqa: SIM115 - the reader owns it
    return enc, io.TextIOWrapper(io.BufferedReader(raw, SAMPLE), encoding=enc, newline="")


def _delimited(path: Path, encoding: str | None, delimiter: str | None,
               progress: Progress | None) -> Sheet:
    enc, fh = _text_stream(path, encoding, progress)
    try:
        head = fh.read(SAMPLE)
    except UnicodeError as exc:
        fh.close()
        raise _undecodable(path, enc, exc) from None
    if not head.strip():
        fh.close()
        raise ThematicError("E011", path=path)
    if delimiter is None:
        delimiter = _sniff(head)
    # Re-read from the start: the sniffing sample must not be lost.
    fh.close()
    enc, fh = _text_stream(path, enc, progress)
    _raise_field_limit()
    reader = csv.reader(fh, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except UnicodeError as exc:
        fh.close()
        raise _undecodable(path, enc, exc) from None
    except csv.Error as exc:
        fh.close()
        raise _quoting(path, 1, reader.line_num, exc) from None
    columns = _columns(path, header)

    width = len(columns)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        number = reader.line_num
        try:
            with fh:
                for record in reader:
                    # A record spanning lines (a quoted cell with line breaks) is numbered
                    # by the line it starts on, where the user will look for it.
                    start, number = number + 1, reader.line_num
                    # one joined string per row serves the blank test and the NUL and
                    # surrogate check (a per-cell Python loop was a tenth of the import)
                    joined = "".join(record)
                    if not joined.strip():
                        continue
                    if len(record) != width:
                        if len(record) > width:
                            raise ThematicError(
                                "E021", path=path, row=start, column=f"#{width + 1}",
                                problem=f"{len(record)} cells but the header has {width}",
                                fix="Quote cells that contain the delimiter, or fix the "
                                    "header.")
                        record += [""] * (width - len(record))
                    row = dict(zip(columns, record))
                    if not joined.isascii() or "\x00" in joined:
                        _checked(path, start, row)
                    yield start, row
        except UnicodeError as exc:
            raise _undecodable(path, enc, exc) from None
        except csv.Error as exc:
            raise _quoting(path, number + 1, reader.line_num, exc) from None

    return _nonempty(Sheet(path, columns, rows(), enc, delimiter))


def strict_rows(text: str, path: Path, **fmt) -> list[list[str]]:
    """Every record of CSV ``text`` read strictly (for the small sheets other rooms read
    whole: codebooks, ratings, decisions): an unclosed quote is E664, not a swallowed row."""
    _raise_field_limit()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, **fmt)
    rows, line = [], 0
    try:
        for record in reader:
            rows.append(record)
            line = reader.line_num
    except csv.Error as exc:
        raise _quoting(path, line + 1, reader.line_num, exc) from None
    return rows


FIELD_LIMIT = 64 * 2**20  # one cell; the csv module's default (128 KiB) refuses long answers


def _raise_field_limit() -> None:
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)


def _quoting(path: Path, start: int, line: int, exc: csv.Error) -> ThematicError:
    """A strict-CSV error, named by the row where the offending quoted cell opened."""
    text = str(exc)
    if "end of data" in text:
        problem = "is never closed (the file ends inside it)"
    elif "expected after" in text:
        problem = f"closes in row {line} but more text follows the closing quote"
    elif "field larger" in text:
        problem = f"runs on for over {FIELD_LIMIT // 2**20} MiB (up to row {line})"
    else:
        return ThematicError("E021", path=path, row=start, column="-", problem=text,
                             fix="Check the quoting of that row.")
    return ThematicError("E664", path=path, row=start, problem=problem)


def _undecodable(path: Path, enc: str, exc: UnicodeError) -> ThematicError:
    """E016 with the byte offset and line in the file (the decoder's offset is only within
    the block it was decoding)."""
    decoder = codecs.getincrementaldecoder(enc)()
    position, lines = 0, 1
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as err:
                at = max(err.start - (len(err.object) - len(block)), 0)
                return ThematicError("E016", path=path, row=lines + block.count(b"\n", 0, at),
                                     offset=position + at, encoding=enc)
            except UnicodeError:  # e.g. utf-16 without a BOM: no offset to give
                return ThematicError("E016", path=path, row=lines, offset=position,
                                     encoding=enc)
            lines += block.count(b"\n")
            position += len(block)
    return ThematicError("E016", path=path, row=lines, offset=position, encoding=enc)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _checked(path: Path, row: int, cells: dict[str, str]) -> dict[str, str]:
    """Refuse what text never holds and the database cannot store faithfully: NUL
    characters (an explicit encoding, UTF-16, JSON's \\u0000) and lone surrogates."""
    # One test per row (strict UTF-8 refuses exactly the surrogates); per cell only to say
    # which cell.
    joined = "".join(cells.values())
    try:
        joined.encode("utf-8")
        if "\x00" not in joined:
            return cells
    except UnicodeEncodeError:
        pass
    for column, value in cells.items():
        if "\x00" in value:
            raise ThematicError("E663", path=path, row=row, column=column,
                                problem="the cell holds a NUL character (U+0000)",
                                fix="Remove it; text never contains one.")
        if _SURROGATE.search(value):
            raise ThematicError("E663", path=path, row=row, column=column,
                                problem="the cell holds a lone surrogate (half of a UTF-16 "
                                        "pair, e.g. \\ud800), which is not a character",
                                fix="Export the file again as UTF-8.")
    return cells


def _sniff(head: str) -> str:
    first = head.splitlines()[0] if head.splitlines() else head
    try:
        return csv.Sniffer().sniff(head[:SAMPLE], delimiters=",\t;|").delimiter
    except csv.Error:
        counts = {d: first.count(d) for d in ",\t;|"}
        best = max(counts, key=lambda d: counts[d])
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


# Office files are zips of XML that python-docx and openpyxl inflate and parse in memory
# (about ten times the XML's size): a 2 MB bomb reached 5.8 GB. Python's zipfile never
# inflates an entry past its declared size, so the declared sizes bound the work.
MAX_XML_BYTES = {"DOCX": 64 * 2**20, "XLSX": 512 * 2**20}   # all XML parts, inflated
MAX_OFFICE_BYTES = 1024 * 2**20                              # every part, inflated


def check_office_zip(path: Path, kind: str) -> None:
    """E670 when the parts of a DOCX/XLSX would inflate past the budget."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ThematicError("E026", path=path, detail=str(exc) or type(exc).__name__,
                            kind=kind) from None
    xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels")))
    total = sum(i.file_size for i in infos)
    for what, found, limit in (("its XML", xml, MAX_XML_BYTES[kind]),
                               ("the whole file", total, MAX_OFFICE_BYTES)):
        if found > limit:
            raise ThematicError("E670", path=path, what=what, found=_mib(found),
                                limit=_mib(limit))


def _mib(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB"


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
    check_office_zip(path, "XLSX")
    import openpyxl

    notices: dict = {"count": 0, "examples": []}
    try:
        with _quiet(notices):
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except MemoryError:
        raise ThematicError("E670", path=path, what="the workbook", found="more memory "
                            "than this machine has", limit="the memory available") from None
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ThematicError("E026", path=path, detail=str(exc) or type(exc).__name__,
                            kind="XLSX") from None
    if sheet_name is not None and sheet_name not in book.sheetnames:
        raise ThematicError("E022", path=path, sheet=sheet_name,
                            sheets=", ".join(book.sheetnames))
    ws = book[sheet_name] if sheet_name else book.worksheets[0]
    values = _quietly(ws.iter_rows(values_only=True), notices)
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
                yield n, _checked(path, n, dict(zip(columns, cells + [""] * (
                    len(columns) - len(cells)))))
        finally:
            book.close()

    return _nonempty(Sheet(path, columns, rows(), None, None,
                           {"sheet": ws.title, "notices": notices}))


MAX_NOTICES = 3  # distinct warnings kept per workbook; the rest are only counted


@contextmanager
def _quiet(notices: dict) -> Iterator[None]:
    """openpyxl warns per cell about features it drops (one workbook printed 2.8 million
    lines): keep a count and a few distinct messages, for one import warning."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        notices["count"] += 1
        text = " ".join(str(w.message).split())[:200]
        if len(notices["examples"]) < MAX_NOTICES and text not in notices["examples"]:
            notices["examples"].append(text)


def _quietly(rows: Iterator, notices: dict) -> Iterator:
    while True:
        with _quiet(notices):
            try:
                record = next(rows)
            except StopIteration:
                return
        yield record


def _jsonl(path: Path, encoding: str | None, progress: Progress | None) -> Sheet:
    enc, fh = _text_stream(path, encoding, progress)
    columns: list[str] = []

    def parse(n: int, line: str) -> dict[str, str]:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ThematicError("E020", path=path, row=n, detail=exc.msg) from None
        except RecursionError:
            raise ThematicError("E665", path=path, row=n, problem="the value is nested too "
                                "deeply to read", fix="flatten it.") from None
        except ValueError as exc:  # a number of thousands of digits (int_max_str_digits)
            raise ThematicError("E665", path=path, row=n, problem=f"a number is too long "
                                f"({str(exc).split(';')[0]})", fix="write it as a string "
                                "in quotes.") from None
        if not isinstance(obj, dict):
            raise ThematicError("E020", path=path, row=n, detail="not an object")
        try:
            row = {str(k): v if isinstance(v, str) else _json_cell(v) for k, v in obj.items()}
        except (RecursionError, ValueError):
            raise ThematicError("E665", path=path, row=n, problem="a value is nested too "
                                "deeply or a number is too long to write back",
                                fix="flatten it, or quote the number.") from None
        _checked(path, n, {k: k + v for k, v in row.items()})  # names and values
        for key in row:
            if key not in columns:
                columns.append(key)
        return row

    lines = enumerate(fh, start=1)
    first = None
    try:
        for n, line in lines:
            if line.strip():
                first = (n, parse(n, line))
                break
    except UnicodeError as exc:
        fh.close()
        raise _undecodable(path, enc, exc) from None
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
        except UnicodeError as exc:
            raise _undecodable(path, enc, exc) from None

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
    speakers: set[str] = field(default_factory=set)   # labels known to be speakers


def read_document(path: Path, *, fmt: str | None = None, encoding: str | None = None
                  ) -> Document:
    path = Path(path)
    check_file(path, document=True)
    kind = kind_of(path, fmt)
    reader = formats.find(kind)
    if reader is None or reader.sheet:
        raise ThematicError("E018", path=path, suffix=path.suffix,
                            supported=formats.supported())
    document: Document = reader.read(path, kind=kind, encoding=encoding)
    return document


def plain_document(path: Path, *, encoding: str | None = None, markdown: bool = False
                   ) -> Document:
    """A plain-text (or Markdown) document: paragraphs are separated by blank lines, or
    are single lines when the text has no blank line."""
    text = read_text(path, encoding=encoding).replace("\r\n", "\n").replace("\r", "\n")
    from thematic.corpus.segment import paragraphs, single_newline

    doc = Document(path, text, paragraphs(text, markdown=markdown), encoding)
    if single_newline(text):
        doc.blocks = paragraphs(text, markdown=markdown, lines=True)
        doc.notes.append(f"no blank lines between paragraphs, so each of its "
                         f"{len(doc.blocks)} lines is a paragraph")
    if not doc.blocks:
        raise ThematicError("E024", path=path)
    return doc


def docx_blocks(path: Path) -> list[tuple[str, str, dict]]:
    """The (kind, text, attrs) blocks of a .docx body and notes (``docx_text.blocks``)."""
    import zipfile

    if not zipfile.is_zipfile(path):
        raise ThematicError("E026", path=path, detail="not a zip archive", kind="DOCX")
    check_office_zip(path, "DOCX")
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a damaged file
        raise ThematicError("E026", path=path, detail=str(exc) or type(exc).__name__,
                            kind="DOCX") from None
    from thematic.corpus.docx_text import blocks

    return list(blocks(document))


def assemble(path: Path, found) -> Document:
    """A Document from (kind, text, attrs) blocks: headings become the ``section`` of what
    follows; notes (footnote, endnote) come last and belong to no section."""
    parts: list[str] = []
    blocks: list[tuple[int, int, dict]] = []
    offset, section = 0, None
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


# Register the readers now, so that SHEETS and DOCUMENTS are complete for every importer of
# this module (the reader modules import this one; every name they need is defined above).
formats.load()
