"""The README's CLI reference is generated from the click help and must not go stale."""

from __future__ import annotations

from conftest import REPO

from thematic.cli.reference import END, START, section


def test_cli_reference_is_fresh():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    current = text[text.index(START): text.index(END) + len(END)]
    assert current == section(), "README is stale: run `python -m thematic.cli.reference`"


def test_readme_names_the_two_commands():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
