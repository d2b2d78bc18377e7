"""The default engine: everything in this process, exactly as without an engine."""

from __future__ import annotations

from collections.abc import Callable, Sequence


class LocalEngine:
    name = "local"
    workers = 1
    address = None
    dashboard = None

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    def code(self, items: Sequence[tuple[str, str]], rules, *, model: str | None = None,
             progress: Callable[[int], None] | None = None):
        from thematic.coding.auto import BATCH, BatchResult, code_batch

        total = BatchResult()
        for lo in range(0, len(items), BATCH):
            total = total.merge(code_batch(items[lo:lo + BATCH], rules, model=model))
            if progress is not None:
                progress(len(items[lo:lo + BATCH]))
        return total

    def cooccur(self, matrix):
        from thematic.network.cooccur import counts

        return counts(matrix)

    def encoder(self, backend):
        return backend
