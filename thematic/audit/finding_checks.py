"""Audit of the report's confidence claims: review findings (their evidence, appraisal,
divergent cases and recorded CERQual confidence) and the PRISMA 2020 counts.

``actual`` returns the store's figures for a ``finding`` or ``screening`` claim, like
report_checks does for themes and codes, so the same comparison checks them.
"""

from __future__ import annotations

from thematic.audit.core import ERROR
from thematic.errors import ThematicError

KINDS = ("finding", "screening")


def actual(checker, line: int, kind: str, ident: str | None, attrs: dict) -> dict | None:
    if kind == "finding":
        from thematic.findings.cerqual import profile

        try:
            found = profile(checker.store, str(ident))
        except ThematicError as exc:
            checker.add(ERROR, "report-unknown-finding", line, f"claim about finding "
                        f"{ident!r}: {exc.message}", "Regenerate the report (`thematic "
                        "report`) from the current project.", finding=ident)
            return None
        ev = {c.key: c.evidence for c in found.components}
        return {"studies": len(found.studies), "excerpts": len(found.excerpts),
                "codes": ev["adequacy"]["richness"],
                "divergent": ev["coherence"]["divergent"],
                "appraised": ev["limitations"]["appraised"],
                "serious": ev["limitations"]["serious"],
                "confidence": found.overall.judgement or "not assessed"}
    from thematic.findings.prisma import flow

    return {k: (-1 if v is None else v) for k, v in flow(checker.store).counts.items()}


def check_findings(audit) -> None:
    """Every review finding rests on themes that exist and have evidence."""
    from thematic.audit.core import WARNING
    from thematic.findings import evidence, list_findings

    known = {t.id for t in audit.themes}
    for finding in list_findings(audit.store):
        missing = [t for t in finding.themes if t not in known]
        if missing:
            audit.add(ERROR, "finding-unknown-theme", f"Finding {finding.id} rests on theme "
                      f"{missing[0]!r}, which is not in the project.",
                      f"Remove the finding (`thematic finding remove {finding.id}`) and add it "
                      "again on the themes it now rests on.", finding=finding.id,
                      theme=missing[0])
            continue
        if not evidence(audit.store, finding).excerpts:
            audit.add(WARNING, "finding-no-evidence", f"Finding {finding.id} has no accepted "
                      "evidence: none of its themes or codes has an accepted coding.",
                      "Code the excerpts it rests on, or give it other themes.",
                      finding=finding.id)
