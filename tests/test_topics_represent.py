"""topics.represent: c-TF-IDF and KeyBERT-style keywords of fixed topics, without BERTopic,
on hand-made topics whose figures follow from the published formula."""

from __future__ import annotations

import math

import numpy as np
import pytest

from thematic.topics import represent

TEXTS = ["apple banana", "apple cherry", "dog cat", "dog bird"]
TOPICS = [0, 0, 1, 1]


def vectorizer():
    # imported here, not at the top: collecting this file on every xdist worker would
    # otherwise cost each of them scikit-learn's 2 s import
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(vocabulary=sorted({w for t in TEXTS for w in t.split()}))


def test_ctfidf_is_the_class_based_formula():
    # Grootendorst (2022): W(x, c) = tf(x, c) × log(1 + A / f(x)), tf L1-normalised per
    # class, A the mean word count per class (4 here), f(x) the count of x in all classes.
    ids, matrix, _ = represent.ctfidf(vectorizer(), TEXTS, TOPICS)
    words = list(vectorizer().get_feature_names_out())
    row = dict(zip(words, matrix[0].toarray().ravel()))
    assert ids == [0, 1]
    assert row["apple"] == pytest.approx(0.5 * math.log(1 + 4 / 2), rel=1e-8)
    assert row["banana"] == pytest.approx(0.25 * math.log(1 + 4 / 1), rel=1e-8)
    assert row["dog"] == 0.0
    # equal scores are ordered by the vocabulary (banana before cherry), on every CPU
    assert row["banana"] > row["cherry"] and row["banana"] - row["cherry"] < 1e-9


def test_keywords_are_the_candidate_words_nearest_the_topic():
    space = {"apple": [1, 0, 0], "banana": [0.9, 0.1, 0], "cherry": [0.2, 1, 0],
             "dog": [0, 0, 1], "cat": [0, 0.3, 1], "bird": [0, 1, 0.2]}

    def encode(words):
        return np.array([space[w] for w in words], dtype=np.float32)

    vectors = np.array([[1, 0, 0], [1, 0, 0], [0, 0, 1], [0, 0, 1]], dtype=np.float32)
    words = represent.describe(TEXTS, TOPICS, vectors, vectorizer(), encode)
    assert [w for w, _ in words.keywords[0]] == ["apple", "banana", "cherry"]
    assert [w for w, _ in words.keywords[1]] == ["dog", "cat", "bird"]
    assert words.keywords[0][0][1] == pytest.approx(1.0)
    assert [w for w, _ in words.ctfidf[0]] == ["apple", "banana", "cherry"]


@pytest.mark.slow
def test_same_words_as_bertopic_on_the_bundled_findings():
    """The re-done representation gives BERTopic's own keywords and c-TF-IDF words (the
    fixed topics handed to BERTopic in its manual mode, as the ward path did before)."""
    import csv
    import logging
    from pathlib import Path

    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.representation import KeyBERTInspired

    from thematic.embeddings import TfidfBackend
    from thematic.topics import model
    from thematic.topics.cluster import Ward, features

    path = Path(__file__).resolve().parent.parent / "corpus" / "peer-support" / "findings.csv"
    with path.open(encoding="utf-8") as handle:
        texts = [r["finding"] for r in csv.DictReader(handle)]
    backend = TfidfBackend().fit(texts)
    vectors = backend.encode(texts)
    labels = Ward().cluster(features(vectors), min_size=8, k=9).labels
    fitted = model._bertopic(backend, texts, cluster=BaseCluster(), seed=0, seed_topics=None,
                             nr_topics=None, reduce=BaseDimensionalityReduction())
    logging.getLogger("BERTopic").setLevel(logging.ERROR)
    fitted.fit_transform(texts, vectors.copy(), y=np.asarray(labels))
    fitted.update_topics(texts, topics=list(labels), top_n_words=10,
                         vectorizer_model=model._vectorizer(texts), ctfidf_model=model._ctfidf(),
                         representation_model=KeyBERTInspired(top_n_words=10, random_state=0))
    keywords, ctfidf = model._bertopic_words(fitted, labels)
    counter = model._vectorizer(texts).fit(texts)
    ours = represent.describe(texts, labels, vectors, counter, backend.encode)
    for topic in sorted(keywords):
        assert [w for w, _ in ours.keywords[topic]] == [w for w, _ in keywords[topic]]
        assert [w for w, _ in ours.ctfidf[topic]] == [w for w, _ in ctfidf[topic]]
        assert [s for _, s in ours.ctfidf[topic]] == pytest.approx([s for _, s in ctfidf[topic]])
