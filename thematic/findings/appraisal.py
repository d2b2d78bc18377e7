"""Study appraisal (CASP, JBI, MMAT …): per-study items and an overall rating.

The overall rating is on the scale GRADE-CERQual's methodological-limitations component
reads (Munthe-Kaas et al. 2018, Implementation Science 13(Suppl 1):9): a study has no or
very minor, minor, moderate or serious methodological limitations. A study with no row is
"not appraised"; thematic never assumes a rating.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from thematic.errors import ThematicError, nearest
from thematic.store import findings as db
from thematic.store.db import Store

RATINGS = ("no or very minor limitations", "minor limitations", "moderate limitations",
           "serious limitations")
NOT_APPRAISED = "not appraised"
SERIOUS = "serious limitations"
# What people write in the overall column, mapped onto the scale.
_ALIASES = {"no or very minor": RATINGS[0], "no limitations": RATINGS[0], "none": RATINGS[0],
            "no": RATINGS[0], "very minor": RATINGS[0], "minor": RATINGS[1],
            "moderate": RATINGS[2], "serious": RATINGS[3], "major": RATINGS[3],
            "not appraised": NOT_APPRAISED}
STUDY_COLUMNS = ("study", "study_id", "source", "id")
RATING_COLUMNS = ("overall", "rating", "overall_rating")


@dataclass
class AppraisalImport:
    path: str
    added: int = 0
    changed: int = 0
    ratings: dict[str, int] = field(default_factory=dict)


def rating(value: str) -> str | None:
    """``value`` on the scale (or "not appraised"), None when it is not a rating."""
    text = " ".join(str(value).lower().replace("_", " ").split())
    if text in RATINGS or text == NOT_APPRAISED:
        return text
    text = text.removesuffix(" limitations").removesuffix(" concerns").strip()
    return _ALIASES.get(text)


def ratings(store: Store) -> dict[str, str]:
    """study id → its overall rating, for the appraised studies."""
    return {sid: a.rating for sid, a in db.list_appraisals(store).items()}


def list_appraisals(store: Store) -> dict[str, db.Appraisal]:
    return db.list_appraisals(store)


def import_appraisal(store: Store, path: str | os.PathLike, *, root: Path | None = None
                     ) -> AppraisalImport:
    """Read a sheet with a study column, an overall rating column, an optional tool column
    and any item columns; every row is checked before anything is written."""
    from thematic.corpus import readers
    from thematic.files import display_path
    from thematic.store.corpus import list_sources

    path = Path(path)
    table = readers.open_sheet(path)
    lower = {c.strip().lower(): c for c in table.columns}
    study_col = next((lower[c] for c in STUDY_COLUMNS if c in lower), None)
    rating_col = next((lower[c] for c in RATING_COLUMNS if c in lower), None)
    if study_col is None or rating_col is None:
        raise ThematicError("E595", path=path, column="study" if study_col is None else
                            "overall", needed="study, overall", columns=", ".join(table.columns))
    tool_col = lower.get("tool")
    known = [s.id for s in list_sources(store)]
    known_set = set(known)
    items: list[db.Appraisal] = []
    seen: dict[str, int] = {}
    for row_no, row in table.rows:
        sid = row[study_col].strip()
        if sid not in known_set:
            raise ThematicError("E593", path=path, row=row_no, column=study_col, value=sid,
                                suggest=nearest(sid, known))
        if sid in seen:
            raise ThematicError("E596", path=path, row=row_no, value=sid, first=seen[sid])
        seen[sid] = row_no
        found = rating(row[rating_col])
        if found is None:
            raise ThematicError("E594", path=path, row=row_no, column=rating_col,
                                value=row[rating_col], choices=", ".join(
                                    (*RATINGS, NOT_APPRAISED)))
        extra = {k: v.strip() for k, v in row.items()
                 if k not in (study_col, rating_col, tool_col) and v.strip()}
        items.append(db.Appraisal(source_id=sid, rating=found, items=extra,
                                  tool=row[tool_col].strip() if tool_col else "",
                                  location=f"row {row_no}"))
    shown = display_path(path, root)
    result = AppraisalImport(shown)
    before = db.list_appraisals(store)
    with store.transaction(f"appraise import {shown}"):
        file_id = _register(store, path, shown)
        for item in items:
            if item.rating == NOT_APPRAISED:
                # the sheet withdraws a rating: the study is not appraised any more
                db.delete_appraisal(store, item.source_id)
                continue
            if item.source_id in before:
                result.changed += 1
            else:
                result.added += 1
            result.ratings[item.rating] = result.ratings.get(item.rating, 0) + 1
            db.upsert_appraisal(store, item, file_id)
        store.log("appraise import", shown, {"studies": [i.source_id for i in items],
                                             "ratings": result.ratings})
    return result


def _register(store: Store, path: Path, shown: str) -> int:
    from thematic.corpus.readers import sha256
    from thematic.store.corpus import add_file, find_file

    digest = sha256(path)
    found = find_file(store, shown, digest)
    return found if found is not None else add_file(store, shown, digest,
                                                    path.stat().st_size, "appraisal")
