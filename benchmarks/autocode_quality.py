"""Auto-coding quality: precision, recall and F1 of auto:rules against human reference
coding, per code and micro/macro, at the excerpt level, on two labelled sets: the bundled
corpus (corpus/peer-support) and the held-out set (corpus/heldout, written without sight of
the rules, so its scores show whether the rules generalise).

For each set: a throw-away project with its findings and codebooks/peer-support.yaml, one
``thematic.coding.auto.run``, and the (excerpt, code) pairs compared with its gold.csv. ``--examples N`` also prints up to N missed (FN) and spurious (FP)
excerpts for the worst codes; ``--semantic`` scores auto:semantic as well.
Prints figures; asserts none.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

from _common import machine, row

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus" / "peer-support"
HELDOUT = REPO / "corpus" / "heldout"   # written blind to the rules: score it, never tune on it
CODEBOOK = REPO / "codebooks" / "peer-support.yaml"


def load_codebook(store, path: Path) -> None:
    try:
        from thematic.codebook import load
    except ImportError:  # the codebook room not installed: insert the YAML's codes directly
        load = None
    if load is not None:
        load(store, path)
        return
    import json

    import yaml

    from thematic.store.codebooks import Code, insert_codebook

    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    codes = [Code(c["id"], c["name"], c.get("parent"), c.get("definition", ""),
                  c.get("codable", True), data={k: c[k] for k in ("rules", "examples")
                                                if k in c}) for c in doc["codes"]]
    with store.transaction("codebook load"):
        insert_codebook(store, name=doc["name"], version=doc["version"], digest="bench",
                        title=doc.get("title"), metadata={}, content=json.dumps(doc),
                        source_path=str(path), codes=codes)


def scores(predicted: set[tuple[str, str]], gold: set[tuple[str, str]], codes: list[str]):
    per = {}
    for code in codes:
        p = {e for e, c in predicted if c == code}
        g = {e for e, c in gold if c == code}
        tp, fp, fn = len(p & g), len(p - g), len(g - p)
        if tp + fp + fn == 0:
            continue
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[code] = (tp, fp, fn, prec, rec, f1, sorted(g - p), sorted(p - g))
    tp = sum(v[0] for v in per.values())
    fp = sum(v[1] for v in per.values())
    fn = sum(v[2] for v in per.values())
    micro_p = tp / (tp + fp) if tp + fp else 0.0
    micro_r = tp / (tp + fn) if tp + fn else 0.0
    micro = 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0
    macro = sum(v[5] for v in per.values()) / len(per) if per else 0.0
    return per, (micro_p, micro_r, micro), macro


def report(label: str, per: dict, micro: tuple, macro: float, examples: int,
           texts: dict[str, str], origins: dict[tuple[str, str], str]) -> None:
    print(f"\n## {label}\n")
    print(f"{'code':<26} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'recall':>6} {'F1':>6}")
    for code, (tp, fp, fn, p, r, f1, _, _) in sorted(per.items(), key=lambda kv: kv[1][5]):
        print(f"{code:<26} {tp:>4} {fp:>4} {fn:>4} {p:>6.3f} {r:>6.3f} {f1:>6.3f}")
    print(f"\nmicro: precision {micro[0]:.3f}, recall {micro[1]:.3f}, F1 {micro[2]:.3f}; "
          f"macro F1 {macro:.3f} over {len(per)} codes")
    if examples:
        for code, (*_, f1, missed, spurious) in sorted(per.items(),
                                                       key=lambda kv: kv[1][5])[:5]:
            print(f"\n{code} (F1 {f1:.3f})")
            for eid in missed[:examples]:
                print(f"  missed   {eid}: {texts[eid][:150]}")
            for eid in spurious[:examples]:
                print(f"  spurious {eid} ({origins[(eid, code)]}): {texts[eid][:150]}")


def score_set(label: str, folder: Path, args) -> None:
    """Code ``folder``/findings.csv in a throw-away project and score it against its
    gold.csv."""
    from thematic.coding.auto import run
    from thematic.corpus.importer import ExcerptOptions, import_excerpts, import_studies
    from thematic.project import init, open_store
    from thematic.store.codings import list_codings
    from thematic.store.corpus import list_excerpts

    with tempfile.TemporaryDirectory() as tmp:
        root = init(Path(tmp) / "quality")
        with open_store(root) as store:
            import_studies(store, CORPUS / "studies.csv")
            import_excerpts(store, [folder / "findings.csv"],
                            ExcerptOptions(create_sources=True))
            load_codebook(store, CODEBOOK)
            result = run(store, codebook="peer-support", semantic=args.semantic)
            texts = {e.id: e.text for e in list_excerpts(store)}
            found = {coder: {(c.excerpt_id, c.code_id)
                             for c in list_codings(store, coder=coder)}
                     for coder in result.coders}
            origins = {(c.excerpt_id, c.code_id): c.origin for c in list_codings(store)}
    gold = set()
    with open(folder / "gold.csv", newline="", encoding="utf-8") as fh:
        for line in csv.DictReader(fh):
            gold |= {(line["finding_id"], c.strip()) for c in line["codes"].split(";")
                     if c.strip()}
    codes = sorted({c for _, c in gold} | {c for pairs in found.values() for _, c in pairs})
    print(f"\n# {label}: auto-coding quality vs {folder.relative_to(REPO)}/gold.csv "
          f"({machine()}): {len(texts)} excerpts, {len(gold)} gold codings over "
          f"{len({c for _, c in gold})} codes; {result.negated} negated and "
          f"{result.excluded} excluded mentions skipped")
    for coder, pairs in found.items():
        per, micro, macro = scores(pairs, gold, codes)
        report(coder, per, micro, macro, args.examples, texts, origins)
        row(f"auto-code quality ({label}): {coder} micro-F1", f"{micro[2]:.3f} (P "
            f"{micro[0]:.3f}, R {micro[1]:.3f}); macro-F1 {macro:.3f}", "goal micro-F1 0.80",
            micro[2] / 0.8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=0,
                        help="print up to N missed and spurious excerpts of the worst codes")
    parser.add_argument("--semantic", action="store_true", help="score auto:semantic too")
    parser.add_argument("--set", choices=["bundled", "heldout", "both"], default="both",
                        help="which labelled set to score (default: both)")
    args = parser.parse_args()
    sets = {"bundled": CORPUS, "heldout": HELDOUT}
    for label, folder in sets.items():
        if args.set not in (label, "both"):
            continue
        missing = [p for p in (folder / "findings.csv", folder / "gold.csv", CODEBOOK)
                   if not p.exists()]
        if missing:
            print(f"\n# {label}: {missing[0]} is missing; not scored.")
            continue
        score_set(label, folder, args)


if __name__ == "__main__":
    main()
