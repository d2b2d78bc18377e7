"""Atomic file writes: a temp file in the target folder, renamed over the target on success,
so a failed or interrupted write leaves the old file (or none) in place."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from thematic.errors import ThematicError


def check_target(target: Path) -> None:
    """E672 for an output path that is a folder or a device (--out /dev/full): replacing it
    would fail, or, run as root, swap the device for a file."""
    if target.exists() and not target.is_file():
        kind = "a folder" if target.is_dir() else "not a regular file (a device or pipe)"
        raise ThematicError("E672", path=target, detail=f"it is {kind}")


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; it replaces ``path`` only if the block ends
    without an exception."""
    target = Path(path)
    check_target(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                   dir=target.parent)
    except PermissionError:
        raise ThematicError("E041", path=target.parent) from None
    except (FileExistsError, NotADirectoryError):
        raise ThematicError("E672", path=target, detail=f"{_first_file(target.parent)} is "
                            "in the way of its folder") from None
    except OSError as exc:
        if exc.errno == 28:  # ENOSPC
            raise ThematicError("E006", path=target) from None
        raise ThematicError("E672", path=target, detail=exc.strerror or str(exc)) from None
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.errno == 28:  # ENOSPC
            raise ThematicError("E006", path=target) from None
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# Spreadsheets run a cell that begins with = + - @ (or a tab/CR before one) as a formula:
# a finding quoted as "=HYPERLINK(...)" would become a live link in Excel. CSV exports
# prefix such cells with ' (as OWASP advises); `thematic --keep-formulas` turns it off.
ESCAPE_FORMULAS = True
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def formula_safe(cell: object) -> object:
    """``cell`` as a CSV export writes it: text a spreadsheet would run gets a leading '."""
    if not ESCAPE_FORMULAS or not isinstance(cell, str) or not _FORMULA.match(cell) \
            or _NUMBER.match(cell):
        return cell
    return "'" + cell


def formula_unsafe(cell: str) -> str:
    """The inverse, for thematic's own readers of the sheets it wrote."""
    if cell.startswith("'") and _FORMULA.match(cell[1:]) and not _NUMBER.match(cell[1:]):
        return cell[1:]
    return cell


def safe_row(cells) -> list:
    return [formula_safe(c) for c in cells]


def _first_file(folder: Path) -> Path:
    """The nearest ancestor of ``folder`` that exists but is not a folder."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate if not candidate.is_dir() else folder
    return folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, data: str | bytes) -> Path:
    with atomic_path(path) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8", newline="\n")
        else:
            tmp.write_bytes(data)
    return Path(path)


def display_path(path: Path, root: Path | None) -> str:
    """Relative to the project when inside it (so the project folder can move), else absolute."""
    path = Path(path).resolve()
    if root is not None:
        try:
            return path.relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()
