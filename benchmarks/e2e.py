"""Benchmark: the commands a user runs, end to end, on generated projects of 10k and 100k
excerpts: ``thematic agree``, ``network``, ``code auto``, ``import excerpts``, ``report``
and ``audit``, each through click's CliRunner in this process, next to its library kernel
and a bare baseline measured in the same run:

* agree / network: a project built through the store API (one study, N excerpts, 200
  codes, 3 coders who reviewed every excerpt and gave each about 4 codes — a survey-coding
  density); kernel: tally + statistics (agree), ``incidence`` (network's read); bare: one
  SELECT of the coding columns;
* code auto: N synthetic findings imported, the bundled peer-support codebook; a fresh copy
  of the project per run; kernel: ``code_batch`` over the same texts (no store); bare:
  ``nlp.pipe`` of spaCy's stock components (sentencizer, lookup lemmatizer);
* import: an N-row findings sheet into a fresh project; kernel: ``insert_excerpts`` of the
  prepared rows; bare: a ``csv.reader`` pass over the file;
* report / audit: benchmarks/audit.py's project (50 codes, ~2.5 accepted codings per
  excerpt, 10 themes); kernels: ``report.render`` and ``audit.run``; bare: a full scan of
  the codings (timed once at 100k: a render takes minutes).

Then prints how each figure grows from the small to the large project (CPU time ratio;
goal ≤ 11× for 10× the data). CPU time of this process is the steadier figure on a shared
machine. Asserts nothing about time. Run: ``python benchmarks/e2e.py [--sizes
10000,100000] [--only agree,code-auto,...] [--dir D]``; projects are cached in ``--dir``
(delete them to rebuild).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from _common import machine  # noqa: E402

CODERS = ("alice", "bob", "carol")


def build(root: Path, n_excerpts: int, n_codes: int, seed: int = 2025) -> dict:
    """A project with ``n_excerpts`` excerpts × ``n_codes`` codes × 3 coders; returns its
    counts. Uses the store API only (no import, no CLI)."""
    import numpy as np

    from thematic import project
    from thematic.store import codebooks as cb_db
    from thematic.store import codings as cdb
    from thematic.store import corpus as corpus_db

    rng = np.random.default_rng(seed)
    project.init(root)
    store = project.open_store(root)
    with store.transaction("bench build"):
        corpus_db.upsert_source(store, corpus_db.Source(id="S1", first_author="Bench",
                                                        year=2026), None)
        ids = [f"X{i:07d}" for i in range(n_excerpts)]
        corpus_db.insert_excerpts(store, [
            (eid, "S1", f"answer {i}", f"{i:064x}", None, 0, 9, f"row {i + 2}", i + 1, "{}")
            for i, eid in enumerate(ids)])
        codes = [cb_db.Code(id=f"C{j:03d}", name=f"Code {j}") for j in range(n_codes)]
        book = cb_db.insert_codebook(store, name="bench", version="1", digest=f"{seed}",
                                     title="bench", metadata={}, content="{}",
                                     source_path=None, codes=codes)
        prevalence = rng.uniform(0.002, 0.04, size=n_codes)
        error = rng.uniform(0.0, 0.3, size=n_codes)
        n = 0
        for start in range(0, n_excerpts, 10_000):
            stop = min(start + 10_000, n_excerpts)
            truth = rng.random((stop - start, n_codes)) < prevalence
            for coder in CODERS:
                # A coder misses some true codes and adds a few false ones.
                miss = rng.random(truth.shape) < error
                extra = rng.random(truth.shape) < prevalence * error * 0.2
                given = (truth & ~miss) | extra
                rows, cols = np.nonzero(given)
                method = "manual"
                cdb.add_codings(store, [
                    cdb.Coding(excerpt_id=ids[start + r], codebook_id=book,
                               code_id=codes[c].id, coder=coder, method=method)
                    for r, c in zip(rows.tolist(), cols.tolist())])
                n += len(rows)
        for coder in CODERS:
            cdb.mark_reviewed(store, coder, ids, book)
        store.log("bench build", "", {"excerpts": n_excerpts, "codings": n})
    store.close()
    return {"excerpts": n_excerpts, "codes": n_codes, "codings": n}


def project_for(base: Path, n_excerpts: int, n_codes: int) -> tuple[Path, dict]:
    root = base / f"p{n_excerpts}x{n_codes}"
    info = root / "bench.json"
    if not info.exists():
        import shutil

        shutil.rmtree(root, ignore_errors=True)
        t0 = time.perf_counter()
        counts = build(root, n_excerpts, n_codes)
        counts["build_s"] = round(time.perf_counter() - t0, 1)
        info.write_text(json.dumps(counts))
    return root, json.loads(info.read_text())


def best_of(fn, repeat: int) -> tuple[tuple[float, float], object]:
    """Fastest (wall, CPU) seconds of ``repeat`` runs and the last result. CPU time (this
    process) is the steadier figure on a machine shared with other work."""
    wall, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return (wall, cpu), out


def time_agree(root: Path, repeat: int) -> tuple[float, dict]:
    from click.testing import CliRunner

    from thematic.cli.main import cli

    runner = CliRunner()

    def run() -> dict:
        result = runner.invoke(cli, ["--project", str(root), "agree", "--boot", "0",
                                     "--json"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    return best_of(run, repeat)


def time_kernel(root: Path, repeat: int) -> tuple[float, float]:
    """The statistics alone, from the decisions the command builds (already in memory)."""
    from thematic import project
    from thematic.agreement import binary as S
    from thematic.agreement.units import load

    with project.open_store(root) as store:
        d = load(store)

    def run() -> None:
        tally = d.tally()
        S.binary_agreement(tally, labels=d.items, n_boot=0, seed=0)
        S.binary_agreement(tally.pooled(), labels=["pooled"], n_boot=0, seed=0)

    return best_of(run, repeat)[0]


def time_read(root: Path, repeat: int) -> tuple[float, float]:
    """The bare read: every coding's (excerpt rowid, code, coder) fetched and dropped."""
    from thematic import project

    def run() -> None:
        with project.open_store(root) as store:
            store.query("SELECT e.rowid, c.code_id, c.coder FROM codings c "
                        "JOIN excerpts e ON e.id = c.excerpt_id")

    return best_of(run, repeat)[0]


