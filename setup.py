"""Ship the bundled review inside the package.

The repository keeps the worked example's corpus and codebooks at its top level, where a
reader of the checkout finds them; a built wheel carries a copy under ``thematic/data/`` so
that an installed ``thematic demo`` has them too (``thematic.demo.bundled`` looks there).
Everything else about the package is declared in setup.cfg."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# Folder in the repository -> folder under thematic/data/ in the wheel.
BUNDLED = {"corpus/peer-support": "corpus/peer-support", "codebooks": "codebooks"}


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            # An editable install imports the checkout, whose top-level folders are read.
            return
        for source, target in BUNDLED.items():
            shutil.copytree(HERE / source, Path(self.build_lib, "thematic", "data", target),
                            dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPy})
