"""The registry of agreement statistics: one entry drives every place a statistic shows.

A :class:`Statistic` says how to compute the figure on presence/absence decisions (a
:class:`~thematic.agreement.binary.BinaryTally`) and, optionally, on a sheet of ratings;
how to name it, interpret it and print it. ``summary.from_decisions`` builds the result
objects (and so the JSON of ``thematic agree --json``) from it, ``thematic agree`` its
table columns and footnotes, ``thematic agree ratings`` its rows, and the report its list of
pooled figures.

The statistics live one per module in :mod:`thematic.agreement.measures`; every module of
that package is imported on first use and registers its statistic with :func:`register`.
So adding a statistic is one file there (plus its test against a published value). Tests
and plugins may also call :func:`register` directly.

Pure Python: importing this module loads neither numpy nor the store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from thematic.plugins import Registry

if TYPE_CHECKING:
    from thematic.agreement.binary import BinaryTally
    from thematic.agreement.results import Result

__all__ = ["STATISTICS", "Statistic", "get", "register", "statistics", "unregister"]

#: How a figure is named for a number of coders (Cohen's kappa for two, Fleiss' for more).
Naming = str | Callable[[int], str]


@dataclass(frozen=True)
class Statistic:
    """One agreement statistic.

    ``compute(tally)`` returns one Result per code (row) of the tally; ``ratings(matrix)``
    one Result for a coders × units matrix of nominal ratings (NaN = missing), or None when
    the statistic does not apply to rating sheets. ``band`` turns a value into its
    interpretation (``band_text`` states the scale once); ``definition(m)`` is the sentence
    stored under the statistic's key in the report's ``definitions``; ``gloss(definitions)``
    the footnote ``thematic agree`` prints (on a line of its own, or joined with the other
    short glosses when ``gloss_own_line`` is False).
    """

    key: str
    label: Naming                       # name in the JSON and the report
    short: str                          # column head of `thematic agree`
    compute: Callable[[BinaryTally], Sequence[Result]]
    ratings: Callable[[Any], Result] | None = None
    band: Callable[[Any], str] | None = None
    band_text: str | None = None
    definition: Callable[[int], str] | None = None
    gloss: Callable[[Mapping[str, str]], str] | None = None
    gloss_own_line: bool = True
    column: Naming | None = None        # column head when it differs from ``short``
    percent: bool = False               # printed as a percentage
    interval: bool = False              # bootstrap interval (the shared pass in binary.py)
    in_report: bool = True              # among the pooled figures of the report
    min_coders: int = 2                 # shown from this many coders on
    order: int = 100                    # position among the statistics

    def label_for(self, n_coders: int) -> str:
        return self.label(n_coders) if callable(self.label) else self.label

    def column_for(self, n_coders: int) -> str:
        column = self.column if self.column is not None else self.short
        return column(n_coders) if callable(column) else column

    def shown(self, n_coders: int) -> bool:
        return n_coders >= self.min_coders


#: Filled on first read by the modules of the measures package (each registers itself).
STATISTICS: Registry[Statistic] = Registry("agreement statistic",
                                           modules="thematic.agreement.measures")


def register(statistic: Statistic) -> Statistic:
    """Add (or replace) a statistic; returns it, so a module can keep a name for it."""
    return STATISTICS.register(statistic.key, statistic)


def unregister(key: str) -> None:
    """Remove a statistic (tests that register a toy one clean up with this)."""
    STATISTICS.unregister(key)


def statistics(n_coders: int | None = None) -> list[Statistic]:
    """The registered statistics in display order (those shown for ``n_coders`` if given)."""
    ordered = sorted(STATISTICS.entries(), key=lambda s: s.order)  # stable: ties keep order
    return [s for s in ordered if n_coders is None or s.shown(n_coders)]


def get(key: str) -> Statistic:
    return STATISTICS.get(key)
