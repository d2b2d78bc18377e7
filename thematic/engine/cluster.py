"""The Dask engine: partitions go to the workers of a LocalCluster or a remote scheduler.

Partitions are submitted a few at a time (twice the workers, plus two) and each result is
fetched and released as soon as it is done, so neither the workers nor the scheduler hold
more than a window of the corpus at once: worker memory does not grow with the corpus.
Results are put back in partition order, so they equal a single-process run's exactly.

A worker that dies mid-task is replaced (LocalCluster's nanny) and its task rerun
elsewhere by Dask; a task that keeps killing workers ends the run with E564, having
written nothing.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import pickle
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from thematic.errors import ThematicError

PARTITION = 5000        # excerpts in one task at most
MIN_PARTITION = 250     # fewer is not worth a task's overhead
EMBED_PARTITION = 512   # texts in one embedding task at most
LOOPBACK = "127.0.0.1"
# A local cluster's housekeeping runs in the same few cores as the work. Each process's
# event loop checks every 20 ms that it is not blocked (the "tick"): once a second is
# enough, and cuts the idle cluster's CPU use five-fold (0.07 → 0.015 CPU seconds per
# second, measured with 2 workers). Memory and the system are polled less often than
# Dask's defaults (10 and 2 times a second per process). The scheduler hands every
# submitted task to a worker at once (no queue on the scheduler, whose round trip would
# leave a worker idle between two partitions). The statistical profiler (every 10 ms) is
# off where no dashboard (bokeh) can show it.
LOCAL_CONFIG = {"distributed.admin.tick.interval": "1s",
                "distributed.worker.memory.monitor-interval": "1s",
                "distributed.admin.system-monitor.interval": "2s",
                "distributed.scheduler.worker-saturation": "inf"}


def partitions(n: int, workers: int, largest: int = PARTITION,
               smallest: int = MIN_PARTITION) -> list[tuple[int, int]]:
    """(start, end) ranges of about a quarter of ``n / workers`` each (so a slow worker
    is not the last to finish), between ``smallest`` and ``largest`` items."""
    size = max(1, min(largest, max(smallest, -(-n // (4 * max(1, workers))))))
    return [(lo, min(n, lo + size)) for lo in range(0, n, size)]


def _detail(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _reachable(address: str, timeout: float) -> None:
    """E566 for an address that is not HOST:PORT, E560 when nothing answers there: checked
    with a plain connection first, since a Client that fails to connect leaves a
    half-made object behind whose clean-up prints a traceback at exit."""
    import socket

    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme not in ("tcp", "tls"):
            raise ValueError(f"unknown scheme {scheme!r}; thematic connects over tcp or tls")
        host, port = parse_host_port(location)
    except (ValueError, TypeError) as exc:
        raise ThematicError("E566", address=address, detail=_detail(exc)) from None
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise ThematicError("E560", address=address, seconds=f"{timeout:g}",
                            detail=_detail(exc)) from None


def _has_bokeh() -> bool:
    return importlib.util.find_spec("bokeh") is not None


class DaskEngine:
    name = "dask"

    def __init__(self, *, scheduler: str | None = None, workers: int | None = None,
                 timeout: float = 10.0, warm: bool = False) -> None:
        if importlib.util.find_spec("distributed") is None:
            raise ThematicError("E561")
        from distributed import Client

        self.cluster = None
        if scheduler is not None:
            if workers is not None:
                raise ThematicError("E565")
            address = scheduler if "://" in scheduler else f"tcp://{scheduler}"
            _reachable(address, timeout)
            try:
                self.client = Client(address, timeout=timeout, set_as_default=False)
                self.client.wait_for_workers(1, timeout=timeout)
            except (OSError, TimeoutError) as exc:
                if getattr(self, "client", None) is not None:
                    self.client.close()
                raise ThematicError("E560", address=address, seconds=f"{timeout:g}",
                                    detail=_detail(exc)) from None
        else:
            from distributed import LocalCluster

            count = workers or os.cpu_count() or 1
            # A free port on loopback: 8787, Dask's default, may be taken by another run.
            dashboard = f"{LOOPBACK}:0"
            import dask

            with dask.config.set(LOCAL_CONFIG if _has_bokeh() else
                                 {**LOCAL_CONFIG, "distributed.worker.profile.enabled": False}):
                self.cluster = LocalCluster(n_workers=count, threads_per_worker=1,
                                            processes=True, host=LOOPBACK,
                                            dashboard_address=dashboard,
                                            silence_logs=logging.ERROR)
            self.client = Client(self.cluster, set_as_default=False)
        self.address = self.client.scheduler.address
        if warm:
            self.warm()

    def warm(self) -> None:
        """Start each worker importing spaCy and the coder now, while this process is still
        reading the store: in a fresh worker process that takes seconds, which the first
        partitions would otherwise wait for. Nothing waits for these tasks."""
        from distributed import fire_and_forget

        from thematic.engine.tasks import warm

        for address in self.client.scheduler_info(n_workers=-1).get("workers", {}):
            fire_and_forget(self.client.submit(warm, workers=[address], pure=False,
                                               key=f"thematic-warm-{uuid.uuid4().hex[:8]}"))

    # -- facts about the cluster --
    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1).get("workers", {})) or 1

    @property
    def dashboard(self) -> str | None:
        """The dashboard's address when the scheduler serves one (its pages need bokeh
        where the scheduler runs; without it there is only an empty web server)."""
        services = self.client.scheduler_info(n_workers=0).get("services", {})
        if "dashboard" not in services or not self.client.run_on_scheduler(_has_bokeh):
            return None
        return self.client.dashboard_link

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    # -- running partitions --
    def _map(self, fn, inputs: Sequence, *args, label: str,
             done: Callable[[int, object], object] | None = None,
             send: Callable[[Any], object] | None = None) -> list:
        """``fn(send(part), *args)`` for every part on the cluster, results in input order;
        ``done(i, result)``, when given, is called as each arrives and its value is kept
        instead (so a big result can be shrunk while the workers go on). ``send`` makes a
        part's payload just before it is submitted, so only a window of them exists."""
        from distributed import as_completed

        token = uuid.uuid4().hex[:8]
        window = 2 * self.workers + 2
        results: list = [None] * len(inputs)
        pending = iter(enumerate(inputs))
        index: dict[str, int] = {}

        def submit():
            for i, part in pending:
                future = self.client.submit(fn, part if send is None else send(part), *args,
                                            key=f"{label}-{token}-{i}", pure=False,
                                            retries=0)
                index[future.key] = i
                return future
            return None

        live: dict[str, object] = {}
        for _ in range(window):
            future = submit()
            if future is not None:
                live[future.key] = future
        queue = as_completed(list(live.values()), with_results=True, raise_errors=False,
                             loop=self.client.loop)
        try:
            for future, result in queue:
                i = index.pop(future.key)
                live.pop(future.key, None)
                if future.status == "error":
                    self._failed(future, label, i)
                # The next part first: the workers should not wait while this one is read.
                following = submit()
                if following is not None:
                    live[following.key] = following
                    queue.add(following)
                future.release()
                results[i] = result if done is None else done(i, result)
        except BaseException:
            # Interrupted, or a task failed: stop the rest at once, keep nothing.
            self.client.cancel(list(live.values()))
            raise
        return results

    def _failed(self, future, label: str, i: int) -> None:
        from distributed import KilledWorker

        exc = future.exception()
        if isinstance(exc, KilledWorker):
            raise ThematicError("E564", task=f"{label} partition {i + 1}",
                                detail=" ".join(str(exc).split())[:200]) from None
        raise exc

    def code(self, items: Sequence[tuple[str, str]], rules, *, model: str | None = None,
             progress: Callable[[int], None] | None = None):
        from thematic.coding.auto import BatchResult
        from thematic.engine.tasks import CoderPlugin, code_partition, unpack

        token = f"thematic-coder-{uuid.uuid4().hex[:8]}"
        self.client.register_plugin(CoderPlugin(rules, model, token), name=token)
        ranges = partitions(len(items), self.workers)

        def send(bounds: tuple[int, int]) -> bytes:
            # One opaque bytes object that Dask sends as it is, instead of walking thousands
            # of strings looking for futures; the ids stay here.
            return pickle.dumps([text for _, text in items[bounds[0]:bounds[1]]], protocol=5)

        def done(i: int, packed) -> tuple:
            lo, hi = ranges[i]
            if progress is not None:
                progress(hi - lo)
            return unpack(packed, [eid for eid, _ in items[lo:hi]])

        try:
            found = self._map(code_partition, ranges, token, label="thematic-code",
                              done=done, send=send)
        finally:
            # A long-lived remote cluster should not keep every run's rules; a failure
            # here (the run was interrupted, the cluster is gone) changes nothing.
            with contextlib.suppress(Exception):
                self.client.unregister_worker_plugin(token)
        total = BatchResult(excerpts=len(items))
        for proposals, negated, excluded in found:
            total.proposals.extend(proposals)
            total.negated += negated
            total.excluded += excluded
        return total

    def cooccur(self, matrix):
        from thematic.engine.tasks import cooccur_partition
        from thematic.network.cooccur import counts

        n = matrix.shape[0]
        if n == 0:
            return counts(matrix)
        parts = [matrix[lo:hi] for lo, hi in partitions(n, self.workers, 50_000, 5_000)]
        return sum(self._map(cooccur_partition, parts, label="thematic-cooccur"))

    def encoder(self, backend) -> ClusterEncoder:
        return ClusterEncoder(self, backend)


