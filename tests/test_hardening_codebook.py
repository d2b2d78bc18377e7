"""Issue 18: codebooks that used to hang or load silently wrong — a 10,000-code parent
chain, a catastrophic rule regex, a JSON NaN, deep nesting."""

from __future__ import annotations

import json

import pytest
from conftest import db_bytes

from thematic.codebook.checks import validate
from thematic.codebook.model import CodebookDoc
from thematic.codebook.regex import problem


def doc_of(codes: list[dict]) -> CodebookDoc:
    return CodebookDoc(data={"name": "x", "version": "1.0.0", "title": "X", "codes": codes},
                       path="x.yaml", unit="line", lines={})


def chain(n: int) -> list[dict]:
    return [{"id": f"c{i}", "name": f"C {i}", **({"parent": f"c{i - 1}"} if i else {})}
            for i in range(n)]


# 2,000 is already twice Python's recursion limit; the 10,000 runs in the full suite
# (the schema check costs ~0.2 ms a code).
@pytest.mark.parametrize("n", [2_000, pytest.param(10_000, marks=pytest.mark.slow)])
def test_a_long_code_chain_validates_and_its_cycle_is_found_once(n):
    codes = chain(n)
    assert [p.message for p in validate(doc_of(codes), rules=False)] == []
    codes[0]["parent"] = f"c{n - 1}"
    messages = [p.message for p in validate(doc_of(codes), rules=False)]
    assert len(messages) == 1
    assert messages[0].startswith(f"parents form a cycle: c0 → c{n - 1} → c{n - 2}")


def test_every_separate_cycle_is_reported_once():
    codes = [{"id": "a", "name": "A", "parent": "b"}, {"id": "b", "name": "B", "parent": "a"},
             {"id": "c", "name": "C", "parent": "a"}, {"id": "d", "name": "D", "parent": "d"}]
    assert [p.message for p in validate(doc_of(codes), rules=False)] == [
        "parents form a cycle: a → b → a; a code cannot be its own ancestor",
        "parents form a cycle: d → d; a code cannot be its own ancestor"]


@pytest.mark.parametrize("pattern,refused", [
    ("^(a+)+$", "nested quantifier"), ("(x*)*y", "nested quantifier"),
    ("^(?:ab*)*$", "nested quantifier"), ("a" * 201, "201 characters long"),
    ("[", "is not a valid regular expression"),
    ("^a+$", None), ("(foo|bar)+", None), (r"^\w+@\w+$", None), ("(ab){2,3}", None)])
def test_regex_check(pattern, refused):
    found = problem(pattern)
    assert (found is None) if refused is None else (refused in found)


CATASTROPHIC = """name: bad
version: 1.0.0
title: Bad
codes:
  - id: hope
    name: Hope
    rules:
      patterns:
        - [{"LOWER": {"REGEX": "^(a+)+$"}}]
"""


def test_validate_refuses_a_catastrophic_regex(run, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(CATASTROPHIC)
    result = run("codebook", "validate", path)
    assert result.exit_code == 1
    assert (f"{path}:9: codes[0] (hope).rules.patterns[0]: the regular expression "
            '"^(a+)+$" repeats a group that itself repeats') in result.output


def test_a_catastrophic_regex_stored_earlier_is_refused_by_code_auto():
    from thematic.coding.rules import CodeRules, RuleSet, coder_for
    from thematic.errors import ThematicError

    rules = RuleSet((CodeRules("hope", patterns=(json.dumps([{"LOWER": {"REGEX":
                                                                       "^(a+)+$"}}]),)),))
    with pytest.raises(ThematicError, match=r"^\[E671\] Code 'hope', rule .*'\^\(a\+\)\+\$'"):
        coder_for(rules).code_texts(["a" * 35 + "!"])


def test_json_codebook_with_nan_is_refused(run, project, tmp_path):
    path = tmp_path / "nan.json"
    path.write_text('{"name": "x", "version": "1.0.0", "title": "X",\n'
                    ' "codes": [{"id": "a", "name": NaN}]}\n')
    before = db_bytes(project)
    result = run("codebook", "load", path)
    assert result.exit_code == 2
    assert result.output == (f"Error: [E674] {path}, line 2: NaN is not a JSON value; write "
                             "it in quotes (\"NaN\") if it is a name, or leave it out. Fix "
                             "the file and load it again.\n")
    assert db_bytes(project) == before


@pytest.mark.parametrize("suffix,text,line", [
    (".yaml", "name: x\n# [[[[ a comment\ncodes: " + "[" * 20_000 + "]" * 20_000 + "\n", 3),
    (".yaml", "name: '[[['\ncodes:\n  - {a: " + "{b: " * 200 + "}" * 201 + "\n", 3),
    (".json", '{"codes": ' + "[" * 20_000 + "]" * 20_000 + "}\n", 1)])
def test_deeply_nested_codebook(run, project, tmp_path, suffix, text, line):
    path = tmp_path / f"deep{suffix}"
    path.write_text(text)
    before = db_bytes(project)
    result = run("codebook", "load", path)
    assert result.exit_code == 2
    assert result.output == (f"Error: [E674] {path}, line {line}: the document is nested "
                             "more than 100 levels deep (a codebook is a few levels deep). Fix "
                             "the file and load it again.\n")
    assert db_bytes(project) == before


def test_a_quoted_nan_name_is_a_name(tmp_path):
    from thematic.codebook.io import read

    path = tmp_path / "ok.json"
    path.write_text(json.dumps({"name": "x", "version": "1.0.0", "title": "X",
                                "codes": [{"id": "a", "name": "NaN"}]}))
    assert read(path).codes == [{"id": "a", "name": "NaN"}]


def test_qdc_with_thousands_of_codes_of_one_name_gets_distinct_ids(tmp_path):
    """Issue 18: ids for repeated names were found by trying name-2, name-3, ... from the
    start for every code (quadratic: 100,000 codes took minutes)."""
    from thematic.interop.refi import read_qdc

    codes = "".join(f'<Code guid="{i:08d}-0000-0000-0000-000000000000" name="Positive" '
                    'isCodable="true"/>' for i in range(1, 5001))
    path = tmp_path / "same.qdc"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><CodeBook '
                    f'xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes></CodeBook>')
    ids = [c["id"] for c in read_qdc(path).data["codes"]]
    assert ids == ["positive"] + [f"positive-{n}" for n in range(2, 5001)]


@pytest.mark.parametrize("name,text,line", [
    ("num.yaml", "name: x\nversion: " + "9" * 5000 + "\ntitle: t\ncodes: []\n", 2),
    ("num.json", '{"name": "x",\n "version": ' + "9" * 5000 + ', "codes": []}', 2)])
def test_a_5000_digit_number_in_a_codebook(run, project, tmp_path, name, text, line):
    path = tmp_path / name
    path.write_text(text)
    before = db_bytes(project)
    result = run("codebook", "load", path)
    assert result.exit_code == 2
    assert result.output == (f"Error: [E674] {path}, line {line}: a number has thousands of "
                             "digits; write it in quotes if it is meant as text. Fix the file "
                             "and load it again.\n")
    assert db_bytes(project) == before
