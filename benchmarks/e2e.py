"""Benchmark: ``thematic agree`` end to end on generated projects of 10k and 100k excerpts.

Builds seeded projects directly through the store API (one study, N excerpts, a codebook
of C codes, 3 coders who reviewed every excerpt and gave each about 4 codes out of 200 —
a survey-coding density — with code-specific prevalence and coder error), then times

* the command: ``thematic agree --boot 0 --json`` run through click's CliRunner in this
  process (opening the store, reading codings and coverage, building the decisions,
  statistics, JSON output);
* its library kernel on the same data: ``tally_codings`` + ``binary_agreement`` for every
  code and pooled, given the coding triples already in memory;
* the bare read: ``SELECT`` of the coding columns the command needs, fetched and dropped.

and prints how each grows from the small to the large project (time ratio; goal ≤ 11× for
10× the data). Prints figures and ratios measured in the same run; asserts nothing about
time. Run: ``python benchmarks/e2e.py [--sizes 10000,100000] [--codes 200] [--dir D]``.
Projects are cached in ``--dir`` by size (delete them to rebuild).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--codes", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", action="store_true",
                        help="also time list_codings, the row-by-row read agree used before")
    parser.add_argument("--network", action="store_true",
                        help="also time `thematic network --level code` (slow: its "
                             "betweenness centrality is O(codes × links))")
    parser.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp") + "/thematic-e2e")
    args = parser.parse_args()
    base = Path(args.dir)
    base.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"machine: {machine()}; best of {args.repeat}")
    figures = {}
    for n in sizes:
        root, counts = project_for(base, n, args.codes)
        t_cmd, doc = time_agree(root, args.repeat)
        t_kernel = time_kernel(root, args.repeat)
        t_read = time_read(root, args.repeat)
        t_rows = time_rows(root) if args.rows else None
        figures[n] = (t_cmd, t_kernel, t_read)
        pooled = doc["overall"]["pooled"]["figures"]["alpha"]["value"]
        print(f"{n:,} excerpts × {args.codes} codes × 3 coders, {counts['codings']:,} "
              f"codings (built in {counts['build_s']} s); pooled alpha {pooled:.4f}")
        print("                                       wall s    CPU s   (ratio on CPU)")

        def line(label: str, t: tuple[float, float], versus: str = "") -> None:
            print(f"  {label:<36}{t[0]:8.2f} {t[1]:8.2f}   {versus}")

        line("thematic agree --boot 0 --json", t_cmd)
        line("kernel (tally + statistics)", t_kernel,
             f"command is {t_cmd[1] / t_kernel[1]:.1f}× kernel")
        line("bare SELECT of coding columns", t_read,
             f"command is {t_cmd[1] / t_read[1]:.1f}× bare read")
        if t_rows:
            line("list_codings (the old read alone)", t_rows,
                 f"{t_rows[1] / t_cmd[1]:.1f}× the whole command")
        if args.network:
            t_net, t_inc = time_network(root)
            figures[n] += (t_net, t_inc)
            line("thematic network --level code", t_net)
            line("  its read: incidence()", t_inc,
                 f"{t_inc[1] / t_net[1]:.0%} of the command")
    if len(sizes) == 2:
        small, large = (figures[n] for n in sizes)
        print(f"growth {sizes[0]:,} → {sizes[1]:,} (CPU): command "
              f"{large[0][1] / small[0][1]:.1f}×, kernel {large[1][1] / small[1][1]:.1f}×, "
              f"bare read {large[2][1] / small[2][1]:.1f}× (goal ≤ 11× for the command); "
              f"wall: command {large[0][0] / small[0][0]:.1f}×")
        if args.network:
            print(f"growth (CPU): network {large[3][1] / small[3][1]:.1f}×, its read "
                  f"{large[4][1] / small[4][1]:.1f}×")

if __name__ == "__main__":
    main()
