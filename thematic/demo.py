"""The whole pipeline on the bundled peer-support corpus, through the public functions.

``run(folder)`` makes a project, copies the corpus and codebooks into it (so provenance
paths and file hashes are the project's own), and runs every step. Each step reports one
line through ``notify``; nothing here prints.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from thematic.errors import ThematicError

if TYPE_CHECKING:
    from thematic.store.db import Store

# A checkout's root: the bundled corpus and codebooks are its top-level folders there.
REPO = Path(__file__).resolve().parent.parent
REPORT_NAME = "peer-support-synthesis"
# The committed example report is dated by the day the bundled corpus was frozen, not by
# the day it was regenerated, so regenerating it changes nothing unless the code does.
EXAMPLE_EPOCH = 1795564800  # 2026-11-25T00:00:00Z
DEMO_MARKER = "demo"


@dataclass
class Step:
    name: str
    summary: str


@dataclass
class DemoResult:
    root: Path
    steps: list[Step] = field(default_factory=list)
    report: Path | None = None
    audit_problems: int | None = None


def bundled(*parts: str) -> Path:
    """A file of the bundled corpus or codebooks: the package data of an installed thematic
    (in a checkout, thematic/data/ links to the top-level corpus/ and codebooks/ folders, and
    a built wheel carries copies), else the checkout's top-level folders."""
    packaged = resources.files("thematic").joinpath("data")
    # Package data of a package on disk is a Path; the demo copies folders, so it needs one.
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged.joinpath(*parts)
    return REPO.joinpath(*parts)


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
    """Fix the store's clock (SOURCE_DATE_EPOCH) and actor for the run, then put them back."""
    if epoch is None:
        yield
        return
    # The actor enters every event's hash, and the report records the log's head hash, so
    # the reproducible run acts as one fixed user too.
    fixed = {"SOURCE_DATE_EPOCH": str(epoch), "THEMATIC_USER": "thematic-demo"}
    before = {key: os.environ.get(key) for key in fixed}
    os.environ.update(fixed)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run(folder: str | Path = "thematic-demo", *, embeddings: str | None = None,
        notify: Callable[[Step], None] | None = None, epoch: int | None = None) -> DemoResult:
    """Run the demo into ``folder``; returns what each step did and where the report is.

    ``epoch`` fixes the clock (seconds since 1970, UTC) so the run is reproducible."""
    with _clock(epoch):
        return _run(Path(folder), embeddings, notify)


@dataclass
class _Demo:
    """What every step works on: the open project, its copy of the corpus, the result."""
    store: Store
    root: Path
    corpus: Path
    embeddings: str | None
    result: DemoResult


def _run(folder: Path, embeddings: str | None, notify: Callable[[Step], None] | None
         ) -> DemoResult:
    from thematic import project

    root = _prepare(folder)
    result = DemoResult(root)
    with project.open_store(root) as store:
        demo = _Demo(store, root, root / "corpus" / "peer-support", embeddings, result)
        for name, action in STEPS:
            try:
                outcome = Step(name, action(demo))
            except ThematicError as exc:
                raise ThematicError("E050", step=name, detail=exc.message) from exc
            result.steps.append(outcome)
            if notify:
                notify(outcome)
    return result


# --- the steps: each does one thing and returns its one-line summary ----------------------

def _studies(d: _Demo) -> str:
    from thematic.corpus.importer import import_studies

    done = import_studies(d.store, d.corpus / "studies.csv", root=d.root)
    return f"{done.added} studies from corpus/peer-support/studies.csv"


def _findings(d: _Demo) -> str:
    from thematic.corpus.importer import ExcerptOptions, import_excerpts

    done = import_excerpts(d.store, [d.corpus / "findings.csv"], ExcerptOptions(
        text_column="finding", source_column="study_id", id_column="id"), root=d.root)
    return f"{done[0].added} findings from corpus/peer-support/findings.csv"


def _codebooks(d: _Demo) -> str:
    from thematic.codebook import load

    loaded = [load(d.store, d.root / "codebooks" / name)
              for name in ("cfir2.yaml", "peer-support.yaml")]
    return "; ".join(f"{b.name} {b.version} ({len(b.codes)} codes)" for b in loaded)


def _autocode(d: _Demo) -> str:
    from thematic.coding.auto import run as auto

    done = auto(d.store, codebook="peer-support")
    return f"{done.proposed} codings proposed by auto:rules on {done.excerpts} excerpts"


