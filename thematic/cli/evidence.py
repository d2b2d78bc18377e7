"""``thematic evidence``: whose accepted codings count as evidence (the evidence policy)."""

from __future__ import annotations

import click

from thematic.cli.common import App, emit, json_option, pass_app


@click.group()
def evidence() -> None:
    """The evidence policy: which coders' accepted codings are evidence for themes and
    reports (default: a reconciled coder when there is one, else every human coder;
    automatic and imported comparison coders only when named)."""


@evidence.command("show")
@json_option
@pass_app
def show(app: App, as_json: bool) -> None:
    """Print the policy in force and the coders it leaves out."""
    from thematic.evidence import resolve

    _print(resolve(app.store()), as_json)


@evidence.command("set")
@click.argument("coders", metavar="A,B", required=False)
@click.option("--default", "default", is_flag=True, help="Forget the setting: back to the "
              "default policy.")
@json_option
@pass_app
def set_(app: App, coders: str | None, default: bool, as_json: bool) -> None:
    """Make CODERS (comma-separated) the project's evidence coders."""
    from thematic.errors import ThematicError
    from thematic.evidence import set_coders

    names = [c.strip() for c in (coders or "").split(",") if c.strip()]
    if bool(names) == default:
        raise ThematicError("E701")
    _print(set_coders(app.store(), names), as_json)


@evidence.command("outliers")
@click.argument("choice", type=click.Choice(["count", "exclude"]))
@json_option
@pass_app
def outliers(app: App, choice: str, as_json: bool) -> None:
    """Whether members of accepted topic candidates that HDBSCAN left as outliers and
    BERTopic reassigned (--cluster hdbscan) are evidence: exclude (the default) or count
    (the report and `thematic trace` then mark them)."""
    from thematic.evidence import set_reassigned

    _print(set_reassigned(app.store(), choice == "count"), as_json)


def _print(policy, as_json: bool) -> None:
    if as_json:
        emit([], as_json=True, document={**policy.to_dict(), "statement": policy.statement()})
    else:
        click.echo(policy.statement())
