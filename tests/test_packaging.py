"""A built wheel carries what an installed thematic needs: the demo's corpus and codebooks,
the report templates, the migrations, and runs the demo outside the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

# What the build reads: everything else in the checkout (tests, reports, .git) stays out.
SOURCES = ("setup.cfg", "pyproject.toml", "README.md", "LICENSE", "thematic", "corpus",
           "codebooks")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(REPO / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "--quiet", "--wheel-dir", str(out), str(source)],
                   check=True, capture_output=True, cwd=source)
    (built,) = out.glob("thematic-*.whl")
    return built


def _bundled_files() -> set[str]:
    names = {f"thematic/data/corpus/peer-support/{p.name}"
             for p in (REPO / "corpus" / "peer-support").iterdir()}
    names |= {f"thematic/data/codebooks/{p.name}" for p in (REPO / "codebooks").iterdir()}
    names |= {f"thematic/report/templates/{p.name}"
              for p in (REPO / "thematic" / "report" / "templates").glob("*.j2")}
    names |= {f"thematic/store/migrations/{p.name}"
              for p in (REPO / "thematic" / "store" / "migrations").glob("*.sql")}
    return names


@pytest.mark.slow
def test_wheel_carries_the_corpus_codebooks_and_templates(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert _bundled_files() <= names, sorted(_bundled_files() - names)
        for name in sorted(_bundled_files()):
            # thematic/data/X in the wheel is X at the repository's top level.
            in_repo = REPO / name.replace("thematic/data/", "", 1)
            assert archive.read(name) == in_repo.read_bytes(), name
    assert not [n for n in names if n.startswith(("tests/", "corpus/", "reports/"))]


@pytest.mark.slow
def test_demo_runs_from_the_wheel_outside_the_repository(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    # Only the unpacked wheel on the path: the checkout must not be what gets imported.
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import thematic; print(thematic.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(site)
    done = subprocess.run([sys.executable, "-m", "thematic", "demo", str(tmp_path / "x"),
                           "--embeddings", "tfidf"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✓ audit: 0 errors" in done.stdout
    assert (tmp_path / "x" / "reports" / "peer-support-synthesis.md").is_file()
