"""Helpers shared by the benchmarks: timing, machine description, printing a result row."""

from __future__ import annotations

import os
import platform
import time


def machine() -> str:
    cores = os.cpu_count()
    return f"{platform.machine()} {cores} cores, Python {platform.python_version()}"


def best_of(fn, repeat: int = 5) -> float:
    """Fastest of ``repeat`` runs, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def row(name: str, figure: str, baseline: str, ratio: float) -> None:
    """One line in the RESULTS.md table format: date | machine | figure | baseline | ratio."""
    print(f"| {name} | {time.strftime('%Y-%m-%d')} | {machine()} | {figure} | {baseline} | "
          f"{ratio:.2f} |")


def label(n: int) -> str:
    return f"{n // 1000}k" if n < 1_000_000 else f"{n / 1_000_000:g}M"


def memory_mb() -> dict[str, float]:
    """This process's resident memory now (``rss``) and at its peak (``peak``), in MB, read
    from /proc/self/status (VmRSS, VmHWM), and ``ru_maxrss``, the peak that getrusage gives.

    The last is not this process's own peak when it was spawned (a Dask worker, a
    subprocess): Python starts a child with vfork + exec, and Linux carries the parent's
    high-water mark into the child's ru_maxrss at the exec, so a worker started by a
    coordinator that holds a million excerpts reports the coordinator's peak. VmHWM is
    the peak of the process's own address space.
    """
    import resource

    found = {"ru_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    found["rss" if name == "VmRSS" else "peak"] = int(value.split()[0]) / 1024
    except OSError:   # not Linux: only getrusage's peak
        found["rss"] = found["peak"] = found["ru_maxrss"]
    return found
