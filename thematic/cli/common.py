"""What every command shares: the App context, error translation, output, progress."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import click

from thematic.errors import ThematicError

INTERRUPTED = 130
BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `thematic … | head`


class Failure(click.ClickException):
    """A catalogued error: ``Error: [E0xx] …`` and the catalogue's exit status."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        # click declares exit_code a ClassVar, yet reads it from the instance: each
        # catalogued error carries its own
        self.exit_code = exit_code  # type: ignore[misc]


@dataclass
class App:
    project: str | None = None
    debug: bool = False
    _store: object = field(default=None, repr=False)

    @property
    def root(self) -> Path:
        from thematic.project import find

        return find(explicit=self.project)

    def store(self):
        """The project's store, opened once per command."""
        if self._store is None:
            from thematic.project import open_store

            self._store = open_store(self.root)
        return self._store


def run_guarded(ctx: click.Context, call: Callable):
    """Turn library errors into one ``Error:`` line and an exit status (``--debug``: raise)."""
    try:
        return call()
    except ThematicError as exc:
        if ctx.obj is not None and ctx.obj.debug:
            raise
        raise Failure(f"[{exc.code}] {exc.message}", exc.exit_code) from None
    except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
        raise
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: stop quietly, and keep Python's own flush at
        # exit from failing again on the closed pipe.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        ctx.exit(BROKEN_PIPE)
    except Exception as exc:
        if ctx.obj is not None and ctx.obj.debug:
            raise
        known = _known(ctx, exc)
        if known is not None:
            raise Failure(f"[{known.code}] {known.message}", known.exit_code) from None
        raise Failure(f"unexpected {type(exc).__name__}: {exc}. This is a bug in thematic; "
                      "run again with --debug for the traceback and report it.", 2) from None
    except KeyboardInterrupt:
        if ctx.obj is not None and ctx.obj.debug:
            raise
        click.echo("Error: interrupted; the command's changes were rolled back.", err=True)
        ctx.exit(INTERRUPTED)
    finally:
        app = ctx.obj
        if app is not None and app._store is not None:
            app._store.close()
            app._store = None


def _known(ctx: click.Context, exc: Exception) -> ThematicError | None:
    """A numbered error for what the system, not thematic, got wrong: the database file
    damaged or read-only mid-command, a full disk."""
    import sqlite3

    if isinstance(exc, sqlite3.DatabaseError):
        from thematic.project import database_error

        store = ctx.obj._store if ctx.obj is not None else None
        found = database_error(exc, store.path if store is not None else Path("project.db"))
        return found if isinstance(found, ThematicError) else None
    if isinstance(exc, UnicodeEncodeError) and "surrogate" in str(exc):
        bad = exc.object.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") \
            if isinstance(exc.object, str) else repr(exc.object)
        return ThematicError("E669", option="a command-line value or file name",
                             problem=f"{bad!r} is not valid UTF-8; rename the file or retype "
                                     "the value in UTF-8")
    if isinstance(exc, OSError) and exc.errno == 28:  # ENOSPC
        return ThematicError("E006", path=exc.filename or "the output file")
    return None


pass_app = click.make_pass_decorator(App)

MAX_BOOT = 100_000  # resamples: beyond this the interval no longer moves, only memory does


def non_negative(ctx: click.Context, param: click.Parameter, value: int | None):
    """An option callback: a count such as --limit or --top cannot be negative."""
    if value is not None and value < 0:
        raise ThematicError("E669", option=f"--{param.name.replace('_', '-')}",
                            problem=f"{value} is negative; give 0 or a positive number")
    return value


def resamples(ctx: click.Context, param: click.Parameter, value: int | None):
    """An option callback for --boot: 0 (no intervals) up to MAX_BOOT."""
    if value is not None and value < 0:
        raise ThematicError("E207", option="--boot", problem="give 0 (no intervals) or a "
                            "positive number of resamples")
    if value is not None and value > MAX_BOOT:
        raise ThematicError("E207", option="--boot", problem=f"{value} resamples is more than "
                            f"the {MAX_BOOT:,} thematic allows (it would need "
                            f"{value // 125_000:,} GB per 1,000 units, and hours); 1000 to "
                            "10000 give stable 95% intervals")
    return value

json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print one JSON document on stdout instead of a table.")


def emit(rows: Sequence[dict], columns: Sequence[str] | None = None, *, as_json: bool,
         document: object = None, empty: str = "(none)") -> None:
    """The one output path: a plain aligned table, or JSON (``document`` if given, else rows)."""
    if as_json:
        click.echo(json.dumps(rows if document is None else document, indent=2,
                              ensure_ascii=False, default=str))
        return
    if not rows:
        click.echo(empty)
        return
    columns = list(columns or rows[0].keys())
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())


def _cell(value: object, width: int = 70) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        value = ", ".join(map(str, value))
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


@contextmanager
def progress(total: int | None, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal (stderr); silent when piped."""
    if not sys.stderr.isatty() or not total:
        yield lambda n: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


class LiveChoice(click.Choice):
    """A choice read from a registry each time the option is parsed or shown, so that a
    format registered after the command was imported is offered too."""

    def __init__(self, names: Callable[[], Sequence[str]]) -> None:
        self._names = names
        super().__init__(tuple(names()))

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self._names())

    @choices.setter
    def choices(self, value: object) -> None:
        pass  # click.Choice.__init__ sets it; the registry stays the source
