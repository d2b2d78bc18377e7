"""Import throughput and peak memory on a large extraction sheet, streamed in chunks.

Prints rows/s for a ~20 MB and a ~200 MB CSV, the peak RSS of each import (flat memory
means the two peaks are close), and the ratio to a bare csv.reader pass over the same file.
Each import runs in a fresh process so its peak RSS is its own.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import row

WORDS = ["peer", "support", "hope", "empowerment", "role", "ambiguity", "supervision",
         "training", "stigma", "digital", "forum", "recovery", "college", "burnout", "lived",
         "experience", "trust", "funding", "leadership"]

PEAK = r"""
import sys, time
def _peak():
    # VmHWM: this process's own peak; ru_maxrss would carry the parent's over the exec
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
"""

CHILD = PEAK + r"""
from thematic.project import init, open_store
from thematic.corpus.importer import ExcerptOptions, import_excerpts
root = init(sys.argv[2])
with open_store(root) as store:
    start, cpu = time.perf_counter(), time.process_time()
    result = import_excerpts(store, [sys.argv[1]], ExcerptOptions(create_sources=True))
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
print(result[0].added, took, _peak(), cpu)
"""

BARE = PEAK + r"""
import csv
start, cpu = time.perf_counter(), time.process_time()
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    n = sum(1 for _ in csv.reader(fh)) - 1
print(n, time.perf_counter() - start, _peak(), time.process_time() - cpu)
"""


def make(path: Path, megabytes: int) -> int:
    rows, size = 0, 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("id,study_id,finding,section\n")
        while size < megabytes * 1_000_000:
            words = " ".join(WORDS[(rows * 7 + i * 3) % len(WORDS)] for i in range(22))
            line = f"F{rows},{rows % 65 + 1},\"Finding {rows}: {words}.\",Outcomes\n"
            fh.write(line)
            size += len(line)
            rows += 1
    return rows


def run(code: str, *args: str) -> tuple[int, float, float, float]:
    """(rows, wall s, peak RSS MB, CPU s of the child)"""
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True).stdout.split()
    return int(out[0]), float(out[1]), float(out[2]), float(out[3])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for mb in (20, 200):
            path = Path(tmp) / f"sheet-{mb}.csv"
            start = time.perf_counter()
            n = make(path, mb)
            print(f"wrote {path.stat().st_size / 1e6:.0f} MB, {n} rows in "
                  f"{time.perf_counter() - start:.1f} s")
            added, took, peak, cpu = run(CHILD, str(path), str(Path(tmp) / f"proj-{mb}"))
            bare_n, bare_took, _, bare_cpu = run(BARE, str(path))
            assert added == n == bare_n
            results[mb] = (n / took, peak, n / bare_took, n / cpu, n / bare_cpu)
            print(f"{mb} MB: {n / took:,.0f} rows/s wall, {n / cpu:,.0f} rows/CPU s "
                  f"(csv.reader alone {n / bare_took:,.0f} rows/s wall, "
                  f"{n / bare_cpu:,.0f} rows/CPU s), peak RSS {peak:.0f} MB")
        rate, peak, bare, rate_cpu, bare_cpu = results[200]
        row("import: 200 MB CSV", f"{rate:,.0f} rows/s wall, {rate_cpu:,.0f} rows/CPU s, "
            f"peak {peak:.0f} MB", f"csv.reader {bare:,.0f} rows/s wall, {bare_cpu:,.0f} "
            "rows/CPU s", rate_cpu / bare_cpu)
        row("import: peak memory 200 MB vs 20 MB", f"{peak:.0f} MB",
            f"{results[20][1]:.0f} MB", peak / results[20][1])


if __name__ == "__main__":
    main()
