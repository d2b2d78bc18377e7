"""The deterministic clusterer (topics.cluster) and candidate labels (topics.labels) on
hand-made data: no model is loaded."""

from __future__ import annotations

import numpy as np
import pytest

from thematic.topics import labels
from thematic.topics.cluster import Average, Spectral, Ward, code_profile, features
from thematic.topics.model import ngrams, stop_words


def blobs(k: int = 5, size: int = 10, dim: int = 8, seed: int = 0) -> tuple[np.ndarray, list]:
    rng = np.random.RandomState(seed)
    centres = np.eye(dim)[:k] * 10
    points = np.vstack([c + rng.normal(scale=0.3, size=(size, dim)) for c in centres])
    return points, [i for i in range(k) for _ in range(size)]


def test_ward_finds_separated_groups_and_numbers_them_by_size():
    points, truth = blobs()
    found = Ward().cluster(features(points), min_size=5, seed=0)
    assert found.k == 5
    # same partition as the truth, relabelled
    pairs = set(zip(truth, found.labels))
    assert len(pairs) == 5 and len({b for _, b in pairs}) == 5
    assert found.stability[5] == 1.0
    assert set(found.stability) == {3, 4, 5}     # k from 3 to n / (2 × min_size)


def test_ward_ignores_noise_below_the_rounding():
    points, _ = blobs(seed=1)
    noisy = points + np.random.RandomState(7).normal(scale=1e-9, size=points.shape)
    first = Ward().cluster(features(points), min_size=5, seed=3)
    assert first.k == 5
    assert Ward().cluster(features(noisy), min_size=5, seed=3).labels == first.labels


def test_ward_with_a_fixed_k():
    points, _ = blobs()
    found = Ward().cluster(features(points), min_size=6, k=2)
    assert found.k == 2 and sorted(set(found.labels)) == [0, 1]
    assert found.labels.count(0) >= found.labels.count(1)     # largest first


def unequal() -> tuple[np.ndarray, list]:
    """Four groups of 30, 12, 8 and 6 points."""
    rng = np.random.RandomState(2)
    sizes = (30, 12, 8, 6)
    centres = np.eye(8)[:len(sizes)] * 10
    points = np.vstack([c + rng.normal(scale=0.3, size=(n, 8)) for c, n in zip(centres, sizes)])
    return points, [i for i, n in enumerate(sizes) for _ in range(n)]


def test_average_linkage_finds_groups_of_unequal_size():
    points, truth = unequal()
    found = Average().cluster(features(points), min_size=5, seed=0)
    assert found.k == 4 and found.method.startswith("Average linkage (cosine) (k=4")
    # the truth, numbered by size: the 30 first, the 6 last
    assert found.labels == truth
    noisy = points + np.random.RandomState(7).normal(scale=1e-9, size=points.shape)
    assert Average().cluster(features(noisy), min_size=5, seed=0).labels == found.labels


def test_spectral_finds_groups_of_unequal_size():
    points, truth = unequal()
    assert Spectral().cluster(features(points), min_size=5, seed=0, k=4).labels == truth


def test_spectral_finds_separated_groups_and_ignores_noise_and_order():
    points, truth = blobs(k=4, size=15)
    found = Spectral().cluster(features(points), min_size=5, seed=0)
    assert found.k == 4 and found.method.startswith("Ward on a spectral embedding (k=4")
    assert len(set(zip(truth, found.labels))) == 4
    noisy = points + np.random.RandomState(7).normal(scale=1e-9, size=points.shape)
    assert Spectral().cluster(features(noisy), min_size=5, seed=0).labels == found.labels
    # rows in another order: the same groups (an eigenvector's sign may flip; no matter)
    order = np.random.RandomState(3).permutation(len(points))
    shuffled = Spectral().cluster(features(points[order]), min_size=5, seed=0, k=4)
    assert len(set(zip(np.array(found.labels)[order], shuffled.labels))) == 4


def test_code_profile_rolls_codes_up_to_their_ancestors():
    parents = {"youth": "population", "perinatal": "population", "population": None,
               "hope": "recovery"}
    profile = code_profile([["youth"], ["perinatal"], ["hope"], []], parents)
    # columns: hope, perinatal, population, recovery, youth (sorted)
    expected = np.array([[0, 0, 1, 0, 1], [0, 1, 1, 0, 0], [1, 0, 0, 1, 0], [0, 0, 0, 0, 0]])
    norms = np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(profile, expected / np.where(norms == 0, 1, norms))
    # siblings share their parent: youth and perinatal are closer than youth and hope
    assert profile[0] @ profile[1] == pytest.approx(0.5) and profile[0] @ profile[2] == 0


