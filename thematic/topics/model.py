"""BERTopic wired for the corpora of a systematic review (100 to 5,000 excerpts).

Two clustering paths, both ending in c-TF-IDF and KeyBERTInspired keywords:

- ``ward`` (the default), ``average`` and ``spectral``: the excerpts are clustered by
  ``thematic.topics.cluster`` on their embeddings joined with their code profiles (Ward's
  method, average linkage on cosine distances, or Ward on a spectral embedding of the
  neighbourhood graph; k chosen by stability; average becomes Ward when there are no code
  profiles), and described by ``thematic.topics.represent`` (BERTopic's c-TF-IDF
  and KeyBERTInspired, re-done without importing BERTopic). No outliers; the same input
  gives the same topics on any machine.
- ``hdbscan``: BERTopic's own UMAP (5 dimensions, cosine, ``n_neighbors`` 10, 15 above 500
  texts, ``min_dist`` 0, ``random_state=seed``) and HDBSCAN (``min_cluster_size =
  min_topic_size``, ``min_samples`` half that, "leaf" selection). UMAP's numba kernels
  round differently on different CPUs, so its topics can differ between machines. When
  HDBSCAN leaves more than half of the texts as outliers the run falls back to k-means on the
  same UMAP space; when it leaves some, they are reassigned with
  ``BERTopic.reduce_outliers(strategy="embeddings")`` (``REDUCE_ABOVE``). Guided topics
  (``seed_topics``) use this path.

c-TF-IDF counts words and two-word phrases without English stop words, and keeps negations
with what they negate ("no improvement", "did not answer"); none in fewer than 2 or more
than 30% of the texts.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

FALLBACK_ABOVE = 0.5   # HDBSCAN outlier share above which k-means replaces it
REDUCE_ABOVE = 0.0     # outlier share above which outliers are reassigned to topics
TOP_WORDS = 10
MAX_DF = 0.3           # n-grams in more of the texts than this are corpus-wide, not topical
REPRESENTATIVE = 5


def require() -> None:
    """E273 when a library the topic model needs is missing (before any work is done)."""
    import importlib.util

    from thematic.errors import ThematicError

    for module, package in (("bertopic", "bertopic"), ("umap", "umap-learn"),
                            ("hdbscan", "hdbscan"), ("sklearn", "scikit-learn")):
        if importlib.util.find_spec(module) is None:
            raise ThematicError("E273", what="`thematic topics`", package=package,
                                alternative="")


def minimum_documents(min_topic_size: int) -> int:
    """Fewest texts a run accepts: two topics' worth, and never fewer than 20 (UMAP and
    HDBSCAN give noise below that)."""
    return max(20, 2 * int(min_topic_size))


def default_min_topic_size(n: int) -> int:
    """About n/25, between 5 and 30: 8 for a 200-finding review."""
    return max(5, min(30, round(n / 25)))


@dataclass
class Fit:
    topics: list[int]                                  # per text; -1 = outlier
    probabilities: list[float | None]
    keywords: dict[int, list[tuple[str, float]]]       # KeyBERTInspired over c-TF-IDF
    ctfidf: dict[int, list[tuple[str, float]]]         # plain c-TF-IDF top words
    representative: dict[int, list[int]]               # text indices, most central first
    centroids: dict[int, list[float]]                  # mean (unit) embedding per topic
    method: str
    hdbscan_outlier_share: float | None               # None: no HDBSCAN in this run
    outlier_share: float
    notes: list[str] = field(default_factory=list)
    stability: dict[int, float] = field(default_factory=dict)   # average/ward: k → mean ARI
    # per text: HDBSCAN left it an outlier and reduce_outliers moved it into a topic
    reassigned: list[bool] = field(default_factory=list)


def _embedder(backend):
    from bertopic.backend import BaseEmbedder

    class Embedder(BaseEmbedder):
        def embed(self, documents, verbose=False):
            return backend.encode(list(documents))

    return Embedder()


NEGATIONS = frozenset({"not", "no", "nor", "never", "none", "nothing", "nobody", "cannot",
                       "without", "neither"})
_TOKEN = r"(?u)\b\w\w+\b"   # scikit-learn's default: "peer-support" is "peer", "support"


AUXILIARIES = frozenset({"do", "does", "did", "is", "are", "was", "were", "can", "could",
                         "would", "should", "will", "has", "have", "had", "need", "needs"})


def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words and the auxiliary verbs, less the negations, which
    change what a text says."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset((ENGLISH_STOP_WORDS | AUXILIARIES) - NEGATIONS)


def ngrams(text: str, stop: frozenset[str] = frozenset()) -> list[str]:
    """Words and two-word phrases without stop words (as scikit-learn's English analyzer
    gives), plus the phrases a negation makes: "no improvement", "did not answer"."""
    import re

    tokens = re.findall(_TOKEN, text.lower())
    out = []
    for i, word in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if word not in stop and word not in NEGATIONS:
            out.append(word)
            if nxt and nxt not in stop and nxt not in NEGATIONS:
                out.append(f"{word} {nxt}")
        if word in NEGATIONS and nxt and nxt not in stop and nxt not in NEGATIONS:
            out.append(f"{word} {nxt}")
            if i and tokens[i - 1] in stop:
                out.append(f"{tokens[i - 1]} {word} {nxt}")
    return out


class _Analyzer:
    """A picklable analyzer for CountVectorizer (BERTopic copies its vectorizer)."""

    def __init__(self) -> None:
        self.stop = stop_words()

    def __call__(self, text: str) -> list[str]:
        return ngrams(text, self.stop)


def _vectorizer(texts: list[str]):
    from sklearn.feature_extraction.text import CountVectorizer

    # BERTopic fits the vectorizer on one joined document per topic, so min_df there would
    # count topics and drop exactly the words unique to one topic. Choose the vocabulary on
    # the texts instead, then hand it over fixed: an n-gram must occur in two texts, and not
    # in more than MAX_DF of them (in a review of peer support, "peer support" is in half the
    # findings and names no topic).
    words: list[str] = []
    for max_df in (MAX_DF, 1.0):
        try:
            vocab = CountVectorizer(analyzer=_Analyzer(), min_df=2, max_df=max_df).fit(texts)
            words = sorted(vocab.vocabulary_)
        except ValueError:  # too few texts for any n-gram to recur
            words = []
        if words:
            break
    if not words:
        return CountVectorizer(analyzer=_Analyzer())
    return CountVectorizer(analyzer=_Analyzer(), vocabulary=words)


def _ctfidf():
    """BERTopic's c-TF-IDF with ties broken by vocabulary order. Small topics give many
    words the same score, and BERTopic orders them with numpy's unstable sort, whose
    vectorised variants (AVX2, AVX-512) order ties differently: without this, the keywords of
    a topic could differ between machines. A relative nudge of at most 1e-9 changes no order
    between scores that differ."""
    from bertopic.vectorizers import ClassTfidfTransformer

    class TieFree(ClassTfidfTransformer):
        def transform(self, X):
            import numpy as np
            import scipy.sparse as sp

            scores = sp.csr_matrix(super().transform(X), dtype=np.float64)
            n = scores.shape[1]
            return scores @ sp.diags(1.0 + 1e-9 * (n - np.arange(n)) / max(1, n))

    return TieFree()


def _bertopic(backend, texts, *, cluster, seed, seed_topics, nr_topics, reduce=None):
    from bertopic import BERTopic
    from bertopic.representation import KeyBERTInspired

    n = len(texts)
    if reduce is None:
        from umap import UMAP

        reduce = UMAP(n_neighbors=min(10 if n <= 500 else 15, n - 1), n_components=5,
                      min_dist=0.0, metric="cosine", random_state=seed, low_memory=False)
    return BERTopic(embedding_model=_embedder(backend), umap_model=reduce,
                    hdbscan_model=cluster, vectorizer_model=_vectorizer(texts),
                    ctfidf_model=_ctfidf(),
                    representation_model=KeyBERTInspired(top_n_words=TOP_WORDS,
                                                         random_state=seed),
                    seed_topic_list=seed_topics or None, nr_topics=nr_topics,
                    top_n_words=TOP_WORDS, calculate_probabilities=False, verbose=False)


CLUSTERS = ("ward", "average", "spectral", "hdbscan")


def fit(texts: list[str], embeddings, backend, *, min_topic_size: int, seed: int = 0,
        seed_topics: list[list[str]] | None = None, nr_topics: int | None = None,
        outliers: str = "auto", profile=None, cluster: str = "ward") -> Fit:
    """Topics for ``texts`` (rows of ``embeddings``; ``profile``: their code profiles, see
    topics.cluster). ``cluster``: ward | average | spectral | hdbscan. ``outliers`` (hdbscan only):
    auto | keep | reduce | kmeans (force one path; auto chooses as the module says)."""
    if cluster in ("average", "ward", "spectral") and not seed_topics:
        return _fit_ward(texts, embeddings, backend, min_topic_size=min_topic_size, seed=seed,
                         nr_topics=nr_topics, profile=profile, linkage=cluster)
    with warnings.catch_warnings():
        # UMAP warns that a random_state means one thread: that is the point of the seed
        warnings.filterwarnings("ignore", message=".*overridden to 1 by setting random_state")
        return _fit(texts, embeddings, backend, min_topic_size=min_topic_size, seed=seed,
                    seed_topics=seed_topics, nr_topics=nr_topics, outliers=outliers)


def _fit(texts, embeddings, backend, *, min_topic_size, seed, seed_topics, nr_topics,
         outliers) -> Fit:
    import numpy as np
    from hdbscan import HDBSCAN
    from sklearn.cluster import KMeans

    vectors = np.asarray(embeddings, dtype=np.float32)
    notes: list[str] = []
    if outliers == "kmeans":
        model, topics, probs, method, share0 = None, [], None, "", 1.0
    else:
        cluster = HDBSCAN(min_cluster_size=int(min_topic_size),
                          min_samples=max(2, int(min_topic_size) // 2), metric="euclidean",
                          cluster_selection_method="leaf", prediction_data=True)
        model = _bertopic(backend, texts, cluster=cluster, seed=seed, seed_topics=seed_topics,
                          nr_topics=nr_topics)
        # guided modelling nudges the embeddings in place: give it a copy
        topics, probs = model.fit_transform(texts, vectors.copy())
        share0 = sum(t == -1 for t in topics) / len(topics)
        method = "UMAP + HDBSCAN"
    found = len({t for t in topics if t >= 0})
    if outliers == "kmeans" or (outliers == "auto" and (share0 > FALLBACK_ABOVE or found < 2)):
        k = nr_topics or max(2, min(20, round(len(texts) / (2 * int(min_topic_size)))))
        if outliers != "kmeans":
            notes.append(f"HDBSCAN left {share0:.0%} of the texts as outliers in {found} "
                         f"topic(s); fell back to k-means with k={k}")
        model = _bertopic(backend, texts, cluster=KMeans(n_clusters=k, random_state=seed,
                                                         n_init=10),
                          seed=seed, seed_topics=seed_topics, nr_topics=None)
        topics, probs = model.fit_transform(texts, vectors.copy())
        method = f"UMAP + k-means (k={k})"
    elif share0 > 0 and (outliers == "reduce" or (outliers == "auto" and
                                                   share0 > REDUCE_ABOVE)):
        # BERTopic warns about custom topic lists meant for interactive use; the run
        # reports what happened in ``notes`` instead.
        logging.getLogger("BERTopic").setLevel(logging.ERROR)
        assert model is not None  # HDBSCAN's model: only k-means runs start without one
        before = [int(t) for t in topics]
        topics = model.reduce_outliers(texts, topics, strategy="embeddings",
                                       embeddings=vectors)
        model.update_topics(texts, topics=topics, vectorizer_model=_vectorizer(texts),
                            representation_model=model.representation_model,
                            top_n_words=TOP_WORDS)
        topics = list(model.topics_)
        probs = None
        method += " + reduce_outliers(embeddings)"
    else:
        before = None
    topics = [int(t) for t in topics]
    keywords, ctfidf = _bertopic_words(model, topics)
    fitted = _describe(keywords, ctfidf, vectors, topics, probs, method, share0, notes)
    if before is not None:
        fitted.reassigned = [b == -1 and t != -1 for b, t in zip(before, topics)]
    return fitted


def _fit_ward(texts, embeddings, backend, *, min_topic_size, seed, nr_topics, profile,
              linkage: str = "ward") -> Fit:
    import numpy as np

    from thematic.topics import represent
    from thematic.topics.cluster import CLUSTERERS, Ward, features

    vectors = np.asarray(embeddings, dtype=np.float32)
    joined = features(vectors, profile)
    # average linkage chains embeddings alone into one cluster: without code profiles, Ward
    clusterer = (Ward() if profile is None and linkage == "average"
                 else CLUSTERERS[linkage]())
    found = clusterer.cluster(joined, min_size=int(min_topic_size), seed=seed, k=nr_topics)
    # The topics are fixed, so BERTopic would only describe them: topics.represent does
    # that without importing it (and with it torch and UMAP), in a fraction of the time.
    vectorizer = _vectorizer(texts)
    try:
        vectorizer.fit(texts)        # a fixed vocabulary stays as it is
    except ValueError:               # no word at all: no keywords either
        pass
    words = (represent.describe(texts, list(found.labels), vectors, vectorizer, backend.encode)
             if hasattr(vectorizer, "vocabulary_") else represent.Words({}, {}))
    method = found.method + (" on embeddings + code profiles" if profile is not None
                             else " on embeddings")
    fitted = _describe(words.keywords, words.ctfidf, vectors, list(found.labels), None,
                       method, None, [])
    fitted.stability = found.stability
    return fitted


def _bertopic_words(model, topics) -> tuple[dict, dict]:
    """A fitted BERTopic's keywords and c-TF-IDF top words per topic."""
    import numpy as np

    keywords, ctfidf = {}, {}
    words = model.vectorizer_model.get_feature_names_out()
    offset = model._outliers  # c_tf_idf_ rows start at the outlier topic when there is one
    for topic in sorted(set(topics)):
        keywords[topic] = [(str(w), float(s)) for w, s in (model.get_topic(topic) or [])
                           if str(w)]
        row = model.c_tf_idf_[topic + offset].toarray().ravel()
        best = [i for i in np.argsort(-row, kind="stable")[:TOP_WORDS] if row[i] > 0]
        ctfidf[topic] = [(str(words[i]), float(row[i])) for i in best]
    return keywords, ctfidf


