"""Telling a REFI-QDA XML file by its content, whatever its name says (``codebook.qdc.xml``,
``project.xml``): the first element after the XML declaration, comments and processing
instructions."""

from __future__ import annotations

import os
import re
from pathlib import Path

_HEAD = 4096
_ROOT = re.compile(r"<([A-Za-z_][\w.-]*:)?(CodeBook|Project)[\s>/]")
_SKIP = re.compile(r"\s*(<\?.*?\?>|<!--.*?-->)", re.S)


def refi_root(path: str | os.PathLike) -> str | None:
    """'CodeBook' or 'Project' when the file is REFI-QDA XML, else None."""
    try:
        with open(Path(path), "rb") as handle:
            head = handle.read(_HEAD)
    except OSError:
        return None
    text = head.decode("utf-8-sig", errors="ignore")
    pos = 0
    while m := _SKIP.match(text, pos):
        pos = m.end()
    m = _ROOT.match(text[pos:].lstrip())
    return m.group(2) if m else None
