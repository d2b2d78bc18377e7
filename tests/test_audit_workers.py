"""`thematic audit --jobs 2` re-renders the reports in a second process: the same problems,
in the same order, as one process; and a second process that fails or reads another state
of the project leaves the re-derivation to the first."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from test_audit_rederive import forge, hostile, hostile_built, report  # noqa: F401

from thematic.audit import workers


def audited(run, jobs: int) -> dict:
    result = run("audit", "--json", "--jobs", str(jobs))
    return {"exit": result.exit_code, **json.loads(result.output)}


def test_two_processes_find_what_one_finds(hostile, run):  # noqa: F811
    assert audited(run, 2) == audited(run, 1)
    assert audited(run, 2)["exit"] == 0
    # forged: a count in a table, a deleted marker, an invented quote, a missing study
    text = report(hostile).read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("| [X \\<!--"))
    forge(hostile, line, line.replace("| 3 |", "| 4 |", 1))
    marker = re.search(r" <!-- claim project studies=\"4\"[^>]*-->", text).group(0)
    forge(hostile, marker, "")
    forge(hostile, "## Methods", '> "Peer work cured everyone." — [Cooper 2024](#study-1)'
                                 "\n\n## Methods")
    forge(hostile, "(#study-1)", "(#study-99)")
    one, two = audited(run, 1), audited(run, 2)
    assert two == one
    checks = [p["check"] for p in two["problems"]]
    assert two["exit"] == 1
    assert {"report-differs", "report-marker-changed", "report-unsourced-quote",
            "report-broken-anchor"} <= set(checks)
    # the re-derivation's problems come first, as one process gives them
    assert checks.index("report-differs") < checks.index("report-broken-anchor")


def test_a_stale_report_and_a_deleted_one(hostile, run):  # noqa: F811
    assert run("theme", "rename", "evidence-gaps", "Gaps").exit_code == 0
    stale = audited(run, 2)
    assert stale == audited(run, 1)
    assert "report-stale" in {p["check"] for p in stale["problems"]}
    report(hostile).unlink()
    gone = audited(run, 2)
    assert gone == audited(run, 1)
    assert [p["check"] for p in gone["problems"] if p["severity"] == "error"] == [
        "report-missing"]


def test_another_state_of_the_project_is_not_re_derived_there(hostile):  # noqa: F811
    from thematic.project import open_store
    from thematic.store import audit as db

    with open_store(hostile) as store, db.snapshot(store):
        state = db.state(store)
        path = str(report(hostile))
        assert workers.rederive(str(store.path), str(hostile), [path], state) == [([], False)]
        moved = (state[0], *state[1:-1], (state[-1][0] + 1, state[-1][1]))
        assert workers.rederive(str(store.path), str(hostile), [path], moved) is None

        def not_here():
            raise AssertionError("re-derived in the first process")

        # through a real second process: its result, never the first's
        pending = workers.Rederiving(store, hostile, [report(hostile)])
        assert pending.result(report(hostile), not_here) == ([], False)
        pending.close()


def test_a_failed_second_process_leaves_it_to_the_first(hostile):  # noqa: F811
    from pathlib import Path

    from thematic.project import open_store
    from thematic.store import audit as db

    missing = Path(hostile) / "reports" / "gone.md"
    with open_store(hostile) as store, db.snapshot(store):
        pending = workers.Rederiving(store, Path(hostile), [missing])
        # the second process cannot read the file (E403) and exits 1
        assert pending.result(missing, lambda: (["here"], False)) == (["here"], False)
        pending.close()


def test_how_many_processes(store, monkeypatch):
    assert workers.jobs(store, 1) == 1 and workers.jobs(store, 3) == 3
    assert workers.jobs(store, None) == 1          # a small project
    monkeypatch.setattr(workers, "THRESHOLD", 0)
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert workers.jobs(store, None) == 2
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert workers.jobs(store, None) == 1


def test_python_dash_m_thematic_with_a_second_process(hostile):  # noqa: F811
    # `python -m thematic` must not run its command again in the process audit starts
    out = subprocess.run([sys.executable, "-m", "thematic", "--project", str(hostile),
                          "audit", "--jobs", "2"], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == ("Audit: 0 errors, 2 warnings (34 checks; "
                                           "reports: reports/report.md).")


@pytest.mark.parametrize("jobs", ["0", "two"])
def test_bad_jobs(run, jobs):
    result = run("audit", "--jobs", jobs)
    assert result.exit_code == 2


def test_a_supplied_value_is_taken_once_else_computed(store):
    computed = []

    def compute():
        computed.append(1)
        return "computed"

    store.supply(("k",), lambda: "supplied")
    assert store.memo(("k",), compute) == "supplied" and not computed
    store.supply(("gone",), lambda: None)          # the supplier had nothing
    assert store.memo(("gone",), compute) == "computed" and computed == [1]


def test_values_sent_are_read_in_any_order_and_none_when_missing():
    import io
    import pickle

    stream = io.BytesIO(pickle.dumps((("a",), 1)) + pickle.dumps((("b",), [2])))
    received = workers._Received(stream)
    assert received.get(("b",)) == [2]          # read past "a", which is kept
    assert received.get(("a",)) == 1
    assert received.get(("c",)) is None         # never sent: the caller computes it
    assert workers._Received(io.BytesIO(b"not a pickle")).get(("a",)) is None


def test_the_second_process_imports_this_thematic_but_never_shadows_the_stdlib(monkeypatch):
    import site
    from pathlib import Path

    import thematic

    home = Path(thematic.__file__).resolve().parent.parent
    assert workers._home() == [str(home)]          # a source tree or an editable install
    # installed in site-packages: the child has that folder anyway, after the stdlib
    monkeypatch.setattr(site, "getsitepackages", lambda: [str(home)])
    assert workers._home() == []
