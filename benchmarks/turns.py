"""Speaker-turn segmentation throughput (issue 19).

Cuts a synthetic transcript of 20,000 turns in four label styles (timestamped, name then
timestamp, Markdown bold, upper case) with ``find_turns`` and reports turns/s and MB/s,
against a baseline measured in the same run: splitting the same text into lines and
matching one simple ``^Name:`` regex per line (the least any line-based segmenter does).
"""

from __future__ import annotations

import random
import re

from _common import best_of, row

from thematic.corpus.turns import find_turns

TURNS = 20_000
SENTENCES = ["I was not sure what the role was at first.",
             "Supervision helped, when it happened.",
             "We met every fortnight on video.",
             "Honestly it depends on who is on shift.",
             "Nobody wrote down what the peer role is."]


def transcript(seed: int = 19) -> str:
    rng = random.Random(seed)
    speakers = ["Interviewer 1", "P01", "P02", "P03"]
    styles = [lambda s, t: f"[{t}] {s}: ", lambda s, t: f"{s} [{t}]: ",
              lambda s, t: f"**{s}:** ", lambda s, t: f"{s.upper()}: "]
    style = styles[0]
    lines = []
    for n in range(TURNS):
        if n % 5000 == 0:
            style = styles[(n // 5000) % len(styles)]
        stamp = f"{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}"
        words = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4)))
        lines.append(style(speakers[n % len(speakers)], stamp) + words)
        if rng.random() < 0.2:
            lines.append(rng.choice(SENTENCES))     # a continuation line
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    text = transcript()
    mb = len(text.encode("utf-8")) / 1e6
    found = find_turns(text, markdown=True)
    assert len(found.turns) == TURNS, len(found.turns)
    took = best_of(lambda: find_turns(text, markdown=True), 3)
    simple = re.compile(r"([A-Z][\w ]{0,30}):\s")
    base = best_of(lambda: [simple.match(line) for line in text.splitlines()], 3)
    row(f"turn segmentation: {TURNS:,} turns ({mb:.1f} MB), 4 label styles",
        f"{TURNS / took:,.0f} turns/s ({mb / took:.1f} MB/s)",
        f"one ^Name: regex per line {TURNS / base:,.0f} turns/s", base / took)


if __name__ == "__main__":
    main()
