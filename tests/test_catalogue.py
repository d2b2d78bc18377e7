"""The error catalogue against the code that raises it and the tests that check it, and the
documented report context against the context the report builds."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from conftest import REPO

from thematic.errors import CATALOGUE, RETIRED


def _raises() -> list[tuple[str, Path, int, set[str], bool]]:
    """(code, file, line, keyword fields, has **fields) for every ThematicError(...)."""
    out = []
    for path in sorted((REPO / "thematic").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name != "ThematicError":
                continue
            assert node.args and isinstance(node.args[0], ast.Constant), \
                f"{path}:{node.lineno}: give the error code as a literal string"
            out.append((node.args[0].value, path, node.lineno,
                        {k.arg for k in node.keywords if k.arg},
                        any(k.arg is None for k in node.keywords)))
    return out


def _fields(template: str) -> set[str]:
    return {re.split(r"[.\[!:]", f)[0] for _, f, _, _ in string.Formatter().parse(template)
            if f}


def test_every_raise_passes_exactly_the_fields_its_template_needs():
    wrong = []
    for code, path, line, given, spread in _raises():
        assert code in CATALOGUE, f"{path}:{line}: {code} is not in the catalogue"
        needed = _fields(CATALOGUE[code][1])
        if (not spread and given != needed) or (spread and not given <= needed):
            wrong.append(f"{path.relative_to(REPO)}:{line} {code}: gives {sorted(given)}, "
                         f"the template needs {sorted(needed)}")
    assert not wrong, "\n".join(wrong)


def test_the_template_field_reader():
    assert _fields("{path}, row {row}: {value!r} {seconds:g} {a.b}") == {
        "path", "row", "value", "seconds", "a"}


def test_every_code_is_raised_or_retired():
    raised = {code for code, *_ in _raises()}
    assert not (set(RETIRED) - set(CATALOGUE)), "retired codes keep their catalogue entry"
    assert not (raised & set(RETIRED)), "a retired code is raised again"
    missing = set(CATALOGUE) - raised - set(RETIRED)
    assert not missing, (f"never raised: {sorted(missing)}; raise them where the problem is "
                         "found, or retire them (errors.RETIRED) saying what replaced them")


def test_every_code_is_tested_or_retired():
    here = Path(__file__).name
    text = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").rglob("*.py")
                     if p.name != here)
    untested = {c for c in CATALOGUE if c not in RETIRED and c not in text}
    assert not untested, (f"no test names {sorted(untested)}: trigger each from the command "
                          "a user would run (tests/test_catalogue_codes.py)")


# --- CONTEXT.md -------------------------------------------------------------------------

def _documented() -> set[str]:
    """The names in the first column of CONTEXT.md's context table, and the sections that
    have a heading of their own (## `candidates`)."""
    text = (REPO / "thematic" / "report" / "CONTEXT.md").read_text(encoding="utf-8")
    table = text.split("## The context", 1)[1]
    names = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([a-z_.]+)`", line.split("|")[1]))
    names.update(re.findall(r"^## `([a-z_]+)`", text, flags=re.M))
    return names


def test_context_md_lists_exactly_the_context_keys(project):
    from test_report_fixtures import build

    from thematic.project import open_store
    from thematic.report import build_context

    build(project)
    with open_store(project) as store:
        context = build_context(store)
    documented = _documented()
    top = {name.split(".")[0] for name in documented}
    assert top == set(context), (f"in the context only: {sorted(set(context) - top)}; in "
                                 f"CONTEXT.md only: {sorted(top - set(context))}")
    for parent in sorted({name.split(".")[0] for name in documented if "." in name}):
        listed = {name.split(".")[1] for name in documented if name.startswith(parent + ".")}
        assert listed == set(context[parent]), (parent, sorted(listed ^ set(context[parent])))
