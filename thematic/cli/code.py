"""``thematic code …`` (auto-coding, manual coding, review, coverage) and ``thematic memo``."""

from __future__ import annotations

from dataclasses import asdict

import click

from thematic.cli.common import App, LiveChoice, emit, json_option, pass_app
from thematic.cli.engine import engine_for, engine_options, progress
from thematic.coding import STATUSES as CODING_STATUSES
from thematic.coding import Status
from thematic.coding.exchange import EXPORTERS
from thematic.words import plural

# The one list of statuses (thematic.store.codings.Status) as a click choice.
STATUSES = click.Choice(CODING_STATUSES)
coder_option = click.option(
    "--coder", help="Who is coding (default: THEMATIC_USER, else your login name).")
codebook_option = click.option(
    "--codebook", help="Codebook name (default: the current codebook loaded last).")


def _coder(name: str | None) -> str:
    from thematic.coding import actor

    return name or actor()


@click.group()
def code() -> None:
    """Code excerpts: automatically from the codebook's rules, by hand, or by reviewing
    proposals; import, export and list codings; see what each coder reviewed."""


@code.command("auto")
@codebook_option
@click.option("--where", help="Only excerpts matching FIELD=VALUE terms joined by ' and ' "
              "(e.g. 'source=15', 'section=Barriers', 'text~stigma', 'design=RCT|cohort').")
@click.option("--semantic", is_flag=True, help="Also propose codes by embedding similarity "
              "to each code's definition and examples (coder auto:semantic).")
@click.option("--min-score", type=click.FloatRange(-1, 1), help="Semantic stage: the lowest "
              "cosine similarity proposed (default 0.5).")
@click.option("--model", help="An installed spaCy pipeline (package name or path) instead of "
              "the built-in rules pipeline; nothing is downloaded.")
@click.option("--embedder", help="Semantic stage: the embedding backend, minilm, tfidf or a "
              "model folder (default: minilm when installed, else tfidf).")
@engine_options
@json_option
@pass_app
def auto(app: App, codebook, where, semantic, min_score, model, embedder, engine, scheduler,
         workers, as_json) -> None:
    """Propose codes for excerpts from the codebook's rules (status proposed, coder
    auto:rules). Phrases match on lemmas, ignoring case; a negated mention does not code
    unless the code keeps negated mentions; exclusion rules veto a code in their sentence.
    Running it again adds no duplicates. With --engine dask the rules run on a Dask
    cluster, with the same proposals; they are written here, at the end, in one go."""
    from thematic.coding.auto import run
    from thematic.coding.where import select_texts

    store = app.store()
    # A cluster's workers load the coder while the excerpts are read here.
    with engine_for(engine, scheduler, workers, warm=True) as cluster:
        chosen = select_texts(store, where, analysed=True)
        with progress(cluster, len(chosen), "Auto-coding") as bar:
            result = run(store, codebook=codebook, where=where, min_score=min_score,
                         semantic=semantic, progress=bar, model=model, embedder=embedder,
                         excerpts=chosen, engine=cluster)
    if as_json:
        emit([], as_json=True, document=asdict(result))
        return
    click.echo(f"Coded {plural(result.excerpts, 'excerpt')} with {result.codebook} "
               f"{result.version}: {plural(result.found, 'proposal')} found, {result.proposed} new "
               f"({result.negated} negated and {result.excluded} excluded "
               f"{'mention' if result.negated + result.excluded == 1 else 'mentions'} "
               f"skipped).")
    if semantic:
        click.echo(f"Semantic stage: {plural(result.semantic, 'proposal')} by auto:semantic.")
    if result.other_language:
        click.echo(f"{plural(result.other_language, 'excerpt')} in another language than the "
                   "codebook's were not coded by its rules.")
    if result.proposed:
        click.echo("Review them with `thematic code review`.")


@code.command("add")
@click.argument("excerpt")
@click.argument("code_id", metavar="CODE")
@coder_option
@click.option("--span", help="Code only characters START:END of the excerpt text.")
@click.option("--memo", help="A note kept with the coding.")
@codebook_option
@pass_app
def add(app: App, excerpt, code_id, coder, span, memo, codebook) -> None:
    """Give EXCERPT the code CODE (accepted; the excerpt counts as reviewed by the coder)."""
    from thematic.coding.manual import add_coding

    who = _coder(coder)
    found, added = add_coding(app.store(), excerpt, code_id, coder=who, span=span, memo=memo,
                              codebook=codebook)
    where = f", characters {found.start}-{found.end}" if found.start is not None else ""
    if added:
        click.echo(f"Coded {found.excerpt_id} as {found.code_id} (coder {who}{where}).")
    else:
        click.echo(f"{found.excerpt_id} already has {found.code_id} from {who}{where}; "
                   "nothing added.")


