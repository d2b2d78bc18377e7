"""Disagreements, ready for a reconciliation meeting, and the agreed set as a new coder.

``disagreements()`` lists every excerpt and code on which the compared coders differ, with
the excerpt's text and who said yes and who said no. ``sheet()`` turns the list into a CSV
with an empty ``decision`` column for the meeting to fill in (yes/no). ``reconcile()``
records the agreed set as a new coder (by default "consensus"): every code all coders gave,
plus the disagreements the meeting decided "yes" (a decision sheet), with the remaining
disagreements settled by a named rule. The original coders' codings are kept unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from thematic.errors import ThematicError, nearest
from thematic.files import formula_unsafe, safe_row
from thematic.store import codings as codings_db
from thematic.store import corpus as corpus_db
from thematic.store.db import Store

__all__ = ["RULES", "SHEET_COLUMNS", "Disagreement", "DisagreementList", "ReconcileResult",
           "disagreements", "read_decisions", "reconcile", "sheet"]

#: How a disagreement without a decision is settled: a code is in the agreed set when
#: all coders (unanimous), more than half of them (majority) or any of them (union) gave it.
RULES = ("unanimous", "majority", "union")
SHEET_COLUMNS = ("excerpt", "study", "code", "present", "absent", "decision", "note", "text")
YES = {"yes", "y", "1", "true", "present", "x"}
NO = {"no", "n", "0", "false", "absent"}


@dataclass
class Disagreement:
    excerpt: str
    study: str
    citation: str
    location: str
    text: str
    item: str
    item_name: str
    present: list[str]                       # coders who gave the code
    absent: list[str]                        # coders who did not


@dataclass
class DisagreementList:
    codebook: str
    version: str
    level: str
    coders: list[str]
    n_excerpts: int                          # excerpts every coder reviewed
    n_items: int
    rows: list[Disagreement] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"codebook": self.codebook, "version": self.version, "level": self.level,
                "coders": self.coders, "n_excerpts": self.n_excerpts,
                "n_items": self.n_items, "n_disagreements": len(self.rows),
                "disagreements": [asdict(r) for r in self.rows]}


def disagreements(store: Store, coders: list[str] | None = None,
                  codes: list[str] | None = None, level: str = "code", *,
                  codebook: str | None = None,
                  statuses: Sequence[str] | None = None) -> DisagreementList:
    """Every (excerpt, code) where the coders differ, in import order of the excerpts and
    codebook order of the codes."""
    import numpy as np

    from thematic.agreement.units import load

    found = load(store, coders=coders, codes=codes, level=level, codebook=codebook,
                 statuses=statuses)
    presence = found.presence()
    count = presence.sum(axis=0)
    mixed_e, mixed_i = np.nonzero((count > 0) & (count < len(found.coders)))
    ids = sorted({found.excerpts[e] for e in mixed_e})
    excerpts = {x.id: x for x in corpus_db.list_excerpts(store, ids=ids)} if ids else {}
    sources = corpus_db.get_sources(store, sorted({x.source_id for x in excerpts.values()}))
    rows = []
    for e, i in zip(mixed_e.tolist(), mixed_i.tolist(), strict=True):
        excerpt = excerpts[found.excerpts[e]]
        source = sources.get(excerpt.source_id)
        rows.append(Disagreement(
            excerpt=excerpt.id, study=excerpt.source_id,
            citation=source.citation if source else excerpt.source_id,
            location=excerpt.location, text=excerpt.text, item=found.items[i],
            item_name=found.names[i],
            present=[c for k, c in enumerate(found.coders) if presence[k, e, i]],
            absent=[c for k, c in enumerate(found.coders) if not presence[k, e, i]]))
    return DisagreementList(found.codebook, found.version, level, list(found.coders),
                            len(found.excerpts), len(found.items), rows)


def sheet(listing: DisagreementList) -> str:
    """The disagreements as CSV for the meeting: fill in ``decision`` (yes/no) and pass the
    file to ``reconcile(decisions=...)``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SHEET_COLUMNS)
    for r in listing.rows:
        writer.writerow(safe_row([r.excerpt, r.citation, r.item, ";".join(r.present),
                                  ";".join(r.absent), "", "", r.text]))
    return buffer.getvalue()


