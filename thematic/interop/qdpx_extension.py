"""thematic's extension to REFI-QDA projects: what the standard has no place for, so that an
export → import round trip keeps every coding, reviewed mark and theme hierarchy.

It travels in ``<?thematic {json}?>`` processing instructions (the "thematic" PI target is
the extension's namespace): XML schema validation and other QDA programs skip them, so the
file stays valid against Project.xsd and reads the same elsewhere.

* On ``<Project>`` (its last child), one object::

    {"extension": "thematic/1", "codebook": NAME,
     "coverage": {CODER: [EXCERPT ID, ...]},        # reviewed, coded or not
     "codings": [{"excerpt", "code", "coder", "start", "end", "status", "method",
                  "origin", "score", "memo"}, ...],  # codings not written as <Coding>s
     "decisions": [{"coder", "excerpt", "code", "proposer", "start", "end",
                    "decision"}, ...]}                # blind decisions (thematic assign)

  Proposals and rejected codings are kept here, not as <Coding>s, because other programs
  would read any <Coding> as coded.
* On each ``<Set>`` that is a theme: ``{"theme": ID, "parent": ID|null, "level":
  "descriptive"|"analytical"}``.
* On ``<TextSource>`` and ``<Coding>``: excerpt and coding details (see qdpx_export).
"""

from __future__ import annotations

EXTENSION = "thematic/1"
FIELDS = ("start", "end", "status", "method", "origin", "score", "memo")


def project_extension(store, book, exported: list, excerpt_ids: set[str],
                      coders: list[str] | None = None) -> dict:
    """The <Project>'s extension: reviews, codings not exported as <Coding>s, decisions
    (of ``coders`` only, when given)."""
    from thematic.store import codebooks as cb
    from thematic.store import codings as cdb
    from thematic.store import team

    versions = {b.id for b in cb.list_codebooks(store) if b.name == book.name}
    coverage: dict[str, dict[str, None]] = {}   # ordered sets: import order, once each
    for coder, excerpt, book_id in cdb.coverage_rows(store):
        if book_id in versions and excerpt in excerpt_ids and (not coders or coder in coders):
            coverage.setdefault(coder, {})[excerpt] = None
    done = {c.id for c in exported}
    rest = [{"excerpt": c.excerpt_id, "code": c.code_id, "coder": c.coder,
             **{k: getattr(c, k) for k in FIELDS}}
            for c in cdb.list_codings(store, coders=coders or None)
            if c.codebook_id in versions
            and c.id not in done and c.excerpt_id in excerpt_ids]
    decisions = [{"coder": d["coder"], "excerpt": d["excerpt_id"], "code": d["code_id"],
                  "proposer": d["proposer"], "start": d["start"], "end": d["end"],
                  "decision": d["decision"]}
                 for d in team.decisions(store) if d["codebook_id"] in versions
                 and (not coders or d["coder"] in coders)]
    return {"extension": EXTENSION, "codebook": book.name,
            "coverage": {k: list(coverage[k]) for k in sorted(coverage)}, "codings": rest,
            "decisions": decisions}


def set_extension(theme) -> dict:
    return {"theme": theme.id, "parent": theme.parent_id, "level": theme.level}


def apply_project_extension(store, ext: dict, excerpt: dict[str, str], book_id: int,
                            coder=lambda name: name) -> tuple[int, list[str]]:
    """Restore the extension's codings, reviews and decisions (``excerpt`` maps the file's
    excerpt ids to the project's). Returns (codings added, coders with reviews)."""
    from thematic.store import codings as cdb
    from thematic.store import team
    from thematic.store.codebooks import code_ids
    from thematic.store.db import now

    rows = []
    for c in ext.get("codings") or []:
        eid = excerpt.get(c.get("excerpt"))
        if eid is None:
            continue
        rows.append(cdb.Coding(excerpt_id=eid, codebook_id=book_id, code_id=c["code"],
                               coder=coder(c["coder"]),
                               **{k: c.get(k) for k in FIELDS if c.get(k) is not None}))
    known = code_ids(store, book_id)
    added = cdb.add_codings(store, [r for r in rows if r.code_id in known])
    reviewed = []
    for who, ids in (ext.get("coverage") or {}).items():
        mine = [excerpt[e] for e in ids if e in excerpt]
        cdb.mark_reviewed(store, coder(who), mine, book_id)
        reviewed.append(coder(who))
    decisions = [{"coder": coder(d["coder"]), "excerpt_id": excerpt[d["excerpt"]],
                  "codebook_id": book_id, "code_id": d["code"], "proposer": d["proposer"],
                  "start": d["start"], "end": d["end"], "decision": d["decision"],
                  "decided_at": now()} for d in ext.get("decisions") or []
                 if d.get("excerpt") in excerpt and d.get("code") in known]
    team.add_decision_rows(store, decisions)
    return added, reviewed
