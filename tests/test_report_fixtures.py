"""A small project for the report tests, built through the library (no tests here).

Four studies (one with no findings), eight findings (one full of Markdown, HTML and Jinja
syntax), a codebook with two groupings, accepted codings by coder "ana" (plus a proposal and
a rejected coding that must never count), and three themes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HOSTILE = ('Staff said roles were *unclear* | "we did not know" <script>alert(1)</script> '
           '`rm -rf` [x](http://e.com) {{ 7*7 }} {% if 1 %}yes{% endif %} & $5 _x_ # end')

STUDIES = """id,first_author,year,title,journal,authors,design,population,setting,intervention_type
1,Cooper,2024,Peer support: an umbrella review,BMC Medicine,"R. E. Cooper and K. Saunders",umbrella review,,,
2,Gillard,2024,Peer workers in teams,Psychiatric Services,S. Gillard,qualitative study,adults with SMI,community,one-to-one peer mentoring
3,Scanlan,2020,A peer workforce survey,Australian Journal,J. Scanlan,survey study,peer workers | staff,hospital *wards*,peer specialists in teams
4,Nobody,2021,A study with no findings,Journal,A. Nobody,,,,
"""

FINDINGS = [
    ("F1", "1", "Peer support improved hope and empowerment.", ["hope"]),
    ("F2", "1", "Effects on symptoms were mixed across reviews.", ["symptoms"]),
    ("F3", "2", "Peer workers described unclear roles in clinical teams.", ["role-ambiguity"]),
    ("F4", "2", "Stigma from staff made role ambiguity worse.", ["role-ambiguity", "stigma"]),
    ("F5", "2", "Hope grew through shared lived experience.", ["hope"]),
    ("F6", "3", HOSTILE, ["role-ambiguity"]),
    ("F7", "3", "More trials with standardised outcomes are needed.", ["evidence-gaps"]),
    ("F8", "3", "Hope and fewer symptoms followed group sessions.", ["hope", "symptoms"]),
]

CODES = [  # id, name, parent, codable, definition
    ("outcomes", "Outcomes", None, False, "Outcomes of peer support"),
    ("hope", "Hope", "outcomes", True, "Hope for recovery"),
    ("symptoms", "Symptoms", "outcomes", True, "Psychiatric symptoms"),
    ("barriers", "Barriers", None, False, "Barriers to implementation"),
    ("role-ambiguity", "Role ambiguity", "barriers", True, "Unclear peer roles"),
    ("stigma", "Stigma", "barriers", True, "Stigma in teams"),
    ("evidence-gaps", "Evidence gaps", None, True, "What the evidence lacks"),
    ("funding", "Funding", None, True, "Funding of peer services"),
]

THEMES = [
    ("Personal recovery", ["hope", "symptoms"], "Gains in hope; *mixed* clinical effects."),
    ("Role ambiguity | stigma {{ 7*7 }}", ["role-ambiguity", "stigma"],
     "Unclear roles <b>and</b> stigma."),
    ("Evidence gaps", ["evidence-gaps"], "What the studies say is missing."),
]


def build(root: Path, *, themes: bool = True, second_coder: bool = False) -> None:
    """Fill the project at ``root`` (made by thematic.project.init)."""
    import csv
    import io

    from thematic.corpus.importer import ExcerptOptions, import_excerpts, import_studies
    from thematic.project import open_store
    from thematic.store.codebooks import Code, insert_codebook
    from thematic.store.codings import Coding, add_codings, mark_reviewed

    data = root / "corpus"
    data.mkdir(exist_ok=True)
    (data / "studies.csv").write_text(STUDIES, encoding="utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "study_id", "finding"])
    writer.writerows([(i, s, t) for i, s, t, _ in FINDINGS])
    (data / "findings.csv").write_text(buffer.getvalue(), encoding="utf-8")
    with open_store(root) as store:
        import_studies(store, data / "studies.csv", root=root)
        import_excerpts(store, [data / "findings.csv"], ExcerptOptions(
            text_column="finding", source_column="study_id", id_column="id"), root=root)
        with store.transaction("test codebook and codings"):
            book = insert_codebook(
                store, name="demo", version="1.0.0",
                digest=hashlib.sha256(b"demo codebook").hexdigest(), title="Demo codebook",
                metadata={}, content="{}", source_path=None,
                codes=[Code(id=i, name=n, parent=p, codable=c, definition=d)
                       for i, n, p, c, d in CODES])
            rows = [Coding(excerpt_id=e, codebook_id=book, code_id=c, coder="ana")
                    for e, _, _, codes in FINDINGS for c in codes]
            rows.append(Coding(excerpt_id="F3", codebook_id=book, code_id="funding",
                               coder="auto:rules", status="proposed"))
            rows.append(Coding(excerpt_id="F1", codebook_id=book, code_id="stigma",
                               coder="ana", status="rejected"))
            if second_coder:
                rows += [Coding(excerpt_id=e, codebook_id=book, code_id=c, coder="ben")
                         for e, _, _, codes in FINDINGS for c in codes if e != "F5"]
            add_codings(store, rows)
            everything = [e for e, *_ in FINDINGS]
            mark_reviewed(store, "ana", everything, book)
            if second_coder:
                mark_reviewed(store, "ben", everything, book)
            store.log("test fixture", "demo", {})
        if themes:
            from thematic.themes import add_theme

            for name, codes, description in THEMES:
                add_theme(store, name, codes, description=description, codebook="demo")
