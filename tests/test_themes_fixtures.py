"""A small, deterministic project for the topics and themes tests (no tests here).

Three clearly separated subjects (role ambiguity, hope, digital peer support), each with its
own vocabulary, spread over six studies; a codebook with matching codes; accepted gold
codings plus a proposed and a rejected one (which must never count as evidence).
"""

from __future__ import annotations

import hashlib
import random

from thematic.store.codebooks import Code, insert_codebook
from thematic.store.codings import Coding, add_codings
from thematic.store.corpus import Source, insert_excerpts, upsert_source

SUBJECTS = {
    "role-ambiguity": (
        ["peer workers", "the peer role", "staff", "job descriptions", "team members"],
        ["were unclear about", "described confusion over", "reported ambiguity in",
         "struggled with unclear", "lacked clarity about"],
        ["their role and duties", "role boundaries at work", "what the job involved",
         "responsibilities in the team", "the purpose of the role"]),
    "hope": (
        ["service users", "participants", "clients", "people in recovery", "members"],
        ["gained hope and", "felt optimism and", "reported renewed hope and",
         "described hopeful belief and", "found optimism and"],
        ["belief that recovery was possible", "a hopeful future", "optimism about recovery",
         "hope for their future", "a belief in recovery"]),
    "digital": (
        ["an online forum", "a smartphone app", "video calls", "text messages",
         "an online group"],
        ["delivered digital peer support via", "offered remote contact through",
         "enabled online peer contact using", "provided app based support with",
         "connected peers remotely through"],
        ["the internet platform", "mobile phones", "a website and app", "online chat",
         "digital messaging"]),
}
CODES = [("role-ambiguity", "Role ambiguity", "Unclear or confused peer worker roles"),
         ("hope", "Hope", "Hope and optimism that recovery is possible"),
         ("digital", "Digital", "Digital or remote delivery: apps, online forums, video"),
         ("stigma", "Stigma", "Stigma and discrimination")]


def texts(per_subject: int = 20, seed: int = 0) -> list[tuple[str, str]]:
    """(subject, text) pairs, interleaved."""
    rng = random.Random(seed)
    out = []
    for i in range(per_subject):
        for subject, (a, b, c) in SUBJECTS.items():
            out.append((subject, f"{rng.choice(a).capitalize()} {rng.choice(b)} "
                                 f"{rng.choice(c)} (finding {i + 1})."))
    return out


def build(store, per_subject: int = 20, *, codings: bool = True) -> dict[str, str]:
    """Fill ``store``; returns excerpt id → subject."""
    subjects = {}
    with store.transaction("test fixture"):
        for n in range(1, 7):
            upsert_source(store, Source(id=str(n), first_author=f"Author{n}", year=2019 + n),
                          None)
        rows = []
        for i, (subject, text) in enumerate(texts(per_subject)):
            eid = f"F{i + 1:03d}"
            subjects[eid] = subject
            digest = hashlib.sha256(text.encode()).hexdigest()
            rows.append((eid, str((i // 3) % 6 + 1), text, digest, None, 0, len(text),
                         f"row {i + 2}", i + 1, "{}"))
        insert_excerpts(store, rows)
        book = insert_codebook(store, name="demo", version="1", digest="d" * 64,
                               title="Demo", metadata={}, content="{}", source_path=None,
                               codes=[Code(id=c, name=n, definition=d) for c, n, d in CODES])
        if codings:
            gold = [Coding(excerpt_id=e, codebook_id=book, code_id=s, coder="gold",
                           method="import")
                    for e, s in subjects.items() if int(e[1:]) % 2 == 1]
            gold.append(Coding(excerpt_id="F002", codebook_id=book, code_id="stigma",
                               coder="auto:rules", method="rules", status="proposed"))
            gold.append(Coding(excerpt_id="F003", codebook_id=book, code_id="stigma",
                               coder="anna", method="manual", status="rejected"))
            add_codings(store, gold)
    return subjects
