"""Where auto-coding spends its time: cProfile of the rules coder (``code_texts``) and of
``auto.run`` end to end (store read, coding, writing proposals) on synthetic excerpts,
printing the top functions by own time. Run: ``python benchmarks/profile_autocode.py
[--n 10000] [--top 25]``; the figures are profiled (slower than real) and only their
proportions matter.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from autocode import end_to_end, rules_and_phrases, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    from thematic.coding.rules import coder_for

    rules, phrases, _ = rules_and_phrases()
    coder = coder_for(rules)
    sample = texts(args.n, phrases)
    coder.code_texts(sample[:500])
    for label in ("rules coder: code_texts", "auto.run end to end"):
        profile = cProfile.Profile()
        if label.startswith("rules"):
            profile.runcall(coder.code_texts, sample)
        else:
            end_to_end(sample, call=profile.runcall)
        print(f"## {label}, {args.n:,} excerpts")
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
