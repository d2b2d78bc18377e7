"""What runs on a Dask worker: plain functions of plain data, and the worker plugin that
builds the expensive objects (the spaCy pipeline and matchers, an embedding model) once per
worker process, before its first task; a worker that replaces a dead one runs it too.

The results travel back as tuples rather than dataclasses: a partition of 5,000 excerpts
gives ~8,000 proposals, and tuples pickle several times faster.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from distributed.diagnostics.plugin import WorkerPlugin
else:
    try:  # a worker always has distributed; this module is imported only on the engine path
        from distributed.diagnostics.plugin import WorkerPlugin
    except ImportError:  # pragma: no cover - thematic.engine.cluster reports E561 first
        WorkerPlugin = object

_BACKENDS: dict[str, object] = {}


class CoderPlugin(WorkerPlugin):
    """Compiles the rules (``coder_for`` caches the coder for the process)."""

    def __init__(self, rules, model: str | None = None) -> None:
        self.rules = rules
        self.model = model

    def setup(self, worker) -> None:
        from thematic.coding.rules import coder_for

        coder_for(self.rules, self.model)


class EmbedderPlugin(WorkerPlugin):
    """Loads a named or on-disk embedding model once per worker."""

    def __init__(self, spec: str) -> None:
        self.spec = spec

    def setup(self, worker) -> None:
        named_backend(self.spec)


def named_backend(spec: str):
    backend = _BACKENDS.get(spec)
    if backend is None:
        from thematic.embeddings import get_backend

        backend = _BACKENDS[spec] = get_backend(spec)
    return backend


def code_partition(items: Sequence[tuple[str, str]] | bytes, rules, model: str | None = None
                   ) -> tuple[list[tuple], int, int, int]:
    """``code_batch`` on one partition (its (id, text) pairs, or them pickled): (proposal
    tuples, excerpts, negated, excluded)."""
    from thematic.coding.auto import code_batch

    pairs = pickle.loads(items) if isinstance(items, bytes) else items
    result = code_batch(pairs, rules, model=model)
    return ([(p.excerpt_id, p.code, p.start, p.end, p.origin) for p in result.proposals],
            result.excerpts, result.negated, result.excluded)


def cooccur_partition(matrix):
    from thematic.network.cooccur import counts

    return counts(matrix)


def encode_partition(texts: list[str], backend, key: str | None = None):
    """Vectors of ``texts``: ``backend`` is a fitted backend object, or the name or path
    of a model loaded once per worker; ``key`` the cache key the vectors are stored under,
    which this worker's backend must give too (the same model on the same kernels)."""
    if isinstance(backend, str):
        backend = named_backend(backend)
    mine = getattr(backend, "key", None)
    if key is not None and mine is not None and mine != key:
        raise RuntimeError(f"this worker embeds as {mine!r}, not {key!r}: start the workers "
                           "with the same thematic and torch settings as the coordinator")
    return backend.encode(list(texts))