def time_network(root: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    """``thematic network --level code`` end to end, and its read of the evidence
    (``incidence``, through the columnar path) alone."""
    from click.testing import CliRunner

    from thematic import project
    from thematic.cli.main import cli
    from thematic.network.cooccur import incidence

    runner = CliRunner()

    def command() -> None:
        result = runner.invoke(cli, ["--project", str(root), "network", "--level", "code"],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output

    def read() -> None:
        with project.open_store(root) as store:
            incidence(store, "code")

    return best_of(command, 1)[0], best_of(read, 1)[0]


def time_rows(root: Path) -> tuple[float, float]:
    """The read ``agree`` used before the columnar path: one Coding object per row."""
    from thematic import project
    from thematic.store.codings import list_codings

    def run() -> None:
        with project.open_store(root) as store:
            list_codings(store)

    return best_of(run, 1)[0]


def cli(*args: str) -> None:
    """One ``thematic`` command through click's CliRunner in this process."""
    from click.testing import CliRunner

    from thematic.cli.main import cli as main_cli

    result = CliRunner().invoke(main_cli, [*map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output[-2000:]


def fresh_copy(root: Path, to: Path) -> Path:
    """A copy of a built project (its database checkpointed), to run a writing command on."""
    import shutil

    shutil.rmtree(to, ignore_errors=True)
    shutil.copytree(root, to)
    return to


def autocode_project(base: Path, n: int) -> tuple[Path, list[tuple[str, str]]]:
    """``n`` synthetic findings (benchmarks/autocode.py's texts) imported into a project
    with the bundled peer-support codebook loaded; and its (id, text) pairs."""
    from autocode import rules_and_phrases, texts

    _, phrases, _ = rules_and_phrases()
    sample = texts(n, phrases)
    items = [(f"F{i}", t) for i, t in enumerate(sample)]
    root = base / f"auto{n}"
    if not (root / "bench.json").exists():
        import csv
        import shutil

        shutil.rmtree(root, ignore_errors=True)
        from thematic import project

        project.init(root)
        sheet = root / "findings.csv"
        with open(sheet, "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["id", "study_id", "finding"])
            out.writerows((eid, i % 65 + 1, t) for i, (eid, t) in enumerate(items))
        cli("--project", root, "import", "excerpts", sheet, "--create-sources")
        cli("--project", root, "codebook", "load", REPO / "codebooks" / "peer-support.yaml")
        (root / "bench.json").write_text(json.dumps({"excerpts": n}))
    return root, items


def time_code_auto(base: Path, n: int, repeat: int) -> dict[str, tuple[float, float]]:
    """``thematic code auto`` on a fresh copy of the project; its kernel (``code_batch``
    over the same excerpts, no store); bare ``nlp.pipe`` of spaCy's stock components."""
    from thematic.codebook.io import read
    from thematic.codebook.model import to_store_codes
    from thematic.coding.auto import code_batch
    from thematic.coding.rules import RuleSet, build_pipeline

    root, items = autocode_project(base, n)
    rules = RuleSet.from_codes(to_store_codes(read(REPO / "codebooks" / "peer-support.yaml")))
    code_batch(items[:500], rules)   # the coder compiled once, as a worker would keep it
    stock = build_pipeline(stock=True)
    texts = [t for _, t in items]
    work = base / "auto-run"
    command = float("inf"), float("inf")
    for _ in range(repeat):  # a fresh copy each time: a second run finds nothing new
        fresh_copy(root, work)
        t, _ = best_of(lambda: cli("--project", work, "code", "auto"), 1)
        command = min(command[0], t[0]), min(command[1], t[1])
    kernel = best_of(lambda: code_batch(items, rules), repeat)[0]
    bare = best_of(lambda: list(stock.pipe(texts, batch_size=256)), repeat)[0]
    return {"command": command, "kernel": kernel, "bare": bare}


def time_import(base: Path, n: int, repeat: int) -> dict[str, tuple[float, float]]:
    """``thematic import excerpts`` of an n-row sheet into a fresh project; its kernel (the
    store write of the prepared rows, ``insert_excerpts``); bare ``csv.reader`` of it."""
    import csv
    import hashlib
    import shutil

    from thematic import project
    from thematic.store import corpus as corpus_db

    sheet = base / f"sheet{n}.csv"
    if not sheet.exists():
        from autocode import rules_and_phrases, texts

        _, phrases, _ = rules_and_phrases()
        with open(sheet, "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["id", "study_id", "finding", "section"])
            out.writerows((f"F{i}", i % 65 + 1, t, "Outcomes")
                          for i, t in enumerate(texts(n, phrases, seed=3)))
    work = base / "import-run"

    def fresh() -> Path:
        # a new empty project (its migrations run here, not in the timed import)
        shutil.rmtree(work, ignore_errors=True)
        return project.init(work)

    def bare() -> None:
        with open(sheet, newline="", encoding="utf-8") as fh:
            for _ in csv.reader(fh):
                pass

    with open(sheet, newline="", encoding="utf-8") as fh:
        records = list(csv.reader(fh))[1:]
    rows = [(eid, sid, text, hashlib.sha256(text.encode()).hexdigest(), None, 0, len(text),
             f"row {i + 2}, column finding", i + 1, '{"section": "Outcomes"}')
            for i, (eid, sid, text, _) in enumerate(records)]

    def kernel(root: Path) -> None:
        with project.open_store(root) as store, store.transaction("bench"):
            for sid in sorted({r[1] for r in rows}):
                corpus_db.upsert_source(store, corpus_db.Source(id=sid), None)
            corpus_db.insert_excerpts(store, rows)

    def timed(fn) -> tuple[float, float]:
        best = float("inf"), float("inf")
        for _ in range(repeat):
            root = fresh()
            t, _ = best_of(lambda root=root: fn(root), 1)
            best = min(best[0], t[0]), min(best[1], t[1])
        return best

    return {"command": timed(lambda root: cli("--project", root, "import", "excerpts", sheet,
                                              "--create-sources")),
            "kernel": timed(kernel), "bare": best_of(bare, repeat)[0]}


def report_project(base: Path, n: int) -> Path:
    """benchmarks/audit.py's project: n excerpts, 50 codes, ~2.5 accepted codings each,
    10 themes (what a report and an audit read)."""
    root = base / f"report{n}"
    if not (root / "bench.json").exists():
        import shutil

        from audit import build as build_audit

        from thematic import project

        shutil.rmtree(root, ignore_errors=True)
        project.init(root)
        counts = build_audit(root, n, max(10, n // 100), 0)
        (root / "bench.json").write_text(json.dumps(counts))
    return root


def time_report_audit(base: Path, n: int, repeat: int) -> dict[str, tuple[float, float]]:
    """``thematic report`` and ``thematic audit`` (which re-renders the report); the report's
    library call (``report.render``) and the audit's (``audit.run``); bare: a full scan of
    the codings."""
    from thematic import audit, project
    from thematic.report import render

    root = fresh_copy(report_project(base, n), base / "report-run")
    out = {"report": best_of(lambda: cli("--project", root, "report", "--out",
                                         root / "reports" / "synthesis.md"), repeat)[0]}
    with project.open_store(root) as store:
        def cold() -> None:
            # each run as a new process would: nothing kept from the last (Store.memo; an
            # older thematic keeps nothing)
            if hasattr(store, "forget"):
                store.forget()

        out["report kernel"] = best_of(
            lambda: (cold(), render(store, base / "kernel-report.md", title="Benchmark")),
            repeat)[0]
        out["audit kernel"] = best_of(lambda: (cold(), audit.run(store, root=root)),
                                      repeat)[0]
        out["bare"] = best_of(lambda: store.query("SELECT * FROM codings"), repeat)[0]

    def audit_command() -> None:
        from click.testing import CliRunner

        from thematic.cli.main import cli as main_cli

        # exit 1 = the audit found problems (the synthetic project has some): still measured
        result = CliRunner().invoke(main_cli, ["--project", str(root), "audit"],
                                    catch_exceptions=False)
        assert result.exit_code in (0, 1), result.output[-2000:]

    out["audit"] = best_of(audit_command, repeat)[0]
    return out


COMMANDS = ("agree", "network", "code-auto", "import", "report", "audit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--codes", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default=",".join(COMMANDS),
                        help=f"commands to time, of {','.join(COMMANDS)} (report and audit "
                             "run together)")
    parser.add_argument("--rows", action="store_true",
                        help="also time list_codings, the row-by-row read agree used before")
    parser.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp") + "/thematic-e2e")
    args = parser.parse_args()
    base = Path(args.dir)
    base.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    only = set(args.only.split(","))
    print(f"machine: {machine()}; best of {args.repeat} (CPU: this process; the ratios use "
          "it)")
    figures: dict[str, dict[int, dict[str, tuple[float, float]]]] = {}

    def line(label: str, t: tuple[float, float], versus: str = "") -> None:
        print(f"  {label:<44}{t[0]:8.2f} {t[1]:8.2f}   {versus}")

    def show(name: str, n: int, got: dict[str, tuple[float, float]], command: str) -> None:
        figures.setdefault(name, {})[n] = got
        for label, t in got.items():
            versus = "" if label == command else \
                f"command is {got[command][1] / max(t[1], 1e-9):.1f}× this"
            line(f"{name}: {label}", t, versus)

    for n in sizes:
        print(f"## {n:,} excerpts                                  wall s    CPU s")
        if only & {"agree", "network"}:
            root, counts = project_for(base, n, args.codes)
            print(f"  (agree/network project: {args.codes} codes × 3 coders, "
                  f"{counts['codings']:,} codings)")
        if "agree" in only:
            t_cmd, _ = time_agree(root, args.repeat)
            got = {"thematic agree --boot 0": t_cmd,
                   "kernel (tally + statistics)": time_kernel(root, args.repeat),
                   "bare SELECT of coding columns": time_read(root, args.repeat)}
            if args.rows:
                got["list_codings (the old read)"] = time_rows(root)
            show("agree", n, got, "thematic agree --boot 0")
        if "network" in only:
            t_net, t_inc = time_network(root)
            show("network", n, {"thematic network --level code": t_net,
                                "its read: incidence()": t_inc,
                                "bare SELECT of coding columns": time_read(root, 1)},
                 "thematic network --level code")
        if "code-auto" in only:
            got = time_code_auto(base, n, args.repeat)
            show("code auto", n, {"thematic code auto": got["command"],
                                  "kernel: code_batch (no store)": got["kernel"],
                                  "bare nlp.pipe (stock spaCy)": got["bare"]},
                 "thematic code auto")
            print(f"    code auto: {n / got['command'][1]:,.0f} excerpts/s CPU, "
                  f"{got['bare'][1] / got['command'][1]:.2f}× bare nlp.pipe (goal ≥ 0.75); "
                  f"kernel {got['bare'][1] / got['kernel'][1]:.2f}× bare (goal ≥ 0.9)")
        if "import" in only:
            got = time_import(base, n, args.repeat)
            show("import", n, {"thematic import excerpts": got["command"],
                               "kernel: insert_excerpts": got["kernel"],
                               "bare csv.reader": got["bare"]}, "thematic import excerpts")
            print(f"    import: {n / got['command'][0]:,.0f} rows/s wall, "
                  f"{n / got['command'][1]:,.0f} rows/s CPU (goal ≥ 150k)")
        if only & {"report", "audit"}:
            got = time_report_audit(base, n, 1 if n > 20_000 else args.repeat)
            show("report", n, {"thematic report": got["report"],
                               "kernel: report.render": got["report kernel"],
                               "bare: full scan of codings": got["bare"]}, "thematic report")
            show("audit", n, {"thematic audit": got["audit"],
                              "kernel: audit.run": got["audit kernel"],
                              "bare: full scan of codings": got["bare"]}, "thematic audit")
    if len(sizes) == 2:
        small, large = sizes
        print(f"## growth {small:,} → {large:,} excerpts (CPU time ratio; goal ≤ 11×)")
        for name, by_size in figures.items():
            if small in by_size and large in by_size:
                print("  " + name + ": " + ", ".join(
                    f"{label} {by_size[large][label][1] / max(by_size[small][label][1], 1e-9):.1f}×"
                    for label in by_size[small]))


if __name__ == "__main__":
    main()
