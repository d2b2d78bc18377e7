"""Auto-coding on Dask: excerpts/s of the rules coder in one process (the local engine,
what ``thematic code auto`` does) and on a LocalCluster of 2 worker processes (``--engine
dask --workers 2``), on the same synthetic excerpts as benchmarks/autocode.py. The
proposals must be identical (a SHA-256 of every proposal, in order, on both sides).

Both sides time the coding stage, the part the engine distributes: the excerpts are in
memory (as ``auto.run`` has them after reading the store) and the proposals come back as
``Proposal`` objects in order (what ``auto.run`` then writes, in one transaction, on the
coordinator either way). The Dask side includes everything the coordinator does for it:
pickling the partitions, the scheduler, unpacking the results.

The corpus is coded in ``--rounds`` slices, each slice by both sides in turn (local first
in odd rounds, Dask first in even ones), so a busy spell on a shared machine hurts both
alike; the figures are the sums. Also each worker's peak memory (RSS) after coding
``--memory`` excerpts on a fresh cluster and after the whole corpus, which should be about
the same (memory depends on the partition, not the corpus); and the CPU seconds spent, for
a figure that other programs disturb less than wall time.

    python benchmarks/dask_autocode.py --n 100000              # a check, ~1 minute idle
    python benchmarks/dask_autocode.py --n 1000000             # the RESULTS.md rows, ~6 min

Prints figures and RESULTS.md rows; asserts only that the proposals are identical.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time

from _common import machine, row
from autocode import rules_and_phrases, texts


def worker_peak_mb(client) -> list[float]:
    import resource

    def peak() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    return sorted(client.run(peak).values())


def worker_cpu(client) -> float:
    return sum(client.run(time.process_time).values())


def digest(result, into) -> None:
    for p in result.proposals:
        into.update(f"{p.excerpt_id}\x1f{p.code}\x1f{p.start}\x1f{p.end}\x1f{p.origin}\x1e"
                    .encode())


def label(n: int) -> str:
    return f"{n // 1000}k" if n < 1_000_000 else f"{n / 1_000_000:g}M"


def memory_run(sample, rules, workers: int) -> list[float]:
    """Worker peak RSS after coding ``sample`` on a fresh cluster."""
    from thematic.engine import open_engine

    with open_engine("dask", workers=workers) as engine:
        engine.client.wait_for_workers(workers)
        engine.code(sample, rules)
        return worker_peak_mb(engine.client)


def measure(n: int, rounds: int, small: int, workers: int, rules, phrases) -> None:
    from thematic.engine import open_engine
    from thematic.engine.local import LocalEngine

    made = time.perf_counter()
    sample = [(f"X{i}", t) for i, t in enumerate(texts(n, phrases, seed=3))]
    print(f"  {n:,} synthetic excerpts made in {time.perf_counter() - made:.0f} s")
    small_peaks = memory_run(sample[:small], rules, workers) if small < n else None
    local_engine = LocalEngine()
    local_engine.code(sample[:2000], rules)              # compile the rules here first
    hashes = {"local": hashlib.sha256(), "dask": hashlib.sha256()}
    wall = {"local": 0.0, "dask": 0.0}
    cpu = {"local": 0.0, "workers": 0.0, "coordinator": 0.0}
    counts = {"local": [0, 0, 0], "dask": [0, 0, 0]}
    started = time.perf_counter()
    with open_engine("dask", workers=workers) as engine:
        engine.client.wait_for_workers(workers)
        startup = time.perf_counter() - started
        engine.code(sample[:2000], rules)                # workers' coders built: warm
        size = -(-n // rounds)
        for r, lo in enumerate(range(0, n, size)):
            part = sample[lo:lo + size]
            for side in (("local", "dask") if r % 2 == 0 else ("dask", "local")):
                if side == "local":
                    clock, c0 = time.perf_counter(), time.process_time()
                    found = local_engine.code(part, rules)
                    wall["local"] += time.perf_counter() - clock
                    cpu["local"] += time.process_time() - c0
                else:
                    w0, c0 = worker_cpu(engine.client), time.process_time()
                    clock = time.perf_counter()
                    found = engine.code(part, rules)
                    wall["dask"] += time.perf_counter() - clock
                    cpu["coordinator"] += time.process_time() - c0
                    cpu["workers"] += worker_cpu(engine.client) - w0
                digest(found, hashes[side])
                counts[side] = [a + b for a, b in zip(counts[side], (
                    len(found.proposals), found.negated, found.excluded))]
                del found
        peaks = worker_peak_mb(engine.client)
    same = (hashes["local"].digest() == hashes["dask"].digest()
            and counts["local"] == counts["dask"])
    assert same, "the Dask run's proposals differ from the single-process run's"
    local_rate, dask_rate = n / wall["local"], n / wall["dask"]
    per_core = n / cpu["local"]
    # With idle cores the cluster takes at least its CPU seconds over the cores (the
    # coordinator's included: on one machine it shares them with the workers).
    cores = os.cpu_count() or workers
    idle = cpu["local"] / ((cpu["workers"] + cpu["coordinator"]) / min(cores, workers))
    print(f"{n:>9,} excerpts in {rounds} rounds, {counts['local'][0]:,} proposals "
          f"(identical: {same}; sha256 {hashes['local'].hexdigest()[:16]})")
    print(f"  single process: {local_rate:,.0f} excerpts/s ({wall['local']:.1f} s wall, "
          f"{cpu['local']:.1f} s CPU)")
    print(f"  LocalCluster({workers} workers): {dask_rate:,.0f} excerpts/s ({wall['dask']:.1f}"
          f" s wall; workers {cpu['workers']:.1f} s CPU, coordinator "
          f"{cpu['coordinator']:.1f} s CPU; cluster start {startup:.1f} s, not counted)")
    print(f"  speed-up {wall['local'] / wall['dask']:.2f}x wall (goal >= 1.7); "
          f"{idle:.2f}x from CPU seconds (what {min(cores, workers)} idle cores allow)")
    print(f"  per-core rate: {per_core:,.0f} excerpts per CPU second in one process, "
          f"{n / cpu['workers']:,.0f} per worker CPU second")
    print(f"  worker peak RSS after {label(n)}: {', '.join(f'{p:.0f}' for p in peaks)} MB"
          + (f"; after {label(small)} on a fresh cluster: "
             f"{', '.join(f'{p:.0f}' for p in small_peaks)} MB" if small_peaks else ""))
    name = f"auto-code on Dask: {label(n)} excerpts, LocalCluster({workers} workers)"
    row(f"{name}, wall time", f"{dask_rate:,.0f} excerpts/s",
        f"single process {local_rate:,.0f} excerpts/s", wall["local"] / wall["dask"])
    row(f"{name}, from CPU seconds",
        f"{n / ((cpu['workers'] + cpu['coordinator']) / min(cores, workers)):,.0f} "
        f"excerpts/s on {min(cores, workers)} cores",
        f"single process {per_core:,.0f} excerpts/s on 1 core", idle)
    if small_peaks:
        row(f"auto-code on Dask: worker peak RSS, {label(n)} vs {label(small)} excerpts",
            f"{max(peaks):.0f} MB", f"{label(small)}: {max(small_peaks):.0f} MB",
            max(peaks) / max(small_peaks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="excerpts (default 100k)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="slices coded by both sides in turn (default 4)")
    parser.add_argument("--memory", type=int, default=100_000,
                        help="the smaller corpus for the memory comparison (default 100k; "
                             "skipped when not smaller than --n)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rules, phrases, source = rules_and_phrases()
    print(f"# auto-coding on Dask ({machine()}; {len(rules.codes)} codes with rules from "
          f"{source}; load average {os.getloadavg()[0]:.1f} at the start)")
    measure(args.n, args.rounds, args.memory, args.workers, rules, phrases)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
