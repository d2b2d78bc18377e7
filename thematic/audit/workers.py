"""Re-derive the reports in a second process while this one runs every other check.

Re-rendering a report is most of an audit of a large project (≈60% at 100k excerpts), and
it reads the store only: a second process renders and compares, while the first checks the
store, the event log, the findings and each report's markers. Both read the same project:
the second opens its own connection and its own read snapshot, and re-derives only when
that snapshot holds what the first one's does (``store.audit.state``: the last event and
every evidence table's row count and highest rowid); when something was written between the
two, or the second process fails, the first re-derives itself, as it would with one job. The
problems come out in the order one process would give them.

A second process costs about a second (start, imports, reading the index again), so it is
used only for projects of at least ``THRESHOLD`` excerpts, on a machine with two cores.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from thematic.store import audit as db
from thematic.store.db import Store

#: Excerpts from which ``jobs=None`` uses a second process.
THRESHOLD = 20_000


def jobs(store: Store, wanted: int | None) -> int:
    """How many processes audit uses: ``wanted``, or (None) two for a project of at least
    THRESHOLD excerpts when this process may run on two cores, else one."""
    if wanted is not None:
        return max(1, wanted)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else (os.cpu_count() or 1)
    if cores < 2:
        return 1
    return 2 if db.count_excerpts(store) >= THRESHOLD else 1


class Rederiving:
    """Re-derivations running in another process; ``result`` waits for one report's."""

    def __init__(self, store: Store, root: Path, paths: list[Path]) -> None:
        import pickle
        import subprocess
        import sys

        # a process of its own (python -m), not multiprocessing: spawn would import the
        # caller's main script again, fork would carry this process's SQLite connection
        # and threads into the child; PYTHONPATH makes it import this very package
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [*_home(), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])}
        self._store, self._paths = store, [str(p) for p in paths]
        self._supplies: list[tuple[tuple, Callable[[], Any]]] = []
        self._sender: threading.Thread | None = None
        # started first: it imports what a re-render needs while this reads what to send
        self._proc = subprocess.Popen([sys.executable, "-m", "thematic.audit.workers"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, env=env)
        assert self._proc.stdin is not None
        try:
            self._supplies = _supplies(store)
            pickle.dump((str(store.path), str(root), self._paths, db.state(store),
                         [key for key, _ in self._supplies]), self._proc.stdin)
            self._proc.stdin.flush()
        except OSError:   # it could not start reading: re-derived here
            self.close()
        self._done: dict[str, tuple[list, bool]] | None = None

    def supply(self) -> None:
        """Compute what the audit's own checks read too and the re-render would compute
        again (_supplies: the accepted codings, the themes' evidence, ≈25% of a re-render
        at 100k excerpts) and send each to the second process as soon as it is made; sent
        from a thread, so a second process that no longer reads cannot block this one."""
        import pickle
        import queue

        made: queue.Queue[bytes | None] = queue.Queue()

        def send() -> None:
            stdin = self._proc.stdin
            try:
                while (data := made.get()) is not None and stdin is not None:
                    stdin.write(data)
                    stdin.flush()
            except (OSError, ValueError):   # it ended, or closed: nothing more to send
                pass
            finally:
                self._end_input()

        self._sender = threading.Thread(target=send, daemon=True)
        self._sender.start()
        try:
            for key, compute in self._supplies:
                compute()
                made.put(pickle.dumps((key, self._store.kept(key)),
                                      protocol=pickle.HIGHEST_PROTOCOL))
        finally:
            made.put(None)

    def result(self, path: Path, here: Callable[[], tuple[list, bool]]) -> tuple[list, bool]:
        """(problems, markers only?) of ``path``; ``here`` re-derives in this process when
        the other one could not (it failed, or read another state of the project)."""
        if self._done is None:
            import pickle

            if self._sender is None:   # nothing will be supplied: it computes the evidence
                self._end_input()
            out = None
            try:
                assert self._proc.stdout is not None
                data = self._proc.stdout.read()
                if self._proc.wait() == 0:
                    out = pickle.loads(data)
            except (OSError, ValueError, pickle.UnpicklingError, EOFError):
                out = None
            self._done = dict(zip(self._paths, out)) if out is not None else {}
        found = self._done.get(str(path))
        return found if found is not None else here()

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        if self._sender is not None:
            self._sender.join()
        else:
            self._end_input()

    def _end_input(self) -> None:
        try:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
        except OSError:
            pass


def _home() -> list[str]:
    """The folder this thematic was imported from, for the second process's PYTHONPATH; none
    when it is a site-packages folder, which the child has anyway and which must not come
    before the standard library."""
    import site
    import sysconfig

    import thematic

    home = Path(thematic.__file__).resolve().parent.parent
    installed = {Path(p).resolve() for p in (*site.getsitepackages(),
                                              site.getusersitepackages(),
                                              sysconfig.get_paths()["purelib"],
                                              sysconfig.get_paths()["platlib"])}
    return [] if home in installed else [str(home)]


def _supplies(store: Store) -> list[tuple[tuple, Callable[[], Any]]]:
    """(Store.memo key, what fills it) of each value the first process sends, in the order
    the re-render reads them (its index first, then the themes' evidence)."""
    from thematic.store.codings import ACCEPTED_KEY, accepted_rows
    from thematic.themes import evidence_all, evidence_key

    key = evidence_key(store)
    return [(ACCEPTED_KEY, lambda: accepted_rows(store)),
            (key, lambda: evidence_all(store, coders=list(key[1]), reassigned=key[2]))]


class _Received:
    """The values the first process sends (key, value), read from ``stream`` as each is
    wanted, in whatever order: None for one that never comes (it is then computed)."""

    def __init__(self, stream) -> None:
        self._stream, self._ended = stream, False
        self._got: dict[tuple, Any] = {}

    def get(self, key: tuple) -> Any:
        import pickle

        while key not in self._got and not self._ended:
            try:
                got, value = pickle.load(self._stream)
                self._got[got] = value
            except (EOFError, pickle.UnpicklingError, OSError, ValueError, TypeError):
                self._ended = True
        return self._got.pop(key, None)


def rederive(db_path: str, root: str, paths: list[str], state: tuple,
             keys: list[tuple] | None = None, received: _Received | None = None
             ) -> list[tuple[list, bool]] | None:
    """In the second process: each report's (problems, markers only?), or None when this
    snapshot of the project is not the first process's. ``received``: the values under
    ``keys`` (Store.memo keys) as the first process computed them."""
    from thematic.audit.core import Audit
    from thematic.audit.report_checks import _ReportChecker
    from thematic.gcpause import paused

    store = Store(db_path, migrate=False)
    try:
        with db.snapshot(store), paused():
            if db.state(store) != state:
                return None
            if received is not None:
                for key in keys or []:
                    store.supply(key, partial(received.get, key))
            checker = _ReportChecker(Audit(store, Path(root)))
            return [checker.rederived(path, checker.read(path)) for path in map(Path, paths)]
    finally:
        store.close()


def main() -> None:
    """``python -m thematic.audit.workers``: arguments pickled on stdin, result on stdout."""
    import pickle
    import sys

    # what a re-render imports (≈0.6 s), while the first process works out what to send
    import jinja2  # noqa: F401
    import networkx  # noqa: F401
    import scipy.sparse  # noqa: F401

    import thematic.report.render  # noqa: F401

    stdin = sys.stdin.buffer
    db_path, root, paths, state, keys = pickle.load(stdin)
    result = rederive(db_path, root, paths, state, keys, received=_Received(stdin))
    sys.stdout.buffer.write(pickle.dumps(result))


if __name__ == "__main__":
    main()
