"""Validation: the JSON Schema (codebooks/schema.json), then the checks a schema cannot make —
unique ids, known parents, no cycles, known CFIR ids, phrases that tokenise and patterns that
spaCy's Matcher accepts. Every problem carries the line (or CSV row) to fix."""

from __future__ import annotations

import json
from collections.abc import Set
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from thematic.codebook import regex
from thematic.codebook.model import CodebookDoc
from thematic.errors import nearest

CFIR_NAME = "cfir2"


@dataclass(frozen=True)
class Problem:
    line: int | None
    where: str          # e.g. "codes[3] (hope).rules.patterns[0]"
    message: str

    def render(self, path: str | None, unit: str = "line") -> str:
        at = f"{path}" if path else ""
        if self.line is not None:
            at += f":{self.line}" if unit == "line" else f", row {self.line}"
        where = f"{self.where}: " if self.where else ""
        return f"{at}: {where}{self.message}" if at else f"{where}{self.message}"


@lru_cache(maxsize=1)
def schema() -> dict:
    text = resources.files("thematic.codebook").joinpath("schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def bundled_cfir_ids() -> frozenset[str]:
    """The ids of the CFIR 2.0 codebook shipped with thematic (thematic/codebook/cfir2.json,
    a copy of codebooks/cfir2.yaml)."""
    text = resources.files("thematic.codebook").joinpath("cfir2.json").read_text("utf-8")
    return frozenset(c["id"] for c in json.loads(text)["codes"])


def validate(doc: CodebookDoc, *, cfir_ids: set[str] | frozenset[str] | None = None,
             rules: bool = True) -> list[Problem]:
    """Every problem of ``doc``, in file order. ``cfir_ids``: the known CFIR ids (default:
    the bundled CFIR 2.0 codebook, plus the document's own ids when it is that codebook)."""
    problems, broken = _schema_problems(doc)
    problems += _duplicate_keys(doc)
    problems += _semantic(doc, cfir_ids)
    if rules:
        problems += _rule_problems(doc, broken)
    order = {id(p): i for i, p in enumerate(problems)}
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0, order[id(p)]))


# --- schema -----------------------------------------------------------------------------------

def _where(doc: CodebookDoc, path: tuple) -> str:
    out = ""
    for i, part in enumerate(path):
        if isinstance(part, int):
            out += f"[{part}]"
            if path[:i] == ("codes",):
                code = doc.codes[part] if part < len(doc.codes) else None
                if isinstance(code, dict) and isinstance(code.get("id"), str):
                    out += f" ({code['id']})"
        else:
            out += f".{part}" if out else str(part)
    return out


