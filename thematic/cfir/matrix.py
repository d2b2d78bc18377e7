"""The construct × case matrix, and the constructs that distinguish high from low
implementation cases.

A cell is the rating a person recorded for that construct in that case; where none is
recorded but there is coded evidence, the cell holds the evidence's suggested rating,
marked as a suggestion (``source = "suggested"``); a rating without evidence is marked
``evidence = 0`` ("no coded evidence"). Cases are the project's studies (or sites, or
participants: whatever its sources are); columns can be grouped by a study attribute.

With an outcome attribute whose values name high and low implementation (``HIGH``,
``LOW``, or values given explicitly), a construct *distinguishes* when the mean of its
numeric cells in high cases exceeds that in low cases by at least 1 (weak) or 2 (strong);
X and empty cells do not count, and each group needs at least one numeric cell. This
operationalises the comparison of high and low implementation units in Damschroder &
Lowery (2013).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from thematic.cfir.ratings import NUMERIC, suggest_rating
from thematic.errors import ThematicError, nearest

HIGH = frozenset({"high", "higher", "successful", "success", "strong", "yes", "true", "good",
                  "sustained", "1"})
LOW = frozenset({"low", "lower", "struggling", "unsuccessful", "failed", "weak", "no",
                 "false", "poor", "not sustained", "0"})
DISTINGUISH_RULE = ("a construct distinguishes high from low implementation cases when the "
                    "mean of its ratings in high cases exceeds the mean in low cases by at "
                    "least 2 (strong) or 1 (weak); X and empty cells do not count")


@dataclass
class Cell:
    rating: str | None
    source: str            # rated | suggested | none
    evidence: int          # excerpts of coded evidence in this case


@dataclass
class Row:
    construct: str
    name: str
    domain: str
    cells: dict[str, Cell] = field(default_factory=dict)      # case id → cell
    difference: float | None = None
    distinguishes: str | None = None                           # strong | weak | None


@dataclass
class Matrix:
    cases: list[str]
    groups: list[tuple[str, list[str]]]         # (attribute value, cases) in column order
    rows: list[Row]
    by: str | None = None
    high: str | None = None
    low: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return {"by": self.by, "high": self.high, "low": self.low, "note": self.note,
                "cases": self.cases, "groups": [{"value": v, "cases": c} for v, c in self.groups],
                "rule": DISTINGUISH_RULE,
                "rows": [asdict(r) for r in self.rows]}


def attribute_of(source, name: str) -> str | None:
    from thematic.store.corpus import SOURCE_FIELDS

    value = getattr(source, name) if name in SOURCE_FIELDS else source.attributes.get(name)
    return None if value is None or str(value).strip() == "" else str(value).strip()


def build(store, *, by: str | None = None, high: str | None = None, low: str | None = None,
          view=None) -> Matrix:
    """The matrix of every construct with evidence or a rating × every case with either."""
    from thematic.cfir import framework
    from thematic.cfir import view as view_mod
    from thematic.store import cfir as db
    from thematic.store.corpus import SOURCE_FIELDS, list_sources

    built = view if view is not None else view_mod.build(store)
    frame = framework.load()
    sources = {s.id: s for s in list_sources(store)}
    if by is not None:
        known = sorted(set(SOURCE_FIELDS) | {k for s in sources.values() for k in s.attributes})
        if by not in known:
            raise ThematicError("E637", value=by, known=", ".join(known),
                                suggest=nearest(by, known))
    ratings = {(r.case_id, r.construct): r for r in db.list_ratings(store)}
    rows: dict[str, Row] = {}
    for domain in built.domains:
        for con in domain.constructs:
            row = rows.setdefault(con.id, Row(con.id, con.name, con.domain))
            for case, ex in con.by_study.items():
                b = sum(built.directions.get(e) == "barrier" for e in ex)
                f = sum(built.directions.get(e) == "facilitator" for e in ex)
                row.cells[case] = Cell(suggest_rating(b, f, len(ex)), "suggested", len(ex))
    for (case, cid), rating in ratings.items():
        if cid not in frame.constructs:
            continue
        con = frame.constructs[cid]
        row = rows.setdefault(cid, Row(cid, con.name, con.domain))
        evidence = row.cells[case].evidence if case in row.cells else 0
        row.cells[case] = Cell(rating.rating, "rated", evidence)
    order = {cid: i for i, cid in enumerate(frame.constructs)}
    ordered = sorted(rows.values(), key=lambda r: order.get(r.construct, 1 << 30))
    position = {s: i for i, s in enumerate(sources)}
    cases = sorted({c for r in ordered for c in r.cells}, key=lambda s: position.get(s, 1 << 30))
    matrix = Matrix(cases, [("", cases)], ordered, by=by)
    if by is None:
        return matrix
    values: dict[str, list[str]] = {}
    for case in cases:
        values.setdefault(attribute_of(sources[case], by) or "(not recorded)", []).append(case)
    matrix.groups = sorted(values.items(), key=lambda kv: (kv[0] == "(not recorded)",
                                                          kv[0].casefold()))
    matrix.cases = [c for _, group in matrix.groups for c in group]
    _distinguish(matrix, values, high, low)
    return matrix


def _distinguish(matrix: Matrix, values: dict[str, list[str]], high, low) -> None:
    names = {v.casefold(): v for v in values if v != "(not recorded)"}
    hi = names.get(high.casefold()) if high else next(
        (names[v] for v in sorted(names) if v in HIGH), None)
    lo = names.get(low.casefold()) if low else next(
        (names[v] for v in sorted(names) if v in LOW), None)
    if hi is None or lo is None:
        matrix.note = (f"{matrix.by} has no values read as high and low implementation "
                       f"({', '.join(sorted(values)) or 'none'}); give --high and --low to "
                       "compare two of them.")
        return
    matrix.high, matrix.low = hi, lo
    for row in matrix.rows:
        high_mean, low_mean = _mean(row, values[hi]), _mean(row, values[lo])
        if high_mean is None or low_mean is None:
            continue
        row.difference = round(high_mean - low_mean, 3)
        row.distinguishes = "strong" if row.difference >= 2 else \
            "weak" if row.difference >= 1 else None


def _mean(row: Row, cases: list[str]) -> float | None:
    """The mean numeric rating of ``row`` in ``cases``; None when none of them has one."""
    ratings = [row.cells[c].rating for c in cases if c in row.cells]
    nums = [NUMERIC[r] for r in ratings if r is not None and r in NUMERIC]
    return sum(nums) / len(nums) if nums else None


def cell_text(cell) -> str:
    """A matrix cell as the report and the audit write it: a recorded rating as is, a
    suggestion in brackets, a rating without evidence with a dagger."""
    if cell is None or cell.rating is None:
        return ""
    if cell.source == "rated":
        return cell.rating + ("" if cell.evidence else "†")
    return f"({cell.rating})"


def row_cells(row, cases: list[str]) -> str:
    """The claim form of a matrix row: case:cell pairs for the non-empty cells."""
    return ",".join(f"{c}:{cell_text(row.cells.get(c))}" for c in cases
                    if cell_text(row.cells.get(c)))


OUTCOME_KEY = "cfir.outcome"


def outcome_attribute(store) -> str | None:
    """The study attribute the report groups the matrix's columns by (None: not set)."""
    return store.get_meta(OUTCOME_KEY) or None


def set_outcome_attribute(store, name: str | None) -> str | None:
    """Set (or, with None, clear) the outcome attribute; checked against the studies'
    attributes, logged."""
    from thematic.store.corpus import SOURCE_FIELDS, list_sources

    if name is not None:
        known = sorted(set(SOURCE_FIELDS) | {k for s in list_sources(store)
                                             for k in s.attributes})
        if name not in known:
            raise ThematicError("E637", value=name, known=", ".join(known),
                                suggest=nearest(name, known))
    with store.transaction("cfir outcome"):
        if name is None:
            from thematic.store.cfir import clear_meta

            clear_meta(store, OUTCOME_KEY)
        else:
            store.set_meta(OUTCOME_KEY, name)
        store.log("cfir outcome", name or "", {"attribute": name})
    return name
