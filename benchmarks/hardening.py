"""Hardening (issue 18): what the new checks cost.

- the parent-cycle check on a 10,000-code chain (it was cubic: over 600 s), against one
  pass that builds the parent map;
- the whole-file encoding scan of a 50 MB UTF-8 sheet, against decoding the same bytes.

Run: python benchmarks/hardening.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _common import best_of, row

from thematic.codebook.checks import _cycles
from thematic.codebook.model import CodebookDoc
from thematic.corpus.readers import _scan


def cycles() -> None:
    n = 10_000
    codes = [{"id": f"c{i}", "name": f"C {i}", **({"parent": f"c{i - 1}"} if i else {})}
             for i in range(n)]
    doc = CodebookDoc(data={"name": "x", "version": "1", "title": "X", "codes": codes},
                      path="x", unit="line", lines={})
    first = {c["id"]: i for i, c in enumerate(codes)}
    took = best_of(lambda: _cycles(doc, first), 3)
    base = best_of(lambda: {c["id"]: c.get("parent") for c in doc.codes}, 3)
    row("codebook: parent-cycle check, 10,000-code chain", f"{took * 1000:.1f} ms",
        f"building the parent map {base * 1000:.1f} ms", took / base)


def scan() -> None:
    line = "F1,1,Café — naïve peer support helped\n".encode()
    data = line * (50 * 2**20 // len(line))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.csv"
        path.write_bytes(data)
        took = best_of(lambda: _scan(path, None), 3)
        base = best_of(lambda: path.read_bytes().decode("utf-8"), 3)
    mb = len(data) / 2**20
    row("import: whole-file encoding scan, 50 MB UTF-8", f"{mb / took:,.0f} MB/s",
        f"read + decode {mb / base:,.0f} MB/s", took / base)


if __name__ == "__main__":
    cycles()
    scan()
