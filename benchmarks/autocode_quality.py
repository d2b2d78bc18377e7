"""Auto-coding quality: precision, recall and F1 of auto:rules against the human reference
coding (corpus/peer-support/gold.csv), per code and micro/macro, at the excerpt level.

Builds a throw-away project from the bundled corpus and codebooks/peer-support.yaml, runs
``thematic.coding.auto.run``, imports gold.csv as coder "gold", and compares the sets of
(excerpt, code) pairs. ``--examples N`` also prints up to N missed (FN) and spurious (FP)
excerpts for the worst codes; ``--semantic`` scores auto:semantic as well.
Prints figures; asserts none.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

from _common import machine, row

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus" / "peer-support"
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
           texts: dict[str, str]) -> None:
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
                print(f"  spurious {eid}: {texts[eid][:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=0)
    parser.add_argument("--semantic", action="store_true")
    args = parser.parse_args()
    for needed in (CORPUS / "findings.csv", CORPUS / "gold.csv", CODEBOOK):
        if not needed.exists():
            sys.exit(f"{needed} is missing; nothing to score.")
    from thematic.coding.auto import run
    from thematic.corpus.importer import ExcerptOptions, import_excerpts, import_studies
    from thematic.project import init, open_store
    from thematic.store.codings import list_codings
    from thematic.store.corpus import list_excerpts

    with tempfile.TemporaryDirectory() as tmp:
        root = init(Path(tmp) / "quality")
        with open_store(root) as store:
            import_studies(store, CORPUS / "studies.csv")
            import_excerpts(store, [CORPUS / "findings.csv"], ExcerptOptions())
            load_codebook(store, CODEBOOK)
            result = run(store, codebook="peer-support", semantic=args.semantic)
            texts = {e.id: e.text for e in list_excerpts(store)}
            found = {coder: {(c.excerpt_id, c.code_id)
                             for c in list_codings(store, coder=coder)}
                     for coder in result.coders}
    gold = set()
    with open(CORPUS / "gold.csv", newline="", encoding="utf-8") as fh:
        for line in csv.DictReader(fh):
            gold |= {(line["finding_id"], c.strip()) for c in line["codes"].split(";")
                     if c.strip()}
    codes = sorted({c for _, c in gold} | {c for pairs in found.values() for _, c in pairs})
    print(f"# auto-coding quality vs gold.csv ({machine()}): {len(texts)} excerpts, "
          f"{len(gold)} gold codings over {len({c for _, c in gold})} codes; "
          f"{result.negated} negated and {result.excluded} excluded mentions skipped")
    for coder, pairs in found.items():
        per, micro, macro = scores(pairs, gold, codes)
        report(coder, per, micro, macro, args.examples, texts)
        row(f"auto-code quality: {coder} micro-F1", f"{micro[2]:.3f} (P {micro[0]:.3f}, "
            f"R {micro[1]:.3f}); macro-F1 {macro:.3f}", "goal micro-F1 0.80", micro[2] / 0.8)


if __name__ == "__main__":
    main()
