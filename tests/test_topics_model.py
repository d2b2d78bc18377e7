"""Topic runs with the TF-IDF backend on a small synthetic corpus: candidates, storage,
determinism, the `thematic topics` commands and bad input."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from click.testing import CliRunner
from test_themes_fixtures import build

from thematic.cli.main import cli
from thematic.errors import ThematicError
from thematic.project import init, open_store
from thematic.store import topics as tdb


def dump(project) -> str:
    conn = sqlite3.connect(project / ".thematic" / "project.db")
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def modelled(tmp_path_factory):
    """A project with the synthetic corpus and one topic run (tfidf, seed 0)."""
    project = init(tmp_path_factory.mktemp("topics") / "proj")
    with open_store(project) as store:
        subjects = build(store)
    result = CliRunner().invoke(cli, ["--project", str(project), "topics", "--embeddings",
                                      "tfidf"], catch_exceptions=False)
    return project, subjects, result


def invoke(project, *args):
    return CliRunner().invoke(cli, ["--project", str(project), *map(str, args)],
                              catch_exceptions=False)


@pytest.mark.slow
def test_run_output_and_storage(modelled):
    project, subjects, result = modelled
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"Topic run 1: 60 excerpts; embeddings tfidf-svd100:[0-9a-f]{12}; "
                        r"Ward \(k=\d+: .*\) on embeddings \+ code profiles\.", lines[0])
    assert lines[-1] == ("Inspect one with `thematic topics show TOPIC`; make it a theme with "
                         "`thematic theme accept TOPIC [--name ...]`.")
    with open_store(project) as store:
        run = tdb.get_run(store, 1)
        assert run.n_documents == 60 and run.model.startswith("tfidf-svd100:")
        assert {k: run.params[k] for k in ("unit", "seed", "guided", "min_topic_size")} == {
            "unit": "excerpt", "seed": 0, "guided": False, "min_topic_size": 5}
        members = tdb.members(store, 1)
        assert len(members) == 60
        candidates = tdb.list_candidates(store, 1, outliers=False)
        assert len(candidates) >= 3
        assert len({c.label for c in candidates}) == len(candidates)    # no label twice
        largest = {}
        for c in candidates:
            ids = [e for e, t, _ in members if t == c.topic]
            # every candidate is one subject of the synthetic corpus, and says so
            assert len({subjects[e] for e in ids}) == 1
            subject = subjects[ids[0]]
            assert c.size == len(ids)
            assert c.nearest_codes[0]["code"] == subject
            if c.size > largest.get(subject, (0, None))[0]:
                largest[subject] = (c.size, c)
            assert c.keywords and set(c.representative) <= set(ids)
            assert c.studies == sorted({str((int(e[1:]) - 1) // 3 % 6 + 1) for e in ids},
                                       key=int)
        # the largest candidate of each subject is named after the code its members carry,
        # with the share of its members that carry it (accepted or proposed codings)
        from thematic.store.codings import list_codings

        carried = {(c.excerpt_id, c.code_id) for c in list_codings(
            store, status=("accepted", "proposed"))}
        for subject, (_, c) in largest.items():
            ids = [e for e, t, _ in members if t == c.topic]
            share = round(sum((e, subject) in carried for e in ids) / len(ids), 4)
            assert (c.label, c.data["suggested_codes"], c.data["label_share"]) == (
                {"role-ambiguity": "Role ambiguity", "hope": "Hope",
                 "digital": "Digital"}[subject], [subject], share)
            assert share >= 0.3
        events = [e for e in store.events() if e.action == "topics run"]
        assert [e.entity for e in events] == ["1"]


@pytest.mark.slow
def test_same_seed_same_topics(modelled):
    from thematic.topics import propose

    project, _, _ = modelled
    with open_store(project) as store:
        first = propose(store, embeddings="tfidf", seed=0)
        again = propose(store, embeddings="tfidf", seed=0)
        assert tdb.members(store, first.id) == tdb.members(store, again.id) == \
            tdb.members(store, 1)
        assert [(c.topic, c.label, c.keywords, c.representative) for c in first.candidates] == \
            [(c.topic, c.label, c.keywords, c.representative) for c in again.candidates]
        assert first.method == again.method


@pytest.mark.slow
def test_list_show_by_year_json(modelled):
    project, _, _ = modelled
    document = json.loads(invoke(project, "topics", "list", "--run", "1", "--json").output)
    assert document["run"]["id"] == 1 and document["run"]["params"]["seed"] == 0
    listed = document["candidates"]
    assert {c["theme"] for c in listed} == {None}          # none accepted yet
    topics = [c["topic"] for c in listed]
    assert topics == sorted(topics) and topics[0] == 0
    shown = invoke(project, "topics", "show", "0", "--run", "1")
    assert shown.exit_code == 0
    assert shown.output.startswith(f"Topic 0 of run 1: {listed[0]['label']}\n")
    assert "Representative excerpts:" in shown.output
    by_year = json.loads(invoke(project, "topics", "by-year", "--run", "1", "--json").output)
    assert sum(r["excerpts"] for r in by_year) == 60
    assert {r["year"] for r in by_year} <= set(range(2020, 2026))
    table = invoke(project, "topics", "by-year", "--run", "1").output.splitlines()
    assert table[0].split()[:2] == ["topic", "label"] and table[0].split()[-1] == "2025"
    runs = invoke(project, "topics", "runs").output.splitlines()
    assert runs[0].split() == ["run", "created", "model", "method", "texts", "outliers",
                               "seed"]


@pytest.mark.slow
def test_figure_png_and_accept(modelled):
    project, _, _ = modelled
    result = invoke(project, "topics", "figure", "--run", "1")
    target = project / "reports" / "figures" / "topics-run-1.png"
    assert result.output == f"Wrote {target}\n"
    first = target.read_bytes()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    invoke(project, "topics", "figure", "--run", "1")
    assert target.read_bytes() == first
    accepted = invoke(project, "theme", "accept", "0", "--run", "1")
    assert accepted.exit_code == 0 and accepted.output.startswith("Accepted topic 0 as theme ")


@pytest.mark.slow
def test_sentence_unit(modelled):
    from thematic.topics import propose

    project, _, _ = modelled
    with open_store(project) as store:
        run = propose(store, embeddings="tfidf", unit="sentence", seed=0)
        assert run.params["unit"] == "sentence" and run.n_documents >= 60
        assert len(tdb.members(store, run.id)) == 60


@pytest.mark.parametrize("args, code, text", [
    (("topics", "--embeddings", "tfidf", "--min-topic-size", "40"), "E270",
     "Error: [E270] Too few texts for a topic model: 60 excerpt(s), and at least 80 are "
     "needed (two topics of --min-topic-size 40). Import more findings, use --unit sentence, or lower "
     "--min-topic-size.\n"),
    (("topics", "--embeddings", "tfdif"), "E272",
     "Error: [E272] Unknown embedding backend 'tfdif': neither a backend name (minilm, tfidf) "
     "nor an existing folder. Did you mean 'tfidf'?\n"),
    (("topics", "show", "42", "--run", "1"), "E251", None),
    (("topics", "list", "--run", "99"), "E252", None),
    (("theme", "accept", "--run", "1", "--", "-1"), "E251", None),
])
@pytest.mark.slow
def test_bad_input(modelled, args, code, text):
    project, _, _ = modelled
    before = dump(project)
    result = invoke(project, *args)
    assert result.exit_code == 2
    assert f"[{code}]" in result.output
    if text:
        assert result.output == text
    assert dump(project) == before


def test_too_few_and_guided_need(project):
    from thematic.topics import propose

    with open_store(project) as store:
        build(store, per_subject=5, codings=False)
        before = dump(project)
        with pytest.raises(ThematicError) as err:
            propose(store, embeddings="tfidf")
        assert err.value.code == "E270" and err.value.fields["minimum"] == 20
        # the default size was never typed: the message must not name the option's value
        assert "--min-topic-size 5" not in err.value.message
        assert "no topic model runs on fewer than 20" in err.value.message
        with pytest.raises(ThematicError) as err:
            propose(store, embeddings="tfidf", min_topic_size=12)
        assert "(two topics of --min-topic-size 12)" in err.value.message
        assert dump(project) == before


def test_guided_without_codebook(tmp_path):
    from thematic.topics import propose

    project = init(tmp_path / "p")
    with open_store(project) as store:
        with store.transaction("x"):
            from test_themes_fixtures import texts

            from thematic.store.corpus import Source, insert_excerpts, upsert_source
            upsert_source(store, Source(id="1"), None)
            insert_excerpts(store, [(f"E{i}", "1", t, str(i), None, 0, 1, "x", i, "{}")
                                    for i, (_, t) in enumerate(texts(10))])
        with pytest.raises(ThematicError) as err:
            propose(store, embeddings="tfidf", guided=True)
        assert err.value.code == "E275"


def test_no_runs_yet(run):
    result = run("topics", "list")
    assert result.exit_code == 2
    assert result.output.startswith("Error: [E252] No topic run (none yet).")
