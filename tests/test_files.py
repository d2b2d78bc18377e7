"""Atomic writes: all or nothing, with the mode a plain write would give."""

from __future__ import annotations

import os
import stat

import pytest

from thematic.files import atomic_path, atomic_write


def test_atomic_write_replaces_and_keeps_normal_mode(tmp_path):
    target = tmp_path / "out" / "report.md"
    atomic_write(target, "one")
    atomic_write(target, "two")
    assert target.read_text() == "two"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in target.parent.iterdir()] == ["report.md"]


def test_failure_leaves_the_old_file(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk trouble")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_unwritable_folder_is_a_clear_error(locked):
    from thematic.errors import ThematicError

    with pytest.raises(ThematicError, match=r"\[E041\] Folder .*locked is not writable"):
        atomic_write(locked / "x.md", "x")
