"""Review findings: a statement and the themes (and codes) it rests on.

A finding never stores excerpts. Its evidence is recomputed on every read as the union of
its themes' evidence (``thematic.themes.evidence``) and the accepted codings of the codes
it names, so re-coding or re-theming changes every finding at once, as it does themes.
Every change is one transaction with one event in the project's log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from thematic.errors import ThematicError, nearest
from thematic.store import findings as db
from thematic.store.db import Store
from thematic.store.findings import Finding


@dataclass
class FindingEvidence:
    finding_id: str
    excerpts: list[str]                       # excerpt ids, import order
    studies: list[str]                        # source ids, study-list order
    by_theme: dict[str, list[str]]            # theme id → excerpt ids
    by_code: dict[str, list[str]]             # code id → excerpt ids
    codes_of: dict[str, list[str]] = field(default_factory=dict)   # excerpt → code ids


def list_findings(store: Store) -> list[Finding]:
    """Every finding, F1 first."""
    return db.list_findings(store)


def get_finding(store: Store, finding_id: str) -> Finding:
    """One finding by id (``F3``, ``f3`` or ``3``); E591 when there is none."""
    wanted = str(finding_id).strip()
    if wanted.isdigit():
        wanted = f"F{int(wanted)}"
    wanted = wanted.upper()
    found = db.get_finding(store, wanted)
    if found is None:
        raise ThematicError("E591", value=finding_id,
                            suggest=nearest(wanted, [f.id for f in db.list_findings(store)]))
    return found


def add_finding(store: Store, statement: str, themes: list[str],
                codes: list[str] | None = None, *, codebook: str | None = None) -> Finding:
    """A finding resting on ``themes`` (ids or names; at least one) and, optionally, on
    ``codes`` of ``codebook`` (default: the current codebook)."""
    from thematic.themes import _check_codes, get_theme

    statement = " ".join(str(statement).split())
    if not statement:
        raise ThematicError("E592", option="STATEMENT",
                            problem="a finding needs a statement (one or two sentences).")
    theme_ids: list[str] = []
    for item in themes:
        if str(item).strip():
            found = get_theme(store, str(item).strip()).id
            if found not in theme_ids:
                theme_ids.append(found)
    if not theme_ids:
        raise ThematicError("E590", statement=statement)
    pairs: list[tuple[str, str]] = []
    if codes:
        clean, book = _check_codes(store, list(codes), codebook)
        pairs = [(book, c) for c in clean]
    for existing in db.list_findings(store):
        if existing.statement.casefold() == statement.casefold():
            raise ThematicError("E592", option="STATEMENT", problem=f"finding {existing.id} "
                                "already says this; edit or remove it instead.")
    with store.transaction("finding add"):
        number = db.next_number(store)
        finding = Finding(id=f"F{number}", number=number, statement=statement,
                          themes=theme_ids, codes=pairs)
        db.insert_finding(store, finding)
        store.log("finding add", finding.id, {"statement": statement, "themes": theme_ids,
                                              "codes": [list(p) for p in pairs]})
    return get_finding(store, finding.id)


def remove_finding(store: Store, finding_id: str) -> Finding:
    """Delete a finding and its CERQual judgements (the event log keeps them)."""
    finding = get_finding(store, finding_id)
    with store.transaction(f"finding remove {finding.id}"):
        db.delete_finding(store, finding.id)
        store.log("finding remove", finding.id, {"statement": finding.statement,
                                                 "themes": finding.themes})
    return finding


def evidence(store: Store, finding: Finding | str) -> FindingEvidence:
    """The finding's evidence: its themes' evidence plus its own codes' accepted codings."""
    from thematic.store import themes as tdb
    from thematic.themes import evidence as theme_evidence

    if isinstance(finding, str):
        finding = get_finding(store, finding)
    known = set(tdb.theme_ids(store))
    positions: dict[str, int] = {}
    sources: dict[str, str] = {}
    by_theme: dict[str, list[str]] = {}
    by_code: dict[str, dict[str, None]] = {}
    for theme_id in finding.themes:
        if theme_id not in known:
            raise ThematicError("E603", finding=finding.id, theme=theme_id)
        ev = theme_evidence(store, theme_id)
        by_theme[theme_id] = list(ev.excerpts)
        for code, ids in ev.by_code.items():
            for eid in ids:
                by_code.setdefault(code, {})[eid] = None
        for eid in ev.excerpts:
            positions.setdefault(eid, -1)
    for book in sorted({b for b, _ in finding.codes}):
        wanted = [c for b, c in finding.codes if b == book]
        for eid, code, source, pos in tdb.accepted_codings(store, book, wanted):
            by_code.setdefault(code, {})[eid] = None
            positions[eid], sources[eid] = pos, source
    order = db.excerpt_positions(store, list(positions))
    for eid in positions:
        if eid in order:
            positions[eid], sources[eid] = order[eid]
    excerpts = sorted((e for e in positions if e in order), key=positions.__getitem__)
    codes_of: dict[str, list[str]] = {}
    for code, coded in sorted(by_code.items()):
        for eid in coded:
            codes_of.setdefault(eid, []).append(code)
    return FindingEvidence(
        finding_id=finding.id, excerpts=excerpts,
        studies=tdb.source_order(store, {sources[e] for e in excerpts}),
        by_theme=by_theme,
        by_code={c: sorted(ids, key=lambda e: positions.get(e, 0))
                 for c, ids in sorted(by_code.items())},
        codes_of=codes_of)

