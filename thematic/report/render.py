"""Render the report: a sandboxed Jinja2 environment over layered templates.

Templates are found as datasette finds them: the user's folder first, then the package's
templates. A user template overrides one block of the default report without copying the
rest::

    {% extends "default/report.md.j2" %}
    {% block methods %}## How we worked
    {{ super() }}{% endblock %}

``default/NAME`` (or ``default:NAME``) always means the packaged template, so a user's own
``report.md.j2`` can extend the default of the same name. All templates run in a
SandboxedEnvironment. Every value printed with ``{{ … }}`` is Markdown-escaped by the
environment's finalize hook (see markdown.escape) unless it is already safe Markdown: the
output of a macro, or of the filters ``attr``, ``md`` and ``safe``. Data is never rendered as
a template.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from thematic.errors import ThematicError, nearest
from thematic.report import markdown, rows

TEMPLATES = Path(__file__).resolve().parent / "templates"
ENTRY = "report.md.j2"
FORMATS = ("md", "html")


@dataclass
class Result:
    path: Path
    figures: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    themes: int = 0


def bundled() -> list[str]:
    """The names of the packaged entry templates (``default`` is report.md.j2)."""
    names = {"default"}
    for path in TEMPLATES.glob("*.md.j2"):
        if not path.name.startswith("_"):
            names.add(path.name[: -len(".md.j2")])
    names.discard("report")
    return sorted(names)


def resolve_template(template: str | os.PathLike | None) -> tuple[Path | None, str]:
    """(the user's template folder or None, the entry template name)."""
    if template is None or str(template) in ("default", "report", ENTRY):
        return None, ENTRY
    path = Path(template)
    if path.is_dir():
        if not (path / ENTRY).is_file():
            raise ThematicError("E351", path=path, entry=ENTRY)
        _confined(path.resolve(), ENTRY)
        return path.resolve(), ENTRY
    if path.exists() and not path.is_file():
        raise ThematicError("E673", path=path, problem="it is not a regular file")
    if path.is_file():
        real = path.resolve()
        if not real.name.endswith(".j2") or not path.name.endswith(".j2"):
            raise ThematicError("E673", path=path, problem="a template file's name ends in "
                                ".j2 (e.g. report.md.j2); this is not a template")
        if real.parent != path.absolute().parent.resolve():
            raise ThematicError("E673", path=path, problem=f"it is a link to {real}, outside "
                                "its folder")
        return real.parent, path.name
    name = str(template)
    if (TEMPLATES / f"{name}.md.j2").is_file() and not name.startswith("_"):
        return None, f"{name}.md.j2"
    raise ThematicError("E350", value=name, choices=", ".join(bundled()),
                        suggest=nearest(name, bundled()))


def _confined(folder: Path, name: str) -> None:
    """E673 when template ``name`` of the user's ``folder`` is (or passes through) a link
    that leads outside the folder: /etc/passwd must not reach a report via a symlink."""
    real = (folder / name).resolve()
    if not real.is_relative_to(folder.resolve()):
        raise ThematicError("E673", path=folder / name, problem=f"it leads to {real}, "
                            f"outside the template folder {folder}")


def environment(user_dir: Path | None = None):
    """The sandboxed environment: ChoiceLoader(user folder, package), finalize = escape."""
    from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment
    from markupsafe import Markup

    class ConfinedLoader(FileSystemLoader):
        def get_source(self, environment, template):
            _confined(Path(self.searchpath[0]), template)
            return super().get_source(environment, template)

    package = FileSystemLoader(str(TEMPLATES))
    loaders: list[BaseLoader] = [ConfinedLoader(str(user_dir))] if user_dir is not None else []
    loaders += [PrefixLoader({"default": package}, delimiter="/"),
                PrefixLoader({"default": package}, delimiter=":"), package]

    def finalize(value: object) -> object:
        # autoescape=True makes Jinja wrap every printed value in markupsafe.escape(), which
        # leaves Markup alone; so returning Markup(markdown-escaped text) swaps HTML
        # escaping for Markdown escaping, and macro output (already Markup) passes as is.
        if hasattr(value, "__html__"):
            return value
        if value is None:
            return Markup("")
        return Markup(markdown.escape(value))

    env = SandboxedEnvironment(loader=ChoiceLoader(loaders), autoescape=True,
                               finalize=finalize, undefined=StrictUndefined,
                               keep_trailing_newline=True, trim_blocks=True,
                               lstrip_blocks=True)
    env.filters.update({
        "md": lambda v: Markup(markdown.escape(v)),
        "attr": lambda v: Markup(markdown.attr(v)),
        "anchor": lambda ident, kind: markdown.anchor(kind, ident),
        "pct": lambda share: f"{round(float(share) * 100):d}%",
        "plural": _plural,
        "fixed": lambda v, digits=2: "" if v is None else f"{float(v):.{int(digits)}f}",
        "url": _url,
        "excerpt_links": lambda refs: Markup(rows.excerpt_links(refs)),
        "study_links": lambda refs: Markup(rows.study_links(refs)),
        "appendix_entries": lambda entries: Markup(rows.appendix_entries(entries)),
    })
    return env


@lru_cache(maxsize=1)
def _package_environment():
    # One per process: Jinja keeps the compiled bundled templates (checking their files'
    # times on each use), so a process that renders many reports compiles them once.
    return environment(None)


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _url(path: str) -> str:
    from urllib.parse import quote

    return quote(str(path), safe="/-_.~")


def render_text(context: dict, template: str | os.PathLike | None = None) -> str:
    """The report's Markdown for ``context`` with ``template`` (name, folder or file)."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.sandbox import SecurityError

    user_dir, entry = resolve_template(template)
    env = _package_environment() if user_dir is None else environment(user_dir)
    try:
        text = env.get_template(entry).render(**context)
    except TemplateSyntaxError as exc:
        raise ThematicError("E352", path=exc.filename or exc.name or entry,
                            line=exc.lineno, detail=exc.message) from None
    except TemplateNotFound as exc:
        raise ThematicError("E355", name=exc.name, path=user_dir or TEMPLATES) from None
    except SecurityError as exc:
        raise ThematicError("E356", template=entry, detail=str(exc)) from None
    except ThematicError:
        raise
    except (UndefinedError, TemplateError, Exception) as exc:
        # Sandboxed templates only read plain data, so whatever goes wrong while one runs
        # (1/0, a missing key, a bad filter argument) is the template's problem to report.
        raise ThematicError("E357", template=entry, line=_line(exc),
                            detail=f"{type(exc).__name__}: {exc}") from None
    return _tidy(text)


def _line(exc: BaseException) -> str:
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename and frame.filename.endswith(".j2"):
            return f"{Path(frame.filename).name}, line {frame.lineno}"
    return "?"


def _tidy(text: str) -> str:
    """At most one blank line in a row, no trailing spaces, one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def to_html(text: str, title: str) -> str:
    """A standalone HTML page of the Markdown report (markdown-it-py, CommonMark + tables)."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        raise ThematicError("E358") from None
    import html

    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>body{{max-width:60rem;margin:auto;"
            "padding:1rem;font-family:sans-serif;line-height:1.45}}table{{border-collapse:"
            "collapse}}td,th{{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}}"
            "blockquote{{border-left:4px solid #ccc;margin-left:0;padding-left:1rem}}"
            "img{{max-width:100%}}</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n")


def render(store, out: str | os.PathLike, *, template: str | os.PathLike | None = None,
           themes: list[str] | None = None, fmt: str = "md", title: str | None = None,
           agreement_coders: list[str] | None = None,
           evidence_coders: list[str] | None = None) -> Path:
    """Render the report to ``out`` (figures in a folder named after it); returns the path.

    ``agreement_coders``: the coders whose agreement the Methods state (default: the
    agreement room's default, every human coder). ``evidence_coders``: whose accepted
    codings are evidence (default: the evidence policy, thematic.evidence)."""
    return build_report(store, out, template=template, themes=themes, fmt=fmt,
                        title=title, agreement_coders=agreement_coders,
                        evidence_coders=evidence_coders).path


def build_report(store, out: str | os.PathLike, *, template: str | os.PathLike | None = None,
                 themes: list[str] | None = None, fmt: str = "md", title: str | None = None,
                 agreement_coders: list[str] | None = None,
                 evidence_coders: list[str] | None = None, design: str | None = None,
                 by: list[str] | None = None) -> Result:
    """``render`` with the details the CLI prints: figures written and sections skipped.

    The report ends with a trailer marker recording how it was rendered and the event-log
    head it was rendered from; the same record goes into the store (one transaction with a
    "report render" event), so ``thematic audit`` can re-render it and compare."""
    from thematic.files import atomic_write
    from thematic.store import reports as rdb

    if fmt not in FORMATS:
        raise ThematicError("E359", value=fmt, choices=", ".join(FORMATS))
    out = Path(out)
    if out.is_dir():
        raise ThematicError("E360", path=out)
    from thematic.files import check_target

    check_target(out)
    resolve_template(template)  # fail on a bad template before reading the project
    name = out.name[: -len(out.suffix)] if out.suffix else out.name
    options = {"template": template_ref(template), "themes": themes, "title": title,
               "format": fmt, "agreement_coders": agreement_coders, "name": name,
               "evidence_coders": evidence_coders, "design": design, "by": by}
    seq, digest = rdb.head(store)
    text, context, drawn, extra = compose(store, options)
    options["figures"] = context["figures"]
    text += trailer(seq, digest, options)
    # The record, not the trailer, keeps each figure's data digest and PNG SHA-256: a PNG's
    # bytes depend on the machine's matplotlib and fonts, and the Markdown must not.
    recorded = {**options, FIGURE_FILES: {
        f.id: {"path": f"{name}/{f.id}.png", "input": context["figure_inputs"][f.id],
               "sha256": _sha256_bytes(f.data)}
        for f in drawn if f.data is not None and f.id in context["figure_inputs"]}}
    folder = out.parent / name
    key = project_path(store, out)
    def write() -> list[Path]:
        written = []
        for figure in drawn:
            if figure.data is not None:
                written.append(atomic_write(folder / f"{figure.id}.png", figure.data))
        written += [atomic_write(folder / file, data) for file, data in extra]
        atomic_write(out, text)
        return written

    try:
        with store.transaction(f"report {key}"):
            written = write()
            rdb.record(store, rdb.ReportRecord(path=key, format=fmt, options=recorded,
                                               head_seq=seq, head_hash=digest,
                                               sha256=_sha256(text)))
            store.log(rdb.RENDER, key, {"head_seq": seq, "head_hash": digest,
                                        "sha256": _sha256(text)})
    except ThematicError as exc:
        if exc.code != "E668":
            raise
        # a project on a read-only disk can still be reported on, elsewhere; the report
        # keeps its trailer, but the project cannot record it
        written = write()
        context["notes"].append("The project is read-only: this report is not recorded in "
                                "it, so `thematic audit` does not know it was rendered.")
    return Result(path=out, figures=written, notes=list(context["notes"]),
                  themes=len(context["themes"]))


def _heatmap(fig_mod, context: dict, labels: dict):
    """Theme × study, or theme × attribute for a survey with many respondents (a review's
    report keeps its theme × study heatmap)."""
    design = context.get("design") or {}
    sources = context["project"]["studies_with_excerpts"]
    if design.get("kind") == "survey" and sources > fig_mod.HEATMAP_SOURCES:
        return fig_mod.attribute_heatmap(context["themes"], design["table"])
    return fig_mod.heatmap(context["themes"], labels)


def compose(store, options: dict, figures: list[dict] | None = None
            ) -> tuple[str, dict, list, list[tuple[str, bytes]]]:
    """(text without trailer, context, figures drawn, other figure files) of a report
    rendered with ``options`` (as recorded). Given the recorded ``figures``, the network and
    heatmap are not drawn: audit re-renders the text only, and their availability belongs to
    the machine that drew them. The PRISMA and CFIR figures are drawn either way: the text
    names their files."""
    from thematic.gcpause import paused

    with paused():
        return _compose(store, options, figures)


def _compose(store, options: dict, figures: list[dict] | None
             ) -> tuple[str, dict, list, list[tuple[str, bytes]]]:
    from thematic.report import context as ctx_mod
    from thematic.report import figures as fig_mod

    built = ctx_mod.build(store, themes=options.get("themes"), title=options.get("title"),
                          name=options.get("name") or "report",
                          agreement_coders=options.get("agreement_coders"),
                          evidence_coders=options.get("evidence_coders"),
                          design=options.get("design"), by=options.get("by"))
    context = built.context
    drawn: list = []
    labels = {r["id"]: f"{r['citation']} [{r['id']}]" for r in context["references"]}
    inputs = figure_inputs(built.graph, context, labels)
    if figures is None:
        name = context["report"]["name"]
        drawn = [fig_mod.network(built.graph, _graph_note(context)),
                 _heatmap(fig_mod, context, labels)] if context["themes"] else []
        figures = [{"id": f.id, "title": f.title, "available": f.data is not None,
                    "note": f.note, "path": f"{name}/{f.id}.png" if f.data else None}
                   for f in drawn]
    context["figures"] = [dict(f) for f in figures]
    context["notes"] += [f["note"] for f in figures
                         if f.get("note") and f["note"] not in context["notes"]]
    from thematic.report import cfir as cfir_section
    from thematic.report.confidence import figures as confidence_figures

    extra = confidence_figures(context, context["report"]["name"])
    drawn += [f for f in (cfir_section.figure(context, context["report"]["name"]),)
              if f is not None]
    text = render_text(context, options.get("template"))
    # after rendering (no template sees it): the digests of the data the figures show; the
    # project's record of a report keeps them, and audit compares them with the store's now
    context["figure_inputs"] = inputs
    if options.get("format") == "html":
        text = to_html(text, context["report"]["title"])
    return text, context, drawn, extra


TRAILER = "thematic-report"
#: The key of a report record's options that holds its figures' digests (not in the trailer).
FIGURE_FILES = "figure_files"


def trailer(seq: int, digest: str, options: dict) -> str:
    """The last line of every report: its rendering record, as a marker data cannot forge
    (every value goes through markdown.attr)."""
    import json

    blob = json.dumps(options, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (f'<!-- {TRAILER} seq="{int(seq)}" head="{markdown.attr(digest)}" '
            f'options="{markdown.attr(blob)}" -->\n')


def template_ref(template: str | os.PathLike | None) -> str | None:
    """What to record of ``template``: None (default), a bundled name, or an absolute path."""
    if template is None or str(template) in ("default", "report", ENTRY):
        return None
    path = Path(template)
    if path.is_dir() or path.is_file():
        return str(path.resolve())
    return str(template)


def project_path(store, path: str | os.PathLike) -> str:
    """``path`` relative to the project folder when inside it (how reports are recorded)."""
    root = Path(store.path).resolve().parent.parent
    full = Path(path).resolve()
    try:
        return full.relative_to(root).as_posix()
    except ValueError:
        return full.as_posix()


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def figure_inputs(graph, context: dict, labels: dict) -> dict[str, str]:
    """By figure id, a SHA-256 of the data the theme network and the heatmap draw: the
    graph's nodes and edges with their attributes; the themes' excerpts per study and the
    study labels (or, for a survey's attribute heatmap, the breakdown table). A report
    records it with each figure and the PNG's own SHA-256, so audit can tell a figure that
    no longer shows the store's data, or a PNG replaced, without drawing it again."""
    import hashlib
    import json

    def digest(value: object) -> str:
        blob = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    themes = [[t["id"], t["name"], t["by_study"]] for t in context["themes"]]
    design = context.get("design") or {}
    table = design.get("table") if design.get("kind") == "survey" else None
    out = {"theme-study-heatmap": digest({"themes": themes, "studies": labels}),
           "theme-attribute-heatmap": digest({"themes": themes, "table": table})}
    if graph is not None:
        out["theme-network"] = digest({
            "nodes": sorted([str(n), d] for n, d in graph.nodes(data=True)),
            "edges": sorted([*sorted([str(a), str(b)]), d]
                            for a, b, d in graph.edges(data=True))})
    return out


def _sha256_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _graph_note(context: dict) -> str | None:
    for theme in context["themes"]:
        note = theme["cooccurring"].get("note")
        if note:
            return note
    return None
