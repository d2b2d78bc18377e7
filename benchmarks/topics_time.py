"""Topics time: `thematic topics` on 308 excerpts (the bundled and held-out findings), each
run in a fresh process, first with an empty embedding cache, then cached.

Baseline, measured in the same run: a fresh process that only imports BERTopic, which the
cached run paid before the default path stopped importing it (BERTopic imports
sentence-transformers, torch and UMAP/numba at module load). Prints wall seconds and the
CPU seconds of the child process (user + system; the steadier figure on a shared machine),
and RESULTS.md rows. Goals (issue 15): first run ≤ 30 s, cached ≤ 5 s on 2 cores.
Run: ``python benchmarks/topics_time.py [--backend minilm] [--repeat 2]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import row

REPO = Path(__file__).resolve().parent.parent


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="minilm")
    parser.add_argument("--repeat", type=int, default=2, help="Cached runs (best is kept).")
    args = parser.parse_args()
    from topics_quality import build

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    exe = str(Path(sys.executable).with_name("thematic"))
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "p"
        build(project, ["peer-support", "heldout"]).close()
        command = [exe, "--project", str(project), "topics", "--embeddings", args.backend]
        first = timed(command, env)
        cached = min((timed(command, env) for _ in range(args.repeat)), key=lambda t: t[1])
    baseline = min((timed([sys.executable, "-c", "import bertopic"], env)
                    for _ in range(args.repeat)), key=lambda t: t[1])
    print(f"thematic topics --embeddings {args.backend}, 308 excerpts, fresh process each:")
    print(f"  empty cache  {first[0]:6.1f} s wall  {first[1]:6.1f} s CPU   (goal 30 s)")
    print(f"  cached       {cached[0]:6.1f} s wall  {cached[1]:6.1f} s CPU   (goal 5 s)")
    print(f"  baseline: `import bertopic` alone  {baseline[0]:6.1f} s wall  "
          f"{baseline[1]:6.1f} s CPU")
    row(f"topics time: {args.backend}, 308 excerpts, fresh `thematic topics` process, "
        f"empty cache", f"{first[0]:.1f} s wall, {first[1]:.1f} s CPU (goal 30 s)",
        f"import bertopic alone {baseline[1]:.1f} s CPU", first[1] / baseline[1])
    row(f"topics time: {args.backend}, 308 excerpts, fresh `thematic topics` process, cached",
        f"{cached[0]:.1f} s wall, {cached[1]:.1f} s CPU (goal 5 s)",
        f"import bertopic alone {baseline[1]:.1f} s CPU", cached[1] / baseline[1])


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
