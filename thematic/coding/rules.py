"""Codebook rules → spaCy matchers, applied sentence by sentence on lower-case lemmas.

A code's ``rules`` (see codebooks/schema.json) hold:

- ``phrases``: matched case-insensitively on lemmas ("peer worker" also finds "Peer
  Workers"; "feel understood" finds "felt understood");
- ``patterns``: spaCy Matcher token patterns (LEMMA and LOWER values are compared in lower
  case);
- ``exclude``: phrases or patterns; a match in the same sentence vetoes the code there;
- ``keep_negated``: false by default, so a mention with a negation cue (no, not, n't, never,
  without, neither, nor, none, lack/absence of …) a few tokens before it in the same
  sentence does not code.

Everything here is plain data in, plain data out: ``RuleSet`` is picklable and
``coder_for(rules)`` builds (once per process) the pipeline and matchers, so a batch of
texts can be coded on any worker.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from math import prod
from operator import attrgetter
from typing import TYPE_CHECKING, cast

from thematic.coding.prefilter import Prefilter
from thematic.errors import ThematicError

if TYPE_CHECKING:
    from spacy.pipeline import Lemmatizer

NEGATION_WINDOW = 4  # tokens before a match searched for a negation cue
NEGATION_CUES = frozenset({"no", "not", "never", "without", "neither", "nor", "none",
                           "nobody", "nothing", "n't", "lack", "absence"})
# "not only X but also Y" and friends mention X positively.
PSEUDO_NEGATION = frozenset({("not", "only"), ("not", "just"), ("not", "merely"),
                             ("not", "necessarily"), ("no", "doubt"), ("without", "doubt")})
# A negation does not reach across a contrast or a clause break.
SCOPE_BREAK = frozenset({"but", "however", "although", "though", "yet", "whereas", "while",
                         "except", ";", ":", "(", ")"})
CASED_ATTRS = ("LEMMA", "LOWER")
# doc.user_data keys where the built-in components leave what they computed: attribute id
# → every token's value (LOWER, LEMMA), and the sentence starts
COLUMNS = "thematic_columns"
SENTENCES = "thematic_sentences"
MAX_PHRASES_PER_PATTERN = 2000   # a longer expansion stays with the Matcher
_HIT_ORDER = attrgetter("start", "code")


@dataclass(frozen=True)
class CodeRules:
    code: str
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()          # JSON text of each token pattern
    exclude: tuple[str, ...] = ()           # a phrase, or JSON text of a pattern
    keep_negated: bool = False


@dataclass(frozen=True)
class RuleSet:
    """The rules of one codebook version, as hashable plain data."""

    codes: tuple[CodeRules, ...]

    @classmethod
    def from_codes(cls, codes: Iterable) -> RuleSet:
        """From ``store.codebooks.Code`` objects (only codable codes with rules count)."""
        out = []
        for code in codes:
            rules = (code.data or {}).get("rules") or {}
            if not code.codable or not rules:
                continue
            out.append(CodeRules(
                code=code.id,
                phrases=tuple(p for p in rules.get("phrases", ()) if str(p).strip()),
                patterns=tuple(json.dumps(p, sort_keys=True) for p in rules.get("patterns", ())),
                exclude=tuple(e if isinstance(e, str) else json.dumps(e, sort_keys=True)
                              for e in rules.get("exclude", ())),
                keep_negated=bool(rules.get("keep_negated", False))))
        return cls(tuple(out))

    @property
    def key(self) -> str:
        blob = json.dumps([[c.code, c.phrases, c.patterns, c.exclude, c.keep_negated]
                           for c in self.codes])
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Hit:
    """One code found in one text: the character span of the matched tokens and the rule."""

    code: str
    start: int
    end: int
    origin: str


@dataclass
class TextResult:
    hits: list[Hit] = field(default_factory=list)
    negated: int = 0     # matches vetoed by a negation cue
    excluded: int = 0    # matches vetoed by an exclusion rule


# --- the pipeline -----------------------------------------------------------------------

def build_pipeline(model: str | None = None, *, stock: bool = False):
    """spacy.blank("en") + sentencizer + lower-case lookup lemmas, or an installed pipeline
    (package name or path) with lower-case lemmas and sentences added.

    The built-in pipeline's components are ``thematic_sentences`` and ``thematic_lemmas``:
    spaCy's sentencizer rule and its lookup lemmas of the lower-case form, each read and
    written as one array per document instead of a Token object and a Python call per
    token (those were 60% and 25% of coding time, profiled). ``stock`` builds the same
    pipeline from spaCy's own sentencizer and lookup lemmatizer: the reference the fast one
    is tested against, and the benchmarks' "bare nlp.pipe" baseline.
    """
    import spacy

    if model is None:
        nlp = spacy.blank("en")
        if stock:
            nlp.add_pipe("sentencizer")
            nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            nlp.initialize()
            _lowercase_lookup(nlp.get_pipe("lemmatizer"))
        else:
            _register_components()
            nlp.add_pipe("thematic_sentences", name="sentencizer")
            nlp.add_pipe("thematic_lemmas", name="lemmatizer")
            nlp.initialize()
        return nlp
    _register_components()   # a saved copy of the built-in pipeline names them
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ThematicError("E162", value=model, detail=str(exc).split("\n")[0][:200]) from None
    if not any(n in nlp.pipe_names for n in ("parser", "senter", "sentencizer")):
        nlp.add_pipe("sentencizer", first=True)
    if "lemmatizer" not in nlp.pipe_names:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        # get_pipe is typed as returning any pipe (a Doc → Doc callable); this one is the
        # Lemmatizer just added
        lemmatizer = cast("Lemmatizer", nlp.get_pipe("lemmatizer"))
        lemmatizer.initialize()
        _lowercase_lookup(lemmatizer)
    else:
        _register_components()
        nlp.add_pipe("thematic_lowercase_lemmas", after="lemmatizer")
    return nlp


@lru_cache(maxsize=1)
def _shared_pipeline():
    # The built-in pipeline, built once per process for every RuleCoder: loading the lemma
    # tables is most of a coder's cost, and coders only add strings to the vocabulary.
    return build_pipeline()


def _lowercase_lookup(lemmatizer) -> None:
    # The lookup table is keyed by the text as written ("Roles" has no entry), so look up the
    # lower-case form instead: phrases then match whatever the capitalisation, at the cost of
    # the built-in lookup (no extra pass over the tokens).
    table = lemmatizer.lookups.get_table("lemma_lookup", {})

    def lemmatize(token) -> list[str]:
        lower = token.lower_
        return [table.get(lower, lower)]

    lemmatizer.lemmatize = lemmatize


class LowerLemmas:
    """Every token's lemma: the lookup table's entry for its lower-case form, else that form
    (what ``_lowercase_lookup`` gives), read and written as arrays of string hashes."""

    def __init__(self, vocab) -> None:
        from spacy.lookups import load_lookups

        table = load_lookups(lang=vocab.lang, tables=["lemma_lookup"]).get_table(
            "lemma_lookup")
        add = vocab.strings.add
        # lower-case form's hash → its lemma's hash (the table is keyed by hashes already)
        self.lemma = {key: add(value) for key, value in table.items()}

    def __call__(self, doc):
        import numpy as np
        from spacy.attrs import LEMMA, LOWER

        lowers = doc.to_array(LOWER).tolist()
        lemmas = list(map(self.lemma.get, lowers, lowers))
        doc.from_array([LEMMA], np.array(lemmas, dtype=np.uint64).reshape(-1, 1))
        # Kept for the coder, which would otherwise read them back token by token.
        doc.user_data[COLUMNS] = {LOWER: lowers, LEMMA: lemmas}
        return doc


class Sentences:
    """spaCy's ``Sentencizer`` rule with its default punctuation: a sentence starts at the
    first token after a sentence-final character that is neither punctuation nor such a
    character (a fresh document's sentence starts are set, as the sentencizer sets them)."""

    NO = 2 ** 64 - 1   # -1 (not a sentence start) as the uint64 that from_array reads

    def __init__(self, vocab) -> None:
        from spacy.pipeline.sentencizer import Sentencizer

        add = vocab.strings.add
        self.stops = frozenset(add(c) for c in Sentencizer.default_punct_chars)

    def __call__(self, doc):
        import numpy as np
        from spacy.attrs import IS_PUNCT, ORTH, SENT_START

        n = len(doc)
        if not n:
            return doc
        stops, flags, seen, starts = self.stops, [self.NO] * n, False, [0]
        flags[0] = 1
        for i, (orth, punct) in enumerate(doc.to_array([ORTH, IS_PUNCT]).tolist()):
            if orth in stops:
                seen = True
            elif seen and not punct:
                flags[i] = 1
                starts.append(i)
                seen = False
        doc.from_array([SENT_START], np.array(flags, dtype=np.uint64).reshape(-1, 1))
        doc.user_data[SENTENCES] = starts
        return doc


def _register_components() -> None:
    from spacy.language import Language

    if "thematic_lowercase_lemmas" in Language.factories:
        return

    @Language.component("thematic_lowercase_lemmas")
    def lowercase(doc):
        for token in doc:
            token.lemma_ = token.lemma_.lower()
        return doc

    @Language.factory("thematic_lemmas")
    def lemmas(nlp, name):
        return LowerLemmas(nlp.vocab)

    @Language.factory("thematic_sentences")
    def sentences(nlp, name):
        return Sentences(nlp.vocab)


# --- compiling and applying the rules -----------------------------------------------------

class RuleCoder:
    """A pipeline, one PhraseMatcher (lemmas) for every code's phrases and the patterns that
    are plain word sequences, and the other patterns behind a Prefilter. Origins name the
    rule that fired: ``phrase:"role ambiguity"``, ``pattern:2`` (the code's second pattern,
    counting from 1, however it is matched)."""

    def __init__(self, rules: RuleSet, model: str | None = None, nlp=None) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.rules = rules
        self.nlp = nlp if nlp is not None else \
            _shared_pipeline() if model is None else build_pipeline(model)
        vocab = self.nlp.vocab
        # One PhraseMatcher per attribute holds the phrases, the patterns that are plain
        # word sequences (compiled to phrases, see ``_as_phrases``) and the prefilter's
        # anchor words, so one C pass per attribute finds them all.
        self.phrases = PhraseMatcher(vocab, attr="LEMMA")
        self.lowers = PhraseMatcher(vocab, attr="LOWER")
        # Holds every pattern (validates them, and is the reference the optimised path is
        # tested against); documents are matched by the phrase matchers and the
        # prefilter's smaller matchers, holding only the patterns whose words they contain.
        self.matcher = Matcher(vocab, validate=True)
        self.prefilter = Prefilter(vocab, shared={"LEMMA": self.phrases, "LOWER": self.lowers})
        self.keep_negated = {c.code: c.keep_negated for c in rules.codes}
        strings = vocab.strings
        self._cues = ({strings.add(w) for w in NEGATION_CUES},
                      {strings.add(w) for w in SCOPE_BREAK},
                      {(strings.add(a), strings.add(b)) for a, b in PSEUDO_NEGATION})
        # match key → (code, is_exclusion, origin)
        self.keys: dict[int, tuple[str, bool, str]] = {}
        self.authored: set[int] = set()      # keys of the phrases as written
        self.compiled: set[int] = set()      # keys of the patterns compiled to phrases
        phrase_items: list[tuple[str, str, bool, str]] = []
        for rule in rules.codes:
            for text in rule.phrases:
                phrase_items.append((rule.code, text, False, f'phrase:"{text}"'))
            for i, raw in enumerate(rule.patterns, 1):
                self._add_pattern(rule.code, json.loads(raw), False, f"pattern:{i}", f"pattern {i}")
            for i, item in enumerate(rule.exclude, 1):
                if item.lstrip().startswith("["):
                    self._add_pattern(rule.code, json.loads(item), True, f"exclude:{i}",
                                      f"exclude {i}")
                else:
                    phrase_items.append((rule.code, item, True, f'exclude:"{item}"'))
        docs = self.nlp.pipe([p[1] for p in phrase_items])
        for (code, _, is_exclusion, origin), doc in zip(phrase_items, docs):
            if not len(doc):
                continue
            key = self._key(code, is_exclusion, origin)
            self.authored.add(vocab.strings[key])
            self.phrases.add(key, [doc])
        self.prefilter.compile()
        self._lowers = len(self.lowers) > 0

    def _key(self, code: str, is_exclusion: bool, origin: str) -> str:
        name = f"{code}\x1f{origin}"
        self.keys[self.nlp.vocab.strings.add(name)] = (code, is_exclusion, origin)
        return name

    def _add_pattern(self, code: str, pattern: list, is_exclusion: bool, origin: str,
                     label: str) -> None:
        if not isinstance(pattern, list) or not pattern or \
                not all(isinstance(t, dict) for t in pattern):
            raise ThematicError("E156", code_id=code, rule=label,
                                problem="a pattern is a non-empty list of token objects")
        from thematic.codebook import regex

        for expression in regex.regexes(pattern):
            why = regex.problem(expression)
            if why is not None:
                raise ThematicError("E671", code_id=code, rule=label, pattern=expression,
                                    problem=why, limit=regex.MAX_LENGTH)
        key = self._key(code, is_exclusion, origin)
        tokens = [_lower_values(t) for t in pattern]
        try:
            self.matcher.add(key, [tokens])
        except (ValueError, KeyError, TypeError) as exc:
            detail = " ".join(str(exc).split())[:300]
            raise ThematicError("E156", code_id=code, rule=label, problem=detail) from None
        compiled = _as_phrases(self.nlp.vocab, tokens)
        if compiled is None:
            self.prefilter.add(key, tokens)
            return
        attr, docs = compiled
        (self.phrases if attr == "LEMMA" else self.lowers).add(key, docs)
        self.compiled.add(self.nlp.vocab.strings[key])

    # -- applying --
    def code_texts(self, texts: Sequence[str], batch_size: int = 256) -> list[TextResult]:
        return [self.code_doc(doc) for doc in self.nlp.pipe(texts, batch_size=batch_size)]

    def code_doc(self, doc) -> TextResult:
        return self.decide(doc, self._found(doc))

    def _found(self, doc) -> list[tuple[int, int, int]]:
        found = self.phrases(doc)
        if self._lowers:
            found += self.lowers(doc)
        return found + self.prefilter(doc, found)

    def matches(self, doc) -> list[tuple[int, int, int]]:
        """The rule matches ``code_doc`` decides on: (match key, start, end)."""
        keys = self.keys
        return [m for m in self._found(doc) if m[0] in keys]

    def reference_matches(self, doc) -> list[tuple[int, int, int]]:
        """The rule matches found the straightforward way: the phrases as written and one
        Matcher holding every pattern (what ``matches`` must equal; a test checks)."""
        authored = self.authored
        return [m for m in self.phrases(doc) if m[0] in authored] + self.matcher(doc)

    def decide(self, doc, found: Iterable[tuple[int, int, int]]) -> TextResult:
        """The hits from a document's rule matches (other match ids are ignored): per
        code the first match not vetoed by an exclusion in its sentence or a negation."""
        keys = self.keys
        vetoes, candidates = [], []
        for key, start, end in found:
            rule = keys.get(key)
            if rule is None:       # a prefilter anchor
                continue
            if rule[1]:
                vetoes.append((rule[0], start))
            else:
                candidates.append((start, start - end, rule[0], rule[2], end))
        if not candidates:
            return TextResult()
        keep_negated = self.keep_negated
        if len(candidates) == 1 and not vetoes and keep_negated.get(candidates[0][2]):
            start, _, code, origin, end = candidates[0]
            last = doc[end - 1]
            return TextResult([Hit(code, doc[start].idx, last.idx + len(last), origin)])
        candidates.sort()
        lemmas = starts = None   # read only when a check needs them
        if vetoes:
            lemmas, starts = self._arrays(doc)
            vetoed = {(code, _sentence(starts, start)) for code, start in vetoes}
        best: dict[str, Hit] = {}
        negated = excluded = 0
        for start, _, code, origin, end in candidates:
            if code in best:
                continue
            keep = keep_negated.get(code)
            if vetoes or not keep:
                if starts is None:
                    lemmas, starts = self._arrays(doc)
                sentence = _sentence(starts, start)
                if vetoes and (code, sentence) in vetoed:
                    excluded += 1
                    continue
                if not keep and self._negated(lemmas, start, sentence):
                    negated += 1
                    continue
            last = doc[end - 1]
            best[code] = Hit(code, doc[start].idx, last.idx + len(last), origin)
        hits = list(best.values())
        if len(hits) > 1:
            hits.sort(key=_HIT_ORDER)
        return TextResult(hits, negated, excluded)

    def _arrays(self, doc) -> tuple[list[int], list[int]]:
        """(every token's lemma hash, the sentence starts)."""
        from spacy.attrs import LEMMA, SENT_START

        data = doc.user_data
        starts, columns = data.get(SENTENCES), data.get(COLUMNS)
        if starts is not None and columns is not None:
            return columns[LEMMA], starts
        arr = doc.to_array([LEMMA, SENT_START])
        return arr[:, 0].tolist(), (arr[:, 1] == 1).nonzero()[0].tolist() or [0]

    def _negated(self, lemmas, start: int, sent_start: int) -> bool:
        """A negation cue within NEGATION_WINDOW tokens before ``start`` in its sentence,
        with no contrast or clause break in between ("not only" and the like excepted)."""
        lo = max(sent_start, start - NEGATION_WINDOW)
        window = lemmas[lo:start + 1]
        cues, breaks, pseudo = self._cues
        for i in range(len(window) - 2, -1, -1):
            lemma = window[i]
            if lemma in breaks:
                return False
            if lemma in cues and (lemma, window[i + 1]) not in pseudo:
                return True
        return False


def _sentence(starts: list[int], i: int) -> int:
    """The first token of the sentence holding token ``i``, given the sentence starts."""
    return starts[max(0, bisect_right(starts, i) - 1)]


def _lower_values(token: dict) -> dict:
    out = {}
    for attr, value in token.items():
        if attr.upper() in CASED_ATTRS:
            if isinstance(value, str):
                value = value.lower()
            elif isinstance(value, dict):
                # Lists of words compare in lower case; a REGEX keeps its escapes (\S, \W).
                value = {op: ([v.lower() if isinstance(v, str) else v for v in arg]
                              if isinstance(arg, list) else
                              arg.lower() if op == "FUZZY" and isinstance(arg, str) else arg)
                         for op, arg in value.items()}
        out[attr] = value
    return out


def _as_phrases(vocab, tokens: list[dict]) -> tuple[str, list] | None:
    """A pattern that is a fixed run of words of one attribute (each token one LEMMA or
    LOWER value or IN list, no operator) as (attribute, the phrase Docs of every sequence
    of its words): a PhraseMatcher finds exactly its matches, in C. Else None."""
    from spacy.tokens import Doc

    attr, options = None, []
    for token in tokens:
        if len(token) != 1:
            return None
        [(name, value)] = token.items()
        name = name.upper()
        if name not in CASED_ATTRS or attr not in (None, name):
            return None
        attr = name
        if isinstance(value, str):
            words = [value]
        elif isinstance(value, dict) and list(value) == ["IN"] and isinstance(value["IN"], list):
            words = value["IN"]
        else:
            return None
        if not words or not all(isinstance(w, str) and w and not w.isspace() for w in words):
            return None
        options.append(list(dict.fromkeys(words)))
    if attr is None or prod(len(o) for o in options) > MAX_PHRASES_PER_PATTERN:
        return None
    docs = []
    for phrase in product(*options):
        doc = Doc(vocab, words=list(phrase), lemmas=list(phrase))
        # The phrase must carry exactly the values the Matcher compares with.
        if [t.lemma_ if attr == "LEMMA" else t.lower_ for t in doc] != list(phrase):
            return None
        docs.append(doc)
    return attr, docs


@lru_cache(maxsize=4)
def coder_for(rules: RuleSet, model: str | None = None) -> RuleCoder:
    """The compiled coder for these rules, built once per process (workers reuse it)."""
    return RuleCoder(rules, model)
