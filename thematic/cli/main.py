"""``thematic``: the main group. Sub-commands load lazily so ``--help`` stays fast."""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from thematic import __version__
from thematic.cli.common import App, run_guarded

# name → "module:attribute"; each module is one command group (or command).
COMMANDS = {
    "init": "thematic.cli.project:init",
    "status": "thematic.cli.project:status",
    "import": "thematic.cli.imports:import_",
    "studies": "thematic.cli.excerpts:studies",
    "excerpts": "thematic.cli.excerpts:excerpts",
    "codebook": "thematic.cli.codebook:codebook",
    "code": "thematic.cli.code:code",
    "memo": "thematic.cli.code:memo",
    "agree": "thematic.cli.agree:agree",
    "topics": "thematic.cli.topics:topics",
    "theme": "thematic.cli.themes:theme",
    "network": "thematic.cli.network:network",
    "report": "thematic.cli.report:report",
    "audit": "thematic.cli.audit:audit",
    "trace": "thematic.cli.audit:trace",
    "export": "thematic.cli.interop:export",
    "log": "thematic.cli.project:log",
    "demo": "thematic.cli.demo:demo",
    "finding": "thematic.cli.findings:finding",
    "appraise": "thematic.cli.findings:appraise",
    "cerqual": "thematic.cli.findings:cerqual",
    "screening": "thematic.cli.findings:screening",
    "cfir": "thematic.cli.cfir:cfir",
}


class LazyGroup(click.Group):
    """Loads a sub-command's module only when that command is listed or run."""

    def __init__(self, *args, lazy: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._available()))

    def _available(self) -> list[str]:
        # A room whose issue is still open has no CLI module yet: do not list it.
        out = []
        for name, target in self.lazy.items():
            module = target.split(":")[0]
            if importlib.util.find_spec(module) is not None:
                out.append(name)
        return out

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and name in self._available():
            module, attr = self.lazy[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        return run_guarded(ctx, lambda: super(LazyGroup, self).invoke(ctx))


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names":
                                                             ["-h", "--help"]})
@click.version_option(__version__, prog_name="thematic")
@click.option("--project", "project", type=click.Path(file_okay=False), envvar=None,
              help="The project folder (default: THEMATIC_PROJECT, else the folder holding "
                   ".thematic/, searched upwards from here).")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.pass_context
def cli(ctx: click.Context, project: str | None, debug: bool) -> None:
    """Qualitative thematic synthesis: import findings, code them against a codebook,
    measure agreement, find themes, map co-occurrence, and write a traceable report.

    Exit status: 0 success, 1 a check found problems, 2 bad usage or input.
    """
    ctx.obj = App(project=project, debug=debug)


def main() -> None:  # pragma: no cover - the console script calls cli() directly
    sys.exit(cli())
