"""Benchmark: composing a report's text from the store (what `thematic audit` re-renders).

Opens an existing project (e.g. one built by ``benchmarks/audit.py --report --keep DIR``),
reads how each of its reports was rendered (the project's record) and times
``thematic.report.render.compose(store, options, figures=recorded)`` — the call the audit's
re-render makes — in a fresh store state each time (Store.memo forgotten, as a new process
starts). Prints wall and CPU time (``time.process_time``: other processes on a shared
machine stretch wall time, not CPU), the SHA-256 of the text (to check a change leaves the
report byte-identical), the same-run baseline (a full scan of every coding row) and,
with ``--stages``, the CPU time of each stage of the render.

Run: ``python benchmarks/compose.py DIR [--report reports/synthesis.md] [--repeat 3]
[--stages]``.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, row

from thematic.project import open_store

#: The stages timed with --stages: (module, attribute), in the order the render runs them.
STAGES = [("thematic.report.index", "Index.load"), ("thematic.report.context", "_methods"),
          ("thematic.report.components", "theme_network"),
          ("thematic.report.sections", "themes"), ("thematic.report.cfir", "build"),
          ("thematic.report.sections", "fill_appendix"), ("thematic.report.context", "build"),
          ("thematic.report.render", "render_text")]


def _timed(runs: list[dict[str, float]]) -> None:
    """Wrap each stage so that its CPU time adds up in the last of ``runs``."""
    for module, attr in STAGES:
        owner = importlib.import_module(module)
        *path, name = attr.split(".")
        for part in path:
            owner = getattr(owner, part)
        raw = owner.__dict__[name]
        is_class = isinstance(raw, classmethod)
        fn = raw.__func__ if is_class else raw
        key = f"{module.rsplit('.', 1)[1]}.{attr}"

        @functools.wraps(fn)
        def wrapper(*a, _fn=fn, _key=key, **k):
            start = time.process_time()
            try:
                return _fn(*a, **k)
            finally:
                spent = runs[-1]
                spent[_key] = spent.get(_key, 0.0) + time.process_time() - start

        setattr(owner, name, classmethod(wrapper) if is_class else wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--report", default="reports/synthesis.md",
                        help="the report's path as the project records it")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stages", action="store_true", help="CPU time of each stage")
    args = parser.parse_args()

    from thematic.report.render import FIGURE_FILES, compose
    from thematic.store import reports as rdb

    runs: list[dict[str, float]] = [{}]
    if args.stages:
        _timed(runs)
    with open_store(args.project) as store:
        record = rdb.get(store, args.report)
        if record is None:
            raise SystemExit(f"{args.project} records no report {args.report}")
        options = dict(record.options)
        options.pop(FIGURE_FILES, None)
        start = time.perf_counter()
        store.query("SELECT * FROM codings")
        scan = time.perf_counter() - start
        walls, cpus, digests = [], [], set()
        runs.clear()
        for _ in range(args.repeat):
            runs.append({})
            if hasattr(store, "forget"):
                store.forget()
            t0, c0 = time.perf_counter(), time.process_time()
            text = compose(store, options, figures=options.get("figures") or [])[0]
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
            digests.add(hashlib.sha256(text.encode("utf-8")).hexdigest())
    print(f"machine: {machine()}")
    print(f"report {args.report}: {len(text):,} characters; sha256 {' '.join(sorted(digests))}")
    print(f"baseline: full scan of every coding row {scan * 1000:.0f} ms")
    print(f"compose: best {min(walls):.2f} s wall, {min(cpus):.2f} s CPU "
          f"(runs: {', '.join(f'{c:.2f}' for c in cpus)} s CPU)")
    if args.stages:
        print("  stage" + "".join(f"{f'run {i + 1}':>9}" for i in range(len(runs))) + "  (s CPU)")
        for key in runs[0]:
            print(f"  {key:<28}" + "".join(f"{r.get(key, 0.0):9.2f}" for r in runs))
    row("report compose (audit's re-render), " + args.report,
        f"{min(walls):.2f} s wall, {min(cpus):.2f} s CPU",
        f"full scan of codings {scan * 1000:.0f} ms", min(cpus) / scan)


if __name__ == "__main__":
    main()
