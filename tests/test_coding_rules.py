"""The rules engine: phrases on lemmas, patterns, exclusions, negation, the prefilter."""

from __future__ import annotations

import json
import random

import pytest
from test_coding_support import CODES

from thematic.coding.auto import BatchResult, code_batch
from thematic.coding.rules import CodeRules, RuleCoder, RuleSet, TextResult, coder_for
from thematic.errors import ThematicError


def rules(*codes: CodeRules) -> RuleSet:
    return RuleSet(tuple(codes))


def pattern(*tokens: dict) -> str:
    return json.dumps(list(tokens))


BOOK = RuleSet.from_codes(CODES)


def hits(text: str, ruleset: RuleSet = BOOK) -> list[tuple[str, str, str]]:
    """(code, matched text, origin) for one text."""
    result = coder_for(ruleset).code_texts([text])[0]
    return [(h.code, text[h.start:h.end], h.origin) for h in result.hits]


def test_from_codes_skips_groupings_and_codes_without_rules():
    assert [c.code for c in BOOK.codes] == ["hope", "empowerment", "symptoms",
                                            "role-ambiguity", "stigma", "training"]
    assert BOOK.key == RuleSet.from_codes(CODES).key


def test_phrases_match_lemmas_ignoring_case():
    assert hits("Role Ambiguities were reported.") == [
        ("role-ambiguity", "Role Ambiguities", 'phrase:"role ambiguity"')]
    assert hits("SYMPTOMS eased.") == [("symptoms", "SYMPTOMS", 'phrase:"symptom"')]


def test_pattern_origin_and_span():
    text = "Managers said Roles Were Unclear."
    assert hits(text) == [("role-ambiguity", "Roles Were Unclear", "pattern:1")]


def test_first_match_per_code_wins_and_codes_are_in_text_order():
    text = "Optimism grew; hope too. Staff felt agency."
    assert hits(text) == [("hope", "Optimism", 'phrase:"optimism"'),
                          ("empowerment", "agency", 'phrase:"agency"')]


def test_exclusion_vetoes_only_its_sentence():
    assert hits("A role model helped, and their role was unclear.") == []
    assert hits("Peers were a role model. Their role was unclear.") == [
        ("role-ambiguity", "role was unclear", "pattern:1")]


@pytest.mark.parametrize("text", [
    "Participants did not feel hopeful.", "They never felt hope.", "There was no hope.",
    "Without hope, people struggled.", "It wasn't hopeful.", "A lack of hope was reported.",
    "Neither hope nor agency improved."])
def test_negated_mentions_do_not_code(text):
    assert hits(text) == []


@pytest.mark.parametrize("text,codes", [
    ("Not only hope but agency grew.", ["hope", "empowerment"]),
    ("Nothing changed, but hope grew.", ["hope"]),
    ("No change was seen in the first year of the programme; hope grew.", ["hope"]),
    ("Hope grew. No agency.", ["hope"]),
    ("There was no reduction in symptoms.", ["symptoms"]),   # keep_negated
])
def test_negation_scope(text, codes):
    assert [h[0] for h in hits(text)] == codes


def test_invalid_pattern_is_e156():
    bad = rules(CodeRules("x", patterns=(pattern({"LEMMA": "a", "OP": "%"}),)))
    with pytest.raises(ThematicError) as err:
        RuleCoder(bad)
    assert err.value.code == "E156"
    assert "Code 'x', rule pattern 1" in err.value.message
    with pytest.raises(ThematicError, match="E156"):
        RuleCoder(rules(CodeRules("x", patterns=('{"LEMMA": "a"}',))))


def test_code_batch_is_pure_and_batches_combine():
    items = [("a", "Hope grew."), ("b", "No hope."), ("c", "Training helped.")]
    whole = code_batch(items, BOOK)
    parts = code_batch(items[:1], BOOK).merge(code_batch(items[1:], BOOK))
    assert whole == parts
    assert isinstance(whole, BatchResult)
    assert [(p.excerpt_id, p.code, p.start, p.end, p.origin) for p in whole.proposals] == [
        ("a", "hope", 0, 4, 'phrase:"hope"'), ("c", "training", 0, 8, 'phrase:"training"')]
    assert (whole.excerpts, whole.negated, whole.excluded) == (3, 1, 0)


