"""The agreement statistics, one module each; importing a module registers its statistic
(see :mod:`thematic.agreement.registry`, which imports them all on first use).

To add a statistic, add a module here that calls ``register(Statistic(...))`` with a
``compute`` over a :class:`~thematic.agreement.binary.BinaryTally`, and a test against a
published value. The five classic statistics share one vectorised pass with bootstrap
intervals (:func:`thematic.agreement.binary.binary_agreement`); :func:`shared` reads a
figure from it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from thematic.agreement.binary import BinaryTally
    from thematic.agreement.results import Result


def shared(key: str) -> Callable[[BinaryTally], Sequence[Result]]:
    """``compute`` of a statistic of the shared pass: the field ``key`` of each code."""
    def compute(tally: BinaryTally) -> list[Result]:
        from thematic.agreement.binary import binary_agreement

        return [getattr(code, key) for code in binary_agreement(tally, n_boot=0)]

    return compute
