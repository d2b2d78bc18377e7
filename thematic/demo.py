"""The whole pipeline on the bundled peer-support corpus, through the public functions.

``run(folder)`` makes a project, copies the corpus and codebooks into it (so provenance
paths and file hashes are the project's own), and runs every step. A step whose room is not
installed is skipped with a notice, never faked. Each step reports one line through
``notify``; nothing here prints.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from thematic.errors import ThematicError

REPO = Path(__file__).resolve().parent.parent
REPORT_NAME = "peer-support-synthesis"
# The committed example report is dated by the day the bundled corpus was frozen, not by
# the day it was regenerated, so regenerating it changes nothing unless the code does.
EXAMPLE_EPOCH = 1795564800  # 2026-11-25T00:00:00Z
DEMO_MARKER = "demo"


@dataclass
class Step:
    name: str
    status: str          # done | skipped
    summary: str


@dataclass
class DemoResult:
    root: Path
    steps: list[Step] = field(default_factory=list)
    report: Path | None = None
    audit_problems: int | None = None


def bundled(*parts: str) -> Path:
    """A file of the bundled corpus or codebooks (the repository's, or the installed copy)."""
    return REPO.joinpath(*parts)


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _prepare(folder: Path) -> Path:
    from thematic import project

    folder = Path(folder).resolve()
    if project.database(folder).exists():
        with project.open_store(folder) as store:
            is_demo = store.get_meta(DEMO_MARKER) == "1"
        if not is_demo:
            raise ThematicError("E002", path=folder)
        # A previous demo: start again from nothing so the run is reproducible.
        shutil.rmtree(folder)
    elif folder.exists() and any(folder.iterdir()):
        raise ThematicError("E040", option="DIR", problem=f"{folder} exists and is not "
                            "empty; give the demo an empty or new folder.")
    root = project.init(folder)
    for sub in ("peer-support",):
        shutil.copytree(bundled("corpus", sub), root / "corpus" / sub)
    for name in ("cfir2.yaml", "peer-support.yaml", "schema.json"):
        if bundled("codebooks", name).exists():
            shutil.copy2(bundled("codebooks", name), root / "codebooks" / name)
    with project.open_store(root) as store, store.transaction("demo"):
        store.set_meta(DEMO_MARKER, "1")
    return root


@contextmanager
def _clock(epoch: int | None) -> Iterator[None]:
    """Fix the store's clock (SOURCE_DATE_EPOCH) for the run, then put it back."""
    if epoch is None:
        yield
        return
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def run(folder: str | Path = "thematic-demo", *, embeddings: str | None = None,
        notify: Callable[[Step], None] | None = None, epoch: int | None = None) -> DemoResult:
    """Run the demo into ``folder``; returns what each step did and where the report is.

    ``epoch`` fixes the clock (seconds since 1970, UTC) so the run is reproducible."""
    with _clock(epoch):
        return _run(Path(folder), embeddings, notify)


def _run(folder: Path, embeddings: str | None, notify: Callable[[Step], None] | None
         ) -> DemoResult:
    from thematic import project

    root = _prepare(folder)
    result = DemoResult(root)
    corpus = root / "corpus" / "peer-support"

    def step(name: str, module: str, action: Callable[[], str]) -> None:
        if not _has(module):
            outcome = Step(name, "skipped", f"not available yet ({module} is not installed)")
        else:
            try:
                outcome = Step(name, "done", action())
            except ThematicError as exc:
                raise ThematicError("E050", step=name, detail=exc.message) from exc
        result.steps.append(outcome)
        if notify:
            notify(outcome)

    with project.open_store(root) as store:
        def studies() -> str:
            from thematic.corpus.importer import import_studies

            done = import_studies(store, corpus / "studies.csv", root=root)
            return f"{done.added} studies from corpus/peer-support/studies.csv"

        def findings() -> str:
            from thematic.corpus.importer import ExcerptOptions, import_excerpts

            done = import_excerpts(store, [corpus / "findings.csv"], ExcerptOptions(
                text_column="finding", source_column="study_id", id_column="id"), root=root)
            return f"{done[0].added} findings from corpus/peer-support/findings.csv"

        def codebooks() -> str:
            from thematic.codebook import load

            loaded = [load(store, root / "codebooks" / name)
                      for name in ("cfir2.yaml", "peer-support.yaml")]
            return "; ".join(f"{b.name} {b.version} ({len(b.codes)} codes)" for b in loaded)

        def autocode() -> str:
            from thematic.coding.auto import run as auto

            done = auto(store, codebook="peer-support")
            return f"{done.proposed} codings proposed by auto:rules on {done.excerpts} excerpts"

        def gold() -> str:
            from thematic.coding.manual import import_codings

            done = import_codings(store, corpus / "gold.csv", coder="gold", root=root)
            return f"{done.added} codings by coder gold (the human reference coding)"

        def valence() -> str:
            from thematic.cfir.valence import apply_rule
            from thematic.cfir.view import build as cfir_view

            counts = apply_rule(store)
            view = cfir_view(store)
            reached = [d.id for d in view.domains if d.constructs and d.id != "outcomes"]
            return (f"{counts['barrier']} barrier, {counts['facilitator']} facilitator and "
                    f"{counts['mixed']} mixed excerpt(s) by the cue-word rule; "
                    f"{view.excerpts_with_evidence} excerpts reach {len(reached)} of the 5 "
                    "CFIR 2.0 domains through the codebook's crosswalk")

        def agreement() -> str:
            from thematic.agreement import measure

            report = measure(store, coders=["gold", "auto:rules"])
            kappa, alpha = report.pooled.figures["kappa"], report.pooled.figures["alpha"]
            return (f"pooled {kappa.name} {_fmt(kappa.value)}, {alpha.name} "
                    f"{_fmt(alpha.value)} over {report.n_excerpts} excerpts "
                    "(automatic coding validated against the human reference)")

        def topics() -> str:
            from thematic.topics import propose

            run_ = propose(store, embeddings=embeddings, seed=42)
            labels = "; ".join(c.label for c in run_.topics)
            return f"{len(run_.topics)} candidate themes ({run_.method}): {labels}"

        def themes() -> str:
            from thematic.themes import add_theme

            plan = _theme_plan(corpus / "themes.yaml")
            for spec in plan:
                add_theme(store, spec["name"], spec["codes"], description=spec["description"],
                          level=spec.get("level", "descriptive"), codebook="peer-support")
            return f"{len(plan)} themes from corpus/peer-support/themes.yaml"

        def confidence() -> str:
            from thematic.findings import add_finding
            from thematic.findings.cerqual import set_scope
            from thematic.findings.prisma import import_screening
            from thematic.themes import list_themes

            plan = _confidence_plan(corpus / "confidence.yaml")
            for theme in list_themes(store):
                add_finding(store, theme.description or theme.name, [theme.id])
            set_scope(store, **plan.get("scope", {}))
            flow = import_screening(store, corpus / "screening.csv", root=root)
            return (f"{len(list_themes(store))} findings (one per theme), no study appraised "
                    f"(the review states no ratings), PRISMA: {flow.counts['included']} "
                    "studies included (the review reports no other count)")

        def network() -> str:
            from thematic.network import build, write

            graph = build(store, level="theme", unit="excerpt", weight="association", seed=42)
            out = root / "reports" / "networks"
            for fmt in ("graphml", "csv"):
                write(graph, out / f"theme-network.{fmt}", fmt)
            significant = sum(1 for *_, d in graph.edges(data=True) if d.get("significant"))
            return (f"{graph.number_of_nodes()} themes, {graph.number_of_edges()} links "
                    f"({significant} above chance after Benjamini-Hochberg); GraphML and CSV "
                    "in reports/networks/")

        def report() -> str:
            from thematic.report import render

            out = render(store, root / "reports" / f"{REPORT_NAME}.md",
                         title="Peer support in mental-health recovery: a thematic synthesis",
                         agreement_coders=["gold", "auto:rules"])
            result.report = out
            return str(out.relative_to(root))

        def audit() -> str:
            from thematic.audit import run as audit_run

            found = audit_run(store, root=root)
            errors = [p for p in found.problems if p.severity == "error"]
            result.audit_problems = len(errors)
            warnings = len(found.problems) - len(errors)
            return f"{len(errors)} errors, {warnings} warnings"

        step("import studies", "thematic.corpus.importer", studies)
        step("import findings", "thematic.corpus.importer", findings)
        step("load codebooks", "thematic.codebook", codebooks)
        step("auto-code", "thematic.coding.auto", autocode)
        step("import gold coding", "thematic.coding.manual", gold)
        step("CFIR barriers and facilitators", "thematic.cfir.valence", valence)
        step("agreement (gold vs auto:rules)", "thematic.agreement.units", agreement)
        step("candidate themes (BERTopic)", "thematic.topics.model", topics)
        step("themes", "thematic.themes", themes)
        step("findings, CERQual and PRISMA", "thematic.findings", confidence)
        step("network", "thematic.network", network)
        step("report", "thematic.report", report)
        step("audit", "thematic.audit", audit)
    return result


def _fmt(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _theme_plan(path: Path) -> list[dict]:
    """The researcher's theme decisions for the worked example (names, codes, descriptions)."""
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)["themes"]


def _confidence_plan(path: Path) -> dict:
    """What the review states for GRADE-CERQual and PRISMA (see confidence.yaml)."""
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}
