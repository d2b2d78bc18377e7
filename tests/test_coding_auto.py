"""``thematic code auto`` and ``thematic.coding.auto.run``: provenance, idempotence,
coverage, --where, the semantic stage, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import db_bytes
from test_coding_support import load_codebook, prepare, rows

from thematic.coding.auto import run as auto
from thematic.coding.where import parse
from thematic.errors import ThematicError


@pytest.fixture
def proj(project):
    return prepare(project)


def codings(project):
    return rows(project, "SELECT excerpt_id, code_id, coder, start, end, method, origin, "
                         "score, status, codebook_id FROM codings ORDER BY id")


def test_auto_stores_proposals_with_provenance(proj, run):
    result = run("code", "auto")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Coded 7 excerpts with test-book 1.0.0: 6 proposals found, 6 new (2 negated and "
        "1 excluded mentions skipped).\nReview them with `thematic code review`.\n")
    assert codings(proj) == [
        ("F001", "hope", "auto:rules", 22, 26, "rules", 'phrase:"hope"', None, "proposed", 1),
        ("F001", "empowerment", "auto:rules", 31, 42, "rules", 'phrase:"empowerment"', None,
         "proposed", 1),
        ("F002", "symptoms", "auto:rules", 11, 19, "rules", 'phrase:"symptom"', None,
         "proposed", 1),
        ("F003", "role-ambiguity", "auto:rules", 23, 37, "rules", 'phrase:"role ambiguity"',
         None, "proposed", 1),
        ("F004", "role-ambiguity", "auto:rules", 45, 63, "rules", "pattern:1", None,
         "proposed", 1),
        ("F006", "training", "auto:rules", 0, 8, "rules", 'phrase:"training"', None,
         "proposed", 1)]
    coverage = rows(proj, "SELECT coder, COUNT(*) FROM coverage GROUP BY coder")
    assert coverage == [("auto:rules", 7)]
    events = rows(proj, "SELECT action, entity FROM events WHERE action = 'code auto'")
    assert events == [("code auto", "test-book")]


def test_rerun_adds_no_duplicates(proj, run):
    run("code", "auto")
    again = run("code", "auto")
    assert again.output == (
        "Coded 7 excerpts with test-book 1.0.0: 6 proposals found, 0 new (2 negated and "
        "1 excluded mentions skipped).\n")
    assert len(codings(proj)) == 6


def test_rejected_proposal_stays_rejected_on_rerun(proj, run):
    run("code", "auto")
    run("code", "reject", "1", "--coder", "ann")
    run("code", "auto")
    assert rows(proj, "SELECT status FROM codings WHERE id = 1") == [("rejected",)]


def test_auto_json(proj, run):
    result = run("code", "auto", "--json")
    doc = json.loads(result.output)
    assert doc["proposed"] == 6 and doc["excerpts"] == 7
    assert doc["per_code"] == {"empowerment": 1, "hope": 1, "role-ambiguity": 2,
                               "symptoms": 1, "training": 1}
    assert doc["coders"] == ["auto:rules"]


def test_new_codebook_version_codes_again(proj, run):
    run("code", "auto")
    from test_coding_support import CODES

    from thematic.project import open_store

    with open_store(proj) as store:
        load_codebook(store, version="1.1.0", codes=CODES)
    run("code", "auto")
    assert rows(proj, "SELECT codebook_id, COUNT(*) FROM codings GROUP BY 1") == [(1, 6),
                                                                                (2, 6)]


@pytest.mark.parametrize("where,ids", [
    ("source=2", ["F003", "F004", "F005", "F007"]),
    ("section=Barriers", ["F003", "F004"]),
    ("section=barriers|outcomes and source=1", ["F001", "F002"]),
    ("section!=Outcomes", ["F003", "F004", "F005", "F006"]),
    ("text~ROLE", ["F003", "F004", "F005"]),
    ("design~qualitative", ["F003", "F004", "F005", "F007"]),
    ("id=F006", ["F006"]),
])
def test_where(proj, where, ids):
    from thematic.coding.where import select
    from thematic.project import open_store

    with open_store(proj) as store:
        assert [e.id for e in select(store, where)] == ids


def test_where_codes_only_the_selection(proj, run):
    result = run("code", "auto", "--where", "section=Barriers")
    assert result.output.startswith("Coded 2 excerpts with test-book 1.0.0: 2 proposals")
    assert rows(proj, "SELECT excerpt_id FROM coverage") == [("F003",), ("F004",)]


@pytest.mark.parametrize("query,message", [
    ("sectoin=Barriers", "--where 'sectoin=Barriers': no field 'sectoin'. Did you mean "
                         "'section'? Write FIELD=VALUE"),
    ("section", "--where 'section': cannot read the term 'section'. Write"),
    ("source= ", "--where 'source= ': no value after source=. Write"),
    ("source=1 && && id=F001", "--where 'source=1 && && id=F001': an empty term. Write"),
])
def test_bad_where_is_e157_and_changes_nothing(proj, run, query, message):
    before = db_bytes(proj)
    result = run("code", "auto", "--where", query)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: [E157] {message}")
    assert db_bytes(proj) == before


def test_parse_terms():
    assert [(t.field, t.op, t.values) for t in parse("Study=1|2 && text~Peer Work")] == [
        ("source", "=", ("1", "2")), ("text", "~", ("peer work",))]


def test_no_codebook_is_e150(project, run):
    before = db_bytes(project)
    result = run("code", "auto")
    assert (result.exit_code, result.output) == (2, (
        "Error: [E150] No codebook is loaded. Load one with `thematic codebook load FILE` "
        "(e.g. codebooks/peer-support.yaml).\n"))
    assert db_bytes(project) == before


def test_unknown_codebook_is_e106_with_suggestion(proj, run):
    before = db_bytes(proj)
    result = run("code", "auto", "--codebook", "test-bok")
    assert result.exit_code == 2
    assert result.output == ("Error: [E106] No codebook 'test-bok' in the project. Did you "
                             "mean 'test-book'? List the loaded ones with `thematic codebook "
                             "list`.\n")
    assert db_bytes(proj) == before


def test_unknown_model_is_e162(proj, run):
    before = db_bytes(proj)
    result = run("code", "auto", "--model", "xx_no_such_pipeline")
    assert result.exit_code == 2
    assert result.output.startswith("Error: [E162] No spaCy pipeline 'xx_no_such_pipeline' "
                                    "is installed (")
    assert db_bytes(proj) == before


def test_model_path_pipeline(proj, tmp_path):
    """A saved pipeline given by path (here the built-in one saved to disk) is used."""
    from thematic.coding.rules import build_pipeline
    from thematic.project import open_store

    nlp = build_pipeline()
    nlp.remove_pipe("lemmatizer")
    nlp.to_disk(tmp_path / "pipe")
    with open_store(proj) as store:
        result = auto(store, model=str(tmp_path / "pipe"))
    assert (result.found, result.negated) == (6, 2)


class FakeBackend:
    """Bag of words over a tiny vocabulary: enough for cosine similarity to mean something."""

    name = key = "fake"
    portable = True
    vocabulary = ("hope", "optimism", "future", "stigma", "discrimination", "training",
                  "role", "roles", "unclear", "symptoms", "agency", "empowerment")

    def encode(self, texts):
        out = np.zeros((len(texts), len(self.vocabulary)), dtype=np.float32)
        for i, text in enumerate(texts):
            words = text.lower().replace(",", " ").replace(".", " ").split()
            for j, word in enumerate(self.vocabulary):
                out[i, j] = words.count(word)
        return out


def test_semantic_stage_with_a_fake_backend(proj):
    from thematic.project import open_store

    with open_store(proj) as store:
        result = auto(store, semantic=True, min_score=0.45, backend=FakeBackend())
        again = auto(store, semantic=True, min_score=0.45, backend=FakeBackend())
    assert result.coders == ["auto:rules", "auto:semantic"]
    semantic = rows(proj, "SELECT excerpt_id, code_id, method, origin, status, start, score "
                          "FROM codings WHERE coder = 'auto:semantic' ORDER BY id")
    assert [(e, c) for e, c, *_ in semantic] == [
        ("F001", "empowerment"), ("F002", "symptoms"), ("F003", "role-ambiguity"),
        ("F004", "role-ambiguity"), ("F005", "role-ambiguity"), ("F006", "training")]
    assert {(m, o, s, st) for _, _, m, o, s, st, _ in semantic} == {
        ("semantic", "semantic", "proposed", None)}
    assert all(0.45 <= score <= 1.0 for *_, score in semantic)
    assert result.semantic == 6 and again.proposed == 0
    assert rows(proj, "SELECT COUNT(*) FROM coverage WHERE coder = 'auto:semantic'") == [(7,)]


def test_semantic_threshold(proj):
    from thematic.project import open_store

    with open_store(proj) as store:
        result = auto(store, semantic=True, min_score=0.99, backend=FakeBackend())
    assert result.per_code == {"empowerment": 1, "hope": 1, "role-ambiguity": 2,
                               "symptoms": 1, "training": 1}
    assert rows(proj, "SELECT excerpt_id, code_id, score FROM codings WHERE coder = "
                      "'auto:semantic'") == [("F002", "symptoms", 1.0), ("F006", "training", 1.0)]


def test_run_rejects_bad_codebook_pattern(project):
    from test_coding_support import CODES, setup_corpus

    from thematic.project import open_store
    from thematic.store.codebooks import Code

    bad = [*CODES, Code("odd", "Odd", data={"rules": {"patterns": [[{"LEMMA": {"XX": 1}}]]}})]
    with open_store(project) as store:
        setup_corpus(store, project)
        load_codebook(store, codes=bad)
        with pytest.raises(ThematicError) as err:
            auto(store)
        assert err.value.code == "E156"
        assert store.scalar("SELECT COUNT(*) FROM codings") == 0
