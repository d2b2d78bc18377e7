"""The rules engine: phrases on lemmas, patterns, exclusions, negation, the prefilter."""

from __future__ import annotations

import json
import random

import pytest
from test_coding_support import CODES

from thematic.coding.auto import BatchResult, code_batch
from thematic.coding.rules import CodeRules, RuleCoder, RuleSet, coder_for
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


def test_prefilter_finds_exactly_what_the_full_matcher_finds():
    """Random sentences over the words the patterns use, and the bundled codebook's
    patterns when present: the prefiltered matching equals one Matcher with every pattern."""
    from pathlib import Path

    codes = [CodeRules("x", patterns=(
        pattern({"LEMMA": "role"}, {"OP": "?"}, {"LOWER": {"IN": ["unclear", "confusion"]}}),
        pattern({"LOWER": "lack"}, {"LOWER": "of", "OP": "?"}, {"LEMMA": "training"}),
        pattern({"LEMMA": {"IN": ["burnout", "stress"]}}, {"OP": "*"}, {"LEMMA": "worker"}),
        pattern({"LOWER": "more", "OP": "+"}, {"LEMMA": "research"}),
        pattern({"IS_DIGIT": True, "OP": "?"}, {"LEMMA": "group", "OP": "{1,2}"},
                {"LOWER": {"NOT_IN": ["the"]}}),
        pattern({"OP": "!", "LOWER": "not"}, {"LOWER": "clear"})),
        exclude=(pattern({"LEMMA": "team"}, {"LEMMA": "culture"}),))]
    yaml_path = Path(__file__).resolve().parent.parent / "codebooks" / "peer-support.yaml"
    if yaml_path.exists():
        import yaml

        for c in yaml.safe_load(yaml_path.read_text(encoding="utf-8"))["codes"]:
            r = c.get("rules") or {}
            codes.append(CodeRules(
                c["id"], patterns=tuple(json.dumps(p) for p in r.get("patterns", ())),
                exclude=tuple(json.dumps(e) for e in r.get("exclude", ())
                              if not isinstance(e, str))))
    coder = RuleCoder(rules(*codes))
    rng = random.Random(7)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(3, 40))) for _ in range(400)]
    for doc in coder.nlp.pipe(texts):
        assert sorted(coder.prefilter(doc)) == sorted(coder.matcher(doc)), doc.text


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
