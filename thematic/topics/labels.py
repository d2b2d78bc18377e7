"""Readable labels for topic candidates, from their keywords and nearest codebook codes.

A candidate whose members mostly carry one code is named after it ("Role ambiguity"); a
second code or a distinctive keyword phrase the name does not already say is joined with
"and" ("Mutual identification and shared experience"). Without codings the label comes from
the keywords alone, skipping words that nearly every topic shares (e.g. "peer support" in a
review of peer support).
"""

from __future__ import annotations

import re
from collections import Counter

STRONG_SHARE = 0.4         # a code carried by this share of members names the topic
SECOND_SHARE = 0.3         # ... and a second code this common joins the label
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


def suggest(keywords: list[str], codes: list[dict], common: set[str] = frozenset()
            ) -> tuple[str, list[str]]:
    """(label, code ids the label was built from). ``codes``: nearest codes, best first,
    each {"code", "name", "share" (of members coded, or None), "similarity"}."""
    with_overlap = [c for c in codes if c.get("share") is not None]
    if with_overlap:
        ranked = sorted(with_overlap, key=lambda c: -c["share"])
        strong = [c for c in ranked if c["share"] >= STRONG_SHARE]
        second = [c for c in ranked[1:] if c["share"] >= SECOND_SHARE]
    else:
        ranked = sorted(codes, key=lambda c: -(c.get("similarity") or 0.0))
        strong = [c for c in ranked if (c.get("similarity") or 0) >= STRONG_SIMILARITY]
        second = []
    if strong:
        first = strong[0]
        used = [first["code"]]
        label = first["name"]
        covered = content_words(first["name"])
        if second and second[0]["code"] != first["code"]:
            label += " and " + _lower(second[0]["name"])
            used.append(second[0]["code"])
        else:
            extra = _phrase(keywords, common, covered, two_words=True)
            if extra:
                label += " and " + extra
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
