"""REFI-QDA GUIDs remembered from imports (the interop room owns the logic)."""

from __future__ import annotations

from thematic.store.db import Store


def guids(store: Store, kind: str) -> dict[str, str]:
    """key → GUID for one kind of object (code, user, excerpt, case, coding, ...)."""
    return {r[0]: r[1] for r in store.query("SELECT key, guid FROM refi_guids WHERE kind = ?",
                                            (kind,))}


def remember(store: Store, rows: list[tuple[str, str, str]]) -> None:
    """Record (kind, key, guid); an object that already has a GUID keeps it."""
    store.executemany("INSERT OR IGNORE INTO refi_guids (kind, key, guid) VALUES (?, ?, ?)",
                      rows)
