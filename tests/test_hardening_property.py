"""Issue 18, property-based: whatever bytes, CSV or YAML a user hands the readers, the
result is the file imported exactly, or one numbered ThematicError with the project
database byte-identical. Bounded examples keep this to a few seconds."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thematic.errors import ThematicError

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A project with study 1, whose database each example copies."""
    from thematic.project import init, open_store
    from thematic.store import corpus as db

    root = init(tmp_path_factory.mktemp("template") / "p")
    with open_store(root) as store, store.transaction("setup"):
        db.upsert_source(store, db.Source(id="1"), None)
    return root / ".thematic" / "project.db"


def attempt(template: Path, folder: Path, call):
    """Run ``call(store)`` on a copy of the template database: (result or the error, the
    database's bytes afterwards, the excerpts stored)."""
    from thematic.store.db import Store

    copy = folder / "project.db"
    shutil.copyfile(template, copy)
    for extra in ("-wal", "-shm"):
        Path(f"{copy}{extra}").unlink(missing_ok=True)
    outcome: object
    with Store(copy) as store:
        try:
            outcome = call(store)
        except ThematicError as exc:
            outcome = exc
        texts = [r[0] for r in store.query("SELECT text FROM excerpts ORDER BY position")]
    return outcome, copy.read_bytes(), texts


def _check(outcome, after: bytes, template: Path) -> None:
    if isinstance(outcome, ThematicError):
        assert outcome.code.startswith("E") and "\n" not in outcome.message
        assert after == template.read_bytes()


@SETTINGS
@given(rows=st.lists(TEXT, min_size=1, max_size=6))
def test_csv_of_any_text_imports_exactly_or_fails_cleanly(template, tmp_path, rows):
    from thematic.corpus.importer import import_excerpts

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "study_id", "text"])
    for i, text in enumerate(rows):
        writer.writerow([f"F{i}", "1", text])
    path = tmp_path / "f.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    outcome, after, texts = attempt(template, tmp_path, lambda s: import_excerpts(s, [path]))
    _check(outcome, after, template)
    if not isinstance(outcome, ThematicError):
        assert texts == [t for t in rows if t.strip()]
    else:  # the only text CSV cannot carry: NUL, or nothing to import at all
        assert outcome.code in {"E012", "E663"} or not any(t.strip() for t in rows) or \
            any("\x00" in t for t in rows), outcome.message


@SETTINGS
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".tsv", ".jsonl",
                                                             ".txt", ".md"]))
def test_random_bytes_import_or_fail_with_one_numbered_error(template, tmp_path, data,
                                                             suffix):
    from thematic.corpus.importer import ExcerptOptions, import_excerpts

    path = tmp_path / f"f{suffix}"
    path.write_bytes(data)
    options = ExcerptOptions(create_sources=True)
    outcome, after, _ = attempt(template, tmp_path,
                                lambda s: import_excerpts(s, [path], options))
    _check(outcome, after, template)


@SETTINGS
@given(prefix=st.sampled_from(["", "id,study_id,text\n", '{"text": "']),
       data=st.binary(max_size=200))
def test_damaged_sheets_import_or_fail_cleanly(template, tmp_path, prefix, data):
    from thematic.corpus.importer import ExcerptOptions, import_excerpts

    path = tmp_path / ("f.jsonl" if prefix.startswith("{") else "f.csv")
    path.write_bytes(prefix.encode() + data)
    options = ExcerptOptions(create_sources=True, source="1")
    outcome, after, _ = attempt(template, tmp_path,
                                lambda s: import_excerpts(s, [path], options))
    _check(outcome, after, template)


YAML_BITS = st.sampled_from(["name: x\n", "version: 1\n", "codes:\n", "  - id: a\n",
                             "    name: A\n", "    parent: a\n", "[", "]", "{", "}", "&a ",
                             "*a", "!!python/object ", "---\n", "? ", ": ", "- ", "'", '"',
                             "NaN", ".nan", "\t", "#", "\n", "9" * 30])


@SETTINGS
@given(parts=st.lists(YAML_BITS, max_size=25), tail=st.text(max_size=20))
def test_random_yaml_codebooks_load_or_fail_cleanly(template, tmp_path, parts, tail):
    from thematic.codebook import load

    path = tmp_path / "book.yaml"
    path.write_bytes(("".join(parts) + tail).encode("utf-8", "surrogatepass"))
    outcome, after, _ = attempt(template, tmp_path, lambda s: load(s, path))
    _check(outcome, after, template)
