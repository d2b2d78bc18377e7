"""Bulk writes (store/bulk.py): an import and auto-coding's proposals reach the row ledger
through one INSERT … SELECT instead of a trigger per row, leaving the ledger exactly as the
trigger leaves it, keyed or not; the trigger is back afterwards."""

from __future__ import annotations

from contextlib import nullcontext

import pytest
from click.testing import CliRunner
from conftest import CODEBOOKS, CORPUS


def build(root, monkeypatch, *, bulk: bool) -> dict[str, list]:
    from thematic.cli.main import cli
    from thematic.project import init, open_store
    from thematic.store import bulk as bulk_module

    project = init(root)
    runner = CliRunner()
    with monkeypatch.context() as patch:
        if not bulk:
            patch.setattr(bulk_module, "ledger_in_bulk", lambda store, table: nullcontext())
        for args in (("import", "studies", CORPUS / "studies.csv"),
                     ("import", "excerpts", CORPUS / "findings.csv"),
                     ("codebook", "load", CODEBOOKS / "peer-support.yaml"),
                     ("code", "auto")):
            result = runner.invoke(cli, ["--project", str(project), *map(str, args)],
                                   catch_exceptions=False)
            assert result.exit_code == 0, result.output
    with open_store(project) as store:
        from thematic.store.ledger import changed_rows

        assert changed_rows(store) == {}
        triggers = [r[0] for r in store.query(
            "SELECT name FROM sqlite_temp_master WHERE type = 'trigger' ORDER BY name")]
        assert "ledger_codings_insert" in triggers and "ledger_excerpts_insert" in triggers
        return {t: [tuple(r) for r in store.query(f"SELECT key, v FROM ledger_{t} ORDER BY key")]
                for t in ("excerpts", "codings")}


@pytest.mark.parametrize("keyed", [False, True])
def test_bulk_writes_leave_the_ledger_as_the_trigger_does(tmp_path, monkeypatch, keyed):
    if keyed:
        monkeypatch.setenv("THEMATIC_AUDIT_KEY", "a secret")
    fast = build(tmp_path / "fast", monkeypatch, bulk=True)
    slow = build(tmp_path / "slow", monkeypatch, bulk=False)
    assert len(fast["excerpts"]) >= 200 and len(fast["codings"]) >= 100   # bulk sizes
    assert fast == slow


def test_a_failed_bulk_write_rolls_back_and_keeps_the_trigger(store):
    from thematic.store.bulk import ledger_in_bulk

    with pytest.raises(RuntimeError), store.transaction("test"), \
            ledger_in_bulk(store, "excerpts"):
        raise RuntimeError("interrupted")
    assert store.scalar("SELECT COUNT(*) FROM sqlite_temp_master WHERE "
                        "name = 'ledger_excerpts_insert'") == 1


def test_attribute_json_is_json_dumps():
    import json

    from thematic.corpus.importer import _attributes_json

    for attrs in ({}, {"b": "x", "a": "é \"q\" \\ \n\t\x01 \u2028 😀"}, {"paragraph": 3},
                  {"z": "1", "y": None}, {"section": "Outcomes", "Section": "ß"}):
        assert _attributes_json(attrs) == json.dumps(attrs, sort_keys=True, ensure_ascii=False)


def test_sheet_cells_with_nul_or_surrogates_are_still_refused(tmp_path):
    from thematic.corpus.readers import _checked
    from thematic.errors import ThematicError

    assert _checked(tmp_path, 2, {"a": "fine", "b": "é😀"}) == {"a": "fine", "b": "é😀"}
    for bad, column in (({"a": "ok", "b": "x\x00y"}, "b"), ({"a": "\ud800", "b": ""}, "a")):
        with pytest.raises(ThematicError) as err:
            _checked(tmp_path, 2, bad)
        assert err.value.code == "E663" and column in str(err.value)
