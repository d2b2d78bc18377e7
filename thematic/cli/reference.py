"""The CLI reference in the README, generated from the click help (a test keeps it fresh).

``python -m thematic.cli.reference`` rewrites the section between the markers in README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

START = "<!-- cli-reference:start -->"
END = "<!-- cli-reference:end -->"


def _walk(command: click.Command, path: list[str], ctx: click.Context):
    yield path, command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                child = sub.make_context(name, [], parent=ctx, resilient_parsing=True)
                yield from _walk(sub, [*path, name], child)


def reference() -> str:
    """Markdown: one heading and one help block per command, in command order."""
    from thematic.cli.main import cli

    # make_context applies each command's context_settings, as a real invocation does.
    root = cli.make_context("thematic", [], resilient_parsing=True, terminal_width=88,
                            max_content_width=88)
    parts = []
    for path, command, ctx in _walk(cli, [], root):
        title = " ".join(["thematic", *path])
        text = command.get_help(ctx)
        parts.append(f"### `{title}`\n\n```\n{text}\n```\n")
    return "\n".join(parts)


def section() -> str:
    return f"{START}\n{reference()}{END}"


def update(readme: Path) -> bool:
    """Rewrite the reference in ``readme``; True when it changed."""
    text = readme.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    new = head + section() + tail
    if new != text:
        readme.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    changed = update(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))
    print("README.md CLI reference " + ("updated" if changed else "already up to date"))
