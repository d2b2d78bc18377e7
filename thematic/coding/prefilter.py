"""Run spaCy's Matcher only with the patterns a document can match, only where they can.

spaCy's Matcher visits every token for every pattern, creating a Python object per token
and calling a Python predicate per IN list, so a codebook with dozens of patterns costs
more than the whole pipeline. Yet most documents contain none of a pattern's required
words. Each required token of a pattern is therefore indexed by the words it accepts
(LOWER/LEMMA/NORM/ORTH/TEXT values and IN lists, in lower case):

1. a PhraseMatcher per attribute finds, in C, the positions of each pattern's rarest
   required token (its "primary anchor"); the coder shares its own LEMMA and LOWER
   PhraseMatchers, so one pass finds the phrases and the anchors together;
2. an occurrence of a primary anchor counts when the pattern's other required tokens occur
   at distances the pattern allows, read from the document's token attributes (one
   ``to_array`` per document that has an anchor at all), and
3. a (cached) Matcher of just the patterns that can match runs over windows around the
   anchor, as far before and after as each pattern reaches.

The matches are exactly those of one Matcher holding every pattern (a test checks). Only
the primary anchors go into the PhraseMatchers: the other anchors are often common words
("in", "of", "be") whose every occurrence would cost a Python tuple.
"""

from __future__ import annotations

from functools import lru_cache

INF = float("inf")
ATTRS = ("LOWER", "LEMMA", "NORM", "ORTH", "TEXT")


class Prefilter:
    def __init__(self, vocab, shared: dict | None = None) -> None:
        """``shared``: attribute → a PhraseMatcher the caller runs anyway; the primary
        anchors of that attribute are added to it (keyed by the word itself), and the
        caller passes its matches to ``__call__``."""
        self.vocab = vocab
        self.shared = dict(shared or {})
        self.patterns: list[tuple[str, list[dict]]] = []
        # per pattern, per anchorable required token: (reach before, after, attr, hashes,
        # token index); and the bounds on the distance between single-token anchors
        self.anchors: list[list[tuple[float, float, str, frozenset[int], int]]] = []
        self.offsets: list[dict[tuple[int, int], tuple[float, float]]] = []
        self.cache: dict[tuple[int, ...], object] = {}
        self.finders: dict[str, object] = {}
        self._added: set[tuple[str, int]] = set()
        self._ready = False

    def add(self, key: str, tokens: list[dict]) -> None:
        self.patterns.append((key, tokens))
        reach = [_longest(t) for t in tokens]
        least = [_shortest(t) for t in tokens]
        anchors = []
        for k, token in enumerate(tokens):
            found = _accepts(self.vocab, token) if _required(token) else None
            if found:
                # The anchor word may be any token of a repeated spec's run.
                extra = reach[k] - 1
                anchors.append((sum(reach[:k]) + extra, sum(reach[k + 1:]) + extra, *found, k))
        # Offsets between two single-token anchors j < k: k's row - j's row is bounded.
        self.offsets.append({(j, k): (1 + sum(least[j + 1:k]), 1 + sum(reach[j + 1:k]))
                             for *_, j in anchors for *_, k in anchors
                             if j < k and tokens[j].get("OP") is None
                             and tokens[k].get("OP") is None})
        self.anchors.append(anchors)
        self._ready = False

    def compile(self) -> None:
        """Index the patterns added so far (and add their anchors to the shared matchers);
        call it before running the shared matchers whose matches ``__call__`` is given."""
        from spacy.attrs import IDS

        strings = self.vocab.strings
        common = {strings[w] for w in _common_words()}
        # pattern → (reach before, after, checks on its other anchors: (column, words,
        # lowest offset from the primary, highest) — None where unbounded)
        self.plan: list[tuple | None] = []
        self.reach: dict[int, list[int]] = {}        # word hash → patterns it is primary of
        self.unanchored: set[int] = set()
        columns: list[str] = []                      # attributes the checks read
        for i, anchors in enumerate(self.anchors):
            if not anchors:
                self.unanchored.add(i)
                self.plan.append(None)
                continue
            primary = min(anchors, key=lambda x: (len(x[3] & common), len(x[3])))
            before, after, attr, words, k = primary
            checks = []
            for _, _, other_attr, others, j in anchors:
                if j == k:
                    continue
                bounds = self.offsets[i].get((min(j, k), max(j, k)))
                if bounds is not None and j < k:
                    bounds = (-bounds[1], -bounds[0])
                lo, hi = bounds or (-INF, INF)
                column = _column(other_attr)
                if column not in columns:
                    columns.append(column)
                checks.append((columns.index(column), others,
                               None if lo == -INF else int(lo), None if hi == INF else int(hi)))
            self.plan.append((before, after, tuple(checks)))
            for w in words:
                self.reach.setdefault(w, []).append(i)
            self._find(attr, words)
        self.columns = [IDS[c] for c in columns]
        self._ready = True

    def _find(self, attr: str, words: frozenset[int]) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        attr = _column(attr)
        finder = self.shared.get(attr) or self.finders.get(attr)
        if finder is None:
            finder = self.finders[attr] = PhraseMatcher(self.vocab, attr=attr)
        for w in words:
            if (attr, w) in self._added:
                continue
            self._added.add((attr, w))
            text = self.vocab.strings[w]
            # The match key is the word itself, so a match id is the word's hash.
            finder.add(text, [Doc(self.vocab, words=[text], lemmas=[text])])

    def __call__(self, doc, found: list | None = None) -> list[tuple[int, int, int]]:
        """The pattern matches in ``doc``; ``found`` holds the shared matchers' matches on
        it (run here when not given)."""
        if not self.patterns or not len(doc):
            return []
        if not self._ready:
            self.compile()
            found = None   # the shared matchers ran without this compilation's anchors
        if found is None:
            found = [m for finder in self.shared.values() for m in finder(doc)]
        for finder in self.finders.values():
            found = found + finder(doc)
        reach, plan = self.reach, self.plan
        n = len(doc)
        spans: dict[int, int] = {}              # window start → end
        chosen = set()
        whole = bool(self.unanchored)
        cols = None
        for word, row, _ in found:
            patterns = reach.get(word)
            if patterns is None:
                continue
            for i in patterns:
                before, after, checks = plan[i]
                if checks:
                    if cols is None:
                        cols = doc.to_array(self.columns).T.tolist()
                    if not all(_near(cols[c], words, row, lo, hi, n)
                               for c, words, lo, hi in checks):
                        continue
                chosen.add(i)
                if before == INF or after == INF:
                    whole = True
                    continue
                low = max(0, row - int(before))
                spans[low] = max(spans.get(low, 0), min(n, row + int(after) + 1))
        if whole:
            chosen |= self.unanchored
        if not chosen:
            return []
        matcher = self._matcher(tuple(sorted(chosen)))
        if whole:
            return matcher(doc, allow_missing=True)
        out, start, end = [], 0, -1
        for lo, hi in sorted(spans.items()):
            if lo > end:
                if end >= 0:
                    out += [(k, start + a, start + b)
                            for k, a, b in matcher(doc[start:end], allow_missing=True)]
                start = lo
            end = max(end, hi)
        out += [(k, start + a, start + b)
                for k, a, b in matcher(doc[start:end], allow_missing=True)]
        return out

    def _matcher(self, chosen: tuple[int, ...]):
        matcher = self.cache.get(chosen)
        if matcher is None:
            from spacy.matcher import Matcher

            if len(self.cache) > 4096:
                self.cache.clear()
            matcher = self.cache[chosen] = Matcher(self.vocab)
            for i in chosen:
                key, tokens = self.patterns[i]
                matcher.add(key, [tokens])
        return matcher


