"""`thematic merge`: two copies of a project coded by different people come together with
every coding kept; changes made in both are listed as conflicts, never applied or lost."""

from __future__ import annotations

import json
import shutil

import pytest
from test_coding_support import CODES, load_codebook, prepare, rows

from thematic.errors import ThematicError
from thematic.interop.merge import merge_project, parse_coder_map
from thematic.project import init, open_store
from thematic.store.codebooks import Code
from thematic.store.merge import verify_chain


@pytest.fixture
def copies(tmp_path):
    """A project auto-coded once, then copied to alice's and bob's laptops."""
    base = init(tmp_path / "base")
    prepare(base, auto=True)
    a, b = tmp_path / "alice", tmp_path / "bob"
    shutil.copytree(base, a)
    shutil.copytree(base, b)
    return a, b


def add(store, eid: str, text: str) -> None:
    import hashlib

    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    store.execute("INSERT INTO excerpts (id, source_id, text, text_sha, start, end, location, "
                  "position, created_at) VALUES (?, '2', ?, ?, 0, ?, 'row 9', 99, "
                  "'2026-01-01T00:00:00Z')", (eid, text, sha, len(text)))


def codings(project):
    return rows(project, "SELECT excerpt_id, code_id, coder, status FROM codings "
                         "ORDER BY excerpt_id, code_id, coder")


def test_overlapping_and_conflicting_work_is_kept(copies, run):
    a, b = copies
    with open_store(a) as store:
        from thematic.coding.manual import add_coding, add_memo

        add_coding(store, "F001", "hope", coder="alice")
        add_coding(store, "F002", "symptoms", coder="alice")
        add_coding(store, "F003", "stigma", coder="carol")          # carol works on both
    with open_store(b) as store:
        from thematic.coding.manual import add_coding, add_memo

        add_coding(store, "F001", "hope", coder="Bob Brown")
        add_coding(store, "F005", "training", coder="Bob Brown")
        add_coding(store, "F003", "role-ambiguity", coder="carol")  # conflicts with a
        add_coding(store, "F006", "training", coder="carol")        # carol only here
        add_memo(store, "excerpt", "F001", "Hope is implicit.", author="Bob Brown")
    before_a, before_b = codings(a), codings(b)
    with open_store(a) as store:
        result = merge_project(store, b, coder_map=["Bob Brown=bob"])
    assert result.added["codings"] == 3 and result.added["memos"] == 1
    assert result.warnings == [] and result.chains["theirs"] == len(rows(b, "SELECT id FROM "
                                                                          "events"))
    assert result.conflicts == [{
        "kind": "coding", "key": "F003|carol|test-book",
        "ours": [{"code": "stigma", "span": None, "status": "accepted"}],
        "theirs": [{"code": "role-ambiguity", "span": None, "status": "accepted"}]}]
    after = codings(a)
    # Every coding of a is there, every coding of b (renamed) is there or in a conflict.
    assert set(before_a) <= set(after)
    renamed = {(e, c, "bob" if w == "Bob Brown" else w, s) for e, c, w, s in before_b}
    assert renamed - set(after) == {("F003", "role-ambiguity", "carol", "accepted")}
    stored = rows(a, "SELECT kind, key, theirs FROM merge_conflicts")
    assert stored[0][:2] == ("coding", "F003|carol|test-book")
    assert "role-ambiguity" in stored[0][2]
    assert rows(a, "SELECT author, text FROM memos") == [("bob", "Hope is implicit.")]
    assert ("bob", "F005") in rows(a, "SELECT coder, excerpt_id FROM coverage")
    # Both event chains verify: ours, and bob's through the merged events.
    with open_store(a) as store:
        assert verify_chain(store, result.head)[1] is None
        from thematic.store.merge import head

        assert verify_chain(store, head(store))[1] is None


def test_merging_the_same_copy_twice_changes_nothing(copies, run):
    a, b = copies
    with open_store(b) as store:
        from thematic.coding.manual import add_coding

        add_coding(store, "F001", "hope", coder="bob")
    with open_store(a) as store:
        first = merge_project(store, b)
    snapshot = [rows(a, f"SELECT * FROM {t}") for t in
                ("codings", "coverage", "memos", "events", "merged_events", "merge_conflicts")]
    with open_store(a) as store:
        again = merge_project(store, b)
    assert not first.unchanged and again.unchanged
    assert [rows(a, f"SELECT * FROM {t}") for t in
            ("codings", "coverage", "memos", "events", "merged_events",
             "merge_conflicts")] == snapshot


def test_excerpts_match_by_text_not_id_and_differing_text_is_a_conflict(copies):
    a, b = copies
    with open_store(b) as store, store.transaction("test"):
        # Bob's copy: F007's text again under the id G7, and a new excerpt NEW1 ...
        add(store, "G7", "Participants did not feel hopeful about the programme.")
        add(store, "NEW1", "Bob's new text.")
    with open_store(b) as store:
        from thematic.coding.manual import add_coding

        add_coding(store, "NEW1", "hope", coder="bob")
        add_coding(store, "G7", "hope", coder="bob")
    with open_store(a) as store, store.transaction("test"):
        add(store, "NEW1", "Other text.")   # ... which alice's copy has with other text
    with open_store(a) as store:
        result = merge_project(store, b)
    assert [c["kind"] for c in result.conflicts] == ["excerpt"]
    theirs = result.conflicts[0]["theirs"]
    assert theirs["text"] == "Bob's new text." and theirs["codings"][0]["coder"] == "bob"
    # G7 is F007 (same study, same text): bob's coding lands on F007.
    assert ("F007", "hope", "bob", "accepted") in codings(a)
    assert rows(a, "SELECT COUNT(*) FROM excerpts WHERE id = 'G7'") == [(0,)]
    assert rows(a, "SELECT text FROM excerpts WHERE id = 'NEW1'") == [("Other text.",)]
    assert rows(a, "SELECT COUNT(*) FROM codings WHERE excerpt_id = 'NEW1'") == [(0,)]


