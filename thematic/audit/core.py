"""What every audit check shares: the check names, a problem, the result, the audit state."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from thematic.store.db import Store

ERROR, WARNING = "error", "warning"

# check name → what it looks for (in the order they run).
CHECKS = {
    "event-chain": "the event log's hash chain recomputes from the first event to the last",
    "event-log-unprotected": "the triggers that keep the event log append-only are in place",
    "event-key": "with THEMATIC_AUDIT_KEY, every keyed event verifies under the key",
    "row-without-event": "every row of codings, excerpts and themes is as thematic wrote it",
    "coding-missing-excerpt": "every coding's excerpt exists",
    "coding-missing-code": "every coding's code exists in its codebook version",
    "coding-old-codebook": "accepted codings use the current version of their codebook",
    "theme-no-codes": "every theme groups codes (its own or its sub-themes')",
    "theme-unknown-code": "every code a theme lists is in the current codebook",
    "theme-no-evidence": "every theme has accepted evidence",
    "theme-single-study": "no theme rests on a single study (warning)",
    "code-not-in-theme": "every code with accepted codings belongs to a theme (warning)",
    "source-file-missing": "every imported file is still where it was imported from",
    "source-file-changed": "every imported file still has the sha256 it had when imported",
    "report-bad-marker": "every report marker can be read",
    "report-quote-not-verbatim": "every quote is verbatim in its excerpt",
    "report-unknown-excerpt": "every quoted, linked or anchored excerpt exists",
    "report-unknown-study": "every cited or anchored study exists",
    "report-citation-mismatch": "every citation's label is the study's Author Year",
    "report-unknown-theme": "every theme a report anchors or counts exists",
    "report-unknown-code": "every code or codebook a report counts exists",
    "report-broken-anchor": "every #link resolves to an anchor in the report",
    "report-claim-mismatch": "every count a report states equals the store's",
    "report-claim-unchecked": "every claim key is one audit can check (warning)",
    "report-unknown-finding": "every review finding a report states exists",
    "finding-unknown-theme": "every review finding rests on themes in the project",
    "finding-no-evidence": "every review finding has accepted evidence (warning)",
    "report-missing": "every report the project rendered is still there",
    "report-head-mismatch": "the event a report was rendered from is in the log, unchanged",
    "report-stale": "nothing changed the project after a report was rendered",
    "report-differs": "a report reads as the store renders it again, line by line",
    "report-marker-changed": "a report's markers are the ones the store renders",
    "report-unsourced-quote": "every quotation in a report is one the store can source",
    "report-figure-differs": "every figure was drawn from the store's data and is the PNG "
                             "that was drawn",
}



@dataclass
class Problem:
    severity: str                    # error | warning
    check: str                       # a key of CHECKS
    message: str                     # what is wrong
    where: dict = field(default_factory=dict)   # ids, file, line
    fix: str = ""                    # how to fix it


@dataclass
class AuditResult:
    problems: list[Problem] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)    # the reports checked
    markers_only: list[str] = field(default_factory=list)  # of those, not re-rendered

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def failed(self, strict: bool = False) -> bool:
        """True when audit should exit 1: any error, or (strict) any warning."""
        return bool(self.errors or (strict and self.problems))

    def to_dict(self) -> dict:
        return {"ok": not self.errors, "errors": len(self.errors),
                "warnings": len(self.warnings), "checks": self.checks,
                "reports": self.reports, "markers_only": self.markers_only,
                "problems": [asdict(p) for p in self.problems]}


class Audit:
    def __init__(self, store: Store, root: Path) -> None:
        self.store, self.root = store, Path(root)
        self.problems: list[Problem] = []
        self.markers_only: list[str] = []   # reports with no rendering record to re-render
        self._themes: list | None = None
        self._evidence: dict = {}
        self._read_all: set[tuple] = set()  # the coder lists whose evidence_all is read
        self._coders: list[str] | None = None   # the evidence policy's coders, read once

    def add(self, severity: str, check: str, message: str, fix: str = "", **where) -> None:
        self.problems.append(Problem(severity, check, message,
                                     {k: v for k, v in where.items() if v is not None}, fix))

    @property
    def themes(self) -> list:
        if self._themes is None:
            from thematic.themes import list_themes

            self._themes = list_themes(self.store)
        return self._themes

    def evidence(self, theme_id: str, coders: list[str] | None = None):
        """A theme's evidence by ``coders`` (None: the evidence policy in force)."""
        if coders is None:
            # resolved once and keyed like an explicit list: the store checks and the claims
            # of a report rendered under the policy then share each theme's evidence
            if self._coders is None:
                from thematic.evidence import resolve

                self._coders = resolve(self.store).coders
            coders = self._coders
        key = (theme_id, tuple(coders))
        if key not in self._evidence:
            from thematic.themes import evidence, evidence_all

            # every theme's at once (one query, as the report reads them): the store checks
            # and the claims ask for each theme in turn
            if key[1] not in self._read_all:
                self._read_all.add(key[1])
                for ident, ev in evidence_all(self.store, coders=coders).items():
                    self._evidence[(ident, key[1])] = ev
            if key not in self._evidence:
                self._evidence[key] = evidence(self.store, theme_id, coders=coders)
        return self._evidence[key]


def few(ids: list, total: int) -> str:
    text = ", ".join(map(str, ids))
    return text + (f" and {total - len(ids)} more" if total > len(ids) else "")
