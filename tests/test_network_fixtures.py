"""Small projects for the network tests (no tests here).

``tiny`` is the hand-checked example (see test_network_cooccur.py for the arithmetic):

    study S1: E1 {a, b}   E2 {a, b, c}
    study S2: E3 {a}      E4 {c}

``clusters`` has two groups of codes that co-occur within their group and one code
("bridge") that appears in both, over 40 excerpts in 8 studies.
"""

from __future__ import annotations

import hashlib

from thematic.store.codebooks import Code, insert_codebook
from thematic.store.codings import Coding, add_codings, mark_reviewed
from thematic.store.corpus import Source, insert_excerpts, upsert_source

TINY = {"E1": ("S1", ["a", "b"]), "E2": ("S1", ["a", "b", "c"]), "E3": ("S2", ["a"]),
        "E4": ("S2", ["c"])}
TINY_CODES = [("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")]


def fill(store, excerpts: dict[str, tuple[str, list[str]]], codes: list[tuple[str, str]],
         *, status: str = "accepted", book: str = "demo", reviewed: bool = True) -> int:
    """Studies, excerpts, a codebook and codings by coder "gold"; returns the codebook id."""
    with store.transaction("network test fixture"):
        for study in dict.fromkeys(s for s, _ in excerpts.values()):
            upsert_source(store, Source(id=study, first_author=f"Author {study}", year=2021),
                          None)
        rows = []
        for i, (eid, (study, _)) in enumerate(excerpts.items()):
            text = f"Finding {eid} of study {study}."
            rows.append((eid, study, text, hashlib.sha256(text.encode()).hexdigest(), None,
                         0, len(text), f"row {i + 2}", i + 1, "{}"))
        insert_excerpts(store, rows)
        book_id = insert_codebook(store, name=book, version="1", digest=book[0] * 64,
                                  title=book, metadata={}, content="{}", source_path=None,
                                  codes=[Code(id=c, name=n) for c, n in codes])
        add_codings(store, [Coding(excerpt_id=e, codebook_id=book_id, code_id=c, coder="gold",
                                   method="import", status=status)
                            for e, (_, cs) in excerpts.items() for c in cs])
        if reviewed:
            mark_reviewed(store, "gold", list(excerpts), book_id)
    return book_id


def tiny(store, **kwargs) -> int:
    return fill(store, TINY, TINY_CODES, **kwargs)


CLUSTER_CODES = [("hope", "Hope"), ("empowerment", "Empowerment"),
                 ("self-efficacy", "Self-efficacy"), ("role-ambiguity", "Role ambiguity"),
                 ("stigma", "Stigma"), ("wellbeing-burnout", "Peer-worker burnout"),
                 ("bridge", "Supervision")]


def clusters(store) -> int:
    """40 excerpts: 0–19 carry recovery codes, 20–39 workforce codes; every fifth also
    'bridge'; two excerpts carry nothing (reviewed, uncoded)."""
    recovery = ["hope", "empowerment", "self-efficacy"]
    workforce = ["role-ambiguity", "stigma", "wellbeing-burnout"]
    excerpts = {}
    for i in range(40):
        group = recovery if i < 20 else workforce
        codes = [group[i % 3], group[(i + 1) % 3]] if i % 4 else [group[i % 3]]
        if i % 5 == 0:
            codes.append("bridge")
        if i in (7, 33):
            codes = []
        excerpts[f"F{i + 1:03d}"] = (str(i // 5 + 1), codes)
    return fill(store, excerpts, CLUSTER_CODES)