class ClusterEncoder:
    """An embedding backend's stand-in: the same ``name`` (so the same cache entries), and
    ``encode_many`` computing the vectors on the workers, a partition per task. A model
    loaded from disk is loaded once per worker (a plugin); a fitted backend (tf-idf) is
    sent to every worker once."""

    def __init__(self, engine: DaskEngine, backend) -> None:
        self.engine = engine
        self.backend = backend
        self.name = backend.name
        # The cache key says which kernels made the vectors; workers must use the same ones.
        self.key = getattr(backend, "key", backend.name)
        self.portable = getattr(backend, "portable", True)
        self._remote = None

    def _target(self):
        if self._remote is None:
            from thematic.engine.tasks import EmbedderPlugin

            path = getattr(self.backend, "path", None)
            if path is not None:
                self._remote = str(path)
                self.engine.client.register_plugin(EmbedderPlugin(self._remote),
                                                   name="thematic-embedder")
            else:
                self._remote = self.engine.client.scatter(self.backend, broadcast=True,
                                                          hash=False)
        return self._remote

    def encode(self, texts: list[str]):
        return self.encode_many(texts)

    def encode_many(self, texts: list[str], progress: Callable[[int], None] | None = None):
        import numpy as np

        from thematic.engine.tasks import encode_partition

        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        parts = [texts[lo:hi] for lo, hi in partitions(len(texts), self.engine.workers,
                                                       EMBED_PARTITION, 32)]

        def done(i: int, result):
            if progress is not None:
                progress(len(parts[i]))
            return result

        vectors = self.engine._map(encode_partition, parts, self._target(), self.key,
                                   label="thematic-embed", done=done)
        return np.vstack(vectors).astype(np.float32)
