"""`thematic --help` start-up time as a ratio to `python -c pass` (same interpreter, same run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from _common import best_of, row

PY = sys.executable
THEMATIC = str(Path(PY).with_name("thematic"))


def main() -> None:
    bare = best_of(lambda: subprocess.run([PY, "-c", "pass"], check=True), repeat=15)
    helped = best_of(lambda: subprocess.run([THEMATIC, "--help"], check=True,
                                            stdout=subprocess.DEVNULL), repeat=15)
    print(f"python -c pass: {bare * 1000:.1f} ms; thematic --help: {helped * 1000:.1f} ms; "
          f"ratio {helped / bare:.2f}")
    row("startup: thematic --help", f"{helped * 1000:.0f} ms",
        f"python -c pass {bare * 1000:.0f} ms", helped / bare)


if __name__ == "__main__":
    main()
