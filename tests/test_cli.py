"""CLI conventions: start-up imports, project discovery, errors, the event log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, db_bytes

from thematic.cli.main import cli
from thematic.corpus.importer import CHUNK

HEAVY = ("spacy", "pandas", "torch", "bertopic", "sklearn", "numpy", "scipy", "networkx",
         "matplotlib", "jinja2", "umap", "hdbscan", "sentence_transformers", "openpyxl",
         "docx", "yaml", "jsonschema")


def test_help_imports_nothing_heavy():
    code = ("import sys; from thematic.cli.main import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_every_command_has_help():
    runner = CliRunner()
    names = cli.list_commands(None)
    assert {"init", "import", "excerpts", "status"} <= set(names)
    for name in names:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        command = cli.get_command(None, name)
        assert command.help, f"{name} has no help text"


def test_init_and_status_exact(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["init", str(tmp_path / "review")])
    assert result.output == f"Created project {tmp_path / 'review'}\n"
    assert sorted(p.name for p in (tmp_path / "review").iterdir()) == [
        ".thematic", "codebooks", "corpus", "reports"]
    again = runner.invoke(cli, ["init", str(tmp_path / "review")])
    assert again.exit_code == 2
    assert again.output == (f"Error: [E002] {tmp_path / 'review'} is already a thematic "
                            "project. Use it as it is, or choose another folder.\n")
    status = runner.invoke(cli, ["--project", str(tmp_path / "review"), "status"])
    assert status.output == (
        f"Project {tmp_path / 'review'}\n"
        "what        count\n"
        "----------  -----\n"
        "studies     0\n"
        "excerpts    0\n"
        "files       0\n"
        "codebooks   0\n"
        "codes       0\n"
        "codings     0\n"
        "themes      0\n"
        "topic runs  0\n"
        "memos       0\n"
        "events      1\n")


def test_project_found_upwards_and_by_env(project, monkeypatch):
    deep = project / "corpus" / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    runner = CliRunner()
    assert json.loads(runner.invoke(cli, ["status", "--json"]).output)["project"] == \
        str(project)
    monkeypatch.chdir(project.parent)
    missing = runner.invoke(cli, ["status"])
    assert missing.exit_code == 2
    assert missing.output.startswith(f"Error: [E001] No thematic project in {project.parent}")
    monkeypatch.setenv("THEMATIC_PROJECT", str(project))
    assert runner.invoke(cli, ["status"]).exit_code == 0
    monkeypatch.setenv("THEMATIC_PROJECT", str(project.parent))
    assert "[E003]" in runner.invoke(cli, ["status"]).output


def test_debug_shows_traceback(project, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["--project", str(project), "--debug", "import", "excerpts",
                                 str(tmp_path / "none.csv")])
    assert result.exit_code == 1  # the exception propagates instead of a clean exit 2
    assert type(result.exception).__name__ == "ThematicError"


def test_event_log_is_append_only_and_chained(store, tmp_path):
    import sqlite3

    from thematic.corpus.importer import import_studies
    from thematic.store.db import GENESIS, event_hash

    (tmp_path / "s.csv").write_text("id,title\n1,A\n")
    import_studies(store, tmp_path / "s.csv")
    events = list(store.events())
    assert [e.action for e in events] == ["init", "import studies"]
    prev = GENESIS
    for e in events:
        body = json.dumps(e.payload, sort_keys=True, ensure_ascii=False)
        assert e.prev_hash == prev
        assert e.hash == event_hash(prev, e.ts, e.actor, e.command, e.action, e.entity, body)
        prev = e.hash
    assert events[1].actor == "tester"
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.execute("UPDATE events SET actor = 'mallory'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.execute("DELETE FROM events")


def test_migrations_are_recorded_once(store):
    from thematic.store.db import migrations

    versions = [r[0] for r in store.query("SELECT version FROM schema_version")]
    assert versions == [v for v, _, _ in migrations()]
    assert store.migrate() == []


def test_newer_schema_is_refused(project):
    import sqlite3

    from thematic.store.db import Store

    db = project / ".thematic" / "project.db"
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_version VALUES (9999, 'future', 'x')")
    with pytest.raises(Exception, match="E004"):
        Store(db)


def test_disk_full_rolls_back(store, tmp_path, monkeypatch):
    """A write that fails with SQLite's disk-full error leaves nothing and says so."""
    import sqlite3

    from thematic.corpus import importer
    from thematic.errors import ThematicError

    (tmp_path / "s.csv").write_text("id,title\n1,A\n2,B\n")
    real = importer.db.upsert_source
    calls = []

    def full(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise sqlite3.OperationalError("database or disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(importer.db, "upsert_source", full)
    with pytest.raises(ThematicError, match="E006"):
        importer.import_studies(store, tmp_path / "s.csv")
    assert store.scalar("SELECT COUNT(*) FROM sources") == 0


# Runs the CLI in a real process whose first batch of excerpts, once written, sends the
# process a SIGINT: the signal arrives at a known point, mid-import, with rows written.
INTERRUPTED_IMPORT = """
import os, signal, sys
from thematic.store import corpus
from thematic.cli.main import cli

insert = corpus.insert_excerpts

def insert_then_interrupt(store, rows):
    insert(store, rows)
    os.kill(os.getpid(), signal.SIGINT)

corpus.insert_excerpts = insert_then_interrupt
# Python turns SIGINT into KeyboardInterrupt only when the signal was not ignored at start,
# and a test run started in the background (`make test &`, some CI shells) passes SIGINT on
# ignored: handle it as Python does in a terminal.
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.argv = ["thematic", *sys.argv[1:]]
cli()
"""


def test_ctrl_c_in_a_real_process(project, tmp_path):
    """SIGINT in the middle of an import: exit 130, one line, database unchanged."""
    with open(tmp_path / "big.csv", "w") as fh:
        fh.write("id,study_id,text\n")
        for i in range(3 * CHUNK):
            fh.write(f"F{i},S{i % 50},Peer support finding number {i} about hope.\n")
    before = db_bytes(project)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", INTERRUPTED_IMPORT, "--project", str(project),
                           "import", "excerpts", str(tmp_path / "big.csv"), "--create-sources"],
                          capture_output=True, text=True, env=env, timeout=300)
    err = proc.stderr
    assert proc.returncode == 130, err
    assert err == "Error: interrupted; the command's changes were rolled back.\n"
    assert db_bytes(project) == before


