"""`thematic audit` on the store: a clean project exits 0; each planted break is named
(check + ids) and exits 1; warnings alone exit 0 unless --strict."""

from __future__ import annotations

import json
import sqlite3

import pytest
from test_audit_fixtures import CODES, REPORT, build, load_codebook

from thematic import audit, themes
from thematic.project import open_store
from thematic.store.codings import Coding, add_codings


@pytest.fixture
def built(project):
    build(project)
    return project


def audit_json(run, *args: str) -> tuple[int, list[dict]]:
    result = run("audit", "--json", *args)
    doc = json.loads(result.output)
    assert doc["ok"] == (doc["errors"] == 0)
    return result.exit_code, doc["problems"]


def named(problems: list[dict], check: str) -> list[dict]:
    return [p for p in problems if p["check"] == check]


def raw(project, *statements: str) -> None:
    """Edit the database by hand, as a user with the sqlite3 shell would (foreign keys off,
    the event log's triggers dropped and put back)."""
    conn = sqlite3.connect(project / ".thematic" / "project.db")
    triggers = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                            "tbl_name = 'events'").fetchall()
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    for sql in statements:
        conn.execute(sql)
    for (sql,) in triggers:
        conn.execute(sql)
    conn.commit()
    conn.close()


def test_clean_project_exits_0_with_exact_output(built, run):
    result = run("audit")
    assert result.exit_code == 0, result.output
    assert result.output == ("Audit: 0 errors, 0 warnings (34 checks; reports: "
                             "reports/synthesis.md (markers only)).\n")


def test_library_returns_problems_and_prints_nothing(built, capsys):
    with open_store(built) as store:
        found = audit.run(store, root=built)
    assert found.problems == [] and found.reports == ["reports/synthesis.md"]
    assert found.checks == list(audit.CHECKS) and not found.failed(strict=True)
    assert capsys.readouterr() == ("", "")


def test_theme_without_codes_and_without_evidence(built, run):
    with open_store(built) as store:
        themes.add_theme(store, "Empty", [])
        themes.add_theme(store, "Training", ["training"], codebook="peer-support")
    code, problems = audit_json(run)
    assert code == 1
    assert [p["where"] for p in named(problems, "theme-no-codes")] == [{"theme": "empty"}]
    [gap] = named(problems, "theme-no-evidence")
    assert gap["where"] == {"theme": "training"} and gap["severity"] == "error"
    assert "no accepted coding of its codes (training)" in gap["message"]


def test_analytical_theme_over_sub_themes_needs_no_codes_of_its_own(built, run):
    with open_store(built) as store:
        themes.add_theme(store, "Recovery", [], level="analytical")
        themes.edit(store, "hope", parent="recovery")
    code, problems = audit_json(run)
    assert (code, problems) == (0, [])


def test_theme_listing_a_code_not_in_the_codebook(built, run):
    raw(built, "INSERT INTO theme_codes (theme_id, codebook, code_id) "
               "VALUES ('hope', 'peer-support', 'optimism')")
    code, problems = audit_json(run)
    assert code == 1
    [p] = named(problems, "theme-unknown-code")
    assert p["where"] == {"theme": "hope", "code": "optimism", "codebook": "peer-support"}


def test_coding_whose_excerpt_is_gone(built, run):
    raw(built, "INSERT INTO codings (excerpt_id, codebook_id, code_id, coder, method, status,"
               " created_at, updated_at) VALUES ('F999', 1, 'hope', 'anna', 'manual', "
               "'accepted', 'now', 'now')")
    code, problems = audit_json(run)
    assert code == 1
    [p] = named(problems, "coding-missing-excerpt")
    assert p["where"] == {"coding": 8, "excerpt": "F999", "code": "hope"}
    assert p["message"] == ("Coding 8 (anna, accepted, code 'hope' on excerpt 'F999') points "
                            "to an excerpt that is not in the project.")


def test_coding_whose_code_is_gone(built, run):
    raw(built, "DELETE FROM codes WHERE codebook_id = 1 AND id = 'digital'")
    code, problems = audit_json(run)
    assert code == 1
    found = named(problems, "coding-missing-code")
    assert [(p["where"]["coding"], p["where"]["excerpt"]) for p in found] == \
        [(5, "F005"), (6, "F006"), (7, "F003")]
    assert "not in codebook 'peer-support' (version id 1)" in found[0]["message"]
    # the theme that lists it is named too
    assert named(problems, "theme-unknown-code")[0]["where"]["theme"] == "digital-support"


def test_codings_against_an_older_codebook_version_say_what_changed(built, run):
    new = [("hope", "Hope", "Hope, optimism and belief in recovery"),
           ("remote", "Digital", "Digital or remote delivery"),
           ("training", "Peer training", "Training of peer workers")]
    with open_store(built) as store, store.transaction("load v2"):
        load_codebook(store, "2", new)
    code, problems = audit_json(run)
    assert code == 1
    stale = {p["where"]["code"]: p for p in named(problems, "coding-old-codebook")}
    assert sorted(stale) == ["digital", "hope", "role-ambiguity"]
    assert stale["role-ambiguity"]["message"] == (
        "2 accepted coding(s) of 'role-ambiguity' use codebook 'peer-support' version '1', not "
        "the current version; the code was removed from the current version (excerpts F001, "
        "F002).")
    assert "the code was renamed: it is 'remote' in the current version" in \
        stale["digital"]["message"]
    assert "its definition changed" in stale["hope"]["message"]
    assert stale["hope"]["where"] == {"codebook": "peer-support", "version": "1",
                                      "code": "hope", "codings": 2,
                                      "excerpts": ["F003", "F004"]}


