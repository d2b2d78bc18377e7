"""Run spaCy's Matcher only with the patterns a document can match, only where they can.

spaCy's Matcher visits every token for every pattern, creating a Python object per token
and calling a Python predicate per IN list, so a codebook with dozens of patterns costs
more than the whole pipeline. Yet most documents contain none of a pattern's required
words. Each required token of a pattern is therefore indexed by the words it accepts
(LOWER/LEMMA/NORM/ORTH/TEXT values and IN lists, in lower case):

1. a PhraseMatcher per attribute finds, in C, the positions of each pattern's rarest
   required token (its "primary anchor") and, where the pattern has one without a common
   word, of a second ("gate") one; the coder shares its LEMMA and LOWER PhraseMatchers, so
   one pass per attribute finds the phrases and the anchors together;
2. an occurrence of a primary anchor counts when the gate occurs somewhere in the document
   and each other required token at the distance the pattern allows: the few tokens of
   that window are read (or, where the distance is unbounded, the document's attribute
   values, once), the likeliest to fail first, and
3. a (cached) Matcher of just the patterns that can match runs over windows around the
   anchor, as far before and after as each pattern reaches.

The matches are exactly those of one Matcher holding every pattern (a test checks): every
step only rules out what cannot match, so which anchor is primary (chosen by how common its
words are) changes the speed, never the result. Only primaries and gates go into the
PhraseMatchers: the other anchors are often common words ("in", "of", "be", "support")
whose every occurrence would cost a Python tuple and a look-up.
"""

from __future__ import annotations

from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.matcher import Matcher, PhraseMatcher

INF = float("inf")
ATTRS = ("LOWER", "LEMMA", "NORM", "ORTH", "TEXT")
_GETTERS = {"LOWER": attrgetter("lower"), "LEMMA": attrgetter("lemma"),
            "NORM": attrgetter("norm")}


