"""What changed between two codebooks: codes added, removed, renamed and changed.

A code keeps its identity through its id. A *rename* is a code whose id changed while its
definition (or, failing that, its name) stayed the same — codings made against the old id
then need attention. A change of a code's name, definition, parent, criteria, examples,
CFIR mapping or rules under the same id is a *change*, listed with the fields involved.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from thematic.codebook.model import CODE_KEYS, META_KEYS, CodebookDoc


@dataclass
class Changed:
    id: str
    fields: list[str]


@dataclass
class Renamed:
    old: str
    new: str


@dataclass
class CodebookDiff:
    old: str                                   # labels of the two sides, e.g. a path
    new: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)   # top-level keys that differ

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.changed
                    or self.metadata)

    @property
    def affected(self) -> dict[str, str]:
        """Old code id → why codings against it need review (removed/renamed/changed)."""
        out = {r: "removed" for r in self.removed}
        out.update({r.old: f"renamed to {r.new}" for r in self.renamed})
        out.update({c.id: "changed: " + ", ".join(c.fields) for c in self.changed})
        return out

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        if self.empty:
            return "no differences"
        parts = []
        if self.added:
            parts.append(f"{len(self.added)} added ({', '.join(self.added)})")
        if self.removed:
            parts.append(f"{len(self.removed)} removed ({', '.join(self.removed)})")
        if self.renamed:
            parts.append(f"{len(self.renamed)} renamed ("
                         + ", ".join(f"{r.old} → {r.new}" for r in self.renamed) + ")")
        if self.changed:
            parts.append(f"{len(self.changed)} changed ("
                         + "; ".join(f"{c.id}: {', '.join(c.fields)}" for c in self.changed)
                         + ")")
        if self.metadata:
            parts.append("metadata: " + ", ".join(self.metadata))
        return "; ".join(parts)


def diff(old: CodebookDoc, new: CodebookDoc, *, old_label: str | None = None,
         new_label: str | None = None) -> CodebookDiff:
    result = CodebookDiff(old=old_label or old.path or old.name,
                          new=new_label or new.path or new.name)
    a, b = old.by_id, new.by_id
    removed = [i for i in a if i not in b]
    added = [i for i in b if i not in a]
    for gone in list(removed):
        match = _same_code(a[gone], [b[i] for i in added])
        if match is not None:
            result.renamed.append(Renamed(gone, match))
            removed.remove(gone)
            added.remove(match)
    result.removed, result.added = removed, added
    for cid, code in a.items():
        if cid in b:
            fields = [k for k in CODE_KEYS if k != "id" and _value(code, k) != _value(b[cid], k)]
            if fields:
                result.changed.append(Changed(cid, fields))
    result.metadata = [k for k in ("name", "version", "title", *META_KEYS)
                       if old.data.get(k) != new.data.get(k)]
    return result


def _value(code: dict, key: str):
    value = code.get(key)
    if key == "codable":
        return value is not False
    return value if value not in ("", [], {}) else None


def _same_code(code: dict, candidates: list[dict]) -> str | None:
    for key in ("definition", "name"):
        value = code.get(key)
        if not value:
            continue
        hits = [c for c in candidates if c.get(key) == value]
        if len(hits) == 1:
            return str(hits[0]["id"])
    return None
