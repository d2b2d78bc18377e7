"""Agreement on ratings from a sheet: rating scales and screening decisions.

The same statistics as for codes, on any reliability data — e.g. quality-appraisal scores
(ordinal), extracted effect sizes (interval/ratio) or include/exclude screening decisions
(nominal). The sheet is CSV/TSV, either

* wide: a unit column (``--unit-column``, default the first) and one column per coder, or
* long: columns ``unit``, ``coder`` and ``value`` (one row per rating).

An empty cell is a missing rating: ignored, not a category. Other missing-value tokens
(``NA``, ``N/A``, ``.``, ``*``, ``nan`` ...) count as missing only when named (``missing``),
because "N/A" can be a real category of a screening sheet. Labels that are not numbers
serve nominal data; give their order (``order``) to treat them as ordinal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from thematic.errors import ThematicError

__all__ = ["MISSING", "Ratings", "RatingsReport", "measure_ratings", "read_ratings"]

MISSING = {""}  # cells that are missing whatever ``missing`` adds
COMMON_MISSING = ("NA", "N/A", ".", "*", "nan")  # what --missing common stands for


@dataclass
class Ratings:
    path: str
    units: list[str]
    coders: list[str]
    values: list[list[str | None]]           # coders × units, raw cells (None = missing)
    numeric: bool                            # every rating is a number
    order: list[str] | None = None           # label order for ordinal labels

    def matrix(self, scale: str):
        """coders × units floats (NaN missing): numbers as they are; labels as their rank
        in ``order``, else (nominal) in sorted order."""
        import numpy as np

        if self.numeric:
            table = [[math.nan if v is None else float(v) for v in row] for row in self.values]
            if scale in ("interval", "ratio"):
                table = _scaled(table)
        else:
            if scale in ("interval", "ratio") or (scale == "ordinal" and not self.order):
                why = ("give the order of the labels with --order a,b,c"
                       if scale == "ordinal" else "use numbers, or --scale nominal/ordinal")
                raise ThematicError("E207", option="--scale",
                                    problem=f"{scale} needs numbers but the ratings in "
                                            f"{self.path} are labels; {why}")
            labels = self.order or sorted({v for row in self.values for v in row if v})
            rank = {label: i for i, label in enumerate(labels)}
            table = [[math.nan if v is None else float(rank[v]) for v in row]
                     for row in self.values]
        return np.array(table, dtype=float).reshape(len(self.coders), len(self.units))


def _scaled(table: list[list[float]]) -> list[list[float]]:
    """Divide by a power of two (exact) so the largest value is at most 1: interval and
    ratio alpha do not change with the unit, and squared differences of values like 1e200
    no longer overflow."""
    biggest = max((abs(v) for row in table for v in row if not math.isnan(v)), default=0.0)
    if biggest <= 1.0:
        return table
    shift = math.frexp(biggest)[1]
    return [[math.ldexp(v, -shift) for v in row] for row in table]


def _cell(value: str | None, missing: frozenset[str] = frozenset()) -> str | None:
    text = (value or "").strip()
    return None if text in MISSING or text.casefold() in missing else text


def read_ratings(path: str | Path, *, unit_column: str | None = None,
                 order: Sequence[str] | None = None,
                 missing: Sequence[str] = ()) -> Ratings:
    """``missing``: cell values (compared ignoring case) that also mean "no rating"."""
    from thematic.corpus.readers import read_text, strict_rows

    tokens = frozenset(m.strip().casefold() for m in missing if m.strip())
    path = Path(path)
    text = read_text(path)
    dialect = "excel-tab" if path.suffix.lower() in (".tsv", ".tab") else "excel"
    rows = strict_rows(text, path, dialect=dialect)
    header = [h.strip() for h in rows[0]]
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    if not body:
        raise ThematicError("E012", path=path)
    lower = [h.casefold() for h in header]
    if {"unit", "coder", "value"} <= set(lower) and unit_column is None:
        units, coders, values = _long(path, lower, body, tokens)
    else:
        units, coders, values = _wide(path, header, body, unit_column, tokens)
    cells = [v for row in values for v in row if v is not None]
    numeric = all(_is_number(v) for v in cells)
    if order:
        order = [o.strip() for o in order]
        for n, row in enumerate(values):
            for u, v in enumerate(row):
                if v is not None and v not in order:
                    raise ThematicError("E206", path=path, row=f"unit {units[u]!r}",
                                        problem=f"coder {coders[n]!r} gave {v!r}, which is "
                                                f"not in --order ({', '.join(order)})",
                                        fix="Add it to --order or correct the sheet.")
        numeric = False
    return Ratings(str(path), units, coders, values, numeric, list(order) if order else None)


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _wide(path: Path, header: list[str], body: list[list[str]], unit_column: str | None,
          missing: frozenset[str]):
    if unit_column is not None and unit_column not in header:
        raise ThematicError("E013", path=path, column=unit_column, flag="--unit-column",
                            columns=", ".join(header))
    ui = header.index(unit_column) if unit_column else 0
    coders = [h for i, h in enumerate(header) if i != ui]
    if len(coders) < 2:
        raise ThematicError("E206", path=path, row=1, problem="fewer than two coder columns",
                            fix="Give one column per coder (or columns unit, coder, value).")
    kept: list[list[str]] = []
    seen: dict[str, int] = {}   # unit → its row
    for n, row in enumerate(body, start=2):
        row = row + [""] * (len(header) - len(row))
        unit = row[ui].strip()
        if not unit:
            raise ThematicError("E206", path=path, row=n, problem="the unit is empty",
                                fix="Give every row a unit id.")
        if unit in seen:
            raise ThematicError("E206", path=path, row=n,
                                problem=f"unit {unit!r} is listed again (first at row "
                                        f"{seen[unit]})",
                                fix="Give each unit one row, with one column per coder.")
        seen[unit] = n
        kept.append(row)
    values = [[_cell(r[i], missing) for r in kept] for i in range(len(header)) if i != ui]
    return [r[ui].strip() for r in kept], coders, values


def _long(path: Path, lower: list[str], body: list[list[str]], missing: frozenset[str]):
    iu, ic, iv = lower.index("unit"), lower.index("coder"), lower.index("value")
    units: list[str] = []
    coders: list[str] = []
    got: dict[tuple[str, str], tuple[str | None, int]] = {}
    for n, row in enumerate(body, start=2):
        row = row + [""] * (len(lower) - len(row))
        unit, coder = row[iu].strip(), row[ic].strip()
        if not unit or not coder:
            raise ThematicError("E206", path=path, row=n, problem="the unit or coder is empty",
                                fix="Give every rating a unit and a coder.")
        if (unit, coder) in got:
            raise ThematicError("E206", path=path, row=n,
                                problem=f"coder {coder!r} rated unit {unit!r} twice (also "
                                        f"row {got[(unit, coder)][1]})",
                                fix="Keep one rating per unit and coder.")
        got[(unit, coder)] = (_cell(row[iv], missing), n)
        if unit not in units:
            units.append(unit)
        if coder not in coders:
            coders.append(coder)
    if len(coders) < 2:
        raise ThematicError("E206", path=path, row=2, problem="fewer than two coders",
                            fix="Agreement needs the ratings of at least two coders.")
    values = [[got.get((u, c), (None, 0))[0] for u in units] for c in coders]
    return units, coders, values


@dataclass
class RatingsReport:
    path: str
    coders: list[str]
    n_units: int
    alpha: dict[str, Any]                    # scale → Figure
    others: dict[str, Any]                   # key → Figure (the registry's, on ratings)
    n_boot: int
    seed: int
    notes: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "coders": self.coders, "n_units": self.n_units,
                "alpha": {k: f.to_dict() for k, f in self.alpha.items()},
                **{k: f.to_dict() for k, f in self.others.items()},
                "bootstrap": {"resamples": self.n_boot, "seed": self.seed}, "notes": self.notes}


def measure_ratings(ratings: Ratings, scales: Sequence[str], *, seed: int = 0,
                    n_boot: int = 1000) -> RatingsReport:
    from thematic.agreement import stats as S
    from thematic.agreement.registry import statistics
    from thematic.agreement.results import PERCENT_DEFINITIONS
    from thematic.agreement.summary import _figure

    alpha = {}
    for scale in scales:
        data = ratings.matrix(scale)
        label = f"Krippendorff's alpha ({scale})"
        try:
            value = S.krippendorff_alpha(data, scale)
        except S.AgreementDataError as exc:
            # e.g. negative values on a ratio scale: the other levels still have figures.
            alpha[scale] = _figure("alpha", label, S.Result(None, f"not applicable: {exc}",
                                                            "krippendorff_alpha"))
            continue
        ci = (S.bootstrap_ci(partial(S.krippendorff_alpha, level=scale), data, n=n_boot,
                             seed=seed) if n_boot else None)
        alpha[scale] = _figure("alpha", label, value, ci)
    nominal = ratings.matrix("nominal")
    m = len(ratings.coders)
    notes = {"percent_pairwise": PERCENT_DEFINITIONS["pairwise"],
             "percent_all": PERCENT_DEFINITIONS["all"],
             "nominal statistics": "kappa, AC1 and percent agreement treat every distinct "
                                   "rating as a category"}
    others = {s.key: _figure(s.key, s.label_for(m), s.ratings(nominal))
              for s in statistics() if s.ratings is not None}
    return RatingsReport(ratings.path, list(ratings.coders), len(ratings.units), alpha,
                         others, n_boot, seed, notes)