WORDS_TEXT = ("the a peer staff role roles was were not clear unclear clearly defined support "
         "team organisational organizational culture lack of training supervisor regular "
         "burnout stress among workers own wellbeing more research is needed trials larger "
         "ambiguity confusion over responsibilities boundaries , . ; low - and middle income "
         "countries digital online app group groups")
WORDS = WORDS_TEXT.split()


TRICKY = [  # operators, negated specs, and plain word runs (compiled to phrases)
    pattern({"LEMMA": "role"}, {"OP": "?"}, {"LOWER": {"IN": ["unclear", "confusion"]}}),
    pattern({"LOWER": "lack"}, {"LOWER": "of", "OP": "?"}, {"LEMMA": "training"}),
    pattern({"LEMMA": {"IN": ["burnout", "stress"]}}, {"OP": "*"}, {"LEMMA": "worker"}),
    pattern({"LOWER": "more", "OP": "+"}, {"LEMMA": "research"}),
    pattern({"IS_DIGIT": True, "OP": "?"}, {"LEMMA": "group", "OP": "{1,2}"},
            {"LOWER": {"NOT_IN": ["the"]}}),
    pattern({"OP": "!", "LOWER": "not"}, {"LOWER": "clear"}),
    pattern({"LOWER": {"IN": ["Group", "group", "GROUPS"]}}, {"LOWER": "group"}),
    pattern({"LEMMA": "role"}, {"LEMMA": {"IN": ["be", "role"]}}),
    pattern({"LOWER": "low"}, {"LOWER": "-"}, {"LOWER": {"IN": ["and", "income"]}}),
    pattern({"LEMMA": "stress"})]


def codebook_rules(with_phrases: bool = True) -> list[CodeRules]:
    """TRICKY, and the bundled codebook's rules when present."""
    from pathlib import Path

    codes = [CodeRules("x", patterns=tuple(TRICKY),
                       exclude=(pattern({"LEMMA": "team"}, {"LEMMA": "culture"}),
                                pattern({"LOWER": "own"}, {"LOWER": "wellbeing"})))]
    yaml_path = Path(__file__).resolve().parent.parent / "codebooks" / "peer-support.yaml"
    if yaml_path.exists():
        import yaml

        for c in yaml.safe_load(yaml_path.read_text(encoding="utf-8"))["codes"]:
            r = c.get("rules") or {}
            codes.append(CodeRules(
                c["id"], phrases=tuple(r.get("phrases", ())) if with_phrases else (),
                patterns=tuple(json.dumps(p) for p in r.get("patterns", ())),
                exclude=tuple(e if isinstance(e, str) else json.dumps(e)
                              for e in r.get("exclude", ())
                              if with_phrases or not isinstance(e, str)),
                keep_negated=bool(r.get("keep_negated", False))))
    return codes


def test_prefilter_finds_exactly_what_the_full_matcher_finds():
    """Random sentences over the words the patterns use, and the bundled codebook's
    patterns when present: the matching (patterns compiled to phrases, the prefilter)
    equals one Matcher with every pattern."""
    coder = RuleCoder(rules(*codebook_rules(with_phrases=False)))
    assert coder.compiled      # some patterns are plain word runs
    rng = random.Random(7)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(3, 40))) for _ in range(400)]
    for doc in coder.nlp.pipe(texts):
        assert sorted(coder.matches(doc)) == sorted(coder.matcher(doc)), doc.text


def reference_result(coder: RuleCoder, doc) -> TextResult:
    """What ``code_doc`` must give, the plain way: every phrase and pattern match from one
    PhraseMatcher and one Matcher, sentences and negation read token by token."""
    from thematic.coding.rules import (
        NEGATION_CUES,
        NEGATION_WINDOW,
        PSEUDO_NEGATION,
        SCOPE_BREAK,
        Hit,
    )

    def negated(start: int) -> bool:
        for i in range(start - 1, max(doc[start].sent.start, start - NEGATION_WINDOW) - 1, -1):
            if doc[i].lemma_ in SCOPE_BREAK:
                return False
            if doc[i].lemma_ in NEGATION_CUES and \
                    (doc[i].lemma_, doc[i + 1].lemma_) not in PSEUDO_NEGATION:
                return True
        return False

    candidates, vetoed = [], set()
    for key, start, end in coder.reference_matches(doc):
        code, is_exclusion, origin = coder.keys[key][:3]
        if is_exclusion:
            vetoed.add((code, doc[start].sent.start))
        else:
            # the earliest, then the longest match of a code is tried first
            candidates.append((start, -(end - start), code, origin, end))
    result, best = TextResult(), {}
    for start, _, code, origin, end in sorted(candidates):
        if code in best:
            continue
        if (code, doc[start].sent.start) in vetoed:
            result.excluded += 1
        elif not coder.keep_negated[code] and negated(start):
            result.negated += 1
        else:
            span = doc[start:end]
            best[code] = Hit(code, span.start_char, span.end_char, origin)
    result.hits = sorted(best.values(), key=lambda h: (h.start, h.code))
    return result


