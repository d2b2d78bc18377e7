"""Benchmark: GRADE-CERQual evidence profiles (`thematic cerqual`) on a synthetic project.

Builds the audit benchmark's seeded project (studies, excerpts, Zipf-like codings, 10
themes), adds one review finding per theme and appraises every other study, then times

* the baseline: recomputing every theme's evidence (``thematic.themes.evidence``), which
  a profile cannot avoid, since a finding's evidence is its themes';
* ``thematic.findings.cerqual.profiles``: every finding's four components.

Prints the figures and the ratio profiles / baseline measured in the same run; asserts
nothing about time. Run: ``python benchmarks/cerqual.py [--excerpts N]``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, machine, row
from audit import build

from thematic import themes
from thematic.findings import add_finding, cerqual
from thematic.findings.appraisal import import_appraisal
from thematic.project import init, open_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--excerpts", type=int, default=20_000)
    parser.add_argument("--studies", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cerqual-bench-"))
    try:
        root = init(folder)
        build(root, args.excerpts, args.studies, 0)
        sheet = root / "appraisal.csv"
        ratings = ("minor", "moderate", "serious")
        sheet.write_text("study,overall\n" + "".join(
            f"{s},{ratings[s % 3]}\n" for s in range(1, args.studies + 1, 2)))
        with open_store(root) as store:
            import_appraisal(store, sheet)
            listed = themes.list_themes(store)
            for t in listed:
                add_finding(store, f"Finding on {t.name}", [t.id])
            baseline = best_of(lambda: [themes.evidence(store, t.id) for t in listed],
                               args.repeat)
            profiles = best_of(lambda: cerqual.profiles(store), args.repeat)
        print(f"machine: {machine()}")
        print(f"project: {args.excerpts:,} excerpts, {args.studies} studies, "
              f"{len(listed)} themes and findings")
        print(f"baseline: every theme's evidence {baseline * 1000:.0f} ms")
        print(f"cerqual.profiles: {profiles * 1000:.0f} ms = {profiles / baseline:.2f} × "
              "the baseline")
        row(f"cerqual: {len(listed)} findings over {args.excerpts // 1000}k excerpts",
            f"{profiles * 1000:.0f} ms", f"theme evidence {baseline * 1000:.0f} ms",
            profiles / baseline)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
