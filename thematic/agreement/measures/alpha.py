"""Krippendorff's alpha (nominal) on presence/absence decisions, with a bootstrap
interval. On rating sheets alpha is computed per level of measurement by
``agreement.ratings`` itself, so it has no ``ratings`` function here."""

from __future__ import annotations

from thematic.agreement.measures import shared
from thematic.agreement.registry import Statistic, register
from thematic.agreement.results import krippendorff_band

ALPHA = register(Statistic(
    key="alpha", label="Krippendorff's alpha", short="alpha", compute=shared("alpha"),
    band=krippendorff_band,
    band_text="Krippendorff (2004): >= 0.800 reliable; 0.667-0.800 tentative conclusions "
              "only; < 0.667 unreliable",
    interval=True, order=10))
