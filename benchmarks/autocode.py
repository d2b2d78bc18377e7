"""Auto-coding throughput: excerpts/s of the rules coder on 10k and 100k synthetic excerpts,
and the ratio to bare ``nlp.pipe`` of the same pipeline (sentencizer + lookup lemmatizer)
without the matchers, on the same texts (goal: at least 0.8).

The rules are codebooks/peer-support.yaml's when that file exists, else a built-in set of
40 codes; the texts are sentences drawn from a vocabulary that includes the phrases, so a
realistic share of excerpts match. Also times ``thematic.coding.auto.run`` end to end
(store read, coding, writing the proposals) on 10k excerpts. Prints figures; asserts none.
The ratio is given for wall time and for this process's CPU time; on a shared machine the
CPU-time ratio is the steadier of the two (and the one in the RESULTS.md row).
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

from _common import machine, row

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FILLER_TEXT = ("the a peer workers service users staff reported described that their with in of "
          "and was were felt programme support team clinical community study participants "
          "over time months follow-up care mental health services often some many most "
          "described experienced meetings sessions weekly group helped improved reduced "
          "not no never without but however also although")
FILLER = FILLER_TEXT.split()


def rules_and_phrases():
    from thematic.coding.rules import CodeRules, RuleSet

    path = REPO / "codebooks" / "peer-support.yaml"
    if path.exists():
        import yaml

        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        codes = []
        for c in doc["codes"]:
            r = c.get("rules") or {}
            if c.get("codable", True) is False or not r:
                continue
            codes.append(CodeRules(
                c["id"], tuple(r.get("phrases", ())),
                tuple(json.dumps(p, sort_keys=True) for p in r.get("patterns", ())),
                tuple(e if isinstance(e, str) else json.dumps(e, sort_keys=True)
                      for e in r.get("exclude", ())), bool(r.get("keep_negated", False))))
        source = "codebooks/peer-support.yaml"
    else:
        words = ["hope", "empowerment", "stigma", "burnout", "training", "supervision",
                 "funding", "leadership", "fidelity", "isolation"]
        codes = [CodeRules(f"code-{i}", tuple(f"{w} {v}" for v in ("support", "barrier")),
                           (json.dumps([{"LEMMA": w}, {"LOWER": "among"}]),), ("role model",))
                 for i, w in enumerate(words * 4)]
        source = "built-in rules"
    rules = RuleSet(tuple(codes))
    phrases = [p for c in rules.codes for p in c.phrases] or ["hope"]
    return rules, phrases, source


def texts(n: int, phrases: list[str], seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sentences = []
        for _ in range(rng.randint(1, 3)):
            words = rng.choices(FILLER, k=rng.randint(8, 20))
            if rng.random() < 0.6:
                words.insert(rng.randrange(len(words)), rng.choice(phrases))
            sentences.append(" ".join(words).capitalize() + ".")
        out.append(" ".join(sentences))
    return out


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) for one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return min(r[0] for r in runs), min(r[1] for r in runs)


def end_to_end(rules_texts: list[str], call=None) -> tuple[float, float, int]:
    """auto.run on a fresh project holding these excerpts and the test rules' codebook;
    ``call(fn)`` runs it (e.g. under a profiler: the project's making is left out)."""
    import csv

    from thematic.coding.auto import run
    from thematic.corpus.importer import ExcerptOptions, import_excerpts
    from thematic.project import init, open_store
    from thematic.store.codebooks import Code, insert_codebook

    rules, _, _ = rules_and_phrases()
    with tempfile.TemporaryDirectory() as tmp:
        root = init(Path(tmp) / "bench")
        sheet = Path(tmp) / "findings.csv"
        with open(sheet, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id", "study_id", "finding"])
            writer.writerows([f"F{i}", i % 65 + 1, t] for i, t in enumerate(rules_texts))
        codes = [Code(c.code, c.code, data={"rules": {
            "phrases": list(c.phrases), "patterns": [json.loads(p) for p in c.patterns],
            "exclude": [e if not e.startswith("[") else json.loads(e) for e in c.exclude],
            "keep_negated": c.keep_negated}}) for c in rules.codes]
        with open_store(root) as store:
            import_excerpts(store, [sheet], ExcerptOptions(create_sources=True))
            with store.transaction("bench"):
                insert_codebook(store, name="bench", version="1", digest="bench", title=None,
                                metadata={}, content="{}", source_path=None, codes=codes)
            start, cpu = time.perf_counter(), time.process_time()
            result = (call or (lambda fn: fn()))(lambda: run(store))
            return time.perf_counter() - start, time.process_time() - cpu, result.found


def main() -> None:
    from thematic.coding.rules import build_pipeline, coder_for

    rules, phrases, source = rules_and_phrases()
    coder = coder_for(rules)
    # The baseline: spaCy's stock components (blank English, sentencizer, lookup lemmatizer
    # on the lower-case form), what the coder ran before issue 23 and what a user of bare
    # spaCy would run; the coder now runs array versions of the same two components.
    stock = build_pipeline(stock=True)
    print(f"# auto-coding throughput ({machine()}; {len(rules.codes)} codes with rules from "
          f"{source})")
    warm = texts(2000, phrases, seed=1)
    list(stock.pipe(warm, batch_size=256))
    coder.code_texts(warm)
    for n, repeat in ((10_000, 5), (100_000, 3)):
        sample = texts(n, phrases)
        bare_runs, own_runs, full_runs = [], [], []
        for _ in range(repeat):  # interleaved, so a busy moment hurts all alike
            bare_runs.append(timed(lambda s=sample: list(stock.pipe(s, batch_size=256))))
            own_runs.append(timed(lambda s=sample: list(coder.nlp.pipe(s, batch_size=256))))
            full_runs.append(timed(lambda s=sample: coder.code_texts(s, batch_size=256)))
        (bare, bare_cpu), (own, own_cpu), (full, full_cpu) = (
            best(bare_runs), best(own_runs), best(full_runs))
        hits = sum(len(r.hits) for r in coder.code_texts(sample[:2000]))
        print(f"{n:>7,} excerpts: rules coder {n / full:,.0f} excerpts/s ({full:.2f} s); "
              f"bare nlp.pipe (stock components) {n / bare:,.0f} excerpts/s ({bare:.2f} s); "
              f"ratio {bare / full:.2f} wall, {bare_cpu / full_cpu:.2f} CPU time (goal >= 0.9)"
              f"; the coder's own pipeline without matching {n / own:,.0f} excerpts/s, "
              f"matching and deciding = {1 - own_cpu / full_cpu:.0%} of the coder's CPU time;"
              f" {hits / 2000:.2f} codes per excerpt")
        row(f"auto-code: {n // 1000}k excerpts", f"{n / full_cpu:,.0f} excerpts/s (CPU)",
            f"bare nlp.pipe (stock components) {n / bare_cpu:,.0f} excerpts/s",
            bare_cpu / full_cpu)
    sample = texts(10_000, phrases, seed=2)
    bare_cpu = best([timed(lambda: list(stock.pipe(sample, batch_size=256)))
                     for _ in range(3)])[1]
    took, cpu = best([end_to_end(sample)[:2] for _ in range(2)])
    print(f"end to end (auto.run on a fresh project: reading the excerpts, building the coder, "
          f"coding, writing the proposals) on 10,000 excerpts: {took:.2f} s wall, {cpu:.2f} s "
          f"CPU; bare nlp.pipe (stock) {bare_cpu:.2f} s CPU; ratio {bare_cpu / cpu:.2f} CPU "
          f"(goal >= 0.75)")
    row("auto-code end to end (auto.run with the store): 10k excerpts",
        f"{10_000 / cpu:,.0f} excerpts/s (CPU)",
        f"bare nlp.pipe (stock components) {10_000 / bare_cpu:,.0f} excerpts/s", bare_cpu / cpu)


if __name__ == "__main__":
    main()
