"""CFIR 2.0 as data: domains, constructs and sub-constructs of the bundled codebook
(thematic/codebook/cfir2.json, a copy of codebooks/cfir2.yaml), and how any CFIR id rolls up.

A *construct* is a codable code whose parent is a grouping (a domain, the two Individuals
subdomains, the outcome groupings); a *sub-construct* is a codable code under a construct
and rolls up to it. The Outcomes Addendum is the sixth top-level branch, kept apart from
the five determinant domains.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from thematic.errors import ThematicError, nearest

OUTCOMES = "outcomes"


@dataclass(frozen=True)
class Construct:
    id: str
    name: str
    domain: str
    subdomain: str | None = None          # e.g. individuals.roles
    subs: tuple[str, ...] = ()            # its sub-constructs' ids


@dataclass(frozen=True)
class Domain:
    id: str
    name: str
    constructs: tuple[str, ...] = ()


@dataclass
class Framework:
    domains: dict[str, Domain] = field(default_factory=dict)
    constructs: dict[str, Construct] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)        # every id → its name
    rollup: dict[str, str] = field(default_factory=dict)       # codable id → construct id

    def construct_of(self, cfir_id: str) -> str | None:
        """The construct a CFIR id counts for (itself, or the construct above a
        sub-construct); None for a grouping or an unknown id."""
        return self.rollup.get(cfir_id)

    def domain_of(self, cfir_id: str) -> str:
        return cfir_id.split(".", 1)[0]

    def resolve(self, value: str) -> str:
        """A construct or sub-construct id as a user typed it (id or name), or E631."""
        text = value.strip()
        if text in self.rollup:
            return text
        by_name = {n.casefold(): i for i, n in self.names.items() if i in self.rollup}
        # "F. Financing" is also "Financing"
        by_name.update({re.sub(r"^[A-Z]\d*\.\s+", "", n).casefold(): i
                        for i, n in self.names.items() if i in self.rollup})
        if text.casefold() in by_name:
            return by_name[text.casefold()]
        raise ThematicError("E631", value=value, suggest=nearest(text, sorted(self.rollup))
                            or nearest(text.casefold(), sorted(by_name)))


@lru_cache(maxsize=1)
def load() -> Framework:
    """The CFIR 2.0 framework of the bundled codebook (cached; it never changes at run
    time)."""
    text = resources.files("thematic.codebook").joinpath("cfir2.json").read_text("utf-8")
    return build(json.loads(text)["codes"])


def build(codes: list[dict]) -> Framework:
    """The framework of a list of codebook codes (dicts with id, parent, name, codable)."""
    by_id = {c["id"]: c for c in codes}
    codable = {c["id"]: c.get("codable", True) for c in codes}
    out = Framework(names={c["id"]: c["name"] for c in codes})

    def root(cid: str) -> str:
        seen = 0
        while by_id[cid].get("parent") in by_id and seen < 20:
            cid, seen = by_id[cid]["parent"], seen + 1
        return cid

    constructs: dict[str, list[str]] = {}
    for code in codes:
        cid, parent = code["id"], code.get("parent")
        if not codable[cid]:
            continue
        if parent is None or not codable.get(parent, False):
            constructs.setdefault(cid, [])
            out.rollup[cid] = cid
    for code in codes:
        cid = code["id"]
        if not codable[cid] or cid in constructs:
            continue
        top = code.get("parent")
        while top is not None and top not in constructs:
            top = by_id.get(top, {}).get("parent")
        if top is not None:
            constructs[top].append(cid)
            out.rollup[cid] = top
    for code in codes:
        cid = code["id"]
        if cid in constructs:
            parent = code.get("parent")
            sub = parent if parent and by_id[parent].get("parent") else None
            out.constructs[cid] = Construct(cid, code["name"], root(cid), sub,
                                            tuple(constructs[cid]))
    for code in codes:
        if code.get("parent") is None:
            members = tuple(c for c in out.constructs if out.constructs[c].domain == code["id"])
            out.domains[code["id"]] = Domain(code["id"], code["name"], members)
    return out