def _near(column: list[int], words: frozenset[int], row: int, lo: int | None, hi: int | None,
          n: int) -> bool:
    """Whether one of ``words`` occurs between ``lo`` and ``hi`` tokens from ``row``."""
    start = 0 if lo is None else max(0, row + lo)
    end = n if hi is None else min(n, row + hi + 1)
    return start < end and not words.isdisjoint(column[start:end])


def _column(attr: str) -> str:
    # ORTH and TEXT values are indexed in lower case, so their lower-case forms stand in.
    return "LOWER" if attr in ("ORTH", "TEXT") else attr


def _accepts(vocab, token: dict) -> tuple[str, frozenset[int]] | None:
    """(attribute, hashes of the lower-case words) the token spec accepts, or None."""
    best = None
    for attr, value in token.items():
        attr = attr.upper()
        if attr not in ATTRS:
            continue
        if isinstance(value, str):
            words = [value]
        elif isinstance(value, dict) and set(value) == {"IN"}:
            words = [w for w in value["IN"] if isinstance(w, str)]
        else:
            continue
        found = frozenset(vocab.strings.add(w.lower()) for w in words)
        if found and (best is None or len(found) < len(best[1])):
            best = (attr, found)
    return best


def _required(token: dict) -> bool:
    """Whether a token spec must match at least one token (not ?, *, {0,…} or !)."""
    op = token.get("OP")
    if op is None or op == "+":
        return True
    if op.startswith("{"):
        low = op[1:-1].split(",")[0]
        return bool(low) and int(low) >= 1
    return False


def _shortest(token: dict) -> int:
    """The fewest tokens a token spec matches."""
    op = token.get("OP")
    if op in (None, "+", "!"):
        return 1
    if op in ("?", "*"):
        return 0
    return int(op[1:-1].split(",")[0] or 0)


def _longest(token: dict) -> float:
    """The most tokens one token spec can match."""
    op = token.get("OP")
    if op in (None, "!", "?"):
        return 1
    if op in ("+", "*"):
        return INF
    high = op[1:-1].split(",")[-1]
    return int(high) if high else INF


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS | {"'s", "n't", "-", "'", "’", "’s", "support", "peer",
                                   "service", "staff", "team", "worker", "people"})
