"""Shared set-up for the coding tests: a small corpus and a codebook with rules, inserted
through the store (the codebook loader is another room's)."""

from __future__ import annotations

import json
from pathlib import Path

from thematic.store.codebooks import Code, insert_codebook

STUDIES = """id,first_author,year,title,design
1,Cooper,2024,Peer support umbrella review,umbrella review
2,Mutschler,2022,Peer workers in clinical teams,qualitative study
"""

FINDINGS = """id,study_id,finding,section
F001,1,"Peer support improved hope and empowerment among service users.",Outcomes
F002,1,"Effects on symptoms were mixed.",Outcomes
F003,2,"Peer workers described role ambiguity in clinical teams.",Barriers
F004,2,"There was no stigma from clinical staff, but Roles Were Unclear to managers.",Barriers
F005,2,"Peers acted as a role model, and their role was unclear at first.",Mechanisms
F006,1,"Training and supervision were seen as essential.",Implementation
F007,2,"Participants did not feel hopeful about the programme.",Outcomes
"""

CODES = [
    Code("outcomes", "Outcomes", None, "Outcomes of peer support", False),
    Code("hope", "Hope", "outcomes", "Hope, optimism about the future", True,
         data={"rules": {"phrases": ["hope", "hopeful", "optimism"]},
               "examples": {"positive": ["I felt hopeful again"]}}),
    Code("empowerment", "Empowerment", "outcomes", "Empowerment, agency", True,
         data={"rules": {"phrases": ["empowerment", "agency"]}}),
    Code("symptoms", "Symptoms", "outcomes", "Psychiatric symptoms", True,
         data={"rules": {"phrases": ["symptom"], "keep_negated": True}}),
    Code("role-ambiguity", "Role ambiguity", None, "Unclear or confused roles", True,
         data={"rules": {"phrases": ["role ambiguity"],
                         "patterns": [[{"LEMMA": "role"}, {"LEMMA": "be", "OP": "?"},
                                       {"LOWER": "unclear"}]],
                         "exclude": ["role model"]}}),
    Code("stigma", "Stigma", None, "Stigma and discrimination", True,
         data={"rules": {"phrases": ["stigma", "discrimination"]}}),
    Code("training", "Training", None, "Training of peer workers", True,
         data={"rules": {"phrases": ["training"]}}),
    Code("supervision", "Supervision", None, "Supervision of peer workers", True),
]


def setup_corpus(store, folder: Path) -> None:
    from thematic.corpus.importer import import_excerpts, import_studies

    (folder / "studies.csv").write_text(STUDIES, encoding="utf-8")
    (folder / "findings.csv").write_text(FINDINGS, encoding="utf-8")
    import_studies(store, folder / "studies.csv", root=folder)
    import_excerpts(store, [folder / "findings.csv"], root=folder)


def load_codebook(store, name: str = "test-book", version: str = "1.0.0",
                  codes: list[Code] | None = None) -> int:
    codes = CODES if codes is None else codes
    content = json.dumps([c.id for c in codes] + [version])
    with store.transaction("codebook load"):
        return insert_codebook(store, name=name, version=version, digest=f"{name}-{version}",
                               title=name, metadata={}, content=content, source_path=None,
                               codes=codes)


def ready(store, folder: Path) -> int:
    setup_corpus(store, folder)
    return load_codebook(store)


def prepare(project: Path, *, auto: bool = False) -> Path:
    """Corpus + codebook in ``project`` (and the auto-coding when ``auto``), store closed."""
    from thematic.project import open_store

    with open_store(project) as store:
        ready(store, project)
        if auto:
            from thematic.coding.auto import run

            run(store)
    return project


def rows(project: Path, sql: str, params: tuple = ()) -> list[tuple]:
    from thematic.project import open_store

    with open_store(project) as store:
        return [tuple(r) for r in store.query(sql, params)]