def _schema_problems(doc: CodebookDoc) -> tuple[list[Problem], set[tuple]]:
    """The schema's problems, and the paths of the rule items they concern (which are then
    not handed to spaCy as well)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    out, broken = [], set()
    for error in validator.iter_errors(doc.data):
        out += _explain(doc, error)
        path = tuple(error.absolute_path)
        if len(path) >= 5 and path[0] == "codes" and path[2] == "rules":
            broken.add(path[:5])
    return out, broken


TYPE_NAMES = {"array": "list", "object": "mapping (key: value)", "string": "string",
              "boolean": "boolean (true or false)", "integer": "whole number",
              "number": "number"}


def _explain(doc: CodebookDoc, error) -> list[Problem]:
    path = tuple(error.absolute_path)
    where = _where(doc, path)
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        return [Problem(doc.line((*path, key)), where,
                        f"unknown key {key!r}.{nearest(key, known) or ''} Known keys: "
                        f"{', '.join(known)}.")
                for key in error.instance if key not in known]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        known = error.schema.get("properties", {})
        typos = [k for k in error.instance if k not in known
                 and nearest(k, [missing])] if isinstance(error.instance, dict) else []
        if typos:  # the unknown-key problem already says "Did you mean ...?"
            return []
        return [Problem(doc.line(path), where, f"missing required key {missing!r}")]
    if error.validator == "oneOf" and error.context:
        # Report the branch that got furthest: the one whose error path is longest.
        best = max(error.context, key=lambda e: len(e.absolute_path))
        if len(best.absolute_path) > len(path):
            return _explain(doc, best)
    if error.validator == "type":
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        wanted = " or ".join(TYPE_NAMES.get(w, w) for w in wanted)
        return [Problem(doc.line(path), where, f"{_show(error.instance)} is not a {wanted}")]
    if error.validator == "pattern" and path and path[-1] == "OP":
        return [Problem(doc.line(path), where, f"{_show(error.instance)} is not an operator: "
                        "use !, ?, +, * or a count such as {2} or {1,3}")]
    if error.validator == "pattern" and path and path[-1] in ("id", "parent", "name"):
        return [Problem(doc.line(path), where, f"{_show(error.instance)} is not a valid id: "
                        "use lower-case letters, digits, and '-' or '.' between them "
                        "(e.g. role-ambiguity)")]
    if error.validator == "pattern" and path and path[-1] == "colour":
        return [Problem(doc.line(path), where, f"{_show(error.instance)} is not a colour "
                        "like \"#4e79a7\"")]
    if error.validator == "minItems" and not error.instance:
        return [Problem(doc.line(path), where, "is empty; give at least one item")]
    return [Problem(doc.line(path), where, error.message)]


def _show(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _duplicate_keys(doc: CodebookDoc) -> list[Problem]:
    out = []
    for key, line in doc.lines.items():
        if key and key[0] == "__duplicate__":
            out.append(Problem(line, _where(doc, key[1:-1]),
                               f"key {key[-1]!r} appears twice; the second would silently "
                               "replace the first — keep one"))
    return out


# --- semantic checks --------------------------------------------------------------------------

def _semantic(doc: CodebookDoc, cfir_ids) -> list[Problem]:
    out: list[Problem] = []
    first: dict[str, int] = {}
    codes = doc.codes
    for i, code in enumerate(codes):
        cid = code.get("id")
        if not isinstance(cid, str):
            continue
        if cid in first:
            out.append(Problem(doc.line(("codes", i, "id")), _where(doc, ("codes", i)),
                               f"id {cid!r} is used again (first at {doc.unit} "
                               f"{doc.line(('codes', first[cid], 'id'))}); ids must be unique"))
        else:
            first[cid] = i
    ids = set(first)
    for i, code in enumerate(codes):
        parent = code.get("parent")
        if isinstance(parent, str) and parent not in ids:
            out.append(Problem(doc.line(("codes", i, "parent")), _where(doc, ("codes", i)),
                               f"parent {parent!r} is not a code in this codebook."
                               f"{nearest(parent, sorted(ids))}"))
    out += _cycles(doc, first)
    known = set(bundled_cfir_ids() if cfir_ids is None else cfir_ids)
    if doc.name == CFIR_NAME:
        known |= ids
    for i, code in enumerate(codes):
        refs = code.get("cfir")
        if not isinstance(refs, list):
            continue
        for j, ref in enumerate(refs):
            if isinstance(ref, str) and ref not in known:
                out.append(Problem(doc.line(("codes", i, "cfir", j)),
                                   _where(doc, ("codes", i, "cfir", j)),
                                   f"{ref!r} is not a CFIR 2.0 code id.{nearest(ref, known)} "
                                   "The ids are those of codebooks/cfir2.yaml"))
    return out


def _cycles(doc: CodebookDoc, first: dict[str, int]) -> list[Problem]:
    """Each parent cycle once, in linear time: every code is walked at most once, since a
    walk stops at the first code an earlier walk already finished."""
    codes = doc.codes  # a property that builds the list: once, not once per code
    parent_of = {cid: codes[i].get("parent") for cid, i in first.items()}
    done: set[str] = set()
    out = []
    for start in first:
        chain: dict[str, int] = {}  # this walk's codes, in order (dicts keep it)
        node: object = start   # a parent may be anything the YAML holds
        while isinstance(node, str) and node in parent_of and node not in done \
                and node not in chain:
            chain[node] = len(chain)
            node = parent_of[node]
        if isinstance(node, str) and node in chain:
            loop = list(chain)[chain[node]:]
            i = first[loop[0]]
            shown = " → ".join([*loop, loop[0]])
            out.append(Problem(doc.line(("codes", i, "parent")), _where(doc, ("codes", i)),
                               f"parents form a cycle: {shown}; a code cannot be its own "
                               "ancestor"))
        done.update(chain)
    return out


# --- rules ------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _nlp():
    import spacy

    return spacy.blank("en")


def _rule_problems(doc: CodebookDoc, broken: Set[tuple] = frozenset()) -> list[Problem]:
    todo = [(i, code["rules"]) for i, code in enumerate(doc.codes)
            if isinstance(code.get("rules"), dict)]
    if not todo:
        return []  # no rules: no need to pay for importing spaCy
    from spacy.matcher import Matcher

    nlp = _nlp()
    out = []
    for i, rules in todo:
        for key in ("phrases", "exclude"):
            for j, item in enumerate(_items(rules, key)):
                if isinstance(item, str) and not any(not t.is_space for t in nlp(item)):
                    out.append(Problem(doc.line(("codes", i, "rules", key, j)),
                                       _where(doc, ("codes", i, "rules", key, j)),
                                       f"phrase {_show(item)} has no words to match"))
        for key in ("patterns", "exclude"):
            for j, item in enumerate(_items(rules, key)):
                if not isinstance(item, list) or ("codes", i, "rules", key, j) in broken:
                    continue
                refused = [(p, why) for p in regex.regexes(item)
                           if (why := regex.problem(p)) is not None]
                for pattern, why in refused:
                    out.append(Problem(doc.line(("codes", i, "rules", key, j)),
                                       _where(doc, ("codes", i, "rules", key, j)),
                                       f"the regular expression {_show(pattern)} {why}; "
                                       "rewrite it without nested repetition (^a+$, not "
                                       f"^(a+)+$) and under {regex.MAX_LENGTH} characters"))
                if refused:
                    continue
                matcher = Matcher(nlp.vocab, validate=True)
                try:
                    matcher.add("check", [item])
                except Exception as exc:  # spaCy raises ValueError/KeyError/TypeError
                    detail = " ".join(str(exc).split())
                    detail = detail.split("] ", 1)[-1][:240]
                    out.append(Problem(doc.line(("codes", i, "rules", key, j)),
                                       _where(doc, ("codes", i, "rules", key, j)),
                                       f"spaCy cannot use this pattern: {detail}"))
    return out


def _items(rules: dict, key: str) -> list:
    items = rules.get(key)
    return items if isinstance(items, list) else []
