"""Gwet's AC1 (two categories on presence/absence decisions)."""

from __future__ import annotations

from typing import Any

from thematic.agreement.measures import shared
from thematic.agreement.registry import Statistic, register
from thematic.agreement.results import Result, landis_koch


def _on_ratings(nominal: Any) -> Result:
    from thematic.agreement import stats

    return stats.gwet_ac1(nominal)


AC1 = register(Statistic(
    key="ac1", label="Gwet's AC1", short="AC1", compute=shared("ac1"), ratings=_on_ratings,
    band=landis_koch, band_text="Landis & Koch (1977), as for kappa",
    gloss=lambda d: "AC1: Gwet's AC1 with 2 categories", gloss_own_line=False, order=30))
