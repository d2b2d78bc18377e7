"""The evidence policy: whose accepted codings count as evidence for themes and reports.

Accepted codings are evidence only when their coder is one of the policy's coders:

1. the coders named (``--evidence-coders``), else
2. the project setting ``evidence_coders`` (``thematic evidence set``), else
3. the reconciled coders (coders whose codings ``agree reconcile`` recorded), when any, else
4. every human coder: not automatic (``auto:…``) and not an imported comparison coder (one
   whose every accepted coding came from ``code import`` while someone else coded in the
   project); when imported coders are the only human ones, they are the evidence.

Counts of evidence are excerpt–code pairs: an excerpt several evidence coders gave the same
code counts once. The report's Methods state the policy (``Policy.statement``).

Members of an accepted topic candidate are evidence for its theme, except members HDBSCAN
left as outliers that BERTopic's reduce_outliers then reassigned to the topic (``--cluster
hdbscan``): the model never placed them, so they count only when the researcher says so
(the project setting ``evidence_reassigned``, ``thematic evidence outliers count``), and
the report and ``thematic trace`` then mark them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from thematic.errors import ThematicError, nearest
from thematic.store import codings as db
from thematic.store.db import Store

SETTING = "evidence_coders"
REASSIGNED = "evidence_reassigned"
AUTOMATIC = "auto:"

__all__ = ["REASSIGNED", "SETTING", "Policy", "resolve", "set_coders", "set_reassigned"]


@dataclass
class Policy:
    coders: list[str]                       # whose accepted codings are evidence
    rule: str                               # named | setting | reconciled | human | imported
    excluded: dict[str, str] = field(default_factory=dict)   # coder → why not evidence
    reassigned: bool = False                # do topic members reassigned from outliers count

    def statement(self) -> str:
        """The policy in one sentence, for the report's Methods."""
        who = ", ".join(self.coders) or "no coder"
        why = {"named": "named for this report",
               "setting": "the project's evidence_coders setting",
               "reconciled": "the reconciled coding, which supersedes the coders reconciled",
               "human": "every human coder",
               "imported": "every human coder; all of them were imported"}[self.rule]
        text = f"Evidence is the accepted codings of {who} ({why})."
        if self.excluded:
            text += " Not evidence: " + "; ".join(f"{c} ({r})" for c, r in
                                                  sorted(self.excluded.items())) + "."
        if self.reassigned:
            # said only when it departs from the default, so reports made under the
            # default read as before
            text += (" Members of accepted topic candidates that HDBSCAN left as outliers "
                     "and BERTopic reassigned count as evidence too (marked as reassigned).")
        return text

    def to_dict(self) -> dict:
        return asdict(self)


def resolve(store: Store, coders: list[str] | None = None) -> Policy:
    """The policy in force: ``coders`` when given (each must have accepted codings), else
    the project setting, else the default (module docstring)."""
    methods = db.accepted_methods(store)
    if coders:
        for who in coders:
            if who not in methods:
                raise ThematicError("E700", value=who, coders=", ".join(sorted(methods))
                                    or "(none)", suggest=nearest(who, list(methods)))
        chosen, rule = list(dict.fromkeys(coders)), "named"
    else:
        setting = store.get_meta(SETTING)
        listed = [c.strip() for c in (setting or "").split(",") if c.strip()]
        if listed:
            chosen, rule = listed, "setting"
        else:
            chosen, rule = _default(methods)
    excluded = {who: _why(who, kinds) for who, kinds in methods.items() if who not in chosen}
    return Policy(coders=sorted(chosen), rule=rule, excluded=excluded,
                  reassigned=store.get_meta(REASSIGNED) == "count")


def _default(methods: dict[str, set[str]]) -> tuple[list[str], str]:
    reconciled = [w for w, kinds in methods.items() if kinds == {"reconcile"}]
    if reconciled:
        return reconciled, "reconciled"
    human = [w for w in methods if not w.startswith(AUTOMATIC)]
    own = [w for w in human if methods[w] != {"import"}]
    if own:
        return own, "human"
    return human, "imported"


def _why(who: str, kinds: set[str]) -> str:
    if who.startswith(AUTOMATIC):
        return "automatic coder"
    if kinds == {"import"}:
        return "imported comparison coder"
    if kinds == {"reconcile"}:
        return "reconciled coder not chosen"
    return "not chosen"


def set_coders(store: Store, coders: list[str]) -> Policy:
    """Record the project's evidence coders ([] goes back to the default)."""
    if coders:
        resolve(store, coders)  # every coder must exist
    with store.transaction("evidence set"):
        if coders:
            store.set_meta(SETTING, ",".join(dict.fromkeys(coders)))
        else:
            db.clear_meta(store, SETTING)
        store.log("evidence set", SETTING, {"coders": list(coders)})
    return resolve(store)


def set_reassigned(store: Store, count: bool) -> Policy:
    """Count (or not, the default) topic members reassigned from HDBSCAN's outliers."""
    with store.transaction("evidence outliers"):
        if count:
            store.set_meta(REASSIGNED, "count")
        else:
            db.clear_meta(store, REASSIGNED)
        store.log("evidence outliers", REASSIGNED, {"count": bool(count)})
    return resolve(store)
