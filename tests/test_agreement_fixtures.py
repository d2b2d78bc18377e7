"""A small project with hand-designed codings for the agreement tests (no tests here).

Ten excerpts F01–F10 in two studies; codebook "demo" with a grouping code ``recovery``
(hope, empowerment), ``role-ambiguity`` and ``stigma`` (which nobody uses).

=============  ===========================  ===========================  ============
code           alice (F01–F10 reviewed)     bob (F01–F10 reviewed)       carol (F01–F06)
=============  ===========================  ===========================  ============
hope           F01 F02 F03 F04 F05          F01 F02 F03 F04 F06          F01 F02 F03
empowerment    F01 F06                      F01 F06 F07                  F01
role-ambiguity F07 F08 F09                  F07 F08 F09                  —
stigma         —                            —                            —
=============  ===========================  ===========================  ============

"auto:rules" proposed hope on every excerpt (and one proposal was rejected): an automatic
coder, left out unless named.
"""

from __future__ import annotations

import hashlib

from thematic.store.codebooks import Code, insert_codebook
from thematic.store.codings import Coding, add_codings, mark_reviewed
from thematic.store.corpus import Source, insert_excerpts, upsert_source

EXCERPTS = [f"F{i:02d}" for i in range(1, 11)]
TEXTS = {
    "F01": "Peers gave hope and a sense of control over recovery.",
    "F02": "Service users felt hopeful after meeting peer workers.",
    "F03": "Hope grew through shared experience.",
    "F04": "Participants described renewed optimism.",
    "F05": "Some felt more hopeful, others did not.",
    "F06": "Peers helped members take charge of their care.",
    "F07": "Peer workers were unsure what their job involved; some felt empowered anyway.",
    "F08": "The peer role was not defined in the team.",
    "F09": "Staff and peers disagreed about duties.",
    "F10": "Funding ended after two years.",
}
CODES = [
    Code(id="recovery", name="Personal recovery", codable=False),
    Code(id="hope", name="Hope", parent="recovery"),
    Code(id="empowerment", name="Empowerment", parent="recovery"),
    Code(id="role-ambiguity", name="Role ambiguity"),
    Code(id="stigma", name="Stigma"),
]
CODINGS = {
    "alice": {"hope": "F01 F02 F03 F04 F05", "empowerment": "F01 F06",
              "role-ambiguity": "F07 F08 F09"},
    "bob": {"hope": "F01 F02 F03 F04 F06", "empowerment": "F01 F06 F07",
            "role-ambiguity": "F07 F08 F09"},
    "carol": {"hope": "F01 F02 F03", "empowerment": "F01"},
}
REVIEWED = {"alice": EXCERPTS, "bob": EXCERPTS, "carol": EXCERPTS[:6]}


def build(store, *, themes: bool = False) -> int:
    """Fill ``store``; returns the codebook id."""
    with store.transaction("agreement fixture"):
        for sid, author in (("S1", "Cooper"), ("S2", "Diaz")):
            upsert_source(store, Source(id=sid, first_author=author, year=2024), None)
        rows = []
        for i, eid in enumerate(EXCERPTS):
            text = TEXTS[eid]
            rows.append((eid, "S1" if i < 5 else "S2", text,
                         hashlib.sha256(text.encode()).hexdigest(), None, 0, len(text),
                         f"row {i + 2}", i + 1, "{}"))
        insert_excerpts(store, rows)
        book = insert_codebook(store, name="demo", version="1", digest="a" * 64,
                               title="Demo", metadata={}, content="{}", source_path=None,
                               codes=CODES)
        codings = [Coding(excerpt_id=e, codebook_id=book, code_id=code, coder=coder,
                          method="manual")
                   for coder, per_code in CODINGS.items()
                   for code, excerpts in per_code.items() for e in excerpts.split()]
        codings += [Coding(excerpt_id=e, codebook_id=book, code_id="hope", coder="auto:rules",
                           method="rules", status="rejected" if e == "F10" else "proposed")
                    for e in EXCERPTS]
        add_codings(store, codings)
        for coder, excerpts in REVIEWED.items():
            mark_reviewed(store, coder, excerpts, book)
        mark_reviewed(store, "auto:rules", EXCERPTS, book)
    if themes:
        from thematic.themes import add_theme

        add_theme(store, "Recovery", ["recovery"], codebook="demo")
        add_theme(store, "Roles", ["role-ambiguity"], codebook="demo")
    return book