def test_two_writers_both_survive(project, tmp_path):
    """Two processes importing at once: the busy timeout serialises them; both land."""
    for name in ("a", "b"):
        (tmp_path / f"{name}.csv").write_text(
            "id,study_id,text\n" + "".join(f"{name}{i},1,Text {name} {i}.\n"
                                             for i in range(3000)))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-m", "thematic", "--project", str(project),
                               "import", "excerpts", str(tmp_path / f"{n}.csv"),
                               "--create-sources"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for n in ("a", "b")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    from thematic.project import open_store

    with open_store(project) as store:
        assert store.scalar("SELECT COUNT(*) FROM excerpts") == 6000


def test_no_traceback_for_unexpected_errors(project, monkeypatch):
    from thematic import corpus

    def boom(store):
        raise ValueError("kaput")

    monkeypatch.setattr(corpus, "counts", boom)
    result = CliRunner().invoke(cli, ["--project", str(project), "status"])
    assert result.exit_code == 2
    assert result.output == ("Error: unexpected ValueError: kaput. This is a bug in thematic; "
                             "run again with --debug for the traceback and report it.\n")


def test_repository_layout():
    for name in ("thematic", "codebooks", "corpus", "reports", "tests", "benchmarks",
                 "setup.cfg", "README.md", "pyproject.toml", "Makefile", "LICENSE"):
        assert (REPO / name).exists(), name
    import tomllib

    assert set(tomllib.loads((REPO / "pyproject.toml").read_text())) == {"build-system"}
    assert os.access(REPO / ".ci" / "run", os.X_OK)
    assert Path(REPO / ".ci" / "run").read_text().rstrip().endswith("make test")


def test_broken_pipe_is_quiet(project, tmp_path, run):
    # 5,000 rows list to over 100 KB, more than a pipe holds (64 KiB): the writer meets the
    # closed pipe. The import runs here; only the listing needs a process of its own.
    rows = "".join(f"F{i},1,Text {i}.\n" for i in range(5000))
    (tmp_path / "f.csv").write_text("id,study_id,text\n" + rows)
    assert run("import", "excerpts", tmp_path / "f.csv", "--create-sources").exit_code == 0
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    base = [sys.executable, "-m", "thematic", "--project", str(project)]
    listing = subprocess.Popen([*base, "excerpts", "list"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    listing.stdout.readline()
    listing.stdout.close()  # like `| head -1`
    err = listing.stderr.read()
    assert listing.wait(timeout=60) == 141
    assert err == b""


def test_source_date_epoch_fixes_the_clock(monkeypatch):
    from thematic.store.db import now

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795564800")
    assert now() == "2026-11-25T00:00:00Z"
