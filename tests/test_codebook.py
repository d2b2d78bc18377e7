"""The shipped codebooks and the codebook library: format, CFIR structure, the
peer-support code contract, rules on their own examples, round trips and diffs."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from conftest import CODEBOOKS, REPO

from thematic.codebook import check, diff, read, read_csv, render
from thematic.codebook.model import CodebookDoc

CONTRACT_IDS = {
    "personal-recovery": ["hope", "empowerment", "self-efficacy", "social-connectedness",
                          "quality-of-life"],
    "clinical-outcomes": ["symptoms", "relapse-readmission", "service-use"],
    "implementation": ["fidelity", "co-production", "training", "supervision", "role-clarity",
                       "role-ambiguity", "organisational-support", "leadership", "funding",
                       "sustainability", "stigma"],
    "workforce": ["wellbeing-burnout", "boundaries", "career-development"],
    "economics": ["cost-effectiveness"],
    "delivery-models": ["one-to-one", "group", "recovery-college", "multidisciplinary-team",
                        "digital"],
    "population-adaptation": ["youth", "perinatal", "refugees-migrants", "lmic", "substance-use",
                              "older-adults", "veterans", "serious-mental-illness",
                              "cultural-adaptation"],
    "mechanisms": ["mutual-identification", "role-modelling", "practical-knowledge",
                   "validation"],
}


@pytest.fixture(scope="module")
def cfir() -> CodebookDoc:
    doc, problems = check(CODEBOOKS / "cfir2.yaml")
    assert problems == []
    return doc


@pytest.fixture(scope="module")
def peer() -> CodebookDoc:
    doc, problems = check(CODEBOOKS / "peer-support.yaml")
    assert problems == []
    return doc


def test_packaged_copies_match_the_shipped_files():
    assert (REPO / "thematic/codebook/schema.json").read_text() == \
        (CODEBOOKS / "schema.json").read_text()
    packaged = json.loads((REPO / "thematic/codebook/cfir2.json").read_text())
    assert packaged == yaml.safe_load((CODEBOOKS / "cfir2.yaml").read_text())


def test_cfir2_structure(cfir):
    codes = cfir.by_id
    domains = [c["id"] for c in cfir.codes if "parent" not in c]
    assert domains == ["innovation", "outer-setting", "inner-setting", "individuals",
                       "process", "outcomes"]
    assert [c["id"] for c in cfir.codes if c.get("parent") == "individuals"] == \
        ["individuals.roles", "individuals.characteristics"]
    determinants = [c for c in cfir.codes if c["id"].split(".")[0] != "outcomes"
                    and c.get("codable", True)]

    def depth(code: dict) -> int:  # Individuals has one more level: its subdomains
        parts = code["id"].split(".")
        return len(parts) - (parts[0] == "individuals")

    assert sum(depth(c) == 2 for c in determinants) == 48      # constructs
    assert sum(depth(c) == 3 for c in determinants) == 19      # sub-constructs
    for code in cfir.codes:
        assert code.get("definition"), code["id"]
        if "parent" in code:
            assert code["id"].startswith(code["parent"] + ".")
    assert codes["inner-setting.available-resources.funding"]["name"] == "J1. Funding"
    assert {"outcomes.implementation.sustainment", "outcomes.innovation.recipients",
            "outcomes.antecedent-assessments", "outcomes.reach"} <= set(codes)
    assert any("2022;17:75" in c for c in cfir.data["citation"])
    assert any("2022;17:7." in c for c in cfir.data["citation"])


def test_peer_support_follows_the_code_contract(peer, cfir):
    ids = [c["id"] for c in peer.codes]
    expected = [i for group, kids in CONTRACT_IDS.items() for i in (group, *kids)]
    assert sorted(ids) == sorted([*expected, "evidence-gaps"])
    for group, kids in CONTRACT_IDS.items():
        assert peer.by_id[group].get("codable") is False
        for kid in kids:
            code = peer.by_id[kid]
            assert code["parent"] == group
            assert code["definition"] and code["include"] and code["exclude"]
            assert 1 <= len(code["examples"]["positive"]) <= 3
            assert 1 <= len(code["examples"]["negative"]) <= 2
            assert code["rules"]["phrases"] or code["rules"]["patterns"]
    cfir_ids = set(cfir.by_id)
    assert all(ref in cfir_ids for c in peer.codes for ref in c.get("cfir", []))
    assert "outer-setting.financing" in peer.by_id["funding"]["cfir"]
    assert "outcomes.innovation.recipients" in peer.by_id["hope"]["cfir"]


def test_rules_code_their_own_examples(peer):
    from thematic.codebook.model import to_store_codes
    from thematic.coding.rules import RuleCoder, RuleSet

    coder = RuleCoder(RuleSet.from_codes(to_store_codes(peer)))
    misses = []
    for code in peer.codes:
        for sign, texts in (("+", code.get("examples", {}).get("positive", [])),
                            ("-", code.get("examples", {}).get("negative", []))):
            for text, result in zip(texts, coder.code_texts(texts)):
                found = code["id"] in {h.code for h in result.hits}
                if found != (sign == "+"):
                    misses.append((code["id"], sign, text))
    assert misses == []


def test_yaml_and_csv_round_trips(peer, tmp_path):
    again = tmp_path / "again.yaml"
    again.write_text(render(peer, "yaml"))
    assert read(again).digest == peer.digest
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(render(peer, "csv"))
    back = read_csv(sheet, name="peer-support")
    assert [(c["id"], c.get("parent"), c["name"], c.get("codable", True), c.get("cfir", []))
            for c in back.codes] == \
        [(c["id"], c.get("parent"), c["name"], c.get("codable", True), c.get("cfir", []))
         for c in peer.codes]
    assert back.line(("codes", 3, "name")) == 5   # rows count from the header, row 1


def test_markdown_appendix_escapes_and_indents(peer):
    md = render(peer, "md")
    assert md.startswith("# Codebook: Peer support in mental-health recovery\n")
    assert "| **Personal recovery** (`personal-recovery`) |" in md
    assert re.search(r"\| &emsp;Hope \(`hope`\) \| Hope and optimism", md)
    doc = CodebookDoc({"name": "x", "version": "1", "title": "T", "codes": [
        {"id": "a", "name": "A|B <b>", "definition": "one\ntwo"}]})
    assert "| A\\|B &lt;b> (`a`) | one two |" in render(doc, "md")


def test_diff_reports_added_removed_renamed_changed():
    old = CodebookDoc({"name": "x", "version": "1", "codes": [
        {"id": "a", "name": "A", "definition": "alpha"},
        {"id": "b", "name": "B", "definition": "beta"},
        {"id": "c", "name": "C", "definition": "gamma"}]})
    new = CodebookDoc({"name": "x", "version": "2", "codes": [
        {"id": "a", "name": "A", "definition": "alpha, revised", "codable": True},
        {"id": "bee", "name": "Bee", "definition": "beta"},
        {"id": "d", "name": "D"}]})
    result = diff(old, new)
    assert (result.added, result.removed, result.metadata) == (["d"], ["c"], ["version"])
    assert [(r.old, r.new) for r in result.renamed] == [("b", "bee")]
    assert [(c.id, c.fields) for c in result.changed] == [("a", ["definition"])]
    assert result.affected == {"c": "removed", "b": "renamed to bee",
                               "a": "changed: definition"}
    assert diff(old, old).empty
