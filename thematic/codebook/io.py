"""Reading codebook files (YAML/JSON, CSV) safely and writing them (YAML, CSV, Markdown).

YAML is read with the safe loader only, and before anything is built the event stream is
checked: tags (``!!python/object``…), anchors and aliases are refused, so neither code
execution nor an alias bomb is possible; files over ``MAX_BYTES`` are refused unread.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from thematic.codebook.model import CODE_KEYS, CodebookDoc
from thematic.errors import ThematicError
from thematic.files import formula_unsafe, safe_row

MAX_BYTES = 5 * 1024 * 1024
YAML_SUFFIXES = {".yaml", ".yml", ".json", ""}
CSV_SUFFIXES = {".csv", ".tsv"}


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"  # pragma: no cover


def read_bytes(path: str | os.PathLike) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise ThematicError("E010", path=path, cwd=os.getcwd())
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise ThematicError("E101", path=path, size=_size(size), limit=_size(MAX_BYTES))
    return p.read_bytes()


def _text(raw: bytes, path: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ThematicError("E104", path=path, offset=exc.start) from None
    if "\x00" in text:
        raise ThematicError("E662", path=path, row=raw.count(b"\n", 0, raw.index(b"\x00")) + 1,
                            offset=raw.index(b"\x00"))
    return text


def read(path: str | os.PathLike) -> CodebookDoc:
    """Read a codebook file of any supported kind (by extension; YAML otherwise)."""
    suffix = Path(path).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv(path)
    if suffix not in YAML_SUFFIXES:
        raise ThematicError("E109", path=path, suffix=suffix)
    return read_yaml(path)


# --- YAML -----------------------------------------------------------------------------------

def read_yaml(path: str | os.PathLike, text: str | None = None) -> CodebookDoc:

    shown = str(path)
    if text is None:
        text = _text(read_bytes(path), shown)
    _refuse_deep(text, shown)
    if shown.lower().endswith(".json"):
        _strict_json(text, shown)
    try:
        return _read_yaml(text, shown)
    except ValueError as exc:  # PyYAML's int() of a 5,000-digit number
        if "digits" not in str(exc):
            raise
        raise _long_number(text, shown) from None
    except RecursionError:
        raise ThematicError("E674", path=shown, line=1, detail="the document is nested too "
                            "deeply to read (a codebook is a few levels deep)") from None


MAX_DEPTH = 100  # nesting of [ ] and { }; a codebook needs about six


def _refuse_deep(text: str, shown: str) -> None:
    """Deep flow nesting ([[[[...) makes PyYAML slow (minutes at 20,000 levels) before it
    overflows the stack; count it first, outside quoted strings."""
    import re

    depth = 0
    for m in re.finditer(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\n]|'')*'|#[^\n]*|[\[\]{}]", text):
        token = m.group(0)
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ThematicError("E674", path=shown, line=text.count("\n", 0, m.start()) + 1,
                                    detail=f"the document is nested more than {MAX_DEPTH} "
                                    "levels deep (a codebook is a few levels deep)")
        elif token in "]}":
            depth = max(depth - 1, 0)


class _Constant(ValueError):
    """NaN, Infinity or -Infinity in a .json file."""


def _strict_json(text: str, shown: str) -> None:
    """A .json codebook is JSON: NaN and Infinity, which YAML would read as the strings
    "NaN" and "Infinity" and JSON does not have, are refused, as are JSON syntax errors."""
    import json

    def constant(name: str):
        raise _Constant(name)

    try:
        json.loads(text, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise ThematicError("E674", path=shown, line=exc.lineno, detail=f"not valid JSON: "
                            f"{exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise ThematicError("E674", path=shown, line=1, detail="the document is nested too "
                            "deeply to read (a codebook is a few levels deep)") from None
    except _Constant as exc:
        name = str(exc)
        at = text.find(name)
        line = text.count("\n", 0, at) + 1 if at >= 0 else 1
        raise ThematicError("E674", path=shown, line=line, detail=f"{name} is not a JSON "
                            f"value; write it in quotes (\"{name}\") if it is a name, or leave "
                            "it out") from None
    except ValueError:  # a number of thousands of digits (int_max_str_digits)
        raise _long_number(text, shown) from None


def _long_number(text: str, shown: str) -> ThematicError:
    import re

    m = re.search(r"\d{4000,}", text)
    line = text.count("\n", 0, m.start()) + 1 if m else 1
    return ThematicError("E674", path=shown, line=line, detail="a number has thousands of "
                         "digits; write it in quotes if it is meant as text")


def _read_yaml(text: str, shown: str) -> CodebookDoc:
    import yaml

    _refuse_unsafe(text, shown)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ThematicError("E105", path=shown, problem="the file is empty")
        lines: dict[tuple, int] = {}
        _index(node, (), lines)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise _syntax(exc, shown) from None
    except yaml.YAMLError as exc:
        raise ThematicError("E103", path=shown, line=1,
                            detail=str(exc).split("\n")[0]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ThematicError("E105", path=shown, problem=f"its top level is a "
                            f"{_kind(data)}, not a mapping")
    return CodebookDoc(data=_plain(data), path=shown, unit="line", lines=lines)


def _refuse_unsafe(text: str, path: str) -> None:
    import yaml

    documents = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            assert event.start_mark is not None  # the parser marks every event it makes
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent):
                raise ThematicError("E102", path=path, line=line, what="aliases (*name)")
            if getattr(event, "anchor", None):
                raise ThematicError("E102", path=path, line=line, what="anchors (&name)")
            tag = getattr(event, "tag", None)
            implicit = getattr(event, "implicit", True)
            explicit = tag is not None and not (implicit is True or (
                isinstance(implicit, tuple) and any(implicit)))
            if explicit:
                raise ThematicError("E102", path=path, line=line, what=f"tags ({tag})")
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise ThematicError("E105", path=path, problem=f"a second YAML document "
                                        f"starts at line {line}")
    except yaml.MarkedYAMLError as exc:
        raise _syntax(exc, path) from None
    except yaml.reader.ReaderError as exc:  # a control character YAML does not allow
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        raise ThematicError("E103", path=path, line=line, detail=f"character "
                            f"U+{exc.character:04X} is not allowed in YAML (remove it)"
                            ) from None


def _syntax(exc, path: str) -> ThematicError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    detail = exc.problem or exc.context or "syntax error"
    return ThematicError("E103", path=path, line=line, detail=detail)


def _index(node, path: tuple, lines: dict) -> None:
    """Record the line of every key and item; duplicate keys are recorded for validation."""
    import yaml

    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark)
            line = key.start_mark.line + 1
            if name in seen:
                lines[("__duplicate__", *path, name)] = line
            seen[name] = line
            lines[(*path, name)] = line
            _index_value(value, (*path, name), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _index_value(item, (*path, i), lines)


def _index_value(node, path: tuple, lines: dict) -> None:
    import yaml

    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        line = lines.get(path)
        _index(node, path, lines)
        if line is not None:  # keep the key's own line for the key's path
            lines[path] = line


def _plain(value):
    """Dates and other YAML scalars become strings so the document is plain JSON."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return str(value)


def _kind(value) -> str:
    return {list: "list", str: "string", int: "number", float: "number",
            bool: "boolean"}.get(type(value), type(value).__name__)


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = ("id", "parent", "name", "codable", "definition", "include", "exclude", "cfir")
_FALSE = {"false", "no", "0", "n", "f"}


def read_csv(path: str | os.PathLike, *, name: str | None = None, version: str = "1.0.0",
             title: str | None = None) -> CodebookDoc:
    """A codebook from a sheet with one row per code: id, parent, name, definition (and
    optionally codable, include, exclude, cfir as ';'-separated ids). Rows are numbered as
    in a spreadsheet (the header is row 1)."""
    shown = str(path)
    text = _text(read_bytes(path), shown)
    dialect = "excel-tab" if Path(path).suffix.lower() == ".tsv" else "excel"
    from thematic.corpus.readers import strict_rows

    rows = strict_rows(text, Path(shown), dialect=dialect)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ThematicError("E011", path=shown)
    header = [h.strip().lower() for h in rows[0]]
    for needed in ("id", "name"):
        if needed not in header:
            raise ThematicError("E108", path=shown, column=needed, columns=", ".join(
                repr(h) for h in header))
    stem = Path(path).stem
    slug = "".join(ch if ch.isalnum() else "-" for ch in stem.lower()).strip("-") or "codebook"
    data: dict = {"name": name or slug, "version": version, "title": title or stem,
                  "codes": []}
    lines: dict[tuple, int] = {(): 1}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {h: formula_unsafe(row[i].strip() if i < len(row) else "")
                 for i, h in enumerate(header)}
        code: dict = {}
        for key in CSV_COLUMNS:
            value = cells.get(key, "")
            if not value:
                continue
            if key == "codable":
                code[key] = value.lower() not in _FALSE
            elif key == "cfir":
                code[key] = [v.strip() for v in value.replace(",", ";").split(";") if v.strip()]
            else:
                code[key] = value
        index = len(data["codes"])
        data["codes"].append({k: code[k] for k in CODE_KEYS if k in code})
        lines[("codes", index)] = number
        for key in code:
            lines[("codes", index, key)] = number
    lines[("codes",)] = 2
    return CodebookDoc(data=data, path=shown, unit="row", lines=lines)


# --- writing --------------------------------------------------------------------------------

def to_yaml(doc: CodebookDoc) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data) -> bool:  # never write anchors
            return True

    return yaml.dump(doc.data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=92,
                     default_flow_style=False)


def to_csv(doc: CodebookDoc) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for code in doc.codes:
        writer.writerow(safe_row([
            code.get("id", ""), code.get("parent", ""), code.get("name", ""),
            "" if code.get("codable", True) else "false", code.get("definition", ""),
            code.get("include", ""), code.get("exclude", ""), ";".join(code.get("cfir", []))]))
    return out.getvalue()


def _cell(value: object) -> str:
    text = " ".join(str(value or "").split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def to_markdown(doc: CodebookDoc) -> str:
    """The codebook as a Markdown appendix: one table row per code, indented by depth."""
    title = doc.title or doc.name
    lines = [f"# Codebook: {_cell(title)}", "",
             f"`{doc.name}`, version {_cell(doc.version)}; {len(doc.codes)} codes."]
    if doc.data.get("description"):
        lines += ["", _cell(doc.data["description"])]
    citation = doc.data.get("citation")
    if citation:
        cites = citation if isinstance(citation, list) else [citation]
        lines += ["", "Cite as:", ""] + [f"- {_cell(c)}" for c in cites]
    lines += ["", "| Code | Definition | Include | Exclude | CFIR |",
              "|---|---|---|---|---|"]
    for depth, code in doc.walk():
        indent = "&emsp;" * depth
        label = f"{indent}{_cell(code.get('name'))} (`{code.get('id')}`)"
        if code.get("codable", True) is False:
            label = f"{indent}**{_cell(code.get('name'))}** (`{code.get('id')}`)"
        cfir = ", ".join(f"`{c}`" for c in code.get("cfir", []))
        lines.append(f"| {label} | {_cell(code.get('definition'))} | "
                     f"{_cell(code.get('include'))} | {_cell(code.get('exclude'))} | {cfir} |")
    lines += ["", "Codes in bold are groupings that coders do not assign.", ""]
    return "\n".join(lines)


FORMATS = {"yaml": to_yaml, "csv": to_csv, "md": to_markdown}


def render(doc: CodebookDoc, fmt: str) -> str:
    """The codebook as text in ``fmt`` (yaml, csv or md)."""
    return FORMATS[fmt](doc)
