"""Speed work on auto-coding must not change a single proposal: the proposals on the bundled
corpora (every codebook's rules over findings, survey answers, interview paragraphs and
seeded random text) hash to what the code before the speed work (main at 761f202) gave,
and the fast pipeline annotates lemmas and sentences exactly as spaCy's stock components."""

from __future__ import annotations

import csv
import hashlib
import json
import random

from conftest import REPO

from thematic.codebook.io import read
from thematic.codebook.model import to_store_codes
from thematic.coding.auto import code_batch
from thematic.coding.rules import RuleSet

# sha256 of the proposals below, computed with main's code at 761f202 (before issue 23's
# auto-coding work); see proposals_digest
BEFORE = "10bc37e3349307fc6113f9ad7bf41c2f2c6a398612cf87cf1299ce0e0229bf6c"

_WORDS = ("the peer workers staff reported that their role was not unclear ; but hope never "
          "stigma without training ( supervision ) lack of funding Not only felt understood "
          "didn't ROLES Role . ! ? ... - : isolation burnout recovery leadership n't no")
WORDS = _WORDS.split()


def corpus_texts() -> list[tuple[str, str]]:
    texts = []
    for name in ("peer-support", "heldout"):
        with open(REPO / "corpus" / name / "findings.csv", newline="", encoding="utf-8") as fh:
            texts += [(f"{name}:{r['id']}", r["finding"]) for r in csv.DictReader(fh)]
    with open(REPO / "corpus" / "survey" / "survey.csv", newline="", encoding="utf-8") as fh:
        texts += [(f"survey:{i}", r["answer"]) for i, r in enumerate(csv.DictReader(fh))]
    for path in sorted((REPO / "corpus" / "interviews").glob("*.[tm][xd]*")):
        if path.suffix in (".txt", ".md"):
            paragraphs = path.read_text(encoding="utf-8").split("\n\n")
            texts += [(f"{path.name}:{i}", p) for i, p in enumerate(paragraphs) if p.strip()]
    rng = random.Random(23)
    for i in range(1500):
        sentences = []
        for _ in range(rng.randint(1, 3)):
            words = rng.choices(WORDS, k=rng.randint(3, 25))
            sentences.append(" ".join(words).capitalize() + rng.choice([".", "!", "?", ""]))
        texts.append((f"random:{i}", " ".join(sentences)))
    return texts


def rule_sets() -> list[tuple[str, RuleSet]]:
    paths = [REPO / "codebooks" / "peer-support.yaml", REPO / "codebooks" / "cfir2.yaml",
             REPO / "corpus" / "survey" / "codebook.yaml"]
    return [(p.name, RuleSet.from_codes(to_store_codes(read(p)))) for p in paths]


def proposals_digest(texts: list[tuple[str, str]]) -> tuple[str, int]:
    digest, count = hashlib.sha256(), 0
    for name, rules in rule_sets():
        result = code_batch(texts, rules)
        rows = [[p.excerpt_id, p.code, p.start, p.end, p.origin, p.method, p.score]
                for p in result.proposals]
        count += len(rows)
        digest.update(json.dumps([name, rows, result.excerpts, result.negated,
                                  result.excluded]).encode("utf-8"))
    return digest.hexdigest(), count


def test_proposals_are_byte_identical_to_before_the_speed_work():
    digest, count = proposals_digest(corpus_texts())
    assert count > 1000
    assert digest == BEFORE


def test_fast_pipeline_annotates_like_spacys_stock_components():
    """Lemmas, sentence starts and tokens of the fast components equal spaCy's sentencizer
    and lookup lemmatizer (on the lower-case form), on the corpora and punctuation-heavy
    random text (runs of sentence-final marks, brackets, quotes, an empty text)."""
    from spacy.attrs import LEMMA, ORTH, SENT_START

    from thematic.coding.rules import build_pipeline

    fast, stock = build_pipeline(), build_pipeline(stock=True)
    assert fast.pipe_names == stock.pipe_names == ["sentencizer", "lemmatizer"]
    rng = random.Random(5)
    marks = [".", "!", "?", "...", "?!", ")", '"', "'", "”", "。", "-", ";", ":", "e.g.", "U.S."]
    texts = [t for _, t in corpus_texts()] + ["", " ", "."] + [
        " ".join(rng.choices(WORDS + marks, k=rng.randint(1, 30))) for _ in range(2000)]
    attrs = [ORTH, LEMMA, SENT_START]
    for text, a, b in zip(texts, fast.pipe(texts), stock.pipe(texts)):
        assert a.to_array(attrs).tolist() == b.to_array(attrs).tolist(), text
