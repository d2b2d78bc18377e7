"""A pytest plugin for benchmarks/fast_tier.py: each pytest-xdist worker writes the CPU time
it used (its own and its subprocesses') to the folder THEMATIC_BENCH_CPU_DIR names."""

from __future__ import annotations

import json
import os
import resource


def pytest_sessionfinish(session) -> None:
    folder = os.environ.get("THEMATIC_BENCH_CPU_DIR")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not folder or not worker:
        return
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    with open(os.path.join(folder, f"{worker}.json"), "w", encoding="utf-8") as fh:
        json.dump({"cpu": cpu}, fh)