def read_decisions(path: str | Path, codes: Sequence[str], excerpts: Sequence[str],
                   coders: Sequence[str]) -> dict[tuple[str, str], tuple[bool, str]]:
    """(excerpt, code) → (present?, "FILE row N") for every row with a decision; rows with an
    empty decision are left to the rule."""
    from thematic.corpus.readers import read_text

    path = Path(path)
    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    for column in ("excerpt", "code", "decision"):
        if column not in header:
            raise ThematicError("E206", path=path, row=1,
                                problem=f"no column {column!r} (columns: "
                                        f"{', '.join(header) or 'none'})",
                                fix="Use the sheet `thematic agree disagreements --out "
                                    "FILE.csv` writes, and fill in its decision column.")
    known_codes, known_excerpts = set(codes), set(excerpts)
    out: dict[tuple[str, str], tuple[bool, str]] = {}
    for n, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): formula_unsafe((v or "").strip()) for k, v in raw.items()}
        value = row["decision"].casefold()
        if not value:
            continue
        where = f"{path.name} row {n}"
        if value not in YES | NO:
            raise ThematicError("E206", path=path, row=n,
                                problem=f"decision {row['decision']!r} is neither yes nor no",
                                fix="Write yes or no (or leave it empty to apply the rule).")
        if row["code"] not in known_codes:
            raise ThematicError("E206", path=path, row=n,
                                problem=f"code {row['code']!r} is not a codable code of the "
                                        f"codebook{nearest(row['code'], list(codes))}",
                                fix="Correct the code id.")
        if row["excerpt"] not in known_excerpts:
            raise ThematicError("E206", path=path, row=n,
                                problem=f"excerpt {row['excerpt']!r} was not reviewed by "
                                        f"every reconciled coder ({', '.join(coders)})",
                                fix="Reconcile only excerpts all the coders reviewed.")
        key = (row["excerpt"], row["code"])
        if key in out and out[key][0] != (value in YES):
            raise ThematicError("E206", path=path, row=n,
                                problem=f"excerpt {key[0]!r}, code {key[1]!r} is decided "
                                        f"both ways (also at {out[key][1]})",
                                fix="Keep one decision per excerpt and code.")
        out[key] = (value in YES, where)
    return out


@dataclass
class ReconcileResult:
    coder: str
    codebook: str
    version: str
    coders: list[str]
    rule: str
    excerpts: int                            # excerpts the new coder reviewed
    codings: int                             # codings recorded for the new coder
    agreed: int                              # codes every coder gave
    disagreements: int
    decided_yes: int                         # from the decision sheet
    decided_no: int
    by_rule_yes: int                         # undecided disagreements settled by the rule
    by_rule_no: int
    replaced: int = 0                        # codings of an earlier run removed (--replace)
    decisions_file: str | None = None


def _existing(store: Store, coder: str, versions: list[int]
              ) -> tuple[list[codings_db.Coding], list[tuple[str, str, int]]]:
    codings = [c for c in codings_db.list_codings(store, coder=coder)
               if c.codebook_id in versions]
    coverage = [r for v in versions for r in codings_db.coverage_rows(store, v)
                if r[0] == coder]
    return codings, coverage


