"""REFI-QDA as a faithful exchange: exporting the demo's project and importing it into a new
project keeps every coding (proposals too), every reviewed mark, the theme hierarchy and
levels, and so the agreement table, identical; the file still validates."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, DATA, REPO

from thematic.project import init, open_store


def demo_like(root: Path) -> None:
    """The demo's steps up to the themes (no topic model): studies, findings, both
    codebooks, auto-coding, the gold coding, the themes, plus a parent theme."""
    import yaml

    from thematic.codebook import load
    from thematic.coding.auto import run as auto
    from thematic.coding.manual import import_codings
    from thematic.corpus.importer import ExcerptOptions, import_excerpts, import_studies
    from thematic.themes import add_theme

    with open_store(root) as store:
        import_studies(store, CORPUS / "studies.csv", root=root)
        import_excerpts(store, [CORPUS / "findings.csv"], ExcerptOptions(
            text_column="finding", source_column="study_id", id_column="id"), root=root)
        for name in ("cfir2.yaml", "peer-support.yaml"):
            load(store, REPO / "codebooks" / name)
        auto(store, codebook="peer-support")
        import_codings(store, CORPUS / "gold.csv", coder="gold", root=root)
        plan = yaml.safe_load((CORPUS / "themes.yaml").read_text(encoding="utf-8"))
        specs = plan["themes"] if isinstance(plan, dict) else plan
        top = add_theme(store, "Recovery and its conditions", [], level="analytical")
        for i, spec in enumerate(specs):
            add_theme(store, spec["name"], spec["codes"], description=spec.get(
                "description", ""), level=spec.get("level", "descriptive"),
                codebook="peer-support", parent=top.id if i < 2 else None)


def snapshot(root: Path) -> dict:
    from thematic.agreement import measure
    from thematic.themes import list_themes

    with open_store(root) as store:
        codings = sorted(store.query(
            "SELECT c.excerpt_id, c.code_id, c.coder, c.status, c.start, c.end, c.method, "
            "c.origin, c.score FROM codings c JOIN codebooks b ON b.id = c.codebook_id "
            "WHERE b.name = 'peer-support'"), key=tuple)
        reviewed = sorted(store.query("SELECT v.coder, v.excerpt_id FROM coverage v JOIN "
                                      "codebooks b ON b.id = v.codebook_id WHERE b.name = "
                                      "'peer-support'"), key=tuple)
        names = {t.id: t.name for t in list_themes(store)}
        themes = sorted((t.name, t.level, names.get(t.parent_id), tuple(t.codes),
                         t.description) for t in list_themes(store))
        report = measure(store, coders=["gold", "auto:rules"], codebook="peer-support",
                         n_boot=0)
        table = [(i.id, i.n_units, {k: (f.value if f.defined else None)
                                    for k, f in i.figures.items()}) for i in report.items]
        pooled = {k: (f.value if f.defined else None) for k, f in report.pooled.figures.items()}
    return {"codings": [tuple(r) for r in codings], "reviewed": [tuple(r) for r in reviewed],
            "themes": themes, "agreement": table, "pooled": pooled,
            "n_excerpts": report.n_excerpts}


@pytest.mark.slow
def test_demo_round_trip_keeps_everything(tmp_path):
    import zipfile

    import xmlschema

    from thematic.interop.qdpx_export import export_qdpx
    from thematic.interop.qdpx_import import import_qdpx

    first = init(tmp_path / "first")
    demo_like(first)
    with open_store(first) as store:
        export_qdpx(store, tmp_path / "demo.qdpx", codebook="peer-support")
    with zipfile.ZipFile(tmp_path / "demo.qdpx") as zf:
        xmlschema.XMLSchema(str(DATA / "refi" / "Project.xsd")).validate(
            zf.read("project.qde").decode("utf-8"))
    second = init(tmp_path / "second")
    with open_store(second) as store:
        result = import_qdpx(store, tmp_path / "demo.qdpx")
    assert result.warnings == []
    before, after = snapshot(first), snapshot(second)
    assert len(before["codings"]) > 500 and len(before["themes"]) > 5
    assert after["codings"] == before["codings"]
    assert after["reviewed"] == before["reviewed"]
    assert after["themes"] == before["themes"]
    assert after["n_excerpts"] == before["n_excerpts"]
    assert after["agreement"] == before["agreement"]
    assert after["pooled"] == before["pooled"]


def test_documents_travel_as_one_text_source_each(tmp_path):
    import re
    import zipfile

    import xmlschema

    from thematic.codebook import load
    from thematic.coding.manual import add_coding, add_memo
    from thematic.corpus.importer import ExcerptOptions, import_excerpts
    from thematic.interop.qdpx_export import export_qdpx
    from thematic.interop.qdpx_import import import_qdpx
    from thematic.store.codings import list_codings, memos
    from thematic.store.corpus import list_excerpts

    first = init(tmp_path / "first")
    for name, body in (("int-1.txt", "Intro.\n\nI felt hopeful again.\n\nStaff were kind."),
                       ("int-2.txt", "Roles were unclear.\n\n\nTraining helped a lot.\n")):
        (tmp_path / name).write_text(body, encoding="utf-8")
    with open_store(first) as store:
        import_excerpts(store, [tmp_path / "int-1.txt", tmp_path / "int-2.txt"],
                        ExcerptOptions(create_sources=True), root=tmp_path)
        (tmp_path / "tiny.yaml").write_text(
            'name: tiny\nversion: "1.0.0"\ntitle: Tiny\ncodes:\n'
            "  - {id: hope, name: Hope, definition: Hope}\n"
            "  - {id: roles, name: Roles, definition: Roles}\n", encoding="utf-8")
        load(store, tmp_path / "tiny.yaml")
        ids = [e.id for e in list_excerpts(store)]
        add_coding(store, ids[1], "hope", coder="alice", span=(7, 14))
        add_coding(store, ids[1], "hope", coder="bob")
        add_coding(store, ids[3], "roles", coder="alice")
        add_coding(store, ids[4], "roles", coder="bob", status="proposed")
        add_memo(store, "excerpt", ids[4], "Which training?", author="bob")
        done = export_qdpx(store, tmp_path / "docs.qdpx")
        before = [(e.id, e.source_id, e.text, e.start, e.end, e.location)
                  for e in list_excerpts(store)]
        codings = sorted((c.excerpt_id, c.code_id, c.coder, c.start, c.end, c.status)
                         for c in list_codings(store))
    assert (done.sources, len(before), done.codings, done.extension_codings) == (2, 5, 3, 1)
    with zipfile.ZipFile(tmp_path / "docs.qdpx") as zf:
        qde = zf.read("project.qde").decode("utf-8")
        xmlschema.XMLSchema(str(DATA / "refi" / "Project.xsd")).validate(qde)
        texts = [zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("sources/")]
    # alice's span "hopeful" sits at its offset in the whole first document.
    doc = next(t for t in texts if t.startswith("Intro."))
    start, end = map(int, re.search(r'name="hopeful" startPosition="(\d+)" '
                                    r'endPosition="(\d+)"', qde).groups())
    assert doc[start:end] == "hopeful" and start == before[1][3] + 7
    with open_store(init(tmp_path / "second")) as store:
        result = import_qdpx(store, tmp_path / "docs.qdpx")
        assert result.warnings == [] and result.excerpts_added == 5
        assert [(e.id, e.source_id, e.text, e.start, e.end, e.location)
                for e in list_excerpts(store)] == before
        assert sorted((c.excerpt_id, c.code_id, c.coder, c.start, c.end, c.status)
                      for c in list_codings(store)) == codings
        assert [(m["target_id"], m["text"]) for m in memos(store)] == [
            (before[4][0], "Which training?")]