@code.command("remove")
@click.argument("excerpt")
@click.argument("code_id", metavar="CODE")
@coder_option
@click.option("--span", help="Only the coding of characters START:END.")
@codebook_option
@pass_app
def remove(app: App, excerpt, code_id, coder, span, codebook) -> None:
    """Remove a coder's CODE from EXCERPT (the excerpt stays reviewed: now a "no")."""
    from thematic.coding.manual import remove_codings

    who = _coder(coder)
    gone = remove_codings(app.store(), excerpt, code_id, coder=who, span=span,
                          codebook=codebook)
    click.echo(f"Removed {plural(len(gone), 'coding')} of {gone[0].code_id} from "
               f"{gone[0].excerpt_id} "
               f"(coder {who}).")


def _span(c) -> str:
    return "" if c.start is None else f"{c.start}-{c.end}"


@code.command("list")
@click.option("--code", "code_id", help="Only this code.")
@click.option("--coder", help="Only this coder.")
@click.option("--status", type=STATUSES, help="Only codings with this status.")
@click.option("--source", help="Only excerpts of this study.")
@click.option("--excerpt", help="Only this excerpt.")
@codebook_option
@json_option
@pass_app
def list_(app: App, code_id, coder, status, source, excerpt, codebook, as_json) -> None:
    """List codings (id, excerpt, code, coder, status, span, rule or origin, score)."""
    from thematic.coding import list_codings
    from thematic.lookup import codebook as resolve_codebook
    from thematic.lookup import study

    store = app.store()
    book_id = resolve_codebook(store, codebook).id if codebook else None
    if source is not None:
        study(store, source)
    found = list_codings(store, coder=coder, code=code_id, status=status, source=source,
                         excerpt=excerpt, codebook_id=book_id)
    rows = [{"id": c.id, "excerpt": c.excerpt_id, "code": c.code_id, "coder": c.coder,
             "status": c.status, "span": _span(c), "origin": c.origin, "score": c.score}
            for c in found]
    emit(rows, as_json=as_json, document=[asdict(c) for c in found])


@code.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@coder_option
@click.option("--status", type=STATUSES, default=Status.ACCEPTED.value, show_default=True,
              help="Status of codings whose row gives none.")
@codebook_option
@json_option
@pass_app
def import_(app: App, file, coder, status, codebook, as_json) -> None:
    """Import codings from FILE: long CSV (excerpt, code[, coder, start, end, memo]), wide
    CSV (excerpt + one 0/1 column per code), list CSV (excerpt or finding_id + codes
    separated by ';', like gold.csv) or a JSON export. Every excerpt in the file counts as
    reviewed by its coder. --coder names the coder when the file has no coder column."""
    from thematic.coding.manual import import_codings

    result = import_codings(app.store(), file, coder=coder, status=status, codebook=codebook,
                            root=app.root)
    if as_json:
        emit([], as_json=True, document=asdict(result))
        return
    click.echo(f"{result.path} ({result.shape}): {plural(result.rows, 'row')}; "
               f"{plural(result.added, 'coding')} added, {result.existing} already present; "
               f"{plural(result.excerpts, 'excerpt')} reviewed by "
               f"{', '.join(result.coders) or 'nobody'}.")


@code.command("export")
@click.option("--format", "fmt", type=LiveChoice(EXPORTERS.names), default="long",
              show_default=True, help="long: a row per coding; wide: a row per excerpt and "
              "coder with a 0/1 column per code; json: codings, coverage and codebooks.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file "
              "(atomically) instead of standard output.")
@click.option("--coder", help="Only this coder.")
@click.option("--status", type=STATUSES, multiple=True, help="Only these statuses "
              "(repeatable; wide leaves out rejected codings by default).")
@codebook_option
@pass_app
def export(app: App, fmt, out, coder, status, codebook) -> None:
    """Export codings as CSV or JSON (import reads every format back)."""
    from thematic.coding.manual import export_codings
    from thematic.files import atomic_write

    text = export_codings(app.store(), fmt, coder=coder, status=tuple(status) or None,
                          codebook=codebook)
    if out is None:
        click.echo(text, nl=False)
        return
    atomic_write(out, text)
    click.echo(f"Wrote {out} ({fmt}).")


def _decide(app: App, ids, accept: bool, coder, memo, every, code_id, excerpt, proposer):
    from thematic.coding import list_codings
    from thematic.coding.manual import decide
    from thematic.errors import ThematicError

    store = app.store()
    chosen = list(ids)
    if every:
        chosen += [c.id for c in list_codings(store, status=Status.PROPOSED, code=code_id,
                                              excerpt=excerpt, coder=proposer)]
    if not chosen:
        raise ThematicError("E161", what="proposal", detail="the command (give coding ids "
                            "or --all with filters)", suggest="")
    who = _coder(coder)
    done = decide(store, sorted(set(chosen)), accept, coder=who, memo=memo)
    verb = "Accepted" if accept else "Rejected"
    click.echo(f"{verb} {plural(len(done), 'proposal')} as {who}.")


