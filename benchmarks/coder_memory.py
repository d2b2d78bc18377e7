"""Memory of the plain library coding a growing corpus in one process: the baseline for the
Dask workers' curve in benchmarks/dask_autocode.py (does the coder itself grow?).

One process codes the same synthetic excerpts as dask_autocode.py in the engine's
partitions (5,000 excerpts, ``code_batch`` each, results dropped as a worker drops them
once sent) and prints its resident memory (VmRSS) and peak (VmHWM) every ``--every``
excerpts, with what could grow with distinct text: spaCy's string store and the
prefilter's cache of small matchers (bounded at 4,097 entries). The corpus is made before
the first figure, so it is in every figure alike.

    python benchmarks/coder_memory.py --n 500000      # ~1 minute idle

Prints figures and a RESULTS.md row (peak after ``--n`` vs after the first ``--every``).
"""

from __future__ import annotations

import argparse
import os
import time

from _common import label, machine, memory_mb, row
from autocode import rules_and_phrases, texts

PARTITION = 5000   # thematic.engine.cluster.PARTITION, without importing Dask here


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500_000, help="excerpts (default 500k)")
    parser.add_argument("--every", type=int, default=50_000,
                        help="excerpts between two figures (default 50k)")
    args = parser.parse_args()
    from thematic.coding.auto import code_batch
    from thematic.coding.rules import coder_for

    rules, phrases, source = rules_and_phrases()
    print(f"# one process coding in partitions of {PARTITION:,} ({machine()}; "
          f"{len(rules.codes)} codes from {source}; load average {os.getloadavg()[0]:.1f})")
    sample = texts(args.n, phrases, seed=3)
    print(f"  {args.n:,} excerpts made: {memory_mb()['rss']:.0f} MB resident before coding")
    first = None
    started = time.process_time()
    for lo in range(0, args.n, PARTITION):
        part = sample[lo:lo + PARTITION]
        code_batch(list(enumerate(part)), rules)
        done = lo + len(part)
        if done % args.every == 0 or done == args.n:
            memory = memory_mb()
            coder = coder_for(rules, None)     # the coder code_batch used, cached
            first = first or memory
            print(f"  after {label(done):>5}: {memory['rss']:.0f} MB resident, peak "
                  f"{memory['peak']:.0f} MB; {len(coder.nlp.vocab.strings):,} strings, "
                  f"{len(coder.prefilter.cache):,} cached matchers; "
                  f"{time.process_time() - started:.1f} s CPU")
    row(f"auto-code in one process: peak RSS, {label(args.n)} vs {label(args.every)} excerpts",
        f"{memory['peak']:.0f} MB", f"{label(args.every)}: {first['peak']:.0f} MB",
        memory["peak"] / first["peak"])


if __name__ == "__main__":
    main()
