"""Keywords of fixed topics without BERTopic: its c-TF-IDF and KeyBERTInspired, re-done.

The default clusterers (topics.cluster) fix the topics themselves, so BERTopic would only
describe them, and importing it costs more than the rest of a cached run together (it
imports sentence-transformers, torch and UMAP/numba at module load). This module computes
the same two representations with scikit-learn and numpy:

- c-TF-IDF (Grootendorst 2022; BERTopic's ``ClassTfidfTransformer`` with its defaults): the
  texts of each topic joined into one document and counted with the project's vectorizer
  (topics.model: words, two-word phrases, negations kept); each row L1-normalised and
  weighted by ``log(1 + A / f)``, A the mean word count per topic (truncated to an integer,
  as BERTopic does) and f the word's count over all topics; ties broken by vocabulary order.
- KeyBERTInspired (BERTopic's defaults): the 5 texts of a topic whose c-TF-IDF vectors are
  closest (cosine) to the topic's, their mean embedding as the topic's embedding, and the
  topic's 100 best c-TF-IDF words ranked by the cosine similarity of their embedding to it.

Two deliberate differences from BERTopic, both for the same result on every machine: all of
a topic's texts are candidates for the 5 (BERTopic samples 500 with replacement, which for a
review-sized topic is all of them), and similarities are rounded to 6 decimals before stable
sorts (BERTopic's argpartition and quicksort order ties by CPU).
"""

from __future__ import annotations

from dataclasses import dataclass

TOP_WORDS = 10
CANDIDATE_WORDS = 100
REPRESENTATIVE_DOCS = 5


@dataclass
class Words:
    keywords: dict[int, list[tuple[str, float]]]   # KeyBERTInspired
    ctfidf: dict[int, list[tuple[str, float]]]     # plain c-TF-IDF top words


def ctfidf(vectorizer, texts: list[str], topics: list[int]):
    """(topic ids, c-TF-IDF matrix with one row per topic, the transform for one text's
    counts) over ``vectorizer``'s fixed vocabulary."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    ids = sorted(set(topics))
    joined = [" ".join(t for t, k in zip(texts, topics) if k == topic) for topic in ids]
    counts = sp.csr_matrix(vectorizer.transform(joined), dtype=np.float64)
    frequency = np.asarray(counts.sum(axis=0)).ravel()
    average = int(np.asarray(counts.sum(axis=1)).mean())
    with np.errstate(divide="ignore"):
        idf = np.log(average / frequency + 1)
    n = counts.shape[1]
    # BERTopic's idf, then the vocabulary-order nudge of topics.model._ctfidf (≤ 1e-9)
    weight = sp.diags(idf * (1.0 + 1e-9 * (n - np.arange(n)) / max(1, n)))

    def transform(matrix):
        return sp.csr_matrix(normalize(sp.csr_matrix(matrix, dtype=np.float64), norm="l1",
                                       axis=1) @ weight)

    return ids, transform(counts), transform


def describe(texts: list[str], topics: list[int], vectors, vectorizer, encode) -> Words:
    """Keywords and c-TF-IDF words of each topic; ``vectors``: the texts' unit embeddings;
    ``encode``: embeds candidate words (through the project's cache)."""
    import numpy as np

    words = vectorizer.get_feature_names_out()
    ids, matrix, transform = ctfidf(vectorizer, texts, topics)
    per_text = transform(vectorizer.transform(texts))
    top: dict[int, list[tuple[str, float]]] = {}
    candidates: dict[int, list[str]] = {}
    centres: dict[int, np.ndarray] = {}
    for row, topic in enumerate(ids):
        scores = matrix[row].toarray().ravel()
        order = [i for i in np.argsort(-scores, kind="stable") if scores[i] > 0]
        top[topic] = [(str(words[i]), float(scores[i])) for i in order[:TOP_WORDS]]
        candidates[topic] = [str(words[i]) for i in order[:CANDIDATE_WORDS]]
        members = [i for i, k in enumerate(topics) if k == topic]
        closeness = np.round(_cosine(per_text[members], matrix[row]), 6)
        best = [members[i] for i in np.argsort(-closeness, kind="stable")[:REPRESENTATIVE_DOCS]]
        centres[topic] = np.asarray(vectors, dtype=np.float64)[best].mean(axis=0)
    vocabulary = sorted({w for ws in candidates.values() for w in ws})
    embedded = (_unit(np.asarray(encode(vocabulary), dtype=np.float64)) if vocabulary
                else np.zeros((0, 0)))
    index = {w: i for i, w in enumerate(vocabulary)}
    keywords: dict[int, list[tuple[str, float]]] = {}
    for topic in ids:
        chosen = candidates[topic]
        if not chosen:
            keywords[topic] = []
            continue
        centre = _unit(centres[topic][None, :])[0]
        similarity = np.round(embedded[[index[w] for w in chosen]] @ centre, 6)
        ranked = np.argsort(-similarity, kind="stable")[:TOP_WORDS]
        keywords[topic] = [(chosen[i], float(similarity[i])) for i in ranked]
    return Words(keywords=keywords, ctfidf=top)


def _cosine(rows, row):
    import numpy as np

    a = rows.toarray()
    b = row.toarray().ravel()
    norms = np.linalg.norm(a, axis=1) * (np.linalg.norm(b) or 1.0)
    return (a @ b) / np.where(norms == 0, 1.0, norms)


def _unit(matrix):
    import numpy as np

    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)
