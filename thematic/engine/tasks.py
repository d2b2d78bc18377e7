"""What runs on a Dask worker: plain functions of plain data, and the worker plugins that
put the coding rules on every worker and load an embedding model once per worker process
(a worker that replaces a dead one runs them too). The spaCy pipeline and matchers are
built once per worker process, by its first coding task.

A partition travels as its texts alone, pickled once into bytes; its proposals come back
packed in columns of machine integers (position in the partition, which (code, rule) pair,
start, end), a few hundred bytes per thousand proposals instead of a pickled object per
proposal: the coordinator, which shares the cores with the workers on one machine, then
does little more than look the excerpt ids up.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from distributed.diagnostics.plugin import WorkerPlugin
else:
    try:  # a worker always has distributed; this module is imported only on the engine path
        from distributed.diagnostics.plugin import WorkerPlugin
    except ImportError:  # pragma: no cover - thematic.engine.cluster reports E561 first
        WorkerPlugin = object

_BACKENDS: dict[str, object] = {}
_CODERS: dict[str, tuple] = {}   # token → (rules, model), set by CoderPlugin


class CoderPlugin(WorkerPlugin):
    """Keeps the rules on every worker (one that replaces a dead one too) under ``token``,
    so that tasks name them instead of carrying them. The coder is compiled by the
    worker's first task (``coder_for`` caches it for the process), in the task thread:
    not here, in the worker's event loop, where importing spaCy would block the worker
    and could run beside ``warm`` importing it too (a half-initialised module)."""

    def __init__(self, rules, model: str | None = None, token: str = "") -> None:
        self.rules = rules
        self.model = model
        self.token = token

    def setup(self, worker) -> None:
        _CODERS[self.token] = (self.rules, self.model)

    def teardown(self, worker) -> None:
        _CODERS.pop(self.token, None)


class EmbedderPlugin(WorkerPlugin):
    """Loads a named or on-disk embedding model once per worker."""

    def __init__(self, spec: str) -> None:
        self.spec = spec

    def setup(self, worker) -> None:
        named_backend(self.spec)


def warm() -> None:
    """Import what coding needs (a worker's first partition would otherwise wait for it)."""
    import spacy

    import thematic.coding.auto  # noqa: F401

    spacy.blank("en")


def named_backend(spec: str):
    backend = _BACKENDS.get(spec)
    if backend is None:
        from thematic.embeddings import get_backend

        backend = _BACKENDS[spec] = get_backend(spec)
    return backend


# A packed partition: positions, (code, origin) pair numbers, starts, ends (array bytes,
# -1 for a missing offset), the pairs, and the negated and excluded counts.
Packed = tuple[bytes, bytes, bytes, bytes, tuple[tuple[str, str], ...], int, int]


def code_partition(texts: bytes | Sequence[str], rules, model: str | None = None) -> Packed:
    """``code_batch`` on one partition's texts (a list, or it pickled), packed: see
    ``unpack``. ``rules`` is a ``RuleSet`` or the token a ``CoderPlugin`` set up."""
    from thematic.coding.auto import code_batch

    seq: Sequence[str] = pickle.loads(texts) if isinstance(texts, bytes) else texts
    if isinstance(rules, str):
        rules, model = _CODERS[rules]
    # The excerpt id given to code_batch is the text's position (code_batch only carries
    # ids through): the coordinator has the real ids.
    result = code_batch(cast("list[tuple[str, str]]", list(enumerate(seq))), rules,
                        model=model)
    pairs: dict[tuple[str, str], int] = {}
    where, kind, start, end = array("I"), array("I"), array("i"), array("i")
    for p in result.proposals:
        where.append(cast(int, p.excerpt_id))
        kind.append(pairs.setdefault((p.code, p.origin), len(pairs)))
        start.append(-1 if p.start is None else p.start)
        end.append(-1 if p.end is None else p.end)
    return (where.tobytes(), kind.tobytes(), start.tobytes(), end.tobytes(), tuple(pairs),
            result.negated, result.excluded)


def unpack(packed: Packed, ids: Sequence[str]) -> tuple[list, int, int]:
    """(proposals, negated, excluded) of a packed partition whose excerpt ids are ``ids``,
    in the order ``code_batch`` gave them."""
    from thematic.coding.auto import Proposal

    where, kind, start, end, pairs, negated, excluded = packed
    columns = []
    for code, raw in (("I", where), ("I", kind), ("i", start), ("i", end)):
        column = array(code)
        column.frombytes(raw)
        columns.append(column.tolist())
    codes = [c for c, _ in pairs]
    origins = [o for _, o in pairs]
    proposals = list(map(Proposal, [ids[i] for i in columns[0]],
                         [codes[k] for k in columns[1]],
                         [None if s < 0 else s for s in columns[2]],
                         [None if e < 0 else e for e in columns[3]],
                         [origins[k] for k in columns[1]]))
    return proposals, negated, excluded


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
