"""What a topic model is, and the registry that finds one by name.

A :class:`TopicModel` has a ``name`` (the ``--cluster`` choice of ``thematic topics``) and
``fit(texts, embeddings, backend, ...)`` returning a :class:`~thematic.topics.model.Fit`:
a topic per text (-1 an outlier), keywords, representative texts and centroids. The four
built-in models, ``ward`` (deterministic Ward clustering joined with code profiles),
``average`` (the same with average linkage), ``spectral`` (Ward on a spectral embedding of
the same) and ``hdbscan`` (BERTopic's UMAP +
HDBSCAN), are all ``topics.model.fit``.

A new model is one module that calls :func:`register` (and its test); an installed package
can also offer one through the entry-point group ``thematic.topic_models`` (an object, or a
callable returning one). Pure Python: importing this module loads neither numpy nor
BERTopic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from thematic.plugins import Registry

if TYPE_CHECKING:
    from thematic.embeddings import EmbeddingBackend
    from thematic.topics.model import Fit

__all__ = ["ENTRY_POINTS", "MODELS", "TopicModel", "get", "names", "register", "unregister"]

ENTRY_POINTS = "thematic.topic_models"


@runtime_checkable
class TopicModel(Protocol):
    """Topics for texts from their embeddings (rows of ``embeddings``, unit length).
    ``backend`` encodes any further text the model needs (keywords); ``profile`` is each
    text's code profile (see ``topics.cluster``) or None; ``seed_topics`` the seed words of
    guided modelling; ``outliers`` how HDBSCAN outliers are handled."""

    @property
    def name(self) -> str: ...

    def fit(self, texts: list[str], embeddings: Any, backend: EmbeddingBackend, *,
            min_topic_size: int, seed: int = 0, seed_topics: list[list[str]] | None = None,
            nr_topics: int | None = None, outliers: str = "auto",
            profile: Any = None) -> Fit: ...


@dataclass(frozen=True)
class _Builtin:
    """``topics.model.fit`` with its ``cluster`` fixed."""

    name: str

    def fit(self, texts: list[str], embeddings: Any, backend: EmbeddingBackend, *,
            min_topic_size: int, seed: int = 0, seed_topics: list[list[str]] | None = None,
            nr_topics: int | None = None, outliers: str = "auto",
            profile: Any = None) -> Fit:
        from thematic.topics import model

        return model.fit(texts, embeddings, backend, min_topic_size=min_topic_size,
                         seed=seed, seed_topics=seed_topics, nr_topics=nr_topics,
                         outliers=outliers, profile=profile, cluster=self.name)


def _adopt(name: str, found: Any) -> None:
    """An entry point's object: a model, or a callable returning one."""
    register(found() if callable(found) and not isinstance(found, TopicModel) else found)


MODELS: Registry[TopicModel] = Registry("topic model", entry_points=ENTRY_POINTS,
                                        adopt=_adopt)
for _name in ("ward", "average", "spectral", "hdbscan"):
    MODELS.register(_name, _Builtin(_name))


def register(model: TopicModel) -> TopicModel:
    """Add (or replace) a topic model under ``model.name``; returns it."""
    return MODELS.register(model.name, model)


def unregister(name: str) -> None:
    MODELS.unregister(name)


def names() -> tuple[str, ...]:
    """The registered models, built-ins first (the ``--cluster`` choices)."""
    return MODELS.names()


def get(name: str) -> TopicModel:
    return MODELS.get(name)
