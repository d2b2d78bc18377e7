"""``--where``: a small filter language for choosing excerpts.

    TERM [and TERM ...]        every term must hold
    FIELD=VALUE                equal, ignoring case and surrounding spaces
    FIELD=V1|V2                any of the values
    FIELD!=VALUE               none of the values
    FIELD~WORDS                contains, ignoring case

FIELD is ``id``, ``source`` (or ``study``), ``text``, an excerpt attribute (a column the
excerpt sheet had beyond id/study/text, e.g. ``section``, ``finding_type``), or a study
field or attribute (``design``, ``country``, ``year``, ``population``, ``setting``,
``intervention_type`` …). Examples: ``source=15``, ``section=Barriers``,
``source=3|15 and text~stigma``, ``design~qualitative and section!=Outcomes``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from thematic.errors import ThematicError, nearest
from thematic.store import corpus as corpus_db
from thematic.store.db import Store

_TERM = re.compile(r"^\s*([A-Za-z_][\w.-]*)\s*(!=|=|~)\s*(.*?)\s*$", re.S)
_AND = re.compile(r"\s+and\s+|\s*&&?\s*", re.I)
_BUILTIN = {"id": "id", "source": "source", "study": "source", "source_id": "source",
            "study_id": "source", "text": "text"}


@dataclass(frozen=True)
class Term:
    field: str
    op: str
    values: tuple[str, ...]


def parse(query: str) -> list[Term]:
    terms = []
    for part in _AND.split(query.strip()):
        if not part.strip():
            raise ThematicError("E157", query=query, problem="an empty term", suggest="")
        m = _TERM.match(part)
        if not m:
            raise ThematicError("E157", query=query,
                                problem=f"cannot read the term {part.strip()!r}", suggest="")
        field, op, value = m.group(1).lower(), m.group(2), m.group(3)
        values = tuple(v.strip().lower() for v in value.split("|")) if op != "~" else \
            (value.strip().lower(),)
        if not any(values):
            raise ThematicError("E157", query=query, problem=f"no value after {field}{op}",
                                suggest="")
        terms.append(Term(_BUILTIN.get(field, field), op, values))
    return terms


def select(store: Store, query: str | None, *, analysed: bool = False
           ) -> list[corpus_db.Excerpt]:
    """The excerpts (in import order) that satisfy ``query`` (all of them when None);
    ``analysed`` leaves out excluded excerpts and interviewer turns."""
    if query is None or not query.strip():
        return corpus_db.list_excerpts(store, analysed=analysed)
    terms = parse(query)
    source = next((t.values[0] for t in terms if t.field == "source" and t.op == "="
                   and len(t.values) == 1), None)
    excerpts = corpus_db.list_excerpts(store, source=source, analysed=analysed)
    studies = {s.id: s for s in corpus_db.list_sources(store)}
    known = _fields(excerpts, studies)
    for term in terms:
        if term.field not in known:
            raise ThematicError("E157", query=query, problem=f"no field {term.field!r}",
                                suggest=nearest(term.field, sorted(known)))
    return [e for e in excerpts if all(_holds(t, _value(t.field, e, studies)) for t in terms)]


def select_texts(store: Store, query: str | None, *, analysed: bool = False
                 ) -> list[tuple[str, str, str | None]]:
    """``select`` as (id, text, language) tuples, what auto-coding reads: without a query,
    one query and no object per excerpt."""
    if query is None or not query.strip():
        return corpus_db.excerpt_texts(store, analysed=analysed)
    return [(e.id, e.text, e.language) for e in select(store, query, analysed=analysed)]


def _fields(excerpts: list[corpus_db.Excerpt], studies: dict) -> set[str]:
    fields = {"id", "source", "text", *_OWN} | set(corpus_db.SOURCE_FIELDS)
    for e in excerpts:
        fields.update(k.lower() for k in e.attributes)
    for s in studies.values():
        fields.update(k.lower() for k in s.attributes)
    return fields


_OWN = ("speaker", "role", "language", "context")


def _value(field: str, excerpt: corpus_db.Excerpt, studies: dict) -> str | None:
    if field in _OWN:
        return getattr(excerpt, field)
    if field == "id":
        return excerpt.id
    if field == "source":
        return excerpt.source_id
    if field == "text":
        return excerpt.text
    attrs = {k.lower(): v for k, v in excerpt.attributes.items()}
    if field in attrs:
        return None if attrs[field] is None else str(attrs[field])
    study = studies.get(excerpt.source_id)
    if study is None:
        return None
    if field in corpus_db.SOURCE_FIELDS:
        value = getattr(study, field)
        return None if value is None else str(value)
    sattrs = {k.lower(): v for k, v in study.attributes.items()}
    return None if sattrs.get(field) is None else str(sattrs[field])


def _holds(term: Term, value: str | None) -> bool:
    text = "" if value is None else value.strip().lower()
    if term.op == "~":
        return term.values[0] in text
    hit = text in term.values
    return hit if term.op == "=" else not hit
