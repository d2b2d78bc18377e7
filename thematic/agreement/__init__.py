"""Inter-coder agreement.

* ``stats`` — the statistics on reliability data (pure numpy): Krippendorff's alpha at
  every level of measurement, Cohen's and Fleiss' kappa, Gwet's AC1, percent agreement,
  bootstrap intervals, interpretation bands;
* ``binary`` — the same, vectorised over many codes' presence/absence decisions;
* ``registry`` and ``measures`` — one registered ``Statistic`` per module of ``measures``:
  what ``summary``, ``ratings``, ``thematic agree`` and the report show;
* ``units`` — coder × excerpt decisions per code or theme, read from the store;
* ``summary`` — ``measure(store, ...)`` → ``AgreementReport`` (what ``thematic agree``
  prints);
* ``reconcile`` — disagreements for a reconciliation meeting, and the agreed set recorded
  as a new coder;
* ``ratings`` — the statistics on a sheet of ratings (rating scales, screening decisions).

Nothing is imported eagerly: ``import thematic.agreement`` loads neither numpy nor the
store; ``thematic.agreement.measure`` loads what it needs on first use.
"""

from __future__ import annotations

from thematic.plugins import lazy

_MODULES = ("binary", "measures", "ratings", "reconcile", "registry", "results", "stats",
            "summary", "units")
_LAZY = {
    "measure": ".summary",
    "AgreementReport": ".summary",
    "disagreements": ".reconcile",
}

__all__ = ["AgreementReport", "disagreements", "measure", *_MODULES]


__getattr__ = lazy(__name__, _LAZY, _MODULES)
