"""Shared fixtures: a fresh project, a CliRunner bound to it, the bundled corpus paths."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus" / "peer-support"
CODEBOOKS = REPO / "codebooks"
DATA = Path(__file__).resolve().parent / "data"

# Before any test loads torch: the portable kernels that make embeddings machine-independent
# are chosen by environment variables read when torch loads (see thematic.embeddings).
import thematic.embeddings  # noqa: E402, F401

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ["THEMATIC_USER"] = "tester"


def _parse_each_big_codebook_once() -> None:
    """The shipped codebooks (50 to 100 KB of YAML) are read by dozens of tests, and the
    pure-Python YAML parser takes 0.2 to 0.4 s of CPU each time. ``_read_yaml`` is a pure
    function of its text and the name it shows, so a text that long is parsed once per test
    process and every later read gets a deep copy of that first result. Shorter texts (every
    codebook a test writes itself, the generated ones included) and failing reads always go
    through the reader."""
    import copy

    from thematic.codebook import io

    real, parsed = io._read_yaml, {}

    def read(text: str, shown: str):
        if len(text) < 20_000:
            return real(text, shown)
        if (text, shown) not in parsed:
            parsed[text, shown] = real(text, shown)
        return copy.deepcopy(parsed[text, shown])

    io._read_yaml = read


_parse_each_big_codebook_once()


def _commit_without_fsync() -> None:
    """Project databases opened by the tests in this process skip fsync (``PRAGMA
    synchronous = OFF`` after the store's own ``FULL``). What a transaction writes, rolls
    back and shows to other connections is the same; only durability against a power cut
    differs, which no test can observe. The fast tier commits thousands of transactions at
    a few milliseconds of disk wait each. Tests that start ``thematic`` in a subprocess
    (concurrency, interruption) run the store exactly as shipped."""
    from thematic.store.db import Store

    setup = Store._setup

    def without_fsync(self: Store) -> None:
        setup(self)
        self.conn.execute("PRAGMA synchronous = OFF")

    Store._setup = without_fsync  # type: ignore[method-assign]


_commit_without_fsync()

# A worker's heap holds spaCy, matplotlib and pandas once their tests have run; with the
# default thresholds every tenth young collection walks all of it (about 3 s of CPU per
# worker). Ten times rarer full collections still free cycles within a few tests.
gc.set_threshold(700, 10, 100)


_INITIALISED: dict[tuple, Path] = {}


@pytest.fixture
def project(tmp_path: Path, tmp_path_factory) -> Path:
    """An empty project folder: a copy of one ``thematic init`` made once per test process.

    ``init`` applies every migration in its own synchronous transaction (a dozen fsyncs,
    about a tenth of a second); copying the result costs a millisecond, and most tests start
    from an empty project. The copy differs from a fresh init only in the folder its init
    event names and that event's time. The environment the init event records (user, audit
    key, fixed clock) keys the template, so a test that sets them still gets its own.
    """
    import shutil

    from thematic.project import init

    key = tuple(os.environ.get(name) for name in
                ("THEMATIC_USER", "THEMATIC_AUDIT_KEY", "SOURCE_DATE_EPOCH"))
    if key not in _INITIALISED:
        _INITIALISED[key] = init(tmp_path_factory.mktemp("initialised") / "proj")
    root = (tmp_path / "proj").resolve()
    shutil.copytree(_INITIALISED[key], root)
    return root


@pytest.fixture
def store(project: Path):
    from thematic.project import open_store

    with open_store(project) as handle:
        yield handle


@pytest.fixture
def run(project: Path):
    """run("import", "studies", path) → click Result, with --project set."""
    from thematic.cli.main import cli

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, ["--project", str(project), *map(str, args)], input=input,
                             catch_exceptions=False)

    return invoke


def db_bytes(project: Path) -> bytes:
    """The database file's bytes once every connection is closed (WAL checkpointed)."""
    return (project / ".thematic" / "project.db").read_bytes()


@pytest.fixture
def locked(tmp_path: Path, monkeypatch):
    """A folder that refuses new files: read-only, and, since root writes through permission
    bits, with tempfile.mkstemp refusing as a read-only folder would."""
    import tempfile

    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    if os.geteuid() == 0:
        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    yield folder
    folder.chmod(0o700)
