"""The divergent-case rule: which excerpts of a theme diverge from it, or run contrary.

One rule, stated in the report's Methods and used by the report's theme sections, the
audit's re-derivation and the GRADE-CERQual coherence evidence of a review finding: an
excerpt diverges when one of its sentences contains one of DIVERGENT_PHRASES (whole words,
any case) together with a term of the theme's codes (a phrase of their rules; any sentence
when the codes have no rules), or when it carries a code the codebook lists as contrary to
one of the theme's codes.
"""

from __future__ import annotations

import re

#: Phrases that mark a finding as divergent, null or mixed (whole words, any case).
DIVERGENT_PHRASES = ("no clear", "no effect", "no significant", "not significant",
                     "no difference", "no improvement", "no evidence", "not reliably",
                     "did not", "failed to", "mixed", "inconsistent", "contradictory",
                     "conflicting", "different directions", "null", "limited evidence",
                     "little evidence", "only in some")
DIVERGENT_RULE = ("An excerpt counts as a divergent or contrary case when one of its "
                  "sentences contains one of these phrases (whole words, any case) together "
                  "with a term of the theme's codes (a phrase of their rules; any sentence "
                  "when the codes have no rules): "
                  + ", ".join(f"\u201c{p}\u201d" for p in DIVERGENT_PHRASES)
                  + "; or when it carries a code that the codebook lists as contrary to one of "
                  "the theme's codes (a code's `contrary` field).")
_PHRASES = re.compile(r"\b(" + "|".join(re.escape(p) for p in
                                        sorted(DIVERGENT_PHRASES, key=len, reverse=True))
                      + r")\b", re.IGNORECASE)


# dotless i matches "i" under re.IGNORECASE but does not case-fold to it; "İ" folds to
# "i" and a combining dot
_FOLD = str.maketrans({"\u0131": "i", "\u0307": None})
_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;]*")


def has_cue(text: str) -> bool:
    """False when ``text`` holds no divergence phrase (then ``divergent_phrases`` finds
    none, whatever the terms); True when it may."""
    # Most texts hold no phrase: a substring test of the case-folded text (C speed; the
    # regex's case-insensitive search cost more than the rest) proves it, before the
    # sentence split and term look-ups. Folding maps every character the regex matches to
    # a phrase letter as that letter (checked over all of Unicode), so it misses no match.
    folded = text.casefold()
    if "\u0131" in folded or "\u0307" in folded:
        # translate looks each character up in a dict: only for the texts that need it
        folded = folded.translate(_FOLD)
    # map: no Python frame per phrase (100k texts × 20 phrases in a report)
    return any(map(folded.__contains__, DIVERGENT_PHRASES))


def divergent_phrases(text: str, terms: tuple[str, ...] = ()) -> list[str]:
    """The divergence phrases in ``text``, lower-cased, in order of first appearance; with
    ``terms``, only those in a sentence that also holds one of the terms (so "I did not feel
    so alone" is not a divergent case of a theme about waiting lists)."""
    out: list[str] = []
    if not has_cue(text):
        return out
    pieces = [m.group(0) for m in _SENTENCE.finditer(text)] if terms else [text]
    for piece in pieces:
        low = piece.lower()
        if terms and not any(re.search(r"\b" + re.escape(t), low) for t in terms):
            continue
        for match in _PHRASES.finditer(piece):
            phrase = match.group(1).lower()
            if phrase not in out:
                out.append(phrase)
    return out


def theme_terms(codes) -> tuple[str, ...]:
    """Lower-cased rule phrases of ``codes`` (store Code objects): what a divergence cue
    must share a sentence with. Empty when none of the codes has rules."""
    terms: set[str] = set()
    for code in codes:
        if code is None:
            continue
        rules = (code.data or {}).get("rules") or {}
        terms.update(str(p).lower() for p in rules.get("phrases") or [] if str(p).strip())
    return tuple(sorted(terms))


def contrary_codes(book, codes: list[str]) -> set[str]:
    """The codes ``book`` lists as contrary to any of ``codes``."""
    out: set[str] = set()
    for code_id in codes:
        found = book.code(code_id) if book is not None else None
        listed = (found.data.get("contrary") or []) if found is not None else []
        out.update([listed] if isinstance(listed, str) else listed)
    return out


def cases(store, theme, excerpt_ids: list[str]) -> dict[str, dict]:
    """excerpt id → {"phrases": [...], "contrary": [...]} for the divergent ones, in the
    order of ``excerpt_ids``."""
    from thematic.store import audit as db
    from thematic.store.codebooks import get_codebook

    book = get_codebook(store, theme.codebook) if theme.codebook else None
    contrary = contrary_codes(book, list(theme.codes))
    terms = theme_terms(book.code(c) for c in theme.codes) if book is not None else ()
    texts = db.excerpt_texts(store, excerpt_ids)
    codes = db.accepted_codes(store, excerpt_ids) if contrary else {}
    out = {}
    for eid in excerpt_ids:
        if eid not in texts:
            continue
        phrases = divergent_phrases(texts[eid][0], terms)
        against = sorted(contrary & codes.get(eid, set()))
        if phrases or against:
            out[eid] = {"phrases": phrases, "contrary": against}
    return out
