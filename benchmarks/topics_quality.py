"""Candidate-theme quality: topics against the review's themes, per backend and clusterer.

For each labelled set (the bundled corpus, corpus/peer-support, and the held-out set,
corpus/heldout, written blind to the rules) a throw-away project gets its findings, the
peer-support codebook and **automatic** coding only (auto:rules; the human gold coding is
never loaded, so the code profiles that the clusterers join to the embeddings are the
tool's own). Then for each backend (the packaged all-MiniLM-L6-v2, TF-IDF + SVD), each
clusterer (ward on embeddings + code profiles, the default; average linkage on the same;
ward on embeddings alone; BERTopic's UMAP + HDBSCAN) and each seed, ``thematic.topics.propose`` runs with its defaults and the topic of
every finding is compared with its gold theme (gold.csv, column ``theme``, 1–9):

* ARI and NMI (scikit-learn), over all findings (outliers count as one more cluster);
* recovered: how many of the 9 themes some candidate recovers — a candidate recovers a theme
  when more than half of its findings carry that theme;
* seconds per run in this process (the first run of a backend also embeds and fills the
  cache). The time of ``thematic topics`` in a fresh process is benchmarks/topics_time.py.

Prints a table and RESULTS.md rows; asserts nothing.
Run: ``python benchmarks/topics_quality.py [--seeds 0,1,2] [--backends minilm,tfidf]
[--clusters ward,average,ward-embeddings,hdbscan] [--sets peer-support,heldout]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import row

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
CODEBOOK = REPO / "codebooks" / "peer-support.yaml"
RECOVER_ABOVE = 0.5
CLUSTERS = {"ward": ("ward", True), "average": ("average", True),
            "spectral": ("spectral", True), "ward-embeddings": ("ward", False),
            "hdbscan": ("hdbscan", False)}


def build(root: Path, sets: list[str]):
    from thematic.codebook import load
    from thematic.coding.auto import run as auto
    from thematic.corpus.importer import import_excerpts, import_studies
    from thematic.project import init, open_store

    init(root)
    store = open_store(root)
    import_studies(store, CORPUS / "peer-support" / "studies.csv")
    import_excerpts(store, [CORPUS / name / "findings.csv" for name in sets])
    load(store, CODEBOOK)
    auto(store, codebook="peer-support")
    return store


def gold_themes(name: str) -> dict[str, str]:
    with (CORPUS / name / "gold.csv").open(encoding="utf-8") as handle:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--backends", default="minilm,tfidf")
    parser.add_argument("--clusters", default="ward,average,ward-embeddings,hdbscan")
    parser.add_argument("--sets", default="peer-support,heldout")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from thematic.topics import propose

    seeds = [int(s) for s in args.seeds.split(",")]
    summary = []
    print(f"{'set':12} {'backend':7} {'cluster':15} {'seed':>4} {'topics':>6} "
          f"{'ARI':>6} {'NMI':>6} {'recovered':>9}  {'s':>6}  recovered themes")
    for name in args.sets.split(","):
        gold = gold_themes(name)
        with tempfile.TemporaryDirectory() as tmp:
            store = build(Path(tmp) / "bench", [name])
            for backend in args.backends.split(","):
                for key in args.clusters.split(","):
                    cluster, profile = CLUSTERS[key]
                    figures = []
                    for seed in seeds:
                        start = time.perf_counter()
                        run = propose(store, embeddings=backend, seed=seed, cluster=cluster,
                                      profile=profile)
                        seconds = time.perf_counter() - start
                        ari, nmi, recovered = score(store, run.id, gold)
                        figures.append((ari, nmi, len(recovered), seconds, len(run.topics)))
                        print(f"{name:12} {backend:7} {key:15} {seed:>4} {len(run.topics):>6} "
                              f"{ari:>6.3f} {nmi:>6.3f} {len(recovered):>7}/9  {seconds:>6.1f}"
                              f"  {','.join(recovered)}", flush=True)
                    mean = [statistics.mean(f[i] for f in figures) for i in range(5)]
                    summary.append((name, backend, key, mean))
            store.close()
    print()
    print("mean over seeds:")
    for name, backend, key, (ari, nmi, rec, seconds, k) in summary:
        print(f"  {name:12} {backend:7} {key:15} ARI {ari:.3f}  NMI {nmi:.3f}  recovered "
              f"{rec:.1f}/9  {k:.1f} topics  {seconds:.1f} s per run (in process)")
    print()
    span = f"seeds {seeds[0]}–{seeds[-1]}" if len(seeds) > 1 else f"seed {seeds[0]}"
    for name, backend, key, (ari, nmi, rec, _, k) in summary:
        row(f"topics quality: {name}, {backend}, {key} (mean of {span})",
            f"ARI {ari:.3f}, NMI {nmi:.3f}, {rec:.1f}/9 themes recovered, {k:.1f} topics",
            "one topic per theme: ARI 1, 9/9", ari)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
