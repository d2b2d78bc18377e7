"""Coding directly against CFIR 2.0: precision, recall and F1 of ``code auto`` with
codebooks/cfir2.yaml against the human reference coding, at the level of CFIR constructs.

The reference is the gold peer-support coding of each labelled set carried through the
peer-support codebook's ``cfir`` crosswalk (sub-constructs rolled up to constructs); the
proposals are rolled up the same way. The semantic stage is scored at a sweep of
thresholds on the bundled set (the calibration: the threshold with the best F1 of the
semantic stage's own proposals), and at that threshold on the held-out set, which is never used to choose it.
The baseline is the crosswalked gold itself read by a coder who marks every excerpt with
the most frequent construct (its micro-F1).

    python benchmarks/cfir_quality.py [--embedder minilm|tfidf] [--set bundled|heldout|both]

Prints figures; asserts none.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

import yaml
from _common import machine, row
from autocode_quality import CORPUS, HELDOUT, REPO

CFIR = REPO / "codebooks" / "cfir2.yaml"
PEER = REPO / "codebooks" / "peer-support.yaml"
SWEEP = [round(0.20 + 0.025 * i, 3) for i in range(17)]      # 0.20 … 0.60


def crosswalk() -> dict[str, set[str]]:
    from thematic.cfir.framework import load

    frame = load()
    doc = yaml.safe_load(PEER.read_text(encoding="utf-8"))
    return {c["id"]: {frame.construct_of(r) for r in c.get("cfir", [])
                      if frame.construct_of(r)} for c in doc["codes"]}


def gold_pairs(folder: Path) -> set[tuple[str, str]]:
    walk = crosswalk()
    out = set()
    with open(folder / "gold.csv", newline="", encoding="utf-8") as fh:
        for line in csv.DictReader(fh):
            for code in (c.strip() for c in line["codes"].split(";") if c.strip()):
                out |= {(line["finding_id"], con) for con in walk.get(code, ())}
    return out


def prf(predicted: set, gold: set) -> tuple[float, float, float]:
    tp = len(predicted & gold)
    p = tp / len(predicted) if predicted else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def rolled(pairs) -> set[tuple[str, str]]:
    from thematic.cfir.framework import load

    frame = load()
    return {(e, frame.construct_of(c)) for e, c in pairs if frame.construct_of(c)}


def run_set(label: str, folder: Path, embedder: str, threshold: float | None) -> float | None:
    from thematic.codebook import load
    from thematic.coding.auto import run
    from thematic.coding.semantic import CodeSpace, get_backend, prototypes
    from thematic.corpus.importer import ExcerptOptions, import_excerpts, import_studies
    from thematic.project import init, open_store
    from thematic.store.codebooks import get_codebook
    from thematic.store.codings import list_codings
    from thematic.store.corpus import list_excerpts

    gold = gold_pairs(folder)
    with tempfile.TemporaryDirectory() as tmp:
        root = init(Path(tmp) / "cfir")
        with open_store(root) as store:
            import_studies(store, CORPUS / "studies.csv")
            import_excerpts(store, [folder / "findings.csv"],
                            ExcerptOptions(create_sources=True))
            load(store, CFIR)
            run(store, codebook="cfir2")
            rules = rolled({(c.excerpt_id, c.code_id) for c in list_codings(store)})
            items = [(e.id, e.text) for e in list_excerpts(store)]
            book = get_codebook(store, "cfir2")
            backend = get_backend(embedder)
            if callable(getattr(backend, "fit", None)):
                backend.fit([t for _, t in items] + [t for _, t in prototypes(book.codes)])
            space = CodeSpace(book.codes, backend)
            hits = space.propose(items, min(SWEEP))
    ids = {e for e, _ in items}
    frequent = max({c for _, c in gold}, key=lambda c: sum(1 for _, g in gold if g == c))
    base = prf({(e, frequent) for e in ids}, gold)
    p, r, f = prf(rules, gold)
    print(f"\n# {label} ({machine()}): {len(ids)} excerpts, {len(gold)} crosswalked gold "
          f"(excerpt, construct) pairs over {len({c for _, c in gold})} constructs")
    print(f"rules: precision {p:.3f}, recall {r:.3f}, F1 {f:.3f}; baseline (every excerpt "
          f"→ {frequent}) F1 {base[2]:.3f}")
    row(f"cfir2 auto-code ({label}): auto:rules vs crosswalked gold", f"P {p:.3f}, R {r:.3f},"
        f" F1 {f:.3f}", f"most frequent construct F1 {base[2]:.3f}", f / base[2] if base[2]
        else 0.0)
    print(f"\n{'threshold':>9} {'sem P':>6} {'sem R':>6} {'sem F1':>6} {'all P':>6} "
          f"{'all R':>6} {'all F1':>6}")
    best = None
    sweep = SWEEP if threshold is None else [threshold]
    for t in sweep:
        sem = rolled({(h.excerpt_id, h.code) for h in hits if h.score >= t})
        sp, sr, sf = prf(sem, gold)
        ap, ar, af = prf(rules | sem, gold)
        print(f"{t:>9.3f} {sp:>6.3f} {sr:>6.3f} {sf:>6.3f} {ap:>6.3f} {ar:>6.3f} {af:>6.3f}")
        if best is None or sf > best[-1]:
            best = (t, af, ap, ar, sp, sr, sf)
    t, af, ap, ar, sp, sr, sf = best
    print(f"\n{'calibrated' if threshold is None else 'given'} threshold ({embedder}): {t:.3f}")
    row(f"cfir2 auto-code ({label}): rules + semantic ({embedder}) at {t:.3f}",
        f"P {ap:.3f}, R {ar:.3f}, F1 {af:.3f} (semantic alone P {sp:.3f}, R {sr:.3f})",
        f"rules alone F1 {f:.3f}", af / f if f else 0.0)
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--embedder", default="minilm", help="minilm (default) or tfidf")
    parser.add_argument("--set", choices=["bundled", "heldout", "both"], default="both")
    args = parser.parse_args()
    chosen = None
    if args.set in ("bundled", "both"):
        chosen = run_set("bundled", CORPUS, args.embedder, None)
    if args.set in ("heldout", "both"):
        if chosen is None:
            doc = yaml.safe_load(CFIR.read_text(encoding="utf-8"))
            stated = doc.get("semantic") or {}
            chosen = stated.get("min_score") if stated.get("embedder") == args.embedder \
                else None
        run_set("heldout", HELDOUT, args.embedder, chosen)


if __name__ == "__main__":
    main()