def _describe(keywords, ctfidf, vectors, topics, probs, method, share0, notes) -> Fit:
    import numpy as np

    representative, centroids = {}, {}
    for topic in sorted(set(topics)):
        keywords.setdefault(topic, [])
        ctfidf.setdefault(topic, [])
        index = [i for i, t in enumerate(topics) if t == topic]
        centre = vectors[index].mean(axis=0)
        norm = float(np.linalg.norm(centre)) or 1.0
        centre = centre / norm
        # rounded, so that last-bit differences between BLAS kernels cannot reorder ties
        closeness = np.round(vectors[index].astype(np.float64) @ centre, 5)
        order = np.argsort(-closeness, kind="stable")[:REPRESENTATIVE]
        representative[topic] = [index[i] for i in order]
        centroids[topic] = [round(float(x), 6) for x in centre]
    if probs is None or np.ndim(probs) != 1:
        probabilities: list[float | None] = [None] * len(topics)
    else:
        probabilities = [round(float(p), 6) for p in probs]
    share = sum(t == -1 for t in topics) / len(topics)
    return Fit(topics=topics, probabilities=probabilities, keywords=keywords, ctfidf=ctfidf,
               representative=representative, centroids=centroids, method=method,
               hdbscan_outlier_share=None if share0 is None else round(share0, 4),
               outlier_share=round(share, 4), notes=notes)


def layout(centroids: dict[int, list[float]], seed: int = 0) -> dict[int, tuple[float, float]]:
    """2-D positions of topics whose distances follow the cosine distances of their
    centroids (metric MDS), for the intertopic distance map."""
    import numpy as np

    ids = sorted(t for t in centroids if t >= 0)
    if len(ids) < 2:
        return {t: (0.0, 0.0) for t in ids}
    matrix = np.array([centroids[t] for t in ids], dtype=np.float64)
    distance = np.clip(1.0 - matrix @ matrix.T, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    if len(ids) == 2:
        d = float(distance[0, 1]) / 2
        return {ids[0]: (-d, 0.0), ids[1]: (d, 0.0)}
    from sklearn.manifold import MDS

    try:
        mds = MDS(n_components=2, metric="precomputed", random_state=seed, n_init=4,
                  init="random")
    except TypeError:  # scikit-learn < 1.8 names it dissimilarity
        mds = MDS(n_components=2, dissimilarity="precomputed", random_state=seed, n_init=4)
    points = mds.fit_transform((distance + distance.T) / 2)
    return {t: (round(float(x), 5), round(float(y), 5)) for t, (x, y) in zip(ids, points)}
