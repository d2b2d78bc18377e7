"""Where `import excerpts` spends its time: cProfile of one import of an N-row sheet.

    python benchmarks/profile_import.py [N]   # default 100,000 rows

Prints the import's CPU time and rows per CPU second beside a bare ``csv.reader`` pass
over the same file (same run), then the top functions by internal time.
"""

from __future__ import annotations

import cProfile
import csv
import pstats
import sys
import tempfile
import time
from pathlib import Path

WORDS = ["peer", "support", "hope", "empowerment", "role", "ambiguity", "supervision",
         "training", "stigma", "digital", "forum", "recovery", "college", "burnout", "lived",
         "experience", "trust", "funding", "leadership"]


def make(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("id,study_id,finding,section\n")
        for i in range(n):
            words = " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(22))
            fh.write(f"F{i},{i % 65 + 1},\"Finding {i}: {words}.\",Outcomes\n")


def main() -> None:
    from thematic.corpus.importer import ExcerptOptions, import_excerpts
    from thematic.project import init, open_store

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sheet.csv"
        make(path, n)
        start = time.process_time()
        with open(path, newline="", encoding="utf-8") as fh:
            bare_n = sum(1 for _ in csv.reader(fh)) - 1
        bare = time.process_time() - start
        root = init(Path(tmp) / "proj")
        prof = cProfile.Profile()
        with open_store(root) as store:
            start = time.process_time()
            prof.enable()
            result = import_excerpts(store, [path], ExcerptOptions(create_sources=True))
            prof.disable()
            took = time.process_time() - start
        assert result[0].added == bare_n == n
        print(f"import {n:,} rows: {took:.2f} s CPU = {n / took:,.0f} rows/CPU s "
              f"(with cProfile on); csv.reader {bare:.2f} s = {n / bare:,.0f} rows/CPU s; "
              f"ratio {bare / took:.2f}")
        stats = pstats.Stats(prof).sort_stats("tottime")
        stats.print_stats(18)
        stats.print_callers("execute|search")


if __name__ == "__main__":
    main()
