"""``thematic merge``: bring another copy of the project (a coder's laptop) into this one.

Matching: excerpts by id when the text is the same (by text hash), else by the same text
in the same study (an excerpt re-imported under another id); codebook versions by content
hash; codes by id within them; themes by id; memos by target, author and text. Coders can
be renamed on the way in (``coder_map``).

Nothing is overwritten and nothing dropped. Per excerpt and coder, the other copy's
codings are added when this copy has none there, or only a subset of them; when both
copies changed that coder's work on the excerpt (each has codes the other lacks, a status
differs, or this copy reviewed it and left it uncoded), it is a **conflict**: kept in
``merge_conflicts`` and listed, not applied. An excerpt whose text differs under the same
id is a conflict too (with the other copy's codings on it). Codings of a codebook version
this copy does not use, whose code is missing or changed in the current version, come in
under their own version and are listed as stale. The other copy's events that this log
lacks are kept verbatim in ``merged_events``, so its chain stays verifiable, and one
``merge`` event records the other copy's newest hash.

Everything lands in one transaction; merging the same copy again finds nothing new.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from thematic.errors import ThematicError, nearest
from thematic.store import merge as db
from thematic.store.codings import Status
from thematic.store.db import Store


@dataclass
class MergeResult:
    other: str
    added: dict[str, int] = field(default_factory=dict)
    conflicts: list[dict] = field(default_factory=list)   # kind, key, ours, theirs
    stale: list[dict] = field(default_factory=list)       # excerpt, code, coder, why
    coders: dict[str, str] = field(default_factory=dict)  # their name → ours, when renamed
    warnings: list[str] = field(default_factory=list)
    head: str = ""                                        # the other copy's newest event
    chains: dict[str, int] = field(default_factory=dict)  # events each chain verified
    unchanged: bool = False


def parse_coder_map(values: list[str] | None) -> dict[str, str]:
    """["Alice Smith=alice", "B=b,C=c"] → {"Alice Smith": "alice", "B": "b", "C": "c"}."""
    out: dict[str, str] = {}
    for value in values or []:
        for item in value.split(","):
            if not item.strip():
                continue
            theirs, sep, ours = item.partition("=")
            if not sep or not theirs.strip() or not ours.strip():
                raise ThematicError("E537", value=item.strip(), problem="not THEIRS=OURS")
            if theirs.strip() in out:
                raise ThematicError("E537", value=item.strip(),
                                    problem=f"{theirs.strip()!r} is mapped twice")
            out[theirs.strip()] = ours.strip()
    return out


def _open_other(store: Store, other: str | os.PathLike) -> tuple[Store, str]:
    from thematic.project import MARKER, database

    path = Path(other)
    db_path = path if path.is_file() and path.suffix == ".db" else database(path)
    if not db_path.is_file():
        raise ThematicError("E535", path=other)
    if db_path.resolve() == store.path.resolve():
        raise ThematicError("E539", path=other)
    shown = str(db_path.parent.parent if db_path.parent.name == MARKER else db_path)
    theirs = Store(db_path, migrate=False)
    if theirs.version != store.version:
        found = theirs.version
        theirs.close()
        raise ThematicError("E536", path=shown, found=found, ours=store.version)
    return theirs, shown


def merge_project(store: Store, other: str | os.PathLike, *,
                  coder_map: list[str] | dict[str, str] | None = None,
                  root: Path | None = None) -> MergeResult:
    """Merge the project at ``other`` (its folder, or its project.db) into ``store``; a
    .qdpx file is imported as REFI-QDA instead (excerpts of the same id and text reused)."""
    mapping = coder_map if isinstance(coder_map, dict) else parse_coder_map(coder_map)
    if str(other).lower().endswith(".qdpx"):
        return _merge_qdpx(store, other, mapping, root)
    theirs, shown = _open_other(store, other)
    try:
        return _Merge(store, theirs, shown, mapping).run()
    finally:
        theirs.close()


def _merge_qdpx(store: Store, path, mapping: dict[str, str], root) -> MergeResult:
    from thematic.interop.qdpx_import import import_qdpx

    if mapping:
        raise ThematicError("E537", value=", ".join(f"{k}={v}" for k, v in mapping.items()),
                            problem="a .qdpx names its coders as REFI users; import it with "
                            "`thematic import qdpx FILE --coder NAME` to rename them")
    done = import_qdpx(store, path, root=root)
    return MergeResult(other=done.path, added={"excerpts": done.excerpts_added,
                                               "codings": done.codings_added,
                                               "memos": done.memos_added,
                                               "themes": len(done.themes_added)},
                       warnings=done.warnings, unchanged=done.already_imported)


class _Merge:
    def __init__(self, ours: Store, theirs: Store, shown: str, mapping: dict[str, str]):
        self.ours, self.theirs, self.shown = ours, theirs, shown
        self.r = MergeResult(other=shown)
        self.mapping = mapping
        self.excerpt: dict[str, str] = {}      # their excerpt id → ours
        self.book: dict[int, int] = {}         # their codebook id → ours
        self.pending: list[tuple[str, str, object, object]] = []

    def coder(self, name: str) -> str:
        return self.mapping.get(name, name)

    def run(self) -> MergeResult:
        t = {table: db.rows(self.theirs, table) for table in db.COLUMNS}
        their_events = db.events(self.theirs)
        self._check_map(t)
        self.r.head = db.head(self.theirs)
        self.r.coders = dict(self.mapping)
        with self.ours.transaction(f"merge {self.shown}"):
            added = self.r.added
            added["studies"] = self._sources(t["sources"])
            added["excerpts"] = self._excerpts(t["excerpts"], t)
            added["codebooks"] = self._codebooks(t["codebooks"], t["codes"])
            added["codings"], added["reviews"] = self._codings(t["codings"], t["coverage"])
            added["decisions"] = self._decisions(t["blind_decisions"])
            added["memos"] = self._memos(t["memos"])
            added["themes"] = self._themes(t["themes"], t["theme_codes"])
            added["assignments"] = self._assignments(t["assignment_runs"], t["assignments"])
            added["guids"] = db.insert(self.ours, "refi_guids", t["refi_guids"])
            known = db.event_hashes(self.ours)
            fresh = [e for e in their_events + t["merged_events"] if e["hash"] not in known]
            added["events"] = db.insert(self.ours, "merged_events", fresh)
            self._verify()
            new_conflicts = db.add_conflicts(self.ours, self.shown, self.pending)
            self.r.conflicts = [{"kind": k, "key": key, "ours": o, "theirs": th}
                                for k, key, o, th in self.pending]
            self.r.unchanged = not any(added.values()) and not new_conflicts
            if not self.r.unchanged:
                self.ours.log("merge", self.shown, {
                    "head": self.r.head, "added": added, "conflicts": len(self.pending),
                    "new_conflicts": new_conflicts, "stale": len(self.r.stale),
                    "coder_map": self.mapping})
        return self.r

    def _verify(self) -> None:
        """Both hash chains, ours and the other copy's (through the merged events), must
        recompute from genesis; a broken one is reported, the merge still keeps the work."""
        for label, tip in (("this project's", db.head(self.ours)),
                           (f"{self.shown}'s", self.r.head)):
            n, problem = db.verify_chain(self.ours, tip)
            self.r.chains["ours" if label == "this project's" else "theirs"] = n
            if problem:
                self.r.warnings.append(f"{label} event log does not verify: {problem}; run "
                                       "`thematic audit` there")

    # --- coders -----------------------------------------------------------------------------
    def _check_map(self, t: dict) -> None:
        if not self.mapping:
            return
        names = {r["coder"] for r in t["codings"]} | {r["coder"] for r in t["coverage"]}
        names |= {r["author"] for r in t["memos"]} | {r["coder"] for r in t["assignments"]}
        names |= {r["coder"] for r in t["blind_decisions"]}
        for theirs in self.mapping:
            if theirs not in names:
                raise ThematicError("E538", value=theirs, path=self.shown,
                                    suggest=nearest(theirs, names),
                                    coders=", ".join(sorted(names)) or "(none)")

    # --- corpus -----------------------------------------------------------------------------
    def _sources(self, rows: list[dict]) -> int:
        from thematic.store.corpus import source_ids

        known = source_ids(self.ours)
        return db.insert(self.ours, "sources", [r for r in rows if r["id"] not in known])

    def _excerpts(self, rows: list[dict], t: dict) -> int:
        from thematic.store.corpus import next_position

        mine = {r[0]: (r[1], r[2]) for r in self.ours.query(
            "SELECT id, text_sha, source_id FROM excerpts")}
        by_text: dict[tuple[str, str], str] = {}
        for eid, (sha, source) in mine.items():
            by_text.setdefault((source, sha), eid)
        position = next_position(self.ours)
        new = []
        for r in rows:
            ours = mine.get(r["id"])
            if ours is not None and ours[0] == r["text_sha"]:
                self.excerpt[r["id"]] = r["id"]
            elif ours is not None:
                # Same id, other text: keep ours, and the other copy's work on it apart.
                text = self.ours.scalar("SELECT text FROM excerpts WHERE id = ?", (r["id"],))
                work = [c for c in t["codings"] if c["excerpt_id"] == r["id"]]
                self.pending.append(("excerpt", r["id"], {"text": text},
                                     {"text": r["text"], "codings": work}))
            elif (r["source_id"], r["text_sha"]) in by_text:
                self.excerpt[r["id"]] = by_text[(r["source_id"], r["text_sha"])]
            else:
                new.append({**r, "position": position})
                position += 1
                self.excerpt[r["id"]] = r["id"]
        return db.insert(self.ours, "excerpts", new)

    # --- codebooks ------------------------------------------------------------------------------
    def _codebooks(self, books: list[dict], codes: list[dict]) -> int:
        by_hash = {r[0]: r[1] for r in self.ours.query("SELECT hash, id FROM codebooks")}
        current = {r[0] for r in self.ours.query(
            "SELECT name FROM codebooks WHERE current = 1")}
        n = 0
        for b in books:
            if b["hash"] in by_hash:
                self.book[b["id"]] = by_hash[b["hash"]]
                continue
            # Another version: it comes in beside ours, which stays the current one.
            new_id = db.insert_one(self.ours, "codebooks", {
                **b, "current": 0 if b["name"] in current else b["current"]})
            db.insert(self.ours, "codes", [{**c, "codebook_id": new_id} for c in codes
                                           if c["codebook_id"] == b["id"]])
            self.book[b["id"]] = new_id
            by_hash[b["hash"]] = new_id
            n += 1
        return n

    # --- codings and reviews -----------------------------------------------------------------
    def _state(self, codings: list[dict], coverage: list[dict], ours: bool):
        """(codebook name, excerpt, coder) → ({(codebook id, code, start, end): status},
        reviewed, the coding rows)."""
        names = {r[0]: r[1] for r in self.ours.query("SELECT id, name FROM codebooks")}
        out: dict[tuple, tuple[dict, list, list]] = {}
        for c in codings:
            key = self._key(c, names, ours)
            if key is None:
                continue
            book = c["codebook_id"] if ours else self.book[c["codebook_id"]]
            entry = out.setdefault(key, ({}, [], []))
            entry[0][(book, c["code_id"], c["start"], c["end"])] = c["status"]
            entry[2].append(c)
        for v in coverage:
            key = self._key(v, names, ours)
            if key is not None:
                out.setdefault(key, ({}, [], []))[1].append(v)
        return out

    def _key(self, row: dict, names: dict, ours: bool) -> tuple | None:
        if ours:
            return names[row["codebook_id"]], row["excerpt_id"], row["coder"]
        eid = self.excerpt.get(row["excerpt_id"])
        if eid is None:   # an excerpt in conflict: its work is in that conflict
            return None
        return names[self.book[row["codebook_id"]]], eid, self.coder(row["coder"])

    def _codings(self, codings: list[dict], coverage: list[dict]) -> tuple[int, int]:
        mine = self._state(db.rows(self.ours, "codings"), db.rows(self.ours, "coverage"), True)
        theirs = self._state(codings, coverage, False)
        add_codings, add_reviews = [], []
        for key, (t_codes, t_reviews, t_rows) in theirs.items():
            o_codes, o_reviews, _ = mine.get(key, ({}, [], []))
            extra = {k: s for k, s in t_codes.items() if k not in o_codes}
            changed = [k for k, s in t_codes.items()
                       if k in o_codes and s != o_codes[k] and s != Status.PROPOSED]
            ours_only = [k for k in o_codes if k not in t_codes]
            said_no = bool(o_reviews) and not o_codes and bool(t_codes)
            if changed or said_no or (extra and ours_only):
                book, eid, who = key
                self.pending.append(("coding", f"{eid}|{who}|{book}",
                                     _listing(o_codes), _listing(t_codes)))
                continue
            add_codings += [self._coding(c) for c in t_rows
                            if (self.book[c["codebook_id"]], c["code_id"], c["start"],
                                c["end"]) in extra]
            add_reviews += [{**v, "excerpt_id": key[1], "coder": key[2],
                             "codebook_id": self.book[v["codebook_id"]]} for v in t_reviews]
        self._stale(add_codings)
        return (db.insert(self.ours, "codings", add_codings),
                db.insert(self.ours, "coverage", add_reviews))

    def _coding(self, c: dict) -> dict:
        return {**c, "excerpt_id": self.excerpt[c["excerpt_id"]],
                "codebook_id": self.book[c["codebook_id"]], "coder": self.coder(c["coder"])}

    def _stale(self, added: list[dict]) -> None:
        """Codings brought in under a version that is not the current one, whose code the
        current version lacks or defines differently."""
        books = {r[0]: (r[1], r[2]) for r in self.ours.query(
            "SELECT id, name, current FROM codebooks")}
        current = {name: i for i, (name, cur) in books.items() if cur}
        codes: dict[int, dict[str, tuple]] = {}

        def code(book_id: int, code_id: str) -> tuple | None:
            if book_id not in codes:
                codes[book_id] = {r[0]: (r[1], r[2], r[3]) for r in self.ours.query(
                    "SELECT id, name, definition, parent FROM codes WHERE codebook_id = ?",
                    (book_id,))}
            return codes[book_id].get(code_id)

        for c in added:
            name, is_current = books[c["codebook_id"]]
            if is_current or name not in current:
                continue
            now = code(current[name], c["code_id"])
            if now is None:
                why = f"code {c['code_id']!r} is not in the current version"
            elif now != code(c["codebook_id"], c["code_id"]):
                why = f"code {c['code_id']!r} changed in the current version"
            else:
                continue
            self.r.stale.append({"excerpt": c["excerpt_id"], "code": c["code_id"],
                                 "coder": c["coder"], "codebook": name, "why": why})

    def _decisions(self, rows: list[dict]) -> int:
        return db.insert(self.ours, "blind_decisions", [
            {**r, "coder": self.coder(r["coder"]), "excerpt_id": self.excerpt[r["excerpt_id"]],
             "codebook_id": self.book[r["codebook_id"]], "proposer": self.coder(r["proposer"])}
            for r in rows if r["excerpt_id"] in self.excerpt])

    # --- memos, themes, assignments ------------------------------------------------------------
    def _memos(self, rows: list[dict]) -> int:
        def target(r: dict) -> str | None:
            return self.excerpt.get(r["target_id"]) if r["target_kind"] == "excerpt" \
                else r["target_id"]

        have = {(r["target_kind"], r["target_id"], r["author"], r["text"])
                for r in db.rows(self.ours, "memos")}
        new = []
        for r in rows:
            item = {**r, "target_id": target(r), "author": self.coder(r["author"])}
            key = (item["target_kind"], item["target_id"], item["author"], item["text"])
            if item["target_id"] is not None and key not in have:
                have.add(key)
                new.append(item)
        return db.insert(self.ours, "memos", new)

    def _themes(self, themes: list[dict], codes: list[dict]) -> int:
        from thematic.store.themes import next_position

        mine = {r["id"]: r for r in db.rows(self.ours, "themes")}
        my_codes = _codes_by_theme(db.rows(self.ours, "theme_codes"))
        their_codes = _codes_by_theme(codes)
        position = next_position(self.ours)
        new = []
        for th in _parents_first(themes):
            ours = mine.get(th["id"])
            if ours is None:
                new.append({**th, "position": position})
                position += 1
                continue
            a = {k: ours[k] for k in ("name", "level", "parent_id", "description")}
            b = {k: th[k] for k in ("name", "level", "parent_id", "description")}
            a["codes"], b["codes"] = my_codes.get(th["id"], []), their_codes.get(th["id"], [])
            if a != b:
                self.pending.append(("theme", th["id"], a, b))
        n = db.insert(self.ours, "themes", new)
        ids = {th["id"] for th in new}
        db.insert(self.ours, "theme_codes", [c for c in codes if c["theme_id"] in ids])
        return n

    def _assignments(self, runs: list[dict], rows: list[dict]) -> int:
        def same(r: dict) -> tuple:
            return (json.dumps([self.coder(c) for c in json.loads(r["coders"])]), r["seed"],
                    r["sample"], r["strata"], r["created_at"])

        have = {same(r) for r in db.rows(self.ours, "assignment_runs")}
        n = 0
        for run in runs:
            if same(run) in have:
                continue
            run_id = db.insert_one(self.ours, "assignment_runs", {
                **run, "coders": json.dumps([self.coder(c) for c in json.loads(run["coders"])])})
            db.insert(self.ours, "assignments", [
                {"run_id": run_id, "coder": self.coder(a["coder"]),
                 "excerpt_id": self.excerpt[a["excerpt_id"]], "double": a["double"]}
                for a in rows if a["run_id"] == run["id"] and a["excerpt_id"] in self.excerpt])
            n += 1
        return n


def _listing(codes: dict) -> list[dict]:
    return [{"code": code, "span": None if start is None else [start, end], "status": status}
            for (_, code, start, end), status in sorted(codes.items(), key=str)]


def _codes_by_theme(rows: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["theme_id"], []).append(f"{r['codebook']}:{r['code_id']}")
    return {k: sorted(v) for k, v in out.items()}


def _parents_first(themes: list[dict]) -> list[dict]:
    by_id = {t["id"]: t for t in themes}
    out, seen = [], set()

    def visit(t: dict) -> None:
        if t["id"] in seen:
            return
        seen.add(t["id"])
        if t["parent_id"] in by_id:
            visit(by_id[t["parent_id"]])
        out.append(t)

    for t in themes:
        visit(t)
    return out
