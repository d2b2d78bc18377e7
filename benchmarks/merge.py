"""Benchmark: `thematic merge` of two 50k-excerpt copies of one project.

Builds a seeded synthetic project through the store API (bulk inserts): 500 studies,
N excerpts (default 50,000), a codebook of 40 codes, then copies it twice. In alice's copy
alice codes 60% of the excerpts (1–3 codes each) and carol 1%; in bob's copy bob codes
60% and carol 1% again, differently on half of her excerpts (conflicts). Then times

* the baseline: the least a merge must do, a plain SQLite ``ATTACH`` of bob's database and
  ``INSERT OR IGNORE … SELECT`` of its codings and coverage into a copy of alice's;
* ``thematic.interop.merge.merge_project`` of bob's copy into (another copy of) alice's,
  then merging it again (nothing new).

Prints the figures and the ratio merge / baseline measured in the same run; asserts nothing
about time. Run: ``python benchmarks/merge.py [--excerpts N]``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import row

from thematic.interop.merge import merge_project
from thematic.project import database, init, open_store
from thematic.store import corpus as cdb
from thematic.store.codebooks import Code, insert_codebook
from thematic.store.codings import Coding, add_codings, mark_reviewed


def build(root: Path, n: int, seed: int) -> tuple[int, list[str]]:
    rng = random.Random(seed)
    codes = [Code(f"code-{i}", f"Code {i}", None, f"Definition {i}", True) for i in range(40)]
    init(root)
    with open_store(root) as store, store.transaction("bench build"):
        for s in range(500):
            cdb.upsert_source(store, cdb.Source(id=f"S{s}", title=f"Study {s}"), None)
        rows = []
        for i in range(n):
            text = f"Finding {i} about peer support, theme {rng.randrange(40)}."
            rows.append((f"E{i:06d}", f"S{i % 500}", text,
                         hashlib.sha256(text.encode()).hexdigest(), None, 0, len(text),
                         f"row {i + 2}", i + 1, "{}"))
        cdb.insert_excerpts(store, rows)
        book = insert_codebook(store, name="bench", version="1", digest="bench-1",
                               title="bench", metadata={}, content="[]", source_path=None,
                               codes=codes)
    return book, [r[0] for r in rows]


def code(root: Path, book: int, ids: list[str], coder: str, share: float, seed: int,
         pick: int | None = None) -> int:
    """``coder`` codes ``share`` of the excerpts (drawn with seed ``pick``, default
    ``seed``) with 1–3 codes drawn with ``seed``."""
    choose = random.Random(seed if pick is None else pick)
    chosen = [e for e in ids if choose.random() < share]
    rng = random.Random(seed)
    work = [Coding(excerpt_id=e, codebook_id=book, code_id=f"code-{c}", coder=coder)
            for e in chosen for c in rng.sample(range(40), rng.randint(1, 3))]
    with open_store(root) as store, store.transaction(f"bench code {coder}"):
        add_codings(store, work)
        mark_reviewed(store, coder, chosen, book)
    return len(work)


def baseline(alice: Path, bob: Path) -> float:
    conn = sqlite3.connect(database(alice))
    start = time.perf_counter()
    conn.execute("ATTACH DATABASE ? AS b", (str(database(bob)),))
    conn.execute("INSERT OR IGNORE INTO codings (excerpt_id, codebook_id, code_id, coder, "
                 "start, end, method, origin, score, status, memo, created_at, updated_at) "
                 "SELECT excerpt_id, codebook_id, code_id, coder, start, end, method, origin, "
                 "score, status, memo, created_at, updated_at FROM b.codings")
    conn.execute("INSERT OR IGNORE INTO coverage SELECT * FROM b.coverage")
    conn.commit()
    took = time.perf_counter() - start
    conn.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--excerpts", type=int, default=50_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="thematic-merge-"))
    try:
        base = tmp / "base"
        book, ids = build(base, args.excerpts, 1)
        alice, bob = tmp / "alice", tmp / "bob"
        shutil.copytree(base, alice)
        shutil.copytree(base, bob)
        n_alice = code(alice, book, ids, "alice", 0.6, 2) + code(alice, book, ids, "carol",
                                                                 0.01, 4, pick=9)
        n_bob = code(bob, book, ids, "bob", 0.6, 3) + code(bob, book, ids, "carol", 0.01, 5, pick=9)
        shutil.copytree(alice, tmp / "plain")
        shutil.copytree(alice, tmp / "merged")
        base_s = baseline(tmp / "plain", bob)
        with open_store(tmp / "merged") as store:
            start = time.perf_counter()
            result = merge_project(store, bob)
            took = time.perf_counter() - start
            start = time.perf_counter()
            again = merge_project(store, bob)
            took_again = time.perf_counter() - start
        print(f"{args.excerpts:,} excerpts per copy; alice's copy {n_alice:,} codings, bob's "
              f"{n_bob:,}; merged {result.added['codings']:,} codings, "
              f"{result.added['reviews']:,} reviews, {len(result.conflicts)} conflicts; "
              f"merge {took:.2f} s, again {took_again:.2f} s (unchanged: {again.unchanged}); "
              f"baseline {base_s:.2f} s")
        row(f"merge: two {args.excerpts // 1000}k-excerpt copies ({n_alice // 1000}k + "
            f"{n_bob // 1000}k codings)", f"{took:.2f} s (again, nothing new: "
            f"{took_again:.2f} s)", f"ATTACH + INSERT OR IGNORE of codings and coverage "
            f"{base_s:.2f} s", took / base_s)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
