"""Readable labels for topic candidates, from their keywords and nearest codebook codes.

A candidate is named after the code its members carry most (weighed with how close the
code's definition is to the topic), e.g. "Role ambiguity", but only when enough of its
members carry that code; a second code nearly as strong joins with "and" ("Hope and
empowerment"). Otherwise the label comes from the keywords, skipping words that nearly every
topic shares (e.g. "peer support" in a review of peer support). Negations stay in keywords
("did not answer"), and no two candidates of a run share a label.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Set

MIN_SHARE = 0.3            # a code must be carried by this share of members to name it
SIMILARITY_WEIGHT = 0.5    # ranking: share of members coded + this × definition similarity
JOIN_RATIO = 0.9           # a second code this close to the first joins the label
MAX_WORDS = 8
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_STOP = {"and", "or", "of", "the", "in", "to", "for", "with", "a", "an", "on", "as", "by"}
# content_words keeps negations: "not" tells "did not answer" from "did answer"


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def common_words(keyword_lists: list[list[str]], share: float = 0.5) -> set[str]:
    """Words in the keywords of at least ``share`` of the topics (when there are 4 or more)."""
    if len(keyword_lists) < 4:
        return set()
    counts = Counter(w for words in keyword_lists
                     for w in {x for k in words for x in content_words(k)})
    return {w for w, n in counts.items() if n >= share * len(keyword_lists)}


def _lower(name: str) -> str:
    """Lower-case a name for the middle of a label, keeping acronyms (LMIC, CFIR)."""
    return " ".join(w if (w.isupper() and len(w) > 1) else w.lower() for w in name.split())


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _phrase(keywords: list[str], common: Set[str], covered: set[str],
            two_words: bool) -> str | None:
    for kw in keywords:
        words = content_words(kw)
        if not words or words & common or words <= covered:
            continue
        if two_words and len(kw.split()) < 2:
            continue
        if covered and words & covered:
            continue
        return kw
    return None


def _score(code: dict) -> float:
    return (code.get("share") or 0.0) + SIMILARITY_WEIGHT * (code.get("similarity") or 0.0)


def options(keywords: list[str], codes: list[dict], common: Set[str] = frozenset()
            ) -> list[tuple[str, list[str]]]:
    """Every label the topic could take, best first: (label, code ids it was built from).

    A code names the topic only when at least ``MIN_SHARE`` of its members carry it (the
    share is what makes the name true); codings and the similarity of the code's definition
    rank those codes. A second code almost as strong joins with "and" when both names are
    short. Then the keywords: the first two-word phrase not shared by most topics, else one
    word joined with a second. Without codings a topic is named by its keywords only: a code
    whose definition merely resembles the topic says nothing about what its members say.
    """
    ranked = sorted((c for c in codes if (c.get("share") or 0) >= MIN_SHARE),
                    key=lambda c: (-_score(c), c["code"]))
    out: list[tuple[str, list[str]]] = []
    for i, first in enumerate(ranked):
        if i == 0 and len(ranked) > 1:
            second = ranked[1]
            joined = f"{first['name']} and {_lower(second['name'])}"
            if (_score(second) >= JOIN_RATIO * _score(first)
                    and " and " not in f" {first['name']} {second['name']} ".lower()
                    and len(joined.split()) <= 6):
                out.append((_trim(_capital(joined)), [first["code"], second["code"]]))
        out.append((_trim(_capital(first["name"])), [first["code"]]))
    for two_words in (True, False):
        seen: set[str] = set()
        while True:
            phrase = _phrase(keywords, common, seen, two_words)
            if phrase is None:
                break
            seen |= content_words(phrase)
            extra = (None if two_words or len(phrase.split()) > 1 else
                     _phrase(keywords, common, content_words(phrase), two_words=False))
            label = f"{phrase} and {extra}" if extra else phrase
            out.append((_trim(_capital(label)), []))
    if keywords:
        out.append((_trim(_capital(keywords[0])), []))
    return out or [("Unlabelled topic", [])]


def suggest(keywords: list[str], codes: list[dict], common: Set[str] = frozenset(),
            taken: Set[str] = frozenset()) -> tuple[str, list[str]]:
    """(label, code ids the label was built from): the best of ``options`` not in ``taken``
    (compared case-insensitively); when all are taken, the best one numbered."""
    choices = options(keywords, codes, common)
    used = {t.lower() for t in taken}
    for label, built in choices:
        if label.lower() not in used:
            return label, built
    label, built = choices[0]
    n = 2
    while f"{label} ({n})".lower() in used:
        n += 1
    return f"{label} ({n})", built


def _trim(label: str) -> str:
    words = label.split()
    return " ".join(words[:MAX_WORDS])