class Prefilter:
    def __init__(self, vocab, shared: dict | None = None) -> None:
        """``shared``: attribute → a PhraseMatcher the caller runs anyway; the anchors of
        that attribute are added to it, and the caller passes its matches to ``__call__``."""
        self.vocab = vocab
        self.shared = dict(shared or {})
        self.patterns: list[tuple[str, list[dict]]] = []
        # per pattern, per anchorable required token: (reach before, after, attr, hashes,
        # token index); and the bounds on the distance between single-token anchors
        self.anchors: list[list[tuple[float, float, str, frozenset[int], int]]] = []
        self.offsets: list[dict[tuple[int, int], tuple[float, float]]] = []
        self.cache: dict[tuple[int, ...], Matcher] = {}
        self.finders: dict[str, PhraseMatcher] = {}
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
        frequent, common = ({strings[w] for w in words} for words in _common_words())

        def cost(words: frozenset[int]) -> int:
            # a guess at how often the words occur: a primary or gate should rarely match
            return sum(100 if w in frequent else 10 if w in common else 1 for w in words)

        # anchored pattern → (reach before, after, the gate's match ids (or None), checks on its
        # other anchors, likeliest to fail first: (the offsets from the primary to read
        # tokens at, or None to read the attribute's values, the attribute (a getter or an
        # attribute id), the words, lowest offset, highest — None where unbounded))
        self.plan: dict[int, tuple] = {}
        self.reach: dict[int, list[int]] = {}        # match id → patterns it is primary of
        self.unanchored: set[int] = set()
        for i, anchors in enumerate(self.anchors):
            if not anchors:
                self.unanchored.add(i)
                continue
            primary = min(anchors, key=lambda x: (cost(x[3]), len(x[3])))
            before, after, attr, words, k = primary
            checks: list[tuple] = []
            for _, _, other_attr, others, j in anchors:
                if j == k:
                    continue
                bounds = self.offsets[i].get((min(j, k), max(j, k)))
                if bounds is not None and j < k:
                    bounds = (-bounds[1], -bounds[0])
                lo, hi = bounds or (-INF, INF)
                column = _column(other_attr)
                if lo > -INF and hi < INF and hi - lo < 8:
                    # A few tokens next to the primary: read them.
                    checks.append(((0, hi - lo, cost(others)),
                                   tuple(range(int(lo), int(hi) + 1)),
                                   (_GETTERS[column], IDS[column]), others, int(lo), int(hi)))
                else:
                    checks.append(((1, 0, cost(others)), None, IDS[column], others,
                                   None if lo == -INF else int(lo),
                                   None if hi == INF else int(hi)))
            checks.sort(key=lambda c: c[0])
            # The rarest other anchor without a common word is found by the shared matchers
            # too: a pattern whose gate words are absent is skipped at once.
            gates = [(cost(others), others, _column(a)) for _, _, a, others, j in anchors
                     if j != k and cost(others) == len(others)]
            gate = min(gates, key=lambda g: (g[0], len(g[1])), default=None)
            self.plan[i] = (before, after, gate and self._find(gate[2], gate[1]),
                            tuple(c[1:] for c in checks))
            for key in self._find(_column(attr), words):
                self.reach.setdefault(key, []).append(i)
        self._ready = True

    def _find(self, attr: str, words: frozenset[int]) -> frozenset[int]:
        """Have a PhraseMatcher of ``attr`` find ``words``; the match ids it will give them
        (the word and the attribute, so a word found as a lemma and as a lower-case form
        gives two different ids)."""
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        finder = self.shared.get(attr)
        if finder is None:
            finder = self.finders.get(attr)
        if finder is None:
            finder = self.finders[attr] = PhraseMatcher(self.vocab, attr=attr)
        ids = []
        for w in words:
            text = self.vocab.strings[w]
            key = f"{attr}\x1e{text}"
            if key not in finder:
                finder.add(key, [Doc(self.vocab, words=[text], lemmas=[text])])
            ids.append(self.vocab.strings[key])
        return frozenset(ids)

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
        reach = self.reach
        hits = [(reach[key], row) for key, row, _ in found if key in reach]
        if not hits and not self.unanchored:
            return []
        chosen, spans, whole = self._candidates(doc, found, hits)
        if not chosen:
            return []
        matcher = self._matcher(tuple(sorted(chosen)))
        if whole:
            return matcher(doc, allow_missing=True)
        return _in_windows(matcher, doc, spans)

    def _candidates(self, doc, found: list, hits: list[tuple[list[int], int]]
                    ) -> tuple[set[int], dict[int, int], bool]:
        """(the patterns whose gate and other anchors are there, window start → end to run
        them over, whether one of them needs the whole document)."""
        plan = self.plan
        n = len(doc)
        spans: dict[int, int] = {}              # window start → end
        chosen = set()
        whole = bool(self.unanchored)
        # attribute → its values: the pipeline's when it left them (rules.COLUMNS), else read
        # when needed
        columns: dict[int, list[int]] = doc.user_data.get("thematic_columns") or {}
        present = None                          # the match ids found
        for patterns, row in hits:
            for i in patterns:
                before, after, gate, checks = plan[i]
                if gate is not None:
                    if present is None:
                        present = {m[0] for m in found}
                    if gate.isdisjoint(present):
                        continue
                # Each check: one of its words between its offsets from the primary, read
                # from the tokens of a short window or from the document's attribute values.
                for offsets, get, words, lo, hi in checks:
                    if offsets is not None:
                        get, attr = get
                        column = columns.get(attr)
                        for p in offsets:
                            p += row
                            if 0 <= p < n and (get(doc[p]) if column is None else
                                               column[p]) in words:
                                break
                        else:
                            break
                        continue
                    column = columns.get(get)
                    if column is None:
                        column = columns[get] = doc.to_array(get).tolist()
                    start = 0 if lo is None else max(0, row + lo)
                    end = n if hi is None else row + hi + 1
                    if end <= start or words.isdisjoint(column[start:end]):
                        break
                else:
                    chosen.add(i)
                    if before == INF or after == INF:
                        whole = True
                        continue
                    low = max(0, row - int(before))
                    spans[low] = max(spans.get(low, 0), min(n, row + int(after) + 1))
        if whole:
            chosen |= self.unanchored
        return chosen, spans, whole

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


def _in_windows(matcher, doc, spans: dict[int, int]) -> list[tuple[int, int, int]]:
    """The matcher's matches in the windows (start → end; overlapping ones run as one),
    with offsets in ``doc``."""
    out: list[tuple[int, int, int]] = []
    start, end = 0, -1
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
def _common_words() -> tuple[frozenset[str], frozenset[str]]:
    """(the most frequent words, other common ones): a primary anchor avoids both."""
    from spacy.lang.en.stop_words import STOP_WORDS

    frequent = {w for w in STOP_WORDS if len(w) <= 3} | {"'", "-", "’", "’s", "with", "from",
                                                          "that", "this", "were", "have"}
    # The words (lemmas and forms) most frequent in findings of peer-support studies.
    domain = {"support", "supports", "supported", "peer", "peers", "service", "services",
              "staff", "team", "teams", "worker", "workers", "people", "user", "users",
              "health", "mental", "care", "clinical", "community", "recovery", "group",
              "groups", "study", "studies", "trial", "trials", "intervention", "programme",
              "program", "session", "sessions", "participant", "participants", "outcome",
              "experience", "experienced", "report", "reported", "describe", "described",
              "feel", "felt", "work", "need", "role", "roles", "setting", "model"}
    return frozenset(frequent), frozenset(STOP_WORDS - frequent | domain)
