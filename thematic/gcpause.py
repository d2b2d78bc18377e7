"""Pause the cyclic garbage collector around a bulk pass.

Rendering or auditing a report of 100k excerpts builds millions of small dicts, tuples and
objects that are all alive until the pass ends. Each allocation burst makes the collector
walk every tracked object again (≈10% of `thematic audit`'s CPU at 100k excerpts), and it
can free nothing: these objects form no cycles. Reference counting still frees everything
as usual; cycles made meanwhile wait for the next collection after the pass.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block (nested blocks leave it to the outermost)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
