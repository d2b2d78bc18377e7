"""Language per excerpt, offline: py3langid (langid.py's model, shipped in the package).

Short texts ("Nothing.", "Professionalism.") carry too little to tell; they get no language
rather than a guess, and rules still apply to them.
"""

from __future__ import annotations

from functools import lru_cache

MIN_CHARS = 40          # shorter texts are not classified
MIN_CONFIDENCE = 0.95   # below this the excerpt gets no language


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def available() -> bool:
    try:
        import py3langid  # noqa: F401
    except ImportError:
        return False
    return True


def detect(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when it is too short or unclear."""
    text = text.strip()
    if len(text) < MIN_CHARS:
        return None
    code, confidence = _identifier().classify(text)
    return str(code) if confidence >= MIN_CONFIDENCE else None