def _decide_command(name: str, accept: bool):
    verb = "Accept" if accept else "Reject"

    @code.command(name, help=f"{verb} proposed codings by id (see `thematic code list "
                  f"--status proposed`), or --all matching the filters; the coder counts as "
                  f"having reviewed their excerpts.")
    @click.argument("ids", nargs=-1, type=int)
    @coder_option
    @click.option("--memo", help="A note kept with the decision.")
    @click.option("--all", "every", is_flag=True, help="Every proposal matching the filters.")
    @click.option("--code", "code_id", help="With --all: only this code.")
    @click.option("--excerpt", help="With --all: only this excerpt.")
    @click.option("--from", "proposer", help="With --all: only proposals by this coder "
                  "(e.g. auto:rules).")
    @pass_app
    def command(app: App, ids, coder, memo, every, code_id, excerpt, proposer) -> None:
        _decide(app, ids, accept, coder, memo, every, code_id, excerpt, proposer)

    return command


accept = _decide_command("accept", True)
reject = _decide_command("reject", False)


@code.command("review")
@coder_option
@codebook_option
@click.option("--from", "proposers", multiple=True, help="Only proposals by this coder "
              "(repeatable; default: all).")
@click.option("--code", "code_id", help="Only proposals of this code.")
@pass_app
def review(app: App, coder, codebook, proposers, code_id) -> None:
    """Review proposed codings in the terminal: a accept, r reject, n add another code,
    s skip, m memo on the excerpt, u undo, q quit. Decisions are saved as you go; run it
    again to carry on where you stopped."""
    from thematic.coding.review import ReviewSession, run_terminal

    session = ReviewSession(app.store(), _coder(coder), codebook=codebook,
                            proposers=list(proposers) or None, code=code_id)
    if session.done:
        click.echo("No proposals to review.")
        return
    click.echo(run_terminal(session))


@code.command("coverage")
@click.option("--coder", help="Only this coder (and list the excerpts).")
@codebook_option
@json_option
@pass_app
def coverage(app: App, coder, codebook, as_json) -> None:
    """Which excerpts each coder has reviewed: reviewed-and-uncoded counts as "no" for
    agreement; never reviewed is missing."""
    from thematic.coding.assign import current, progress
    from thematic.coding.manual import coverage_summary

    rows = coverage_summary(app.store(), coder=coder, codebook=codebook)
    table = [{k: v for k, v in asdict(r).items() if k != "excerpts"} for r in rows]
    document = [asdict(r) for r in rows]
    if current(app.store()) is not None:  # progress on the assignment in force
        done = {p.coder: p for p in progress(app.store())}
        for row, doc in zip(table, document):
            p = done.get(row["coder"])
            row["assigned"] = f"{p.reviewed}/{p.assigned}" if p else ""
            doc["assignment"] = asdict(p) if p else None
    emit(table, as_json=as_json, document=document)
    if coder is not None and not as_json and rows:
        click.echo("")
        click.echo("reviewed: " + (", ".join(rows[0].excerpts) or "(none)"))


@click.group()
def memo() -> None:
    """Memos on excerpts, codes, themes and the project."""


@memo.command("add")
@click.argument("kind", type=click.Choice(["excerpt", "code", "theme", "project"]))
@click.argument("target", metavar="ID")
@click.argument("text")
@click.option("--author", help="Who writes it (default: THEMATIC_USER, else your login).")
@pass_app
def memo_add(app: App, kind, target, text, author) -> None:
    """Write a memo on an excerpt, code or theme ID (use - as the ID for the project)."""
    from thematic.coding.manual import add_memo

    memo_id = add_memo(app.store(), kind, target, text, author=_coder(author))
    click.echo(f"Memo {memo_id} added to {kind} {target}.")


@memo.command("list")
@click.argument("kind", required=False,
                type=click.Choice(["excerpt", "code", "theme", "project"]))
@click.argument("target", metavar="[ID]", required=False)
@json_option
@pass_app
def memo_list(app: App, kind, target, as_json) -> None:
    """List memos (all, of one kind, or of one target)."""
    from thematic.coding.manual import list_memos

    found = list_memos(app.store(), kind, target)
    rows = [{"id": m["id"], "kind": m["target_kind"], "target": m["target_id"],
             "author": m["author"], "time": m["created_at"], "text": m["text"]}
            for m in found]
    emit(rows, as_json=as_json, document=found)
