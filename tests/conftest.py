"""Shared fixtures: a fresh project, a CliRunner bound to it, the bundled corpus paths."""

from __future__ import annotations

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


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder (``thematic init``)."""
    from thematic.project import init

    return init(tmp_path / "proj")


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
