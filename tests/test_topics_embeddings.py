"""Embedding backends (TF-IDF, local model folders, the packaged MiniLM) and the cache."""

from __future__ import annotations

import numpy as np
import pytest

from thematic import embeddings as emb
from thematic.errors import ThematicError

TEXTS = ["Peer workers were unclear about their role.",
         "Participants gained hope that recovery was possible.",
         "An online forum delivered digital peer support.",
         "Staff described confusion over the peer role."]


def test_tfidf_is_deterministic_and_unit_length():
    a = emb.get_backend("tfidf").fit(TEXTS)
    b = emb.get_backend("TF-IDF").fit(list(reversed(TEXTS)) + TEXTS)
    assert a.name == b.name and a.name.startswith("tfidf-svd100:")
    va, vb = a.encode(TEXTS), b.encode(TEXTS)
    assert va.dtype == np.float32 and va.shape == (4, 3)
    np.testing.assert_allclose(np.linalg.norm(va, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(va, vb)
    # the two role sentences are nearer each other than to the others
    sims = va @ va.T
    assert sims[0, 3] == max(sims[0, 1], sims[0, 2], sims[0, 3])


def test_tfidf_fits_on_first_encode():
    backend = emb.TfidfBackend()
    assert backend.name == "tfidf-svd100:unfitted"
    backend.encode(TEXTS)
    assert backend.name != "tfidf-svd100:unfitted"


def test_unknown_backend_names_the_choices(tmp_path):
    with pytest.raises(ThematicError) as err:
        emb.get_backend("minlm")
    assert err.value.code == "E272"
    assert err.value.message == ("Unknown embedding backend 'minlm': neither a backend name "
                                 "(minilm, tfidf) nor an existing folder. Did you mean "
                                 "'minilm'?")


@pytest.mark.parametrize("layout, why", [
    ({}, "no config.json in it"),
    ({"config.json": "{}"}, "no weights (model.safetensors or pytorch_model.bin)"),
])
def test_folder_that_is_not_a_model(tmp_path, layout, why):
    for name, text in layout.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(ThematicError) as err:
        emb.get_backend(tmp_path)
    assert (err.value.code, err.value.fields["why"]) == ("E271", why)


def test_file_is_not_a_model(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"x")
    with pytest.raises(ThematicError) as err:
        emb.get_backend(path)
    assert err.value.fields["why"] == "it is a file, not a folder"


class Counting:
    name = key = "counting-test"
    portable = True

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_cache_makes_reruns_free(store):
    backend = Counting()
    first = emb.embed(store, backend, TEXTS + TEXTS[:1])
    assert sorted(backend.seen) == sorted(TEXTS)       # duplicates are encoded once
    again = emb.embed(store, backend, TEXTS)
    assert len(backend.seen) == 4                        # nothing new was encoded
    np.testing.assert_array_equal(first[:4], again)
    rows = store.query("SELECT model, dim FROM embeddings")
    assert [tuple(r) for r in rows] == [("counting-test", 2)] * 4


@pytest.mark.slow
def test_packaged_minilm_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    backend = emb.get_backend("minilm")
    # the packaged weights are byte-identical to the upstream model's
    assert backend.faithful_minilm and backend.name == emb.MINILM_ID
    vectors = backend.encode(["This is an example sentence", "Each sentence is converted"])
    assert vectors.shape == (2, 384)
    # the first values the sentence-transformers model card prints for this sentence
    np.testing.assert_allclose(vectors[0, :5], [0.0677, 0.0635, 0.0487, 0.0793, 0.0374],
                               atol=5e-4)