def test_optimised_coding_equals_the_plain_matcher_path():
    """Hits (code, span, origin) and the negated and excluded counts of ``code_doc`` equal
    the plain path's, on the bundled findings and on varied random text: the rules' own
    words, phrases, negation cues, clause breaks and capitalised forms."""
    import csv

    from conftest import REPO

    coder = RuleCoder(rules(*codebook_rules()))
    texts = []
    for sheet in (REPO / "corpus" / "peer-support" / "findings.csv",
                  REPO / "corpus" / "heldout" / "findings.csv"):
        if sheet.exists():
            with open(sheet, newline="", encoding="utf-8") as fh:
                texts += [row["finding"] for row in csv.DictReader(fh)]
    vocab = sorted({w for c in coder.rules.codes for raw in c.patterns + c.exclude
                    for w in _strings(json.loads(raw) if raw.startswith("[") else raw)})
    vocab += [*WORDS, "not", "no", "never", "without", "but", ";", "(", "Not only", "n't",
              "Role", "ROLES", "Peer Workers", "didn't", "lack of", "."]
    phrases = [p for c in coder.rules.codes for p in c.phrases] or ["hope"]
    rng = random.Random(11)
    for _ in range(1200):
        words = rng.choices(vocab, k=rng.randint(3, 35))
        for _ in range(rng.randint(0, 2)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(phrases))
        texts.append(" ".join(words))
    totals = [0, 0, 0]
    for doc in coder.nlp.pipe(texts):
        result = coder.code_doc(doc)
        assert result == reference_result(coder, doc), doc.text
        totals = [totals[0] + len(result.hits), totals[1] + result.negated,
                  totals[2] + result.excluded]
    assert min(totals) > 0, totals     # the sample reaches every kind of decision


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, dict):
        return [w for k, v in value.items() if k != "OP" for w in _strings(v)]
    return [w for v in value for w in _strings(v)] if isinstance(value, list) else []


def test_patterns_compiled_to_phrases_keep_their_origin_and_exact_forms():
    ruleset = rules(CodeRules("funding", patterns=(
        pattern({"LEMMA": "fund"}, {"OP": "?"}, {"LEMMA": "cut"}),            # stays a pattern
        pattern({"LOWER": {"IN": ["grant", "Grants", "grant"]}}),              # LOWER words
        pattern({"LEMMA": "resource"}, {"LEMMA": {"IN": ["constraint", "shortage"]}}))))
    coder = coder_for(ruleset)
    assert sorted(coder.keys[k][2] for k in coder.compiled) == ["pattern:2", "pattern:3"]
    assert hits("Grants helped.", ruleset) == [("funding", "Grants", "pattern:2")]
    assert hits("Funding was granted.", ruleset) == []        # LOWER "grant" ≠ "granted"
    assert hits("Severe Resource Shortages.", ruleset) == [
        ("funding", "Resource Shortages", "pattern:3")]
    assert hits("Funds were cut; grants too.", ruleset) == [
        ("funding", "Funds were cut", "pattern:1")]


def test_pattern_values_compare_in_lower_case_but_regexes_keep_their_escapes():
    ruleset = rules(CodeRules("leadership", patterns=(
        pattern({"LEMMA": {"REGEX": "^\\S+ship$"}}),
        pattern({"LOWER": {"IN": ["Manager", "CHAMPION"]}}),
        pattern({"LEMMA": "Buy"}, {"LOWER": "-"}, {"LOWER": "In"}))))
    assert hits("Strong LEADERSHIP mattered.", ruleset) == [
        ("leadership", "LEADERSHIP", "pattern:1")]
    assert hits("A Champion helped.", ruleset) == [("leadership", "Champion", "pattern:2")]
    assert hits("Managers bought-in early.", ruleset) == [   # LOWER "managers" ≠ "manager"
        ("leadership", "bought-in", "pattern:3")]
    assert hits("Buy-in from managers.", ruleset) == [("leadership", "Buy-in", "pattern:3")]
