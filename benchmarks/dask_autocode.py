"""Auto-coding on Dask: excerpts/s of the rules coder in one process (the local engine,
what ``thematic code auto`` does) and on a LocalCluster of 2 worker processes (``--engine
dask --workers 2``), on the same synthetic excerpts as benchmarks/autocode.py; the
proposals must be identical. Also each worker's peak memory (RSS), to show it does not grow
with the corpus (a fresh cluster per size), and the CPU seconds spent, for a figure that a
busy machine disturbs less than wall time.

    python benchmarks/dask_autocode.py                 # 100k excerpts
    python benchmarks/dask_autocode.py 100000 1000000  # and 1M (a few minutes)

Prints figures and RESULTS.md rows; asserts only that the proposals are identical.
"""

from __future__ import annotations

import os
import sys
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


def measure(n: int, rules, phrases) -> None:
    from thematic.engine import open_engine
    from thematic.engine.local import LocalEngine

    sample = [(f"X{i}", t) for i, t in enumerate(texts(n, phrases, seed=3))]
    LocalEngine().code(sample[:2000], rules)            # compile the rules here first
    wall, cpu = time.perf_counter(), time.process_time()
    local = LocalEngine().code(sample, rules)
    local_wall, local_cpu = time.perf_counter() - wall, time.process_time() - cpu

    started = time.perf_counter()
    with open_engine("dask", workers=2) as engine:
        engine.client.wait_for_workers(2)
        startup = time.perf_counter() - started
        engine.code(sample[:2000], rules)                # plugin + first tasks: warm
        before_workers, before = worker_cpu(engine.client), time.process_time()
        wall = time.perf_counter()
        found = engine.code(sample, rules)
        dask_wall = time.perf_counter() - wall
        dask_cpu = worker_cpu(engine.client) - before_workers
        coordinator_cpu = time.process_time() - before
        peaks = worker_peak_mb(engine.client)
    same = ([(p.excerpt_id, p.code, p.start, p.end, p.origin) for p in found.proposals] ==
            [(p.excerpt_id, p.code, p.start, p.end, p.origin) for p in local.proposals]
            and (found.negated, found.excluded) == (local.negated, local.excluded))
    assert same, "the Dask run's proposals differ from the single-process run's"
    label = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"
    print(f"{n:>9,} excerpts, {len(local.proposals):,} proposals (identical: {same})")
    print(f"  single process: {n / local_wall:,.0f} excerpts/s ({local_wall:.1f} s wall, "
          f"{local_cpu:.1f} s CPU)")
    print(f"  LocalCluster(2 workers): {n / dask_wall:,.0f} excerpts/s ({dask_wall:.1f} s "
          f"wall; workers {dask_cpu:.1f} s CPU, coordinator {coordinator_cpu:.1f} s CPU; "
          f"cluster start {startup:.1f} s, not counted)")
    print(f"  speed-up {local_wall / dask_wall:.2f}x wall (goal >= 1.7); per worker core "
          f"{n / dask_cpu:,.0f} excerpts per CPU second vs {n / local_cpu:,.0f} in one "
          f"process; worker peak RSS {', '.join(f'{p:.0f}' for p in peaks)} MB")
    # On a busy machine wall time measures the other programs; the CPU seconds do not.
    # With 2 idle cores the cluster's wall time is at least its CPU seconds over 2.
    idle = local_cpu / ((dask_cpu + coordinator_cpu) / 2)
    print(f"  from CPU seconds: {idle:.2f}x expected on 2 idle cores; single process "
          f"{n / local_cpu:,.0f} excerpts per CPU second (the per-core rate)")
    row(f"auto-code on Dask: {label} excerpts, LocalCluster(2 workers), from CPU seconds",
        f"{n / ((dask_cpu + coordinator_cpu) / 2):,.0f} excerpts/s on 2 cores",
        f"single process {n / local_cpu:,.0f} excerpts/s on 1 core", idle)
    row(f"auto-code on Dask: {label} excerpts, LocalCluster(2 workers), wall time",
        f"{n / dask_wall:,.0f} excerpts/s; worker peak RSS {max(peaks):.0f} MB",
        f"single process {n / local_wall:,.0f} excerpts/s", local_wall / dask_wall)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000]
    rules, phrases, source = rules_and_phrases()
    print(f"# auto-coding on Dask ({machine()}; {len(rules.codes)} codes with rules from "
          f"{source}; load average {os.getloadavg()[0]:.1f} at the start)")
    for n in sizes:
        measure(n, rules, phrases)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
