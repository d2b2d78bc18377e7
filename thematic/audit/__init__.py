"""The traceability audit: every check, every problem, nothing printed.

``run(store, root=...)`` checks that each theme rests on codes and accepted evidence, that
each coding points at an excerpt and a code of the current codebook, that each excerpt's
file is still the one imported, that the event log's hash chain is unbroken, and that each
report (``reports/*.md`` written by ``thematic report``) quotes, cites, links and counts
only what the store holds. A problem says what, where (ids, file, line) and how to fix it.

The store checks live in ``store_checks``, the report checks (and the Markdown scanning
they need) in ``report_checks``; ``core`` holds what both share.
"""

from __future__ import annotations

import os
from pathlib import Path

from thematic.audit.core import CHECKS, ERROR, WARNING, Audit, AuditResult, Problem
from thematic.audit.finding_checks import check_findings
from thematic.audit.report_checks import (
    check_reports,
    discover,
    heading_slug,
    resolve,
    scan,
    unescape,
    verbatim,
)
from thematic.audit.store_checks import check_store
from thematic.files import display_path
from thematic.store import audit as db
from thematic.store.db import Store

__all__ = ["CHECKS", "ERROR", "WARNING", "AuditResult", "Problem", "discover", "heading_slug",
           "resolve", "run", "scan", "unescape", "verbatim"]


def _recorded(audit: Audit, paths: list[Path]) -> list[Path]:
    """``paths`` plus every report the project recorded rendering; a recorded one that is
    gone is an error (a deleted report must not pass as "no report to check")."""
    from thematic.store import reports as rdb

    known = {p.resolve() for p in paths}
    out = list(paths)
    for rec in rdb.records(audit.store):
        path = Path(rec.path)
        path = path if path.is_absolute() else audit.root / path
        if not path.is_file():
            # a report written outside the project folder may have been a scratch copy
            audit.add(ERROR if not Path(rec.path).is_absolute() else WARNING,
                      "report-missing",
                      f"{rec.path}: the project rendered this report (from event "
                      f"{rec.head_seq}, at {rec.rendered_at}) but it is missing.",
                      "Restore it, or render it again (`thematic report --out "
                      f"{rec.path}`).", file=rec.path)
        elif path.resolve() not in known:
            known.add(path.resolve())
            out.append(path)
    return out


def run(store: Store, *, root: str | os.PathLike, reports: list | None = None,
        jobs: int | None = None) -> AuditResult:
    """Run every check. ``reports``: Markdown files to check (None: every report under
    ``root/reports`` that carries report markers; [] checks none). ``jobs``: processes
    (None: two for a large project on two cores, see ``workers``; 1: this one only)."""
    from thematic.audit import workers
    from thematic.gcpause import paused

    audit = Audit(store, Path(root))
    paths = discover(audit.root) if reports is None else \
        [resolve(audit.root, p) for p in reports]
    # One read snapshot: a coder writing meanwhile cannot make the checks disagree.
    with db.snapshot(store), paused():
        missing: list[Problem] = []
        if reports is None:
            paths = _recorded(audit, paths)
            # said after the store's problems, where one process says them
            missing, audit.problems = audit.problems, []
        rederived = workers.Rederiving(store, audit.root, paths) \
            if paths and workers.jobs(store, jobs) > 1 else None
        try:
            if rederived is not None:
                rederived.supply()
            check_store(audit)
            check_findings(audit)
            audit.problems += missing
            check_reports(audit, paths, rederived)
        finally:
            if rederived is not None:
                rederived.close()
    return AuditResult(audit.problems, list(CHECKS), [display_path(p, audit.root)
                                                       for p in paths], audit.markers_only)