def _gold(d: _Demo) -> str:
    from thematic.coding.manual import import_codings

    done = import_codings(d.store, d.corpus / "gold.csv", coder="gold", root=d.root)
    return f"{done.added} codings by coder gold (the human reference coding)"


def _valence(d: _Demo) -> str:
    from thematic.cfir.valence import apply_rule
    from thematic.cfir.view import build as cfir_view

    counts = apply_rule(d.store)
    view = cfir_view(d.store)
    reached = [x.id for x in view.domains if x.constructs and x.id != "outcomes"]
    return (f"{counts['barrier']} barrier, {counts['facilitator']} facilitator and "
            f"{counts['mixed']} mixed excerpt(s) by the cue-word rule; "
            f"{view.excerpts_with_evidence} excerpts reach {len(reached)} of the 5 "
            "CFIR 2.0 domains through the codebook's crosswalk")


def _agreement(d: _Demo) -> str:
    from thematic.agreement import measure

    report = measure(d.store, coders=["gold", "auto:rules"])
    kappa, alpha = report.pooled.figures["kappa"], report.pooled.figures["alpha"]
    return (f"pooled {kappa.name} {_fmt(kappa.value)}, {alpha.name} "
            f"{_fmt(alpha.value)} over {report.n_excerpts} excerpts "
            "(automatic coding validated against the human reference)")


def _topics(d: _Demo) -> str:
    from thematic.topics import propose

    run_ = propose(d.store, embeddings=d.embeddings, seed=42)
    labels = "; ".join(c.label for c in run_.topics)
    return f"{len(run_.topics)} candidate themes ({run_.method}): {labels}"


def _themes(d: _Demo) -> str:
    from thematic.themes import add_theme

    plan = _theme_plan(d.corpus / "themes.yaml")
    for spec in plan:
        add_theme(d.store, spec["name"], spec["codes"], description=spec["description"],
                  level=spec.get("level", "descriptive"), codebook="peer-support")
    return f"{len(plan)} themes from corpus/peer-support/themes.yaml"


def _confidence(d: _Demo) -> str:
    from thematic.findings import add_finding
    from thematic.findings.cerqual import set_scope
    from thematic.findings.prisma import import_screening
    from thematic.themes import list_themes

    plan = _confidence_plan(d.corpus / "confidence.yaml")
    for theme in list_themes(d.store):
        add_finding(d.store, theme.description or theme.name, [theme.id])
    set_scope(d.store, **plan.get("scope", {}))
    flow = import_screening(d.store, d.corpus / "screening.csv", root=d.root)
    return (f"{len(list_themes(d.store))} findings (one per theme), no study appraised "
            f"(the review states no ratings), PRISMA: {flow.counts['included']} "
            "studies included (the review reports no other count)")


def _network(d: _Demo) -> str:
    from thematic.network import build, write

    graph = build(d.store, level="theme", unit="excerpt", weight="association", seed=42)
    out = d.root / "reports" / "networks"
    for fmt in ("graphml", "csv"):
        write(graph, out / f"theme-network.{fmt}", fmt)
    significant = sum(1 for *_, data in graph.edges(data=True) if data.get("significant"))
    return (f"{graph.number_of_nodes()} themes, {graph.number_of_edges()} links "
            f"({significant} above chance after Benjamini-Hochberg); GraphML and CSV "
            "in reports/networks/")


def _report(d: _Demo) -> str:
    from thematic.report import render

    out = render(d.store, d.root / "reports" / f"{REPORT_NAME}.md",
                 title="Peer support in mental-health recovery: a thematic synthesis",
                 agreement_coders=["gold", "auto:rules"])
    d.result.report = out
    return str(out.relative_to(d.root))


def _audit(d: _Demo) -> str:
    from thematic.audit import run as audit_run

    found = audit_run(d.store, root=d.root)
    errors = [p for p in found.problems if p.severity == "error"]
    d.result.audit_problems = len(errors)
    warnings = len(found.problems) - len(errors)
    return f"{len(errors)} errors, {warnings} warnings"


#: The demo's steps in order: (the name a failure reports, the step).
STEPS: tuple[tuple[str, Callable[[_Demo], str]], ...] = (
    ("import studies", _studies),
    ("import findings", _findings),
    ("load codebooks", _codebooks),
    ("auto-code", _autocode),
    ("import gold coding", _gold),
    ("CFIR barriers and facilitators", _valence),
    ("agreement (gold vs auto:rules)", _agreement),
    ("candidate themes (topic model)", _topics),
    ("themes", _themes),
    ("findings, CERQual and PRISMA", _confidence),
    ("network", _network),
    ("report", _report),
    ("audit", _audit),
)


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
