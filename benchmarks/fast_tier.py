"""`make test-fast` timed: wall clock, the CPU time of the whole run (user + sys of pytest, its
xdist workers and their subprocesses) and each worker's share. The same run's CPU is the
baseline: on an idle machine the wall clock approaches CPU / workers when the split is even.
Usage: python benchmarks/fast_tier.py (from anywhere; it runs in the repository)."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import row

REPO = Path(__file__).resolve().parent.parent
COMMAND = ["-m", "pytest", "-q", "-m", "not slow", "-n", "auto", "--dist", "loadfile",
           "-p", "_pytest_cpu"]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="thematic-bench-") as folder:
        env = {**os.environ, "THEMATIC_BENCH_CPU_DIR": folder,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "benchmarks"),
                                                            os.environ.get("PYTHONPATH")]))}
        load_before = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, *COMMAND], cwd=REPO, env=env,
                              capture_output=True, text=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_after = os.getloadavg()[0]
        workers = {p.stem: json.loads(p.read_text())["cpu"]
                   for p in sorted(Path(folder).glob("*.json"))}
    if done.returncode != 0:
        sys.exit(done.stdout[-3000:] + done.stderr[-3000:])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    passed = re.search(r"(\d+) passed", done.stdout)
    tests = passed.group(1) if passed else "?"
    split = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in workers.items())
    print(f"{tests} tests: {wall:.1f} s wall, {cpu:.1f} s CPU ({split}); "
          f"load average {load_before:.1f} before, {load_after:.1f} after")
    row("make test-fast (pytest -m 'not slow' -n auto --dist loadfile)",
        f"{tests} tests in {wall:.1f} s wall; workers {split}; load {load_before:.1f}–"
        f"{load_after:.1f}", f"the same run's CPU: {cpu:.1f} s (user + sys)", wall / cpu)


if __name__ == "__main__":
    main()
