"""Issue 18: a damaged, empty, foreign or read-only project database, and a full disk —
each one numbered line with the fix, and nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from thematic.cli.main import cli


def invoke(project: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(project), *map(str, args)],
                              catch_exceptions=False)


def one_line(result, code: str, exit_code: int = 2) -> str:
    assert result.exit_code == exit_code, result.output
    assert result.output.startswith(f"Error: [{code}] "), result.output
    assert result.output.count("\n") == 1, result.output
    assert "This is a bug" not in result.output
    return result.output


def _empty(db: Path) -> None:
    db.write_bytes(b"")


def _flipped(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[:16] = b"XQLite format 3\x00"
    db.write_bytes(bytes(data))


def _folder(db: Path) -> None:
    db.unlink()
    db.mkdir()


def _devnull(db: Path) -> None:
    db.unlink()
    db.symlink_to("/dev/null")


def _missing(db: Path) -> None:
    db.unlink()


def _pages(db: Path) -> None:
    data = bytearray(db.read_bytes())
    for i in range(4096, len(data), 7):  # every page after the first
        data[i] ^= 0x5A
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("damage,words", [
    (_empty, "is empty (0 bytes)"),
    (_flipped, "is not a SQLite database"),
    (_folder, "is a folder"),
    (_devnull, "is not a regular file"),
    (_missing, "is missing"),
    (_pages, "is damaged"),
])
@pytest.mark.parametrize("command", [("status",), ("audit",), ("import", "studies", "x.csv")])
def test_damaged_database_is_refused_with_the_fix(project, damage, words, command):
    db = project / ".thematic" / "project.db"
    damage(db)
    before = db.read_bytes() if db.is_file() and not db.is_symlink() else None
    line = one_line(invoke(project, *command), "E667")
    assert words in line
    assert "Restore .thematic/project.db from a backup" in line
    if before is not None:
        assert db.read_bytes() == before


def test_missing_schema_table(project):
    import sqlite3

    db = project / ".thematic" / "project.db"
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE schema_version")
    before = db.read_bytes()
    line = one_line(invoke(project, "status"), "E667")
    assert "no schema_version table" in line
    assert db.read_bytes() == before


def test_missing_data_table(project):
    import sqlite3

    db = project / ".thematic" / "project.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DROP TABLE events")
    before = db.read_bytes()
    line = one_line(invoke(project, "log"), "E667")
    assert "is damaged (SQLite: no such table: events)" in line
    assert db.read_bytes() == before


def test_init_still_creates_and_refuses_twice(tmp_path):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "new")])
    assert result.exit_code == 0
    assert (tmp_path / "new" / ".thematic" / "project.db").stat().st_size > 0


@pytest.fixture
def readonly(project, monkeypatch):
    """The database as a read-only disk presents it: SQLite opens it, but every write, the
    switch to WAL and the creation of its -shm file fail with 'readonly database'."""
    import sqlite3

    from thematic.store import db as dbmod

    real = dbmod._open
    db = project / ".thematic" / "project.db"
    with sqlite3.connect(db) as conn:  # a project copied off a read-only medium
        conn.execute("PRAGMA journal_mode = DELETE")

    def read_only(path, mode):
        return real(path, "ro")

    monkeypatch.setattr(dbmod, "_open", read_only)
    return project


def test_readonly_project_reads_and_refuses_writes(readonly, tmp_path):
    db = readonly / ".thematic" / "project.db"
    before = db.read_bytes()
    status = invoke(readonly, "status")
    assert status.exit_code == 0, status.output
    assert status.output.startswith(f"Project {readonly}\n")
    audit = invoke(readonly, "audit")
    assert audit.exit_code == 0, audit.output
    (tmp_path / "s.csv").write_text("id,title\n1,A\n")
    line = one_line(invoke(readonly, "import", "studies", tmp_path / "s.csv"), "E668")
    assert "is read-only" in line and "`thematic import studies` writes to it" in line
    assert db.read_bytes() == before


def test_readonly_demo_project_reports_elsewhere(tmp_path, monkeypatch):
    """A built project on a read-only disk still renders its report to another folder."""
    from thematic.project import init
    from thematic.store import db as dbmod

    project = init(tmp_path / "p")
    (tmp_path / "s.csv").write_text("id,title,year\n1,A study,2021\n")
    assert invoke(project, "import", "studies", tmp_path / "s.csv").exit_code == 0
    (tmp_path / "f.csv").write_text("id,study_id,text\nF1,1,Hope grew in the peer group.\n")
    assert invoke(project, "import", "excerpts", tmp_path / "f.csv").exit_code == 0
    real = dbmod._open
    monkeypatch.setattr(dbmod, "_open", lambda path, mode: real(path, "ro"))
    db = project / ".thematic" / "project.db"
    before = db.read_bytes()
    out = tmp_path / "elsewhere" / "r.md"
    result = invoke(project, "report", "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("#")
    assert db.read_bytes() == before


def test_disk_full_in_a_large_import_reports_e006_and_keeps_the_database(project, tmp_path):
    """SQLite undoes the transaction itself when the disk fills; the error must still be
    E006 (it was 'cannot rollback - no transaction is active')."""
    from thematic.corpus import importer
    from thematic.errors import ThematicError
    from thematic.project import open_store
    from thematic.store import corpus as db

    rows = "".join(f"F{i},1,{'word ' * 40}{i}\n" for i in range(20_000))
    (tmp_path / "big.csv").write_text("id,study_id,text\n" + rows)
    with open_store(project) as store:
        with store.transaction("setup"):
            db.upsert_source(store, db.Source(id="1"), None)
        store.execute(f"PRAGMA max_page_count = {store.scalar('PRAGMA page_count') + 50}")
        with pytest.raises(ThematicError, match=r"^\[E006\] The disk filled up"):
            importer.import_excerpts(store, [tmp_path / "big.csv"])
        assert store.scalar("SELECT COUNT(*) FROM excerpts") == 0
        assert not store.conn.in_transaction
