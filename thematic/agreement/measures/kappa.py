"""Cohen's kappa (two coders) or Fleiss' kappa (three or more), with a bootstrap
interval."""

from __future__ import annotations

from typing import Any

from thematic.agreement.measures import shared
from thematic.agreement.registry import Statistic, register
from thematic.agreement.results import AgreementDataError, Result, landis_koch


def _name(n_coders: int) -> str:
    return "Cohen's kappa" if n_coders == 2 else "Fleiss' kappa"


def _on_ratings(nominal: Any) -> Result:
    from thematic.agreement import stats

    if len(nominal) == 2:
        return stats.cohen_kappa(nominal[0], nominal[1])
    try:
        return stats.fleiss_kappa(nominal)
    except AgreementDataError as exc:
        return Result(None, f"not applicable: {exc}", "fleiss_kappa")


KAPPA = register(Statistic(
    key="kappa", label=_name, short="kappa", compute=shared("kappa"), ratings=_on_ratings,
    column=lambda m: "Cohen kappa" if m == 2 else "Fleiss kappa",
    band=landis_koch,
    band_text="Landis & Koch (1977): < 0 poor; 0-0.20 slight; 0.21-0.40 fair; 0.41-0.60 "
              "moderate; 0.61-0.80 substantial; 0.81-1 almost perfect",
    definition=lambda m: "Cohen's kappa (two coders)" if m == 2 else f"Fleiss' kappa ({m} "
                                                                       "coders)",
    gloss=lambda d: f"kappa: {d['kappa']}", gloss_own_line=False,
    interval=True, order=20))
