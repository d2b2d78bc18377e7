"""The audit's checks of a report's CFIR claims.

``<!-- claim cfir="ID" studies="N" excerpts="N" [barriers= facilitators= net=] -->`` about a
CFIR 2.0 domain or construct, and ``<!-- claim cfir-row="ID" cells="CASE:CELL,…" -->`` about
one row of the construct × case matrix, are recomputed from the store (the same view and
matrix the report was made from: accepted codings, the valence in force, the ratings in
force) and must match exactly.
"""

from __future__ import annotations

from thematic.audit.core import ERROR, WARNING

KINDS = ("cfir", "cfir-row")
ALL = "all"          # cfir="all": the whole view (excerpts reaching CFIR, ratings recorded)
_FIX = "Regenerate the report (`thematic report`) so it states the store's CFIR figures."


class CfirFacts:
    """The store's CFIR view and matrix, computed once per audit."""

    def __init__(self, store) -> None:
        from thematic.cfir.matrix import build as build_matrix
        from thematic.cfir.matrix import outcome_attribute
        from thematic.cfir.view import build as build_view

        self.view = build_view(store)
        self.matrix = build_matrix(store, by=outcome_attribute(store), view=self.view)

    def figures(self, ident: str) -> dict | None:
        for domain in self.view.domains:
            if domain.id == ident:
                return {"studies": len(domain.studies), "excerpts": len(domain.excerpts)}
            for con in domain.constructs:
                if con.id == ident:
                    return {"studies": len(con.studies), "excerpts": len(con.excerpts),
                            "barriers": con.barriers, "facilitators": con.facilitators,
                            "net": con.net or ""}
        return None

    def row(self, ident: str) -> str | None:
        from thematic.cfir.matrix import row_cells

        for row in self.matrix.rows:
            if row.construct == ident:
                return row_cells(row, self.matrix.cases)
        return None


def check_claim(checker, line: int, kind: str, ident: str | None, attrs: dict) -> None:
    """Check one CFIR claim of a report (``checker`` is the report checker)."""
    from thematic.cfir import framework

    facts = getattr(checker, "_cfir_facts", None)
    if facts is None:
        facts = checker._cfir_facts = CfirFacts(checker.store)
    frame = framework.load()
    if ident == ALL:
        _compare(checker, line, kind, "the project's CFIR view", attrs, {
            "excerpts": facts.view.excerpts_with_evidence,
            "rated": sum(1 for r in facts.matrix.rows for c in r.cells.values()
                         if c.source == "rated")})
        return
    if ident not in frame.domains and ident not in frame.constructs:
        checker.add(ERROR, "report-unknown-code", line, f"claim about CFIR id {ident!r}, "
                    "which is not a CFIR 2.0 domain or construct.", _FIX, code=ident)
        return
    subject = f"CFIR {ident!r}"
    if kind == "cfir-row":
        actual = facts.row(ident) or ""
        given = attrs.get("cells", "")
        if _cells(given) != _cells(actual):
            checker.add(ERROR, "report-claim-mismatch", line, f"the report's matrix row for "
                        f"{subject} has cells {given or '(none)'}, but the store gives "
                        f"{actual or '(none)'}.", _FIX, claim=kind, id=ident, key="cells")
        return
    _compare(checker, line, kind, subject, attrs,
             facts.figures(ident) or {"studies": 0, "excerpts": 0})


def _compare(checker, line: int, kind: str, subject: str, attrs: dict, actual: dict) -> None:
    ident = attrs.get(kind)
    for key, given in attrs.items():
        if key == kind:
            continue
        if key not in actual:
            checker.add(WARNING, "report-claim-unchecked", line, f"claim {key}=\"{given}\" "
                        f"about {subject} is not a figure audit can check (it checks "
                        f"{', '.join(sorted(actual))}).", "Use those keys.")
        elif str(given).strip() != str(actual[key]):
            checker.add(ERROR, "report-claim-mismatch", line, f"the report says {subject} "
                        f"has {key}={given}, but the store has {actual[key]}.", _FIX,
                        claim=kind, id=ident, key=key)


def _cells(text: str) -> set[str]:
    return {part.strip() for part in text.split(",") if part.strip()}