def test_unchanged_code_in_an_older_version_is_only_a_warning(built, run):
    with open_store(built) as store, store.transaction("load v1.1"):
        load_codebook(store, "1.1", CODES)
    code, problems = audit_json(run)
    assert code == 0
    assert {p["severity"] for p in problems} == {"warning"}
    assert len(named(problems, "coding-old-codebook")) == 3
    assert run("audit", "--strict").exit_code == 1


def test_source_file_missing(built, run):
    (built / "corpus" / "findings.csv").unlink()
    code, problems = audit_json(run)
    assert code == 1
    [p] = named(problems, "source-file-missing")
    assert p["where"] == {"file": "corpus/findings.csv",
                          "excerpts": ["F001", "F002", "F003", "F004", "F005"]}
    assert p["message"] == ("corpus/findings.csv, imported as the source of 6 excerpt(s) "
                            "(F001, F002, F003, F004, F005 and 1 more), is missing.")


def test_source_file_changed_since_import(built, run):
    with open(built / "corpus" / "studies.csv", "a", encoding="utf-8") as fh:
        fh.write("4,Brown,2021,Added later\n")
    code, problems = audit_json(run)
    assert code == 1
    [p] = named(problems, "source-file-changed")
    assert p["where"] == {"file": "corpus/studies.csv", "studies": ["1", "2", "3"]}
    assert "re-import it (`thematic import studies corpus/studies.csv`)" in p["fix"]


def test_a_re_imported_file_is_checked_against_its_newest_import(built, run):
    from thematic.corpus.importer import import_studies

    with open(built / "corpus" / "studies.csv", "a", encoding="utf-8") as fh:
        fh.write("4,Brown,2021,Added later\n")
    with open_store(built) as store:
        import_studies(store, built / "corpus" / "studies.csv", root=built)
    code, problems = audit_json(run)
    # the file is fine now; only the report, written before study 4, is out of date
    assert code == 1
    assert [(p["check"], p["where"]) for p in problems] == [
        ("report-claim-mismatch", {"file": "reports/synthesis.md", "line": 4,
                                   "claim": "project", "key": "studies"})]


def test_theme_on_a_single_study_and_unthemed_code_are_warnings(built, run):
    (built / "reports" / "synthesis.md").unlink()
    with open_store(built) as store:
        with store.transaction("code training"):
            add_codings(store, [Coding(excerpt_id="F001", codebook_id=1,
                                       code_id="training", coder="gold")])
        themes.add_theme(store, "Solo", ["hope"], codebook="peer-support")
        themes.edit(store, "solo", remove_codes=["hope"], add_codes=["training"])
    code, problems = audit_json(run)
    assert code == 0
    assert [(p["severity"], p["check"], p["where"]) for p in problems] == [
        ("warning", "theme-single-study", {"theme": "solo", "study": "1"})]
    with open_store(built) as store:
        themes.remove(store, "solo")
    code, problems = audit_json(run)
    assert code == 0
    assert [(p["check"], p["where"]) for p in problems] == [
        ("code-not-in-theme", {"code": "training", "codebook": "peer-support"})]
    assert run("audit", "--strict").exit_code == 1


def test_edited_event_is_the_first_bad_one(built, run):
    raw(built, "UPDATE events SET payload = '{\"added\": 99}' WHERE id = 3")
    code, problems = audit_json(run)
    assert code == 1
    [p] = named(problems, "event-chain")
    assert p["where"] == {"event": 3}
    assert p["message"].startswith("Event 3 (import excerpts corpus/findings.csv) was changed")


def test_removed_event_breaks_the_chain_at_the_next_one(built, run):
    raw(built, "DELETE FROM events WHERE id = 2")
    code, problems = audit_json(run)
    assert code == 1
    [p] = named(problems, "event-chain")
    assert p["where"] == {"event": 3}
    assert "does not follow event 1" in p["message"]


def test_newest_events_deleted(built, run):
    raw(built, "DELETE FROM events WHERE id >= 6")
    code, problems = audit_json(run)
    assert code == 1
    [p] = named(problems, "event-chain")
    assert p["where"] == {"event": 6}
    assert "ends at event 5, but events up to 7 were written" in p["message"]


def test_dropped_append_only_trigger_is_a_warning(built, run):
    conn = sqlite3.connect(built / ".thematic" / "project.db")
    conn.execute("DROP TRIGGER events_no_delete")
    conn.commit()
    conn.close()
    code, problems = audit_json(run)
    assert code == 0
    assert [(p["check"], p["severity"]) for p in problems] == [
        ("event-log-unprotected", "warning")]


def test_text_output_names_check_where_and_fix(built, run):
    (built / "corpus" / "findings.csv").unlink()
    result = run("audit", "--report", built / "reports" / "synthesis.md")
    assert result.exit_code == 1
    assert result.output == (
        "error    source-file-missing: corpus/findings.csv, imported as the source of 6 "
        "excerpt(s) (F001, F002, F003, F004, F005 and 1 more), is missing.\n"
        "         where: corpus/findings.csv; excerpts F001, F002, F003, F004, F005\n"
        "         fix: Put the file back at corpus/findings.csv (relative to the project "
        "folder), exactly as it was imported.\n"
        "\n"
        "Audit: 1 error, 0 warnings (34 checks; reports: reports/synthesis.md (markers "
        "only)).\n")


def test_audit_writes_nothing(built, run):
    from conftest import db_bytes

    before = db_bytes(built)
    (built / "reports" / "synthesis.md").write_text(REPORT.replace("F001", "F0001"))
    assert run("audit").exit_code == 1
    assert db_bytes(built) == before
