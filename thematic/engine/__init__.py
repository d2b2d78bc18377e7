"""Where the batch work of a command runs: in this process (``local``, the default) or on a
Dask cluster (``dask``: a LocalCluster of worker processes, or any ``tcp://`` scheduler).

An engine does three batch jobs whose results combine by concatenation or summation, so
splitting the input into partitions cannot change them:

- ``code(items, rules)``: the rules coder over (excerpt id, text) pairs → ``BatchResult``;
- ``cooccur(matrix)``: ``AᵀA`` of an incidence matrix → ``cooccur.Counts``;
- ``encoder(backend)``: an embedding backend whose ``encode_many`` encodes on the engine.

Reading the store and writing the results (in one transaction) stay with the caller, on
this process; workers never open the project. ``thematic.coding``, ``thematic.network`` and
``thematic.topics`` take an engine as an optional argument and never import this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from thematic.errors import ThematicError, nearest

if TYPE_CHECKING:
    from thematic.engine.cluster import DaskEngine
    from thematic.engine.local import LocalEngine

ENGINES = ("local", "dask")
CONNECT_TIMEOUT = 10.0   # seconds to reach a scheduler before giving up (E560)


def open_engine(name: str = "local", *, scheduler: str | None = None,
                workers: int | None = None, timeout: float | None = None,
                warm: bool = False) -> LocalEngine | DaskEngine:
    """A started engine (use it as a context manager so a cluster it started is closed).

    ``scheduler``: the address of a running Dask scheduler (``tcp://HOST:PORT``); without
    it ``dask`` starts a LocalCluster of ``workers`` processes (default: one per core),
    listening on loopback only. ``timeout``: seconds allowed to reach the scheduler
    (default ``CONNECT_TIMEOUT``). ``warm``: start the workers loading the auto-coder
    at once, for a caller that has work of its own (reading the store) before coding.
    """
    if name not in ENGINES:
        raise ThematicError("E562", value=name, choices=", ".join(ENGINES),
                            suggest=nearest(name, ENGINES))
    if name == "local":
        if scheduler is not None or workers is not None:
            raise ThematicError("E563", option="--scheduler" if scheduler else "--workers")
        from thematic.engine.local import LocalEngine

        return LocalEngine()
    from thematic.engine.cluster import DaskEngine

    return DaskEngine(scheduler=scheduler, workers=workers,
                      timeout=CONNECT_TIMEOUT if timeout is None else timeout, warm=warm)
