"""Review findings, study appraisal, GRADE-CERQual evidence profiles and the PRISMA 2020
flow: what a qualitative evidence synthesis states, and how much confidence it deserves.

Light to import: matplotlib loads only when the PRISMA figure is drawn.
"""

from thematic.findings.model import (
    Finding,
    FindingEvidence,
    add_finding,
    evidence,
    get_finding,
    list_findings,
    remove_finding,
)

__all__ = ["Finding", "FindingEvidence", "add_finding", "evidence", "get_finding",
           "list_findings", "remove_finding"]
