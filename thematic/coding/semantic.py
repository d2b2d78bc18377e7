"""The semantic stage: propose codes whose definition or examples read like the excerpt.

Each codable code gets prototypes — "name: definition" and each positive example — embedded
with the project's offline embedding backend (thematic.embeddings). An excerpt is
proposed for a code when its cosine similarity to the nearest prototype of that code is at
least ``min_score``; the coding records origin "semantic" and that score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DEFAULT_MIN_SCORE = 0.5
CHUNK = 1024


@dataclass(frozen=True)
class SemanticHit:
    excerpt_id: str
    code: str
    score: float


def get_backend(name: str | None = None):
    """The embedding backend (an object with ``.name`` and ``.encode(list[str])``); None
    means the project default (minilm when installed, else tfidf)."""
    from thematic.embeddings import get_backend as backend

    return backend(name)


def prototypes(codes: Iterable) -> list[tuple[str, str]]:
    """(code id, text) pairs to embed for each codable code."""
    out = []
    for code in codes:
        if not code.codable:
            continue
        head = f"{code.name}: {code.definition}".strip().rstrip(":")
        out.append((code.id, head))
        examples = ((code.data or {}).get("examples") or {}).get("positive") or []
        out.extend((code.id, str(text)) for text in examples if str(text).strip())
    return out


def _unit(matrix):
    import numpy as np

    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class CodeSpace:
    """The codes' prototype vectors, embedded once, scored against batches of excerpts."""

    def __init__(self, codes: Iterable, backend, encode=None) -> None:
        """``encode`` (default ``backend.encode``) embeds the excerpts, e.g. through the
        project's embedding cache."""
        import numpy as np

        pairs = prototypes(codes)
        self.backend = backend
        self.encode = encode or backend.encode
        self.code_ids = sorted({c for c, _ in pairs}, key=[c for c, _ in pairs].index)
        index = {c: i for i, c in enumerate(self.code_ids)}
        self.owner = np.array([index[c] for c, _ in pairs], dtype=np.int64)
        self.vectors = _unit(backend.encode([t for _, t in pairs])) if pairs else None

    def score(self, texts: Sequence[str]):
        """texts × codes: the best cosine of each text against each code's prototypes."""
        import numpy as np

        if self.vectors is None or not texts:
            return np.zeros((len(texts), len(self.code_ids)), dtype=np.float32)
        sims = _unit(self.encode(list(texts))) @ self.vectors.T
        best = np.full((len(texts), len(self.code_ids)), -1.0, dtype=np.float32)
        for j in range(len(self.code_ids)):
            best[:, j] = sims[:, self.owner == j].max(axis=1)
        return best

    def propose(self, items: Sequence[tuple[str, str]], min_score: float) -> list[SemanticHit]:
        """A pure step over one batch of (excerpt id, text): the codes at or above
        ``min_score``, best first within each excerpt."""
        out: list[SemanticHit] = []
        for lo in range(0, len(items), CHUNK):
            part = items[lo:lo + CHUNK]
            scores = self.score([t for _, t in part])
            for (eid, _), row in zip(part, scores):
                hits = [(float(s), self.code_ids[j]) for j, s in enumerate(row) if s >= min_score]
                out.extend(SemanticHit(eid, code, round(s, 4))
                           for s, code in sorted(hits, key=lambda h: (-h[0], h[1])))
        return out
