"""``measure()``: the agreement report behind ``thematic agree``.

Per code (or theme): Krippendorff's alpha, Cohen's kappa (two coders) or Fleiss' kappa
(three or more), Gwet's AC1 and percent agreement (two named definitions) on the binary
presence/absence decisions over the excerpts all compared coders reviewed, with the counts
behind them, seeded bootstrap intervals for alpha and kappa, and an interpretation band
beside every figure. Overall:

* **pooled** — every (excerpt, code) decision taken together as one set of units;
* **mean** — the unweighted mean of the per-code values, over the codes whose value is
  defined (the codes left out are counted);
* Krippendorff's alpha of the pooled decisions at the nominal, ordinal, interval and ratio
  levels (equal for presence/absence data; the same functions serve rating scales).

The statistics are those of :mod:`thematic.agreement.registry` (one module each in
``agreement/measures``): a statistic registered there is in every item, the pooled
figures and the means without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from thematic.agreement.registry import Statistic, get, statistics
from thematic.agreement.results import Interval, Result
from thematic.store.db import Store

__all__ = ["AgreementReport", "Figure", "ItemAgreement", "from_decisions", "measure"]

@dataclass
class Figure:
    """One statistic: its value (None when undefined, with the reason), the
    interpretation band, the number of units and, for alpha and kappa, the interval."""

    key: str
    name: str
    value: float | None
    reason: str | None
    band: str | None
    n_units: int
    ci: Interval | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def defined(self) -> bool:
        return self.value is not None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "defined": self.defined,
                "reason": self.reason, "interpretation": self.band, "n_units": self.n_units,
                "ci": None if self.ci is None else self.ci.to_dict(),
                **self.detail}


@dataclass
class ItemAgreement:
    """The figures of one code or theme (or of the pooled decisions)."""

    id: str
    name: str
    n_units: int
    counts: dict[str, Any]
    figures: dict[str, Figure]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "n_units": self.n_units,
                "counts": self.counts,
                "figures": {k: f.to_dict() for k, f in self.figures.items()}}


@dataclass
class AgreementReport:
    codebook: str
    version: str
    level: str                               # code | theme
    coders: list[str]
    reviewed: dict[str, int]                 # coder → excerpts that coder reviewed
    n_excerpts: int                          # excerpts all the coders reviewed
    kappa_name: str                          # "Cohen's kappa" or "Fleiss' kappa"
    items: list[ItemAgreement]
    pooled: ItemAgreement
    mean: dict[str, Figure]
    alpha_by_level: dict[str, Figure]
    n_boot: int
    seed: int
    ci_level: float
    definitions: dict[str, str] = field(default_factory=dict)

    @property
    def undefined(self) -> list[tuple[str, str, str]]:
        """(item, figure key, reason) of every undefined per-item figure."""
        return [(i.id, k, f.reason or "") for i in self.items for k, f in i.figures.items()
                if not f.defined]

    def to_dict(self) -> dict[str, Any]:
        return {
            "codebook": self.codebook, "version": self.version, "level": self.level,
            "coders": self.coders, "reviewed": self.reviewed, "n_excerpts": self.n_excerpts,
            "kappa": self.kappa_name,
            "bootstrap": {"resamples": self.n_boot, "seed": self.seed,
                          "level": self.ci_level, "method": "percentile, resampling excerpts"},
            "items": [i.to_dict() for i in self.items],
            "overall": {
                "pooled": self.pooled.to_dict(),
                "mean_over_items": {k: f.to_dict() for k, f in self.mean.items()},
                "alpha_by_level_pooled": {k: f.to_dict()
                                          for k, f in self.alpha_by_level.items()},
            },
            "definitions": self.definitions,
        }


def _band(key: str, value: float | None) -> str | None:
    band = get(key).band
    return None if band is None else band(value)


def _figure(key: str, name: str, result: Result, ci: Interval | None = None) -> Figure:
    detail = {k: v for k, v in result.to_dict().items()
              if k not in ("statistic", "value", "defined", "reason", "n_units")}
    return Figure(key, name, result.value, result.reason, _band(key, result.value),
                  result.n_units, ci, detail)


def _results(stat: Statistic, tally: Any, shared: list[Any]) -> list[Result]:
    """The statistic's Result per code: read from the shared vectorised pass of
    ``binary_agreement`` when it is one of its figures, else computed by the statistic."""
    if shared and isinstance(getattr(shared[0], stat.key, None), Result):
        return [getattr(code, stat.key) for code in shared]
    return list(stat.compute(tally))


def _item(item_id: str, name: str, code: Any, results: dict[str, Result], m: int
          ) -> ItemAgreement:
    figures = {s.key: _figure(s.key, s.label_for(m), results[s.key],
                              getattr(code, f"{s.key}_ci", None) if s.interval else None)
               for s in statistics()}
    return ItemAgreement(item_id, name, code.n_units, dict(code.counts), figures)


def from_decisions(decisions: Any, *, seed: int = 0, n_boot: int = 1000,
                   ci_level: float = 0.95) -> AgreementReport:
    """The report of a :class:`~thematic.agreement.units.Decisions` (pure: no store)."""
    from thematic.agreement.binary import binary_agreement, mean_over_codes
    from thematic.agreement.stats import LEVELS, alpha_from_coincidence

    m = len(decisions.coders)
    kappa_name = get("kappa").label_for(m)
    registered = statistics()
    tally = decisions.tally()
    per_item = binary_agreement(tally, labels=decisions.items, n_boot=n_boot, seed=seed,
                                level=ci_level)
    by_stat = {s.key: _results(s, tally, per_item) for s in registered}
    items = [_item(i, n, r, {k: v[c] for k, v in by_stat.items()}, m)
             for c, (i, n, r) in enumerate(zip(decisions.items, decisions.names, per_item,
                                               strict=True))]
    pooled_tally = tally.pooled()
    (pooled_result,) = binary_agreement(pooled_tally, labels=["(pooled)"], n_boot=n_boot,
                                        seed=seed, level=ci_level)
    pooled = _item("(pooled)", f"all {decisions.level}s pooled", pooled_result,
                   {s.key: _results(s, pooled_tally, [pooled_result])[0] for s in registered},
                   m)
    pooled.counts["decisions"] = pooled.counts.pop("units")
    mean = {s.key: _figure(s.key, f"mean {s.label_for(m)}", mean_over_codes(by_stat[s.key]))
            for s in registered}
    o = pooled_tally.coincidence()[0]
    alpha_by_level = {
        level: _figure("alpha", f"Krippendorff's alpha ({level})",
                       alpha_from_coincidence([0.0, 1.0], o, level,
                                              n_units=int(pooled_tally.n_units[0])))
        for level in LEVELS}
    definitions = {
        "units": (f"the {len(decisions.excerpts)} excerpts every compared coder reviewed; "
                  f"each {decisions.level} is a present/absent decision per excerpt and "
                  "coder"),
        "pooled": "all (excerpt, item) decisions taken together as one set of units",
        "mean": "unweighted mean of the per-item values, over items whose value is defined",
        **{s.key: s.definition(m) for s in registered if s.definition is not None},
        "ci": (f"{ci_level:.0%} percentile bootstrap over excerpts, {n_boot} resamples, "
               f"seed {seed}" if n_boot else "no bootstrap"),
        **{f"band_{s.key}": s.band_text for s in registered if s.band_text is not None},
    }
    return AgreementReport(
        codebook=decisions.codebook, version=decisions.version, level=decisions.level,
        coders=list(decisions.coders), reviewed=dict(decisions.reviewed),
        n_excerpts=len(decisions.excerpts), kappa_name=kappa_name, items=items,
        pooled=pooled, mean=mean, alpha_by_level=alpha_by_level, n_boot=n_boot, seed=seed,
        ci_level=ci_level, definitions=definitions)


def measure(store: Store, coders: list[str] | None = None, codes: list[str] | None = None,
            level: str = "code", seed: int = 0, *, codebook: str | None = None,
            n_boot: int = 1000, ci_level: float = 0.95,
            statuses: list[str] | None = None) -> AgreementReport:
    """Measure agreement between ``coders`` (default: every human coder) on ``codes``
    (default: every codable code; theme ids with ``level="theme"``)."""
    from thematic.agreement.units import load

    if n_boot < 0:
        from thematic.errors import ThematicError

        raise ThematicError("E207", option="--boot", problem="give 0 (no intervals) or a "
                            "positive number of resamples")
    decisions = load(store, coders=coders, codes=codes, level=level, codebook=codebook,
                     statuses=statuses)
    return from_decisions(decisions, seed=seed, n_boot=n_boot, ci_level=ci_level)
