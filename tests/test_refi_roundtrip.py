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

    from thematic.interop.refi import export_qdpx, import_qdpx

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
