"""``--engine``, ``--scheduler`` and ``--workers``, shared by the commands that can run on a
Dask cluster (``code auto``, ``network``, ``topics``), and their terminal output: the
dashboard's address and Dask's progress bar, on stderr and only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from thematic.cli.common import progress as click_progress

ENGINE_OPTIONS = [
    click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
                 show_default=True, help="Where the work runs: this process, or a Dask "
                 "cluster (a local one with a worker per core, or --scheduler's)."),
    click.option("--scheduler", metavar="tcp://HOST:PORT", help="With --engine dask: a "
                 "running Dask scheduler to use instead of a local cluster."),
    click.option("--workers", type=click.IntRange(min=1), help="With --engine dask: worker "
                 "processes of the local cluster (default: one per core)."),
]


def engine_options(f):
    for option in reversed(ENGINE_OPTIONS):
        f = option(f)
    return f


@contextmanager
def engine_for(engine: str, scheduler: str | None, workers: int | None, *,
               warm: bool = False) -> Iterator:
    """The engine the options ask for, started, closed at the end (``None`` for local,
    which the library runs itself); ``warm`` as in ``open_engine``."""
    from thematic.engine import open_engine

    opened = open_engine(engine, scheduler=scheduler, workers=workers, warm=warm)
    if opened.name == "local":
        yield None
        return
    with opened:
        if opened.dashboard:
            click.echo(f"Dask dashboard: {opened.dashboard}", err=True)
        yield opened


@contextmanager
def progress(engine, total: int | None, label: str) -> Iterator[Callable[[int], None]]:
    """The project's progress bar, or Dask's text bar when the work runs on Dask; both on
    stderr, and silent when stderr is not a terminal."""
    if engine is None or not sys.stderr.isatty() or not total:
        with click_progress(total if engine is None else None, label) as step:
            yield step
        return
    bar = _dask_bar(engine.address)
    done = {"n": 0}

    def draw(n: int) -> None:
        done["n"] += n
        bar._draw_bar(remaining=total - done["n"], all=total)

    try:
        yield draw
    finally:
        bar._draw_stop()
        sys.stderr.write("\n")


def _dask_bar(address: str):
    # Dask's TextProgressBar watches futures on the scheduler and writes to stdout; here the
    # engine hands back partitions as they finish (and releases them, to keep memory flat),
    # so the same bar is drawn from those counts, on stderr, away from --json output.
    from distributed.diagnostics.progressbar import TextProgressBar

    class Bar(TextProgressBar):
        def _draw_bar(self, remaining, all, **kwargs):
            stdout = sys.stdout
            sys.stdout = sys.stderr
            try:
                super()._draw_bar(remaining, all, **kwargs)
            finally:
                sys.stdout = stdout

        def _draw_stop(self, **kwargs):
            pass

    return Bar([], scheduler=address, start=False)