def test_features_join_and_round():
    joined = features(np.array([[3.0, 4.0]]), np.array([[1.0, 0.0]]), weight=2.0)
    assert joined.tolist() == [[0.6, 0.8, 2.0, 0.0]]
    assert features(np.array([[1 / 3, 0.0]])).tolist() == [[1.0, 0.0]]


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("Several respondents did not answer the question.", {"did not answer", "not answer",
                                                          "answer", "respondents"},
     {"did answer", "did"}),
    ("There was no improvement in symptoms.", {"no improvement", "improvement", "symptoms"},
     {"improvement in"}),
    ("Peer-support workers", {"peer", "support", "peer support", "support workers"},
     {"peer-support"}),
])
def test_keywords_keep_negations(text, present, absent):
    grams = set(ngrams(text, stop_words()))
    assert present <= grams and not (absent & grams)


def code(cid: str, name: str, share: float | None, similarity: float | None = None) -> dict:
    return {"code": cid, "name": name, "members": 0 if not share else 1, "share": share,
            "similarity": similarity}


def test_a_negated_cluster_is_not_named_for_its_opposite():
    keywords = ["did not answer", "not answer", "answer", "question"]
    label, used = labels.suggest(keywords, [code("answered", "Did answer", 0.0, 0.9)])
    assert (label, used) == ("Did not answer", [])


def test_a_code_names_a_cluster_only_when_its_members_carry_it():
    # a definition close to the centroid ("nothing to improve") but no member coded with it:
    # the keywords speak (food, coffee bar), not the code
    keywords = ["coffee bar", "food", "lunch menu", "coffee"]
    nearest = [code("nothing", "Nothing to improve", 0.05, 0.8)]
    assert labels.suggest(keywords, nearest) == ("Coffee bar", [])
    carried = [code("food", "Food and drink", 0.7, 0.3), *nearest]
    assert labels.suggest(keywords, carried) == ("Food and drink", ["food"])
    # without any codings, a code's similarity alone never names the topic
    assert labels.suggest(keywords, [code("nothing", "Nothing to improve", None, 0.9)])[0] \
        == "Coffee bar"


def test_no_label_is_used_twice():
    nearest = [code("burnout", "Burnout", 0.8), code("supervision", "Supervision", 0.5)]
    keywords = ["emotional strain", "workload", "burnout"]
    first = labels.suggest(keywords, nearest)
    second = labels.suggest(keywords, nearest, taken={first[0]})
    third = labels.suggest(keywords, nearest, taken={first[0], second[0]})
    assert first == ("Burnout", ["burnout"])
    assert second == ("Supervision", ["supervision"])
    assert third == ("Emotional strain", [])
    every = {label for label, _ in labels.options(keywords, nearest)}
    assert labels.suggest(keywords, nearest, taken=every)[0] == "Burnout (2)"


def test_two_close_codes_join():
    nearest = [code("hope", "Hope", 0.8), code("empowerment", "Empowerment", 0.78)]
    assert labels.suggest(["hope"], nearest) == ("Hope and empowerment",
                                                 ["hope", "empowerment"])


def test_an_uncoded_excerpt_borrows_its_neighbours_profile():
    rng = np.random.RandomState(0)
    near_a = np.array([1.0, 0.0]) + rng.normal(scale=0.05, size=(6, 2))
    near_b = np.array([0.0, 1.0]) + rng.normal(scale=0.05, size=(6, 2))
    embeddings = np.vstack([near_a, near_b])
    profile = np.zeros((12, 2))
    profile[:5, 0] = 1.0      # five excerpts near A coded A, five near B coded B,
    profile[6:11, 1] = 1.0    # and one of each left uncoded (rows 5 and 11)
    joined = features(embeddings, profile)
    # an uncoded excerpt takes the profile of the coded excerpts that say what it says,
    # not a zero profile that would group every uncoded excerpt together
    assert joined[5, 2:].tolist() == [1.0, 0.0]
    assert joined[11, 2:].tolist() == [0.0, 1.0]
