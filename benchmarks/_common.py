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
