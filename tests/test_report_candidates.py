"""The report sets the latest topic run's candidates beside the accepted themes."""

from __future__ import annotations

import re

import test_report_fixtures as fx


def _topic_run(root):
    from thematic.project import open_store
    from thematic.store import topics

    with open_store(root) as store, store.transaction("test topics"):
        run = topics.insert_run(store, model="tfidf", params={
            "method": "UMAP + HDBSCAN", "hdbscan_outlier_share": 0.25, "seed": 3,
            "min_topic_size": 2}, outlier_share=0.125,
            n_documents=8)
        topics.insert_candidates(store, [
            topics.Candidate(run_id=run, topic=0, label="Role | ambiguity",
                             keywords=[("roles", 0.9), ("unclear", 0.8)], size=3,
                             representative=["F3", "F4"],
                             nearest_codes=[{"code": "role-ambiguity", "name": "Role ambiguity"}]),
            topics.Candidate(run_id=run, topic=1, label="Hope", keywords=[("hope", 0.7)],
                             size=4, representative=["F5"], nearest_codes=[]),
            topics.Candidate(run_id=run, topic=-1, label="Outliers", keywords=[], size=1,
                             representative=["F7"]),
        ])
        topics.insert_members(store, run, [("F3", 0, 0.9), ("F4", 0, 0.8), ("F7", 0, 0.4),
                                           ("F1", 1, 0.9), ("F5", 1, 0.9), ("F8", 1, 0.7),
                                           ("F2", 1, 0.5), ("F6", -1, None)])


def test_candidates_table(project, run):
    fx.build(project)
    _topic_run(project)
    result = run("report", "--out", project / "reports" / "r.md")
    assert result.exit_code == 0, result.output
    text = (project / "reports" / "r.md").read_text(encoding="utf-8")
    section = text[text.index("## Candidate themes from topic modelling"):]
    section = section[: section.index("\n## ", 1)]
    day = re.search(r"topic run 1 of (\d{4}-\d\d-\d\d)", section).group(1)
    assert ("Topic modelling grouped the 8 excerpts into 2 candidate themes (topic run 1 of "
            f"{day}: tfidf; UMAP + HDBSCAN; seed 3; min topic size 2; HDBSCAN first left 25% "
            "of excerpts as outliers, 12% after reassignment).") in section
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    # Members F3, F4 carry role-ambiguity; F7 (evidence gaps) does not: 2 of 3 line up.
    assert rows[1] == ("| Role \\| ambiguity | roles, unclear | 3 | 2 | Role ambiguity | "
                       "[Role ambiguity \\| stigma \\{\\{ 7\\*7 \\}\\}](#theme-role-ambiguity-"
                       "stigma-7-7) (67%) | [F3](#excerpt-F3), [F4](#excerpt-F4) |")
    assert rows[2].startswith("| Hope | hope | 4 | 3 |  | [Personal recovery](#theme-")
    assert "(100%)" in rows[2]
    assert "Outliers" not in section
    # Every example links to an anchor the appendix defines.
    for target in re.findall(r"\(#(excerpt-[^)]+)\)", section):
        assert f'<a id="{target}"></a>' in text
    assert run("audit", "--report", project / "reports" / "r.md").exit_code == 0


def test_no_topic_run_no_section(project, run):
    fx.build(project)
    run("report", "--out", project / "reports" / "r.md")
    text = (project / "reports" / "r.md").read_text(encoding="utf-8")
    assert "Candidate themes" not in text


def test_report_shows_the_run_a_theme_came_from(project, run):
    """A later topic run does not rewrite where an accepted theme came from."""
    from thematic.project import open_store
    from thematic.store import topics
    from thematic.themes import accept

    fx.build(project)
    _topic_run(project)
    with open_store(project) as store:
        accept(store, 0, run=1, name="Unclear roles")
        with store.transaction("a later run"):
            topics.insert_run(store, model="minilm", params={"method": "Ward", "seed": 9},
                              outlier_share=0.0, n_documents=8)
    assert run("report", "--out", project / "reports" / "r.md").exit_code == 0
    text = (project / "reports" / "r.md").read_text(encoding="utf-8")
    section = text[text.index("## Candidate themes from topic modelling"):]
    assert "(topic run 1 of " in section and "run 2" not in section
    assert "| Role \\| ambiguity; accepted as [Unclear roles](#theme-unclear-roles) |" in section
    day = re.search(r"topic run 1 of (\d{4}-\d\d-\d\d)", section).group(1)
    assert (f'- Accepted from candidate 0 ("Role \\| ambiguity") of topic run 1 of {day}: '
            "tfidf; UMAP + HDBSCAN; seed 3; min topic size 2.") in text
    listed = run("topics", "list", "--run", "1")
    assert listed.output.splitlines()[0] == (f"Run 1 of {day}: tfidf; UMAP + HDBSCAN; seed 3; "
                                             "min topic size 2")
    assert "Unclear roles" in listed.output.splitlines()[3]
    assert run("audit", "--report", project / "reports" / "r.md").exit_code == 0
