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
alike; the figures are the sums. Also the CPU seconds spent, for a figure that other
programs disturb less than wall time, and each worker's memory: resident and peak (VmHWM)
after ``--memory`` excerpts on a fresh cluster and after every Dask round of the timed
run, and its resident memory after every partition it codes (a worker plugin's transition
hook; ``--python-heap`` adds tracemalloc's count of Python objects and where they grew).
Getrusage's ``ru_maxrss``, which earlier versions of this script reported, is printed
too, and explained: a worker inherits its parent's peak there.

    python benchmarks/dask_autocode.py --n 100000              # a check, ~1 minute idle
    python benchmarks/dask_autocode.py --n 1000000             # the RESULTS.md rows, ~6 min

Prints figures and RESULTS.md rows; asserts only that the proposals are identical.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time

from _common import label, machine, memory_mb, row
from autocode import rules_and_phrases, texts
from distributed.diagnostics.plugin import WorkerPlugin


def worker_memory(client) -> list[dict[str, float]]:
    return [v for _, v in sorted(client.run(memory_mb).items())]


class MemoryTrace(WorkerPlugin):
    """Each worker's resident memory (and, with ``python_heap``, the bytes tracemalloc
    counts) after every coding partition it finishes: the curve against the excerpts coded.
    A transition hook, so the timed tasks are the engine's own."""

    name = "benchmark-memory-trace"

    def __init__(self, python_heap: bool = False) -> None:
        self.python_heap = python_heap

    def setup(self, worker) -> None:
        self.rss: list[float] = []
        self.heap: list[float] = []
        self.first = None
        if self.python_heap:
            import tracemalloc

            tracemalloc.start()

    def transition(self, key, start, finish, **kwargs) -> None:
        if start != "executing" or finish != "memory" or \
                not str(key).startswith("thematic-code-"):
            return
        self.rss.append(memory_mb()["rss"])
        if self.python_heap:
            import tracemalloc

            self.heap.append(tracemalloc.get_traced_memory()[0] / 2**20)
            if len(self.heap) == 10:   # after the first partitions have warmed every cache
                self.first = tracemalloc.take_snapshot()

    def teardown(self, worker) -> None:
        import tracemalloc

        if self.python_heap and tracemalloc.is_tracing():
            tracemalloc.stop()


def trace_of(dask_worker) -> dict:
    """A worker's MemoryTrace: the curves, and where the Python heap grew most since its
    10th partition (tracemalloc's top lines)."""
    plugin = dask_worker.plugins[MemoryTrace.name]
    grown = []
    if plugin.first is not None:
        import tracemalloc

        diff = tracemalloc.take_snapshot().compare_to(plugin.first, "lineno")
        grown = [f"{d.size_diff / 1024:+,.0f} KiB {d.traceback}" for d in diff[:3]]
    return {"rss": plugin.rss, "heap": plugin.heap, "grown": grown}


def worker_cpu(client) -> float:
    return sum(client.run(time.process_time).values())


def digest(result, into) -> None:
    for p in result.proposals:
        into.update(f"{p.excerpt_id}\x1f{p.code}\x1f{p.start}\x1f{p.end}\x1f{p.origin}\x1e"
                    .encode())


def memory_run(sample, rules, workers: int) -> list[dict[str, float]]:
    """Each worker's memory after coding ``sample`` on a fresh cluster."""
    from thematic.engine import open_engine

    with open_engine("dask", workers=workers) as engine:
        engine.client.wait_for_workers(workers)
        engine.code(sample, rules)
        return worker_memory(engine.client)


def mb(values, key: str = "peak") -> str:
    return ", ".join(f"{v[key]:.0f}" for v in values) + " MB"


def show_memory(checkpoints, traces, small: int, small_memory, spawned: dict) -> None:
    """Each worker's memory at the corpus sizes coded, its curve per partition, and why
    getrusage's figure (the earlier rows) differs."""
    print("  worker memory, MB (each worker: resident now / peak (VmHWM)):")
    rows = ([(f"{label(small)} on a fresh cluster", small_memory)] if small_memory else [])
    rows += [(f"after {label(done)} on the timed cluster", m) for done, m in checkpoints]
    for name, memory in rows:
        print(f"    {name:<32} " + "   ".join(f"{m['rss']:.0f} / {m['peak']:.0f}"
                                                for m in memory))
    for i, trace in enumerate(traces, 1):
        rss = trace["rss"]
        if not rss:
            continue
        marks = [k for k in (1, 10, 25, 50, 100, 150) if k < len(rss)] + [len(rss)]
        print(f"    worker {i} after its partition " + ", ".join(
            f"{k}: {rss[k - 1]:.0f}" for k in marks) + f" (highest {max(rss):.0f})")
        if trace["heap"]:
            heap = trace["heap"]
            print(f"    worker {i} Python heap (tracemalloc) after its partition " + ", ".join(
                f"{k}: {heap[k - 1]:.1f}" for k in marks))
            for line in trace["grown"]:
                print(f"      grew most since partition 10: {line}")
    print(f"  getrusage's ru_maxrss in the workers (the figure before this run's): "
          f"{mb(checkpoints[-1][1], 'ru_maxrss')}; the coordinator's peak when it started "
          f"them: {spawned['peak']:.0f} MB (a vfork+exec child inherits it)")


def measure(n: int, rounds: int, small: int, workers: int, rules, phrases,
            python_heap: bool = False) -> None:
    from thematic.engine import open_engine
    from thematic.engine.local import LocalEngine

    made = time.perf_counter()
    sample = [(f"X{i}", t) for i, t in enumerate(texts(n, phrases, seed=3))]
    print(f"  {n:,} synthetic excerpts made in {time.perf_counter() - made:.0f} s")
    small_memory = memory_run(sample[:small], rules, workers) if small < n else None
    local_engine = LocalEngine()
    local_engine.code(sample[:2000], rules)              # compile the rules here first
    hashes = {"local": hashlib.sha256(), "dask": hashlib.sha256()}
    wall = {"local": 0.0, "dask": 0.0}
    cpu = {"local": 0.0, "workers": 0.0, "coordinator": 0.0}
    counts = {"local": [0, 0, 0], "dask": [0, 0, 0]}
    checkpoints: list[tuple[int, list[dict[str, float]]]] = []
    spawned = memory_mb()
    started = time.perf_counter()
    with open_engine("dask", workers=workers) as engine:
        engine.client.wait_for_workers(workers)
        startup = time.perf_counter() - started
        engine.code(sample[:2000], rules)                # workers' coders built: warm
        engine.client.register_plugin(MemoryTrace(python_heap))
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
                    checkpoints.append((lo + len(part), worker_memory(engine.client)))
                digest(found, hashes[side])
                counts[side] = [a + b for a, b in zip(counts[side], (
                    len(found.proposals), found.negated, found.excluded))]
                del found
        traces = [v for _, v in sorted(engine.client.run(trace_of).items())]
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
    show_memory(checkpoints, traces, small, small_memory, spawned)
    coordinator = memory_mb()
    print(f"  coordinator (this process, which holds the {label(n)} excerpts and both sides' "
          f"proposals, as `code auto` holds them for its one transaction): "
          f"{coordinator['rss']:.0f} MB resident, peak {coordinator['peak']:.0f} MB")
    name = f"auto-code on Dask: {label(n)} excerpts, LocalCluster({workers} workers)"
    row(f"{name}, wall time", f"{dask_rate:,.0f} excerpts/s",
        f"single process {local_rate:,.0f} excerpts/s", wall["local"] / wall["dask"])
    row(f"{name}, from CPU seconds",
        f"{n / ((cpu['workers'] + cpu['coordinator']) / min(cores, workers)):,.0f} "
        f"excerpts/s on {min(cores, workers)} cores",
        f"single process {per_core:,.0f} excerpts/s on 1 core", idle)
    peaks = checkpoints[-1][1]
    if small_memory:
        row(f"auto-code on Dask: worker peak RSS (VmHWM), {label(n)} vs {label(small)} "
            f"excerpts", f"{max(m['peak'] for m in peaks):.0f} MB",
            f"{label(small)}: {max(m['peak'] for m in small_memory):.0f} MB",
            max(m["peak"] for m in peaks) / max(m["peak"] for m in small_memory))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="excerpts (default 100k)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="slices coded by both sides in turn (default 4)")
    parser.add_argument("--memory", type=int, default=100_000,
                        help="the smaller corpus for the memory comparison (default 100k; "
                             "skipped when not smaller than --n)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--python-heap", action="store_true",
                        help="also trace the workers' Python heap with tracemalloc (slows "
                             "the workers: not for the throughput figures)")
    args = parser.parse_args()
    rules, phrases, source = rules_and_phrases()
    print(f"# auto-coding on Dask ({machine()}; {len(rules.codes)} codes with rules from "
          f"{source}; load average {os.getloadavg()[0]:.1f} at the start)")
    measure(args.n, args.rounds, args.memory, args.workers, rules, phrases,
            args.python_heap)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
