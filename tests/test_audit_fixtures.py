"""A small project that audits clean, for the audit and trace tests (no tests here).

Three studies, six findings imported from real files in the project (so file hashes can be
re-checked), a peer-support codebook, accepted gold codings, three themes, and a hand-made
report in the report anchors format (thematic/report/markdown.py) with quotes, citations and claims.
"""

from __future__ import annotations

import csv
from pathlib import Path

STUDIES = [("1", "Cooper", "2024", "Peer roles in community teams"),
           ("2", "Lee", "2023", "Digital peer support"),
           ("3", "Smith", "2022", "Hope and recovery")]
FINDINGS = [("F001", "1", "Peer workers were unclear about their role in the team."),
            ("F002", "2", "Staff described confusion over the peer role and its duties."),
            ("F003", "1", "Participants gained hope that recovery was possible."),
            ("F004", "3", "Members reported *renewed* hope & optimism <b>after</b> meeting "
                          "peers."),
            ("F005", "2", "Peer contact through an app reduced isolation."),
            ("F006", "3", "Video calls with a peer made support possible in rural areas.")]
CODES = [("role-ambiguity", "Role ambiguity", "Unclear or confused peer worker roles"),
         ("hope", "Hope", "Hope and optimism that recovery is possible"),
         ("digital", "Digital", "Digital or remote delivery"),
         ("training", "Training", "Training of peer workers")]
GOLD = [("F001", "role-ambiguity"), ("F002", "role-ambiguity"), ("F003", "hope"),
        ("F004", "hope"), ("F005", "digital"), ("F006", "digital")]
THEMES = [("Role ambiguity", ["role-ambiguity"], "Peer workers' roles are unclear."),
          ("Hope", ["hope"], ""),
          ("Digital support", ["digital"], "")]

REPORT = """\
# Peer support: a synthesis

We included 3 studies and 6 excerpts.
<!-- claim project studies="3" excerpts="6" codings="6" -->

Contents: [Role ambiguity](#theme-role-ambiguity), [Hope](#theme-hope),
[Methods](#methods), [References](#references).

## Methods

Findings were coded by one coder (`gold`); see [the appendix](#traceability-appendix).

<a id="theme-role-ambiguity"></a>
## Role ambiguity

Two studies (67%) report it, in 2 excerpts.
<!-- claim theme="role-ambiguity" studies="2" excerpts="2" share="67%" -->

> <!-- quote excerpt="F001" -->
> "Peer workers were unclear about their role in the team." — [Cooper 2024](#study-1), \
[F001](#excerpt-F001)

<a id="theme-hope"></a>
## Hope

<!-- claim theme="hope" studies="2" excerpts="2" share="0.67" -->

> <!-- quote excerpt="F004" -->
> "Members reported \\*renewed\\* hope \\& optimism \\<b\\>after\\</b\\> meeting peers." — \
[Smith 2022](#study-3), [F004](#excerpt-F004)

> <!-- quote excerpt="F003" truncated="yes" -->
> "Participants gained hope" \\[…\\] — [Cooper 2024](#study-1), [F003](#excerpt-F003)

```
[not a link](#nowhere) <!-- claim theme="nowhere" studies="9" -->
```

## Traceability appendix

- <a id="excerpt-F001"></a>F001, [Cooper 2024](#study-1): findings.csv, row 2
- <a id="excerpt-F003"></a>F003, [Cooper 2024](#study-1): findings.csv, row 4
- <a id="excerpt-F004"></a>F004, [Smith 2022](#study-3): findings.csv, row 5

## References

- <a id="study-1"></a>Cooper 2024. Peer roles in community teams.
- <a id="study-3"></a>Smith 2022. Hope and recovery.
"""


def write_corpus(root: Path) -> tuple[Path, Path]:
    folder = root / "corpus"
    folder.mkdir(exist_ok=True)
    studies, findings = folder / "studies.csv", folder / "findings.csv"
    with open(studies, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "first_author", "year", "title"])
        out.writerows(STUDIES)
    with open(findings, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "study_id", "finding"])
        out.writerows(FINDINGS)
    return studies, findings


def build(root: Path, *, report: bool = True) -> None:
    """Fill the project at ``root`` (from ``thematic init``) so that it audits clean."""
    from thematic import themes
    from thematic.corpus.importer import ExcerptOptions, import_excerpts, import_studies
    from thematic.project import open_store
    from thematic.store.codings import Coding, add_codings

    studies, findings = write_corpus(root)
    with open_store(root) as store:
        import_studies(store, studies, root=root)
        import_excerpts(store, [findings], ExcerptOptions(
            text_column="finding", source_column="study_id", id_column="id"), root=root)
        with store.transaction("fixture codebook and codings"):
            book = load_codebook(store, "1", CODES)
            add_codings(store, [Coding(excerpt_id=e, codebook_id=book, code_id=c,
                                       coder="gold", method="import",
                                       origin=f"gold.csv:{i + 2}")
                                for i, (e, c) in enumerate(GOLD)])
            add_codings(store, [Coding(excerpt_id="F003", codebook_id=book,
                                       code_id="digital", coder="auto:rules",
                                       method="rules", origin="digital: app",
                                       score=0.5, status="proposed")])
            store.log("fixture", "codings", {"n": len(GOLD) + 1})
        for name, codes, description in THEMES:
            themes.add_theme(store, name, codes, description=description,
                             codebook="peer-support")
    if report:
        (root / "reports" / "synthesis.md").write_text(REPORT, encoding="utf-8")


def load_codebook(store, version: str, codes, parents: dict | None = None) -> int:
    from thematic.store.codebooks import Code, insert_codebook

    parents = parents or {}
    return insert_codebook(store, name="peer-support", version=version,
                           digest=f"{version:0>64}", title="Peer support", metadata={},
                           content="{}", source_path=None,
                           codes=[Code(id=c, name=n, definition=d, parent=parents.get(c))
                                  for c, n, d in codes])
