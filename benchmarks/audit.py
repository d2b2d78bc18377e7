"""Benchmark: `thematic audit` on a 100k-excerpt project.

Builds a seeded synthetic project through the store API (bulk inserts): 1,000 studies,
100,000 excerpts imported from one real CSV file in the project (so the file-hash check
reads ~10 MB), a codebook of 50 codes (5 groupings × 9 codes), ~250,000 accepted codings
(2–3 codes per excerpt, Zipf-like code popularity) plus proposed ones, 10 themes, and
optionally (``--report``) a real report rendered by ``thematic report``. Then times

* the baseline: a bare ``SELECT COUNT(*) FROM codings`` (and, for scale, a full scan
  reading every coding row);
* ``thematic.audit.run`` over the whole project, and each group of checks on its own.

Prints the figures and the ratio audit / baseline measured in the same run; asserts nothing
about time. Run: ``python benchmarks/audit.py [--excerpts N] [--report] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, machine, row

from thematic import audit, themes
from thematic.corpus.readers import sha256
from thematic.project import init, open_store
from thematic.store import corpus as cdb
from thematic.store.codebooks import Code, insert_codebook
from thematic.store.codings import Coding, add_codings

WORDS = ["peer", "workers", "described", "hope", "recovery", "role", "ambiguity", "stigma",
         "training", "supervision", "digital", "support", "group", "isolation",
         "connectedness", "empowerment", "services", "staff", "teams", "burnout",
         "boundaries", "funding", "leadership", "youth", "families", "trust", "lived",
         "experience"]


def build(root: Path, n_excerpts: int, n_studies: int, seed: int) -> dict:
    rng = random.Random(seed)
    groups = [f"group-{g}" for g in range(5)]
    codes = []
    for g, group in enumerate(groups):
        codes.append(Code(id=group, name=f"Group {g}", codable=False))
        codes += [Code(id=f"code-{g}{c}", name=f"Code {g}{c}", parent=group,
                       definition=f"Definition of code {g}{c}") for c in range(9)]
    leaves = [c.id for c in codes if c.codable]
    weights = [1 / (i + 1) ** 0.8 for i in range(len(leaves))]
    texts = [(f"F{i:06d}", str(i * n_studies // n_excerpts + 1),
              " ".join(rng.choices(WORDS, k=rng.randint(12, 30))).capitalize() + ".")
             for i in range(n_excerpts)]
    findings = root / "corpus" / "findings.csv"
    with open(findings, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "study_id", "finding"])
        out.writerows(texts)
    with open_store(root) as store:
        with store.transaction("benchmark corpus"):
            for s in range(1, n_studies + 1):
                cdb.upsert_source(store, cdb.Source(id=str(s), first_author=f"Author{s}",
                                                    year=2000 + s % 25), None)
            file_id = cdb.add_file(store, "corpus/findings.csv", sha256(findings),
                                   findings.stat().st_size, "excerpts")
            cdb.insert_excerpts(store, [
                (eid, sid, text, hashlib.sha256(text.encode()).hexdigest(), file_id, 0,
                 len(text), f"row {i + 2}, column finding", i + 1, "{}")
                for i, (eid, sid, text) in enumerate(texts)])
            store.log("import excerpts", "corpus/findings.csv", {"added": n_excerpts})
        with store.transaction("benchmark codings"):
            book = insert_codebook(store, name="bench", version="1", digest="b" * 64,
                                   title="Bench", metadata={}, content="{}",
                                   source_path=None, codes=codes)
            codings = []
            for eid, _, _ in texts:
                picked = set(rng.choices(leaves, weights, k=rng.choice((2, 3, 3))))
                codings += [Coding(excerpt_id=eid, codebook_id=book, code_id=c,
                                   coder="gold", method="import") for c in picked]
                if rng.random() < 0.2:
                    codings.append(Coding(excerpt_id=eid, codebook_id=book,
                                          code_id=rng.choice(leaves), coder="auto:rules",
                                          method="rules", status="proposed"))
            add_codings(store, codings)
            store.log("code import", "bench", {"codings": len(codings)})
        for t in range(10):
            listed = leaves[t * 4:t * 4 + 5] if t < 9 else [groups[4]]
            themes.add_theme(store, f"Theme {t}", listed, codebook="bench")
        return {"codings": int(store.scalar("SELECT COUNT(*) FROM codings")),
                "accepted": int(store.scalar("SELECT COUNT(*) FROM codings "
                                             "WHERE status = 'accepted'")),
                "events": int(store.scalar("SELECT COUNT(*) FROM events"))}


def cold(store) -> None:
    """Forget what the store keeps between reads (Store.memo), as a new process would; an
    older thematic (a baseline run of this script) keeps nothing."""
    if hasattr(store, "forget"):
        store.forget()


def parts(store, root: Path, reports: list[Path]) -> list[tuple[str, float]]:
    """Each group of checks on its own (the same functions audit.run calls)."""
    from thematic.audit import core, report_checks
    from thematic.audit import store_checks as sc

    out = []
    for name, fn in (("event chain", sc._event_chain), ("row ledger", sc._ledger),
                     ("codings", sc._codings),
                     ("codebook versions", sc._old_codebooks), ("themes", sc._themes),
                     ("unthemed codes", sc._unthemed_codes), ("files", sc._files)):
        # a fresh checker each time, and nothing the store kept (Store.memo): both cache
        # themes and their evidence
        def fresh(fn=fn):
            cold(store)
            fn(core.Audit(store, root))

        out.append((name, best_of(fresh, 3)))
    if reports:
        # the report checks include re-rendering each report from the store (#17)
        def cold_reports():
            cold(store)
            report_checks.check_reports(core.Audit(store, root), reports)

        out.append(("reports + re-render", best_of(cold_reports, 3)))
    return out


def cli_times(root: Path, repeat: int) -> dict[int, tuple[float, float]]:
    """``thematic audit --jobs N`` as a user runs it (a process of its own: its start, its
    imports, its second process): best wall time of ``repeat`` and that run's CPU seconds
    of it and its children, for one and two processes."""
    import os
    import subprocess

    out = {}
    for jobs in (1, 2):
        best = None
        for _ in range(max(1, repeat)):
            before = os.times()
            t0 = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "thematic", "--project", str(root),
                                   "audit", "--jobs", str(jobs)], capture_output=True,
                                  text=True)
            wall = time.perf_counter() - t0
            after = os.times()
            if done.returncode != 0:
                raise SystemExit(f"thematic audit failed: {done.stdout}{done.stderr}")
            cpu = (after.children_user - before.children_user
                   + after.children_system - before.children_system)
            if best is None or wall < best[0]:
                best = (wall, cpu)
        out[jobs] = best
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--excerpts", type=int, default=100_000)
    parser.add_argument("--studies", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--report", action="store_true",
                        help="also render a real report (thematic report) and audit it")
    parser.add_argument("--keep", help="build the project in this folder and keep it")
    args = parser.parse_args()

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="audit-bench-"))
    try:
        root = init(folder)
        t0 = time.perf_counter()
        sizes = build(root, args.excerpts, args.studies, args.seed)
        built = time.perf_counter() - t0
        print(f"machine: {machine()}")
        print(f"project: {args.excerpts:,} excerpts, {args.studies:,} studies, 50 codes, "
              f"{sizes['accepted']:,} accepted codings ({sizes['codings']:,} in all), "
              f"10 themes, {sizes['events']} events; built in {built:.1f} s")
        with open_store(root) as store:
            rendered = None
            if args.report:
                from thematic.report import render

                t0, c0 = time.perf_counter(), time.process_time()
                render(store, root / "reports" / "synthesis.md", title="Benchmark")
                rendered = (time.perf_counter() - t0, time.process_time() - c0)
                size = (root / "reports" / "synthesis.md").stat().st_size
                print(f"report: rendered in {rendered[0]:.1f} s wall, {rendered[1]:.1f} s CPU "
                      f"({size / 1e6:.1f} MB, figures drawn)")
            count = best_of(lambda: store.scalar("SELECT COUNT(*) FROM codings"),
                            args.repeat)
            scan = best_of(lambda: store.query("SELECT * FROM codings"), args.repeat)
            # with a report, one audit re-renders it: timed once (a render of a 100k-excerpt
            # report takes minutes), and the breakdown leaves the reports out
            # `thematic audit` is a process of its own: nothing the render kept (Store.memo)
            cold(store)
            t0, c0 = time.perf_counter(), time.process_time()
            result = audit.run(store, root=root)
            first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
            def cold_run():
                cold(store)
                return audit.run(store, root=root)

            full = first if args.report else best_of(cold_run, args.repeat)
            breakdown = parts(store, root, [] if args.report else audit.discover(root))
        commands = cli_times(root, args.repeat) if args.report else {}
        problems = {}
        for p in result.problems:
            problems[p.check] = problems.get(p.check, 0) + 1
        print(f"audit found: {problems or 'no problems'}; reports: {result.reports or 'none'}")
        print(f"baseline SELECT COUNT(*) FROM codings: {count * 1000:.2f} ms; full scan of "
              f"every coding row: {scan * 1000:.0f} ms")
        print(f"audit.run: {full:.2f} s = {full / count:,.0f} × COUNT(*), "
              f"{full / scan:.1f} × the full scan"
              + (f"; {first_cpu:.2f} s CPU (a loaded machine stretches wall time)"
                 if args.report else ""))
        for name, seconds in breakdown:
            print(f"  {name:<18} {seconds * 1000:8.0f} ms")
        row(f"audit: {args.excerpts // 1000}k excerpts, {sizes['accepted'] // 1000}k codings"
            + (", report re-rendered" if args.report else ""),
            f"{full:.2f} s" + (f" wall, {first_cpu:.2f} s CPU" if args.report else ""),
            f"full scan of codings {scan * 1000:.0f} ms", full / scan)
        for jobs, (wall, cpu) in commands.items():
            print(f"thematic audit --jobs {jobs} (a process of its own): {wall:.2f} s wall, "
                  f"{cpu:.2f} s CPU of every process")
        if commands:
            one, two = commands[1][0], commands[2][0]
            row(f"thematic audit --jobs 2 (the default here), {args.excerpts // 1000}k "
                "excerpts, report re-rendered", f"{two:.2f} s wall, {commands[2][1]:.2f} s "
                "CPU", f"--jobs 1 {one:.2f} s; full scan of codings {scan * 1000:.0f} ms",
                two / one)
        if rendered is not None:
            row(f"report: thematic report, {args.excerpts // 1000}k excerpts",
                f"{rendered[0]:.2f} s wall, {rendered[1]:.2f} s CPU",
                f"full scan of codings {scan * 1000:.0f} ms", rendered[0] / scan)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
