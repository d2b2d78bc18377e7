"""Readable labels for topic candidates, from their keywords and nearest codebook codes.

A candidate is named after the code its members carry most (weighed with how close the
code's definition is to the topic), e.g. "Role ambiguity"; a second code nearly as strong
joins with "and" ("Hope and empowerment"). With no code near enough, the label comes from
the keywords, skipping words that nearly every topic shares (e.g. "peer support" in a
review of peer support).
"""

from __future__ import annotations

import re
from collections import Counter

MIN_SHARE = 0.2            # a code must be carried by this share of members to name it
SIMILARITY_WEIGHT = 0.5    # ranking: share of members coded + this × definition similarity
JOIN_RATIO = 0.9           # a second code this close to the first joins the label
STRONG_SIMILARITY = 0.45   # without codings: code definition this close to the centroid
MAX_WORDS = 8
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_STOP = {"and", "or", "of", "the", "in", "to", "for", "with", "a", "an", "on", "as", "by"}


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


def _phrase(keywords: list[str], common: set[str], covered: set[str],
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


def suggest(keywords: list[str], codes: list[dict], common: set[str] = frozenset()
            ) -> tuple[str, list[str]]:
    """(label, code ids the label was built from). ``codes``: nearest codes, each {"code",
    "name", "share" (of members coded with it, None without codings), "similarity"}.

    A code names the topic when enough members carry it (or, without codings, when its
    definition is close to the centroid); codings and similarity are combined to rank
    them. A second code almost as strong joins with "and" when both names are short.
    """
    have_codings = any(c.get("share") is not None for c in codes)
    if have_codings:
        eligible = [c for c in codes if (c.get("share") or 0) >= MIN_SHARE]
    else:
        eligible = [c for c in codes if (c.get("similarity") or 0) >= STRONG_SIMILARITY]
    ranked = sorted(eligible, key=lambda c: (-_score(c), c["code"]))
    if ranked:
        first = ranked[0]
        label, used = first["name"], [first["code"]]
        if len(ranked) > 1:
            second = ranked[1]
            joined = f"{first['name']} and {_lower(second['name'])}"
            if (_score(second) >= JOIN_RATIO * _score(first)
                    and " and " not in f" {first['name']} {second['name']} ".lower()
                    and len(joined.split()) <= 6):
                label, used = joined, [first["code"], second["code"]]
        return _trim(_capital(label)), used
    first = _phrase(keywords, common, set(), two_words=True) or _phrase(
        keywords, common, set(), two_words=False)
    if first is None:
        return (_capital(keywords[0]) if keywords else "Unlabelled topic"), []
    extra = _phrase(keywords, common, content_words(first), two_words=False)
    label = f"{first} and {extra}" if extra and len(first.split()) < 2 else first
    return _trim(_capital(label)), []


def _trim(label: str) -> str:
    words = label.split()
    return " ".join(words[:MAX_WORDS])
