"""Percent agreement, by its two definitions (no interpretation band: it is not corrected
for chance)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from thematic.agreement.measures import shared
from thematic.agreement.registry import Statistic, register
from thematic.agreement.results import PERCENT_DEFINITIONS, Result


def _on_ratings(definition: str) -> Callable[[Any], Result]:
    def measure(nominal: Any) -> Result:
        from thematic.agreement import stats

        return stats.percent_agreement(nominal, definition)

    return measure


PAIRWISE = register(Statistic(
    key="percent_pairwise", label="percent agreement (pairwise)", short="agree (pairs)",
    compute=shared("percent_pairwise"), ratings=_on_ratings("pairwise"),
    definition=lambda m: PERCENT_DEFINITIONS["pairwise"],
    gloss=lambda d: f"agree (pairs) = percent agreement, {d['percent_pairwise']}",
    percent=True, order=40))

ALL = register(Statistic(
    key="percent_all", label="percent agreement (all coders)", short="agree (all)",
    compute=shared("percent_all"), ratings=_on_ratings("all"),
    definition=lambda m: PERCENT_DEFINITIONS["all"],
    gloss=lambda d: f"agree (all) = percent agreement, {d['percent_all']}",
    # with two coders "all" is "pairwise": its column only from three coders on
    percent=True, in_report=False, min_coders=3, order=50))
