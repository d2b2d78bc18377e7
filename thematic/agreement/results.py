"""Result types shared by every agreement statistic, and the interpretation bands.

A statistic that is mathematically undefined for the data (every coder used one category,
so chance agreement is 1 and kappa/alpha are 0/0; no unit has two values) is a
``Result(value=None, reason="...")`` — never 1.0 or 0.0. Malformed input raises
:class:`AgreementDataError` (a ``ValueError``). Confidence intervals are :class:`Interval`.
Pure Python: importing this module does not load numpy.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AgreementDataError",
    "Interval",
    "Result",
    "krippendorff_band",
    "landis_koch",
]

PERCENT_DEFINITIONS = {
    "pairwise": (
        "pairwise: mean over units coded by at least two coders of the share of coder "
        "pairs in the unit that agree (Fleiss' P-bar, Gwet's p_a)"
    ),
    "all": "all: share of units coded by at least two coders in which every coder agrees",
}

# Reasons for undefined results, shared by every statistic.
NO_PAIRABLE = "no pairable units: no unit has values from two or more coders"
NO_COMMON = "no units coded by both coders"
ONE_RATING = "every unit has a single rating, so there are no pairs to compare"


def _one_category(what: str = "every coder used the same single category") -> str:
    return (f"{what}: chance agreement is 1 (expected disagreement 0), so the statistic "
            "is 0/0")


class AgreementDataError(ValueError):
    """The data cannot be measured as given (shape, missing ratings, scale)."""


# --------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------


def _plain(x: Any) -> Any:
    """Numpy scalars/arrays and nested results → JSON-ready Python objects."""
    if isinstance(x, (Result, Interval)):
        return x.to_dict()
    if hasattr(x, "tolist"):  # numpy arrays and scalars, without importing numpy
        return _plain(x.tolist())
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, Mapping):
        return {str(_label(k)): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return x


@dataclass(frozen=True)
class Result:
    """One agreement figure, or the reason it is undefined.

    ``value`` is a float, or ``None`` when the statistic is undefined for these data, and
    then ``reason`` says why. ``n_units`` is the number of units that entered the figure
    (pairable units for alpha, units coded by both coders for Cohen, …). ``detail`` holds
    the counts and intermediate quantities behind the figure, with self-explaining keys.
    """

    value: float | None
    reason: str | None = None
    statistic: str = ""
    n_units: int = 0
    detail: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.value is None:
            if not self.reason:
                raise ValueError("an undefined Result needs a reason")
        else:
            if self.reason is not None:
                raise ValueError("a defined Result has no reason")
            v = float(self.value)
            if not math.isfinite(v):
                raise ValueError(f"Result value must be finite, got {v!r}")
            object.__setattr__(self, "value", v)
        object.__setattr__(self, "n_units", int(self.n_units))

    @property
    def defined(self) -> bool:
        return self.value is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "statistic": self.statistic,
            "value": self.value,
            "defined": self.defined,
            "reason": self.reason,
            "n_units": self.n_units,
            **{k: _plain(v) for k, v in self.detail.items()},
        }


@dataclass(frozen=True)
class Interval:
    """A bootstrap confidence interval; iterating yields ``(low, high)``.

    ``low``/``high`` are ``None`` (with a ``reason``) when no resample gave a defined value.
    ``n_defined`` counts the resamples whose statistic was defined; the percentiles are
    taken over those only.
    """

    low: float | None
    high: float | None
    level: float
    n_resamples: int
    n_defined: int
    seed: Any = None
    reason: str | None = None

    @property
    def defined(self) -> bool:
        return self.low is not None

    def __iter__(self) -> Iterator[float | None]:
        yield self.low
        yield self.high

    def to_dict(self) -> dict[str, Any]:
        return {
            "low": self.low,
            "high": self.high,
            "level": self.level,
            "method": "percentile bootstrap over units",
            "n_resamples": self.n_resamples,
            "n_defined": self.n_defined,
            "seed": _plain(self.seed),
            "reason": self.reason,
        }


def _result(statistic: str, value: float, n_units: int, **detail: Any) -> Result:
    return Result(float(value), None, statistic, n_units, detail)


def _undefined(statistic: str, reason: str, n_units: int = 0, **detail: Any) -> Result:
    return Result(None, reason, statistic, n_units, detail)


def _label(v: Any) -> Any:
    """A category value as a readable label: 3.0 → 3."""
    if hasattr(v, "tolist"):
        v = v.tolist()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


# --------------------------------------------------------------------------------------
# Interpretation
# --------------------------------------------------------------------------------------


def _interp_value(x: float | Result | None) -> float | None:
    if isinstance(x, Result):
        return x.value
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return round(float(x), 12)  # 0.2 computed as 0.20000000000000004 is still 0.20


def landis_koch(kappa: float | Result | None) -> str:
    """Landis & Koch (1977) band of a kappa-type coefficient: poor (< 0), slight
    (0–0.20), fair (0.21–0.40), moderate (0.41–0.60), substantial (0.61–0.80), almost
    perfect (0.81–1.00); each band includes its upper bound. ``undefined`` for None."""
    v = _interp_value(kappa)
    if v is None:
        return "undefined"
    if v < 0:
        return "poor"
    for bound, band in ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"),
                        (0.80, "substantial")):
        if v <= bound:
            return band
    return "almost perfect"


def krippendorff_band(alpha: float | Result | None) -> str:
    """Krippendorff's (2004) thresholds: alpha ≥ 0.800 reliable; 0.667 ≤ alpha < 0.800
    tentative conclusions only; alpha < 0.667 unreliable. ``undefined`` for None."""
    v = _interp_value(alpha)
    if v is None:
        return "undefined"
    if v >= 0.800:
        return "reliable"
    if v >= 0.667:
        return "tentative conclusions only"
    return "unreliable"