def test_another_codebook_version_lists_stale_codings(copies):
    a, b = copies
    changed = [c if c.id != "hope" else Code("hope", "Hope", "outcomes", "Hope, renamed "
                                             "definition", True) for c in CODES
               if c.id != "training"]
    with open_store(b) as store:
        load_codebook(store, version="2.0.0", codes=changed)
        from thematic.coding.manual import add_coding

        add_coding(store, "F001", "hope", coder="bob")
    with open_store(a) as store:
        load_codebook(store, version="1.1.0", codes=[
            c if c.id != "hope" else Code("hope", "Hope", "outcomes", "Hope v1.1", True)
            for c in CODES])
        result = merge_project(store, b)
    assert result.added["codebooks"] == 1 and result.added["codings"] == 1
    assert result.stale == [{"excerpt": "F001", "code": "hope", "coder": "bob",
                             "codebook": "test-book",
                             "why": "code 'hope' changed in the current version"}]
    assert rows(a, "SELECT version, current FROM codebooks ORDER BY id") == [
        ("1.0.0", 0), ("1.1.0", 1), ("2.0.0", 0)]


def test_bad_merges(copies, tmp_path):
    a, b = copies
    with open_store(a) as store:
        for other, mapping, code in ((b, ["Nobody=alice"], "E538"), (b, ["bob"], "E537"),
                                     (tmp_path / "nowhere", None, "E535"),
                                     (a, None, "E539")):
            with pytest.raises(ThematicError) as caught:
                merge_project(store, other, coder_map=mapping)
            assert caught.value.code == code
    assert parse_coder_map(["Alice Smith=alice, B=b"]) == {"Alice Smith": "alice", "B": "b"}


def test_merge_cli_exact_output(copies):
    from click.testing import CliRunner

    from thematic.cli.main import cli

    a, b = copies
    with open_store(a) as store:
        from thematic.coding.manual import add_coding

        add_coding(store, "F003", "stigma", coder="carol")
    with open_store(b) as store:
        add_coding(store, "F003", "role-ambiguity", coder="carol")
        add_coding(store, "F004", "stigma", coder="Bob B")
    out = CliRunner().invoke(cli, ["--project", str(a), "merge", str(b), "--coder-map",
                                   "Bob B=bob"])
    assert out.exit_code == 0, out.output
    assert out.output == (
        f"{b}: merged 1 coding, 1 review, 2 events.\n"
        "1 conflict, kept apart (see `thematic merge OTHER --json` or the "
        "merge_conflicts table):\n"
        "kind    key                   ours    theirs\n"
        "------  --------------------  ------  --------------\n"
        "coding  F003|carol|test-book  stigma  role-ambiguity\n")
    again = CliRunner().invoke(cli, ["--project", str(a), "merge", str(b), "--json",
                                     "--coder-map", "Bob B=bob"])
    document = json.loads(again.output)
    assert document["unchanged"] is True and len(document["conflicts"]) == 1


def test_themes_come_in_with_their_parents_and_changed_ones_conflict(copies):
    from thematic.themes import add_theme

    a, b = copies
    with open_store(a) as store:
        add_theme(store, "Hope", ["hope"], codebook="test-book")
    with open_store(b) as store:
        add_theme(store, "Hope", ["hope", "empowerment"], codebook="test-book")
        top = add_theme(store, "Barriers", [], level="analytical")
        add_theme(store, "Unclear roles", ["role-ambiguity"], codebook="test-book",
                  parent=top.id)
    with open_store(a) as store:
        result = merge_project(store, b)
    assert result.added["themes"] == 2
    assert rows(a, "SELECT id, level, parent_id FROM themes ORDER BY position") == [
        ("hope", "descriptive", None), ("barriers", "analytical", None),
        ("unclear-roles", "descriptive", "barriers")]
    assert [(c["kind"], c["key"], c["ours"]["codes"], c["theirs"]["codes"])
            for c in result.conflicts] == [
        ("theme", "hope", ["test-book:hope"], ["test-book:empowerment", "test-book:hope"])]


def test_merge_a_qdpx_file(copies, tmp_path):
    from test_refi_lenient import LENIENT, pack

    a, _ = copies
    qdpx = pack(LENIENT / "board", tmp_path / "board.qdpx")
    with open_store(a) as store:
        result = merge_project(store, qdpx)
        assert (result.added["excerpts"], result.added["codings"]) == (1, 2)
        assert merge_project(store, qdpx).unchanged
        with pytest.raises(ThematicError) as caught:
            merge_project(store, qdpx, coder_map=["Alice Smith=alice"])
    assert caught.value.code == "E537"
    assert ("board_2017.txt", "funding", "Alice Smith", "accepted") in codings(a)


def test_an_edited_log_in_the_other_copy_is_reported(copies):
    import sqlite3

    from thematic.project import database

    a, b = copies
    with open_store(b) as store:
        from thematic.coding.manual import add_coding

        add_coding(store, "F002", "symptoms", coder="bob")
    conn = sqlite3.connect(database(b))
    conn.executescript("DROP TRIGGER events_no_update; UPDATE events SET actor = 'mallory' "
                       "WHERE id = (SELECT MAX(id) FROM events);")
    conn.close()
    with open_store(a) as store:
        result = merge_project(store, b)
    assert result.added["codings"] == 1
    assert len(result.warnings) == 1 and result.warnings[0].startswith(
        f"{b}'s event log does not verify: event ")
