"""Candidate-theme quality: topics against the review's themes, for each embedding backend.

Builds a throw-away project from the bundled corpus (findings, studies, the peer-support
codebook and the gold coding, which only feeds labels and nearest codes), then for each
backend (the packaged all-MiniLM-L6-v2 and TF-IDF + SVD) and each seed runs
``thematic.topics.propose`` with its defaults and compares the topic of every finding with
its gold theme (corpus/peer-support/gold.csv, column ``theme``, 1–9):

* ARI and NMI (scikit-learn), over all findings (outliers count as one more cluster);
* recovered: how many of the 9 themes some candidate recovers — a candidate recovers a theme
  when more than half of its findings carry that theme;
* seconds per run in this process (the first run of a backend also embeds and fills the
  cache), and ``--cli`` adds the wall time of a fresh ``thematic topics`` process, cold
  (empty embedding cache) and warm.

Prints a table and RESULTS.md rows; asserts nothing.
Run: ``python benchmarks/topics_quality.py [--seeds 0,1,2] [--backends minilm,tfidf]
[--guided] [--cli]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import row

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus" / "peer-support"
CODEBOOK = REPO / "codebooks" / "peer-support.yaml"
RECOVER_ABOVE = 0.5


def build(root: Path, *, codings: bool = True):
    from thematic.corpus.importer import import_excerpts, import_studies
    from thematic.project import init, open_store

    init(root)
    store = open_store(root)
    import_studies(store, CORPUS / "studies.csv")
    import_excerpts(store, [CORPUS / "findings.csv"])
    if codings and CODEBOOK.exists():
        try:
            from thematic.codebook import load
            from thematic.coding.exchange import import_codings
        except ImportError:  # the codebook/coding rooms missing: labels from keywords only
            return store
        load(store, CODEBOOK)
        import_codings(store, CORPUS / "gold.csv", coder="gold")
    return store


def gold_themes() -> dict[str, str]:
    with (CORPUS / "gold.csv").open(encoding="utf-8") as handle:
        return {r["finding_id"]: r["theme"] for r in csv.DictReader(handle)}


def score(store, run_id: int, gold: dict[str, str]) -> tuple[float, float, list[str]]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from thematic.store.topics import members

    assigned = {e: t for e, t, _ in members(store, run_id)}
    ids = sorted(set(assigned) & set(gold))
    truth = [gold[i] for i in ids]
    found = [assigned[i] for i in ids]
    recovered = set()
    for topic in set(found) - {-1}:
        themes = [g for g, t in zip(truth, found) if t == topic]
        best = max(sorted(set(themes)), key=themes.count)
        if themes.count(best) / len(themes) > RECOVER_ABOVE:
            recovered.add(best)
    return (adjusted_rand_score(truth, found), normalized_mutual_info_score(truth, found),
            sorted(recovered, key=int))


def cli_seconds(backend: str) -> tuple[float, float]:
    """Wall time of `thematic topics` in a fresh process: empty cache, then warm cache."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    exe = Path(sys.executable).with_name("thematic")
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp) / "p").close()
        for _ in range(2):
            start = time.perf_counter()
            subprocess.run([str(exe), "--project", str(Path(tmp) / "p"), "topics",
                            "--embeddings", backend], check=True, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--backends", default="minilm,tfidf")
    parser.add_argument("--guided", action="store_true", help="Also run guided (seeded).")
    parser.add_argument("--cli", action="store_true", help="Also time fresh CLI processes.")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from thematic.topics import propose

    gold = gold_themes()
    seeds = [int(s) for s in args.seeds.split(",")]
    summary = []
    print(f"{'backend':8} {'mode':7} {'seed':>4} {'topics':>6} {'hdbscan-out':>11} "
          f"{'ARI':>6} {'NMI':>6} {'recovered':>9}  {'s':>6}  method / recovered themes")
    with tempfile.TemporaryDirectory() as tmp:
        store = build(Path(tmp) / "bench")
        for backend in args.backends.split(","):
            modes = [False, True] if args.guided else [False]
            for guided in modes:
                figures = []
                for seed in seeds:
                    start = time.perf_counter()
                    run = propose(store, embeddings=backend, seed=seed, guided=guided)
                    seconds = time.perf_counter() - start
                    ari, nmi, recovered = score(store, run.id, gold)
                    figures.append((ari, nmi, len(recovered), seconds))
                    print(f"{backend:8} {'guided' if guided else 'plain':7} {seed:>4} "
                          f"{len(run.topics):>6} {run.hdbscan_outlier_share:>11.0%} "
                          f"{ari:>6.3f} {nmi:>6.3f} {len(recovered):>7}/9  {seconds:>6.1f}"
                          f"  {run.method}; themes {','.join(recovered)}", flush=True)
                mean = [statistics.mean(f[i] for f in figures) for i in range(4)]
                summary.append((backend, guided, mean))
        store.close()
    print()
    print("mean over seeds:")
    for backend, guided, (ari, nmi, rec, seconds) in summary:
        print(f"  {backend:8} {'guided' if guided else 'plain':7} ARI {ari:.3f}  NMI {nmi:.3f}"
              f"  recovered {rec:.1f}/9  {seconds:.1f} s per run (in process)")
    print()
    for backend, guided, (ari, nmi, rec, _) in summary:
        mode = " guided" if guided else ""
        row(f"topics quality: {backend}{mode} vs 9 gold themes",
            f"ARI {ari:.3f}, NMI {nmi:.3f}, {rec:.1f}/9 themes recovered",
            "one topic per theme: ARI 1, 9/9", ari)
    if args.cli:
        print()
        for backend in args.backends.split(","):
            cold, warm = cli_seconds(backend)
            print(f"  thematic topics --embeddings {backend}: {cold:.1f} s cold cache, "
                  f"{warm:.1f} s warm cache (fresh process each)")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
