"""Evidence is counted once: accepting a proposal turns it into the reviewer's coding (its
rule kept), never a second row; a migration folds the old accepted copies into one."""

from __future__ import annotations

import pytest
from test_coding_support import prepare, rows


@pytest.fixture
def auto(project):
    return prepare(project, auto=True)


def test_accept_all_from_auto_rules_keeps_one_row_per_judgement(auto, run):
    proposals = rows(auto, "SELECT id, excerpt_id, code_id, origin FROM codings "
                           "WHERE status = 'proposed' ORDER BY id")
    assert len(proposals) > 2
    result = run("code", "accept", "--all", "--from", "auto:rules", "--coder", "ann")
    assert result.output == f"Accepted {len(proposals)} proposals as ann.\n"
    assert rows(auto, "SELECT id, excerpt_id, code_id, 'auto:rules ' || origin FROM codings "
                      "WHERE status = 'proposed' OR coder = 'auto:rules'") == []
    assert rows(auto, "SELECT id, excerpt_id, code_id, origin FROM codings WHERE coder = "
                      "'ann' AND status = 'accepted' AND method = 'review' ORDER BY id") == [
        (i, e, c, f"auto:rules {o}") for i, e, c, o in proposals]


def test_accepting_what_the_reviewer_already_coded_adds_nothing(auto, run):
    first = rows(auto, "SELECT id, excerpt_id, code_id FROM codings WHERE status = "
                       "'proposed' ORDER BY id LIMIT 1")[0]
    assert run("code", "add", first[1], first[2], "--coder", "ann").exit_code == 0
    assert run("code", "accept", str(first[0]), "--coder", "ann").exit_code == 0
    assert rows(auto, "SELECT coder, status, method FROM codings WHERE excerpt_id = ? AND "
                      "code_id = ?", first[1:]) == [("ann", "accepted", "manual")]
    event = rows(auto, "SELECT payload FROM events WHERE action = 'code accept'")[0][0]
    assert '"absorbed_into":' in event.replace(" ", "")


def test_review_undo_puts_the_proposal_back(auto):
    from thematic.coding import manual
    from thematic.project import open_store
    from thematic.store import codings as db

    with open_store(auto) as store:
        proposal = db.list_codings(store, status="proposed")[0]
        with store.transaction("accept"):
            decision = manual.apply_decision(store, proposal, True, coder="ann")
        assert db.get_coding(store, proposal.id).coder == "ann"
        with store.transaction("undo"):
            manual.undo_decision(store, decision, coder="ann")
        back = db.get_coding(store, proposal.id)
        assert (back.coder, back.status, back.method, back.origin) == (
            proposal.coder, "proposed", proposal.method, proposal.origin)


def test_migration_folds_old_accepted_copies(auto):
    from thematic.project import open_store

    with open_store(auto) as store, store.transaction("old-style accept"):
        # what `code accept` used to write: the proposal accepted AND the reviewer's copy
        store.execute("UPDATE codings SET status = 'accepted' WHERE id IN (1, 2)")
        store.execute("INSERT INTO codings (excerpt_id, codebook_id, code_id, coder, start, "
                      "end, method, origin, status, created_at, updated_at) SELECT "
                      "excerpt_id, codebook_id, code_id, 'ann', start, end, 'review', "
                      "coder || ' ' || origin, 'accepted', created_at, updated_at "
                      "FROM codings WHERE id = 1")
        # a human's own coding of the same pair is a different judgement: it stays
        store.execute("INSERT INTO codings (excerpt_id, codebook_id, code_id, coder, method, "
                      "status, created_at, updated_at) SELECT excerpt_id, codebook_id, "
                      "code_id, 'bo', 'manual', 'accepted', created_at, updated_at "
                      "FROM codings WHERE id = 1")
    # what opening an older project does: migration 0251 runs on its rows
    from thematic.store.db import _statements, migrations

    [sql] = [sql for version, _, sql in migrations() if version == 251]
    with open_store(auto) as store, store.transaction("migration 0251 again"):
        for statement in _statements(sql):
            store.execute(statement)
    after = rows(auto, "SELECT id, coder, method FROM codings WHERE status = 'accepted' "
                       "ORDER BY id")
    assert [(c, m) for _, c, m in after] == [("auto:rules", "rules"), ("ann", "review"),
                                             ("bo", "manual")]
    assert after[0][0] == 2
