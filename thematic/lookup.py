"""Finding the one thing a user named: a codebook (version), a topic run, a theme, an excerpt.

Library functions and CLI commands resolve what they are given through these lookups, so
that every "no such X" says the same thing, with the nearest name and how to list them, and
raises one catalogued error per kind:

- ``codebook(store, ref)``: E150 when no codebook is loaded, E106 for an unknown name,
  E107 for a version the codebook does not have;
- ``topic_run(store, run_id)``: E252;
- ``theme(store, ident)``: E250;
- ``excerpt(store, excerpt_id)``: E030;
- ``study(store, study_id)``: E031.
"""

from __future__ import annotations

from thematic.errors import ThematicError, nearest
from thematic.store import codebooks as codebooks_db
from thematic.store import corpus as corpus_db
from thematic.store import themes as themes_db
from thematic.store import topics as topics_db
from thematic.store.db import Store

__all__ = ["codebook", "excerpt", "study", "theme", "topic_run"]


def codebook(store: Store, ref: str | None = None) -> codebooks_db.Codebook:
    """A stored codebook version: ``None`` (the current codebook loaded last), ``NAME`` (its
    current version), ``NAME@ID`` or ``@ID``/``#ID`` (that stored version)."""
    books = codebooks_db.list_codebooks(store)
    if not books:
        raise ThematicError("E150")
    if ref is None:
        found = codebooks_db.get_codebook(store)
        if found is None:
            raise ThematicError("E150")
        return found
    if ref.startswith("#"):
        name, number = "", ref[1:]
    elif "@" in ref:
        name, number = ref.split("@", 1)
    else:
        name, number = ref, ""
    names = sorted({b.name for b in books})
    if not number:
        found = codebooks_db.get_codebook(store, name)
        if found is None:
            raise ThematicError("E106", value=ref, suggest=nearest(ref, names))
        return found
    if not number.isdigit():
        raise ThematicError("E106", value=ref, suggest=nearest(name, names))
    found = codebooks_db.get_codebook(store, id=int(number))
    if found is None or (name and found.name != name):
        if name and name in names:
            versions = ", ".join(f"#{b.id}" for b in books if b.name == name)
            raise ThematicError("E107", name=name, value=number, versions=versions)
        raise ThematicError("E106", value=ref, suggest=nearest(name or ref, names))
    return found


def topic_run(store: Store, run_id: int | None = None) -> int:
    """The id of topic run ``run_id``, else of the latest run."""
    chosen = run_id if run_id is not None else topics_db.latest_run_id(store)
    if chosen is None or topics_db.get_run(store, chosen) is None:
        runs = [str(r.id) for r in topics_db.list_runs(store)]
        raise ThematicError("E252", value=run_id if run_id is not None else "(none yet)",
                            suggest=nearest(str(run_id), runs) if runs else "")
    return chosen


def theme(store: Store, ident: str) -> themes_db.Theme:
    """One theme by id, else by its exact name ignoring case."""
    found = themes_db.get_theme(store, ident)
    if found is not None:
        return found
    by_name = {n.casefold(): i for n, i in themes_db.theme_names(store).items()}
    if str(ident).casefold() in by_name:
        named = themes_db.get_theme(store, by_name[str(ident).casefold()])
        if named is not None:
            return named
    raise ThematicError("E250", value=ident, suggest=nearest(ident, themes_db.theme_ids(store)))


def excerpt(store: Store, excerpt_id: str) -> corpus_db.Excerpt:
    found = corpus_db.get_excerpt(store, excerpt_id)
    if found is None:
        raise ThematicError("E030", value=excerpt_id,
                            suggest=nearest(excerpt_id, corpus_db.all_excerpt_ids(store)))
    return found


def study(store: Store, study_id: str) -> str:
    """The id of the study (source) ``study_id`` names; E031 when there is none, so that a
    misspelt ``--source`` is not read as "no excerpts"."""
    known = corpus_db.source_ids(store)
    if study_id not in known:
        raise ThematicError("E031", value=study_id, suggest=nearest(study_id, sorted(known)))
    return study_id


def neighbours(store: Store, found: corpus_db.Excerpt, around: int = 1
               ) -> tuple[list[corpus_db.Excerpt], list[corpus_db.Excerpt]]:
    """Up to ``around`` excerpts before and after ``found`` in its file (a turn's context)."""
    return corpus_db.neighbours(store, found, around)
