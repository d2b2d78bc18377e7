"""The sheet import's fast path (tuples joined once per row, attribute JSON with keys quoted
once per sheet, ASCII scan) stores exactly what the per-row reference does: every excerpt
column and the row ledger, on a sheet of hostile values; NUL and lone surrogates are still
refused by cell."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest

HOSTILE = ['plain', 'say "hi", then\nleave', 'é ß 中文 😀 \u2028', '  padded  ', "tab\there",
           '\\ back \\"slash', "'single'", "", " ", "x,y;z|w", "\r\nCRLF\r\n", "—"]


def sheet(path, n: int = 150) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "study_id", "finding", "Section", "section", "zeta", "ä note"])
        for i in range(n):
            h = HOSTILE[i % len(HOSTILE)]
            g = HOSTILE[(i * 5 + 3) % len(HOSTILE)]
            row = [f"F{i}", f"S{i % 7}", f"Finding {i}: {h}", g, h, "" if i % 3 else g,
                   f"{i}"]
            if i % 11 == 0:
                row = row[:5]          # a short row: the missing cells are empty
            w.writerow(row)
            if i % 17 == 0:
                w.writerow(["", " ", ""])   # a blank row, skipped


def reference(path) -> list[tuple]:
    """What the per-row reader stored: a dict per row, json.dumps, sha256."""
    with open(path, encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh, strict=True))
    columns, out = records[0], []
    for record in records[1:]:
        if not any(c.strip() for c in record):
            continue
        row = dict(zip(columns, record + [""] * (len(columns) - len(record))))
        attrs = {k: v for k, v in row.items()
                 if k not in ("id", "study_id", "finding") and v.strip()}
        text = row["finding"]
        out.append((row["id"], row["study_id"], text,
                    hashlib.sha256(text.encode("utf-8")).hexdigest(), 0, len(text),
                    json.dumps(attrs, sort_keys=True, ensure_ascii=False)))
    return out


def test_a_hostile_sheet_is_stored_as_the_reference_and_ledger_verifies(tmp_path, monkeypatch):
    from contextlib import nullcontext

    from thematic.corpus.importer import ExcerptOptions, import_excerpts
    from thematic.project import init, open_store
    from thematic.store import bulk
    from thematic.store.ledger import changed_rows

    path = tmp_path / "hostile.csv"
    sheet(path)
    stored = {}
    for name, fast in (("bulk", True), ("trigger", False)):
        root = init(tmp_path / name)
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(bulk, "ledger_in_bulk", lambda store, table: nullcontext())
            with open_store(root) as store:
                import_excerpts(store, [path], ExcerptOptions(create_sources=True))
                rows = [tuple(r) for r in store.query(
                    "SELECT id, source_id, text, text_sha, start, end, attributes, location, "
                    "position, file_id, speaker, role, language, context FROM excerpts "
                    "ORDER BY position")]
                assert changed_rows(store) == {}
                ledger = [tuple(r) for r in store.query(
                    "SELECT key, v FROM ledger_excerpts ORDER BY key")]
        stored[name] = (rows, ledger)
    rows, ledger = stored["bulk"]
    assert [r[:7] for r in rows] == reference(path)
    assert len(rows) == 150 and stored["bulk"] == stored["trigger"]


# (a UTF-16 decoder refuses lone surrogates itself, E016; _checked's own test covers them)
@pytest.mark.parametrize("cell, problem", [("a\x00b", "NUL"), ("\x00", "NUL")])
def test_a_nul_in_a_sheet_is_refused_by_row_and_column(tmp_path, cell, problem):
    from thematic.corpus.readers import open_sheet
    from thematic.errors import ThematicError

    path = tmp_path / "bad.csv"
    path.write_text(f"id,finding,note\nF1,fine,ok\nF2,also fine,{cell}\n", encoding="utf-16")
    with pytest.raises(ThematicError) as err:
        list(open_sheet(path, encoding="utf-16").rows)
    assert err.value.code == "E663" and "note" in str(err.value) and "row 3" in str(err.value) and problem in str(err.value)