def reconcile(store: Store, coders: list[str] | None = None, *, as_coder: str = "consensus",
              rule: str = "unanimous", decisions: str | Path | None = None,
              replace: bool = False, codebook: str | None = None) -> ReconcileResult:
    """Record the agreed set of ``coders`` (default: every human coder) as coder
    ``as_coder``, over the excerpts they all reviewed and every codable code."""
    from thematic.agreement.units import _versions, load
    from thematic.coding.common import write
    from thematic.lookup import codebook as resolve_codebook

    if rule not in RULES:
        raise ThematicError("E207", option="--rule",
                            problem=f"{rule!r} is not one of {', '.join(RULES)}")
    if not as_coder.strip():
        raise ThematicError("E207", option="--as", problem="name the new coder")
    found = load(store, coders=coders, level="code", codebook=codebook)
    if as_coder in found.coders:
        raise ThematicError("E208", value=as_coder)
    book = resolve_codebook(store, codebook)
    versions = _versions(store, book)
    old_codings, old_coverage = _existing(store, as_coder, versions)
    if (old_codings or old_coverage) and not replace:
        raise ThematicError("E205", value=as_coder, codebook=book.name,
                            count=len(old_codings), reviewed=len(old_coverage))
    decided = (read_decisions(decisions, found.items, found.excerpts, found.coders)
               if decisions is not None else {})

    rows, tallies = _agreed_set(found, decided, rule, as_coder)

    def save() -> int:
        return _save(store, found, rows, old_codings, old_coverage, as_coder, {
            "rule": rule, "decisions": None if decisions is None else str(decisions),
            **tallies})

    added = write(store, f"agree reconcile --as {as_coder}", save)
    return ReconcileResult(coder=as_coder, codebook=found.codebook, version=found.version,
                           coders=list(found.coders), rule=rule, excerpts=len(found.excerpts),
                           codings=added, replaced=len(old_codings),
                           decisions_file=None if decisions is None else str(decisions),
                           **tallies)


def _agreed_set(found, decided: dict, rule: str, as_coder: str
                ) -> tuple[list[codings_db.Coding], dict[str, int]]:
    """The codings of ``as_coder`` (present codes only) and the tallies of how each
    (excerpt, code) was settled: agreed, decided on the sheet, or by ``rule``."""
    presence = found.presence()
    m = len(found.coders)
    count = presence.sum(axis=0)
    by_rule = {"unanimous": count == m, "majority": 2 * count > m, "union": count > 0}[rule]
    tallies = dict(agreed=0, disagreements=0, decided_yes=0, decided_no=0, by_rule_yes=0,
                   by_rule_no=0)
    who = ", ".join(found.coders)
    rows: list[codings_db.Coding] = []
    for e, excerpt in enumerate(found.excerpts):
        for i, code in enumerate(found.items):
            k = int(count[e, i])
            mixed = 0 < k < m
            tallies["agreed"] += k == m
            tallies["disagreements"] += mixed
            if (excerpt, code) in decided:
                present, origin = decided[(excerpt, code)]
                tallies["decided_yes" if present else "decided_no"] += 1
                origin = f"decision {origin}"
            elif mixed:
                present = bool(by_rule[e, i])
                tallies["by_rule_yes" if present else "by_rule_no"] += 1
                origin = f"{rule} rule over {who}"
            else:
                present, origin = k == m, f"agreed by {who}"
            if present:
                rows.append(codings_db.Coding(
                    excerpt_id=excerpt, codebook_id=found.codebook_id, code_id=code,
                    coder=as_coder, method="reconcile", origin=origin,
                    status=codings_db.Status.ACCEPTED))
    return rows, tallies


def _save(store: Store, found, rows: list[codings_db.Coding],
          old_codings: list[codings_db.Coding], old_coverage: list[tuple[str, str, int]],
          as_coder: str, run: dict) -> int:
    """Replace ``as_coder``'s earlier run with ``rows`` and log it (inside the write)."""
    for c in old_codings:
        codings_db.remove_coding(store, c.stored_id)
    for coder, excerpt, version in old_coverage:
        codings_db.unmark_reviewed(store, coder, excerpt, version)
    added = codings_db.add_codings(store, rows)
    codings_db.mark_reviewed(store, as_coder, found.excerpts, found.codebook_id)
    tallies = {k: v for k, v in run.items() if k not in ("rule", "decisions")}
    store.log("agree reconcile", as_coder, {
        "codebook": found.codebook, "codebook_id": found.codebook_id, "coders": found.coders,
        "rule": run["rule"], "decisions": run["decisions"], "excerpts": len(found.excerpts),
        "codings": added, "replaced": len(old_codings), **tallies})
    return added
