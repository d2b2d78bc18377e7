"""The extension points: a statistic, a reader or a backend registered from one file (here,
this test file) shows up in the CLI, the JSON and the report without touching anything
else."""

from __future__ import annotations

import json

import pytest
from test_agreement_fixtures import build

from thematic.agreement.registry import Statistic, register, statistics, unregister
from thematic.project import open_store

# --- an agreement statistic --------------------------------------------------------------


def _scott_pi(tally):
    """Scott's pi (1955) on presence/absence, per code: (P_o - P_e) / (1 - P_e) with P_e
    from the pooled marginals of both coders."""
    import numpy as np

    from thematic.agreement.results import _result, _undefined

    m = tally.n_coders
    k = np.arange(m + 1)
    out = []
    for h in tally.hist:
        n = h.sum()
        p_o = (h * (k * (k - 1) + (m - k) * (m - k - 1))).sum() / (n * m * (m - 1))
        p1 = (h * k).sum() / (n * m)
        p_e = p1**2 + (1 - p1) ** 2
        out.append(_undefined("scott_pi", "one category", int(n)) if p_e == 1
                   else _result("scott_pi", (p_o - p_e) / (1 - p_e), int(n)))
    return out


@pytest.fixture
def scott():
    from thematic.agreement.results import landis_koch

    register(Statistic(key="scott_pi", label="Scott's pi", short="pi", compute=_scott_pi,
                       band=landis_koch, band_text="Landis & Koch (1977)",
                       gloss=lambda d: "pi = Scott's pi (1955)", order=35))
    yield
    unregister("scott_pi")


@pytest.fixture
def demo(project):
    with open_store(project) as store:
        build(store, themes=True)
    return project


def test_the_builtin_statistics_are_registered_in_order():
    assert [s.key for s in statistics()] == ["alpha", "kappa", "ac1", "percent_pairwise",
                                             "percent_all"]
    assert [s.key for s in statistics(2)][-1] == "percent_pairwise"


def test_a_registered_statistic_reaches_the_cli_json_and_report(demo, run, scott):
    # hope: both coders present on 4 excerpts, absent on 4, split on 2 → P_o 0.8; half
    # of the 20 decisions present → P_e 0.5; pi = 0.3 / 0.5 = 0.600 (by hand).
    text = run("agree", "--coders", "alice,bob", "--boot", "0", "--codes", "hope")
    assert text.exit_code == 0
    head, _, hope = text.output.splitlines()[2:5]
    assert head.split()[13:16] == ["pi", "pi", "band"]  # after AC1, before agree (pairs)
    assert hope.split()[9:11] == ["0.600", "moderate"]
    assert "pi = Scott's pi (1955)\n" in text.output
    assert "kappa and AC1 and pi — Landis" in text.output

    doc = json.loads(run("agree", "--coders", "alice,bob", "--boot", "0", "--codes",
                         "hope", "--json").output)
    figure = doc["items"][0]["figures"]["scott_pi"]
    assert (figure["name"], round(figure["value"], 3)) == ("Scott's pi", 0.6)
    assert "scott_pi" in doc["overall"]["pooled"]["figures"]
    assert doc["overall"]["mean_over_items"]["scott_pi"]["name"] == "mean Scott's pi"

    from thematic.report.components import agreement

    with open_store(demo) as store:
        summary = agreement(store, coders=["alice", "bob"]).value
    assert [s["key"] for s in summary["statistics"]] == [
        "alpha", "kappa", "ac1", "scott_pi", "percent_pairwise"]


def test_unregistering_restores_the_output(demo, run, scott):
    unregister("scott_pi")
    text = run("agree", "--coders", "alice,bob", "--boot", "0", "--codes", "hope")
    assert " pi " not in text.output
