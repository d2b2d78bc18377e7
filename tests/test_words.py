"""Counts in CLI messages: one plural helper, and the project's word for its sources (the
report's unit: studies, participants, respondents) read from the store, not the report."""

from __future__ import annotations

import pytest
from test_themes_fixtures import build

from thematic.corpus.design import UNITS, detect, source_unit
from thematic.project import open_store
from thematic.words import plural


def test_plural_of_regular_and_given_nouns():
    assert [plural(1, "excerpt"), plural(0, "excerpt"), plural(2, "excerpt")] == [
        "1 excerpt", "0 excerpts", "2 excerpts"]
    assert [plural(1, "study"), plural(3, "study"), plural(2, "day")] == [
        "1 study", "3 studies", "2 days"]
    assert [plural(2, "coach"), plural(2, "box"), plural(2, "person", "people")] == [
        "2 coaches", "2 boxes", "2 people"]
    assert plural(3, *UNITS["survey"]) == "3 respondents"


@pytest.fixture
def built(project):
    with open_store(project) as store:
        build(store)
    return project


def _as(project, column: str | None) -> None:
    """Give every excerpt a speaker (interviews) or a question (survey)."""
    if column:
        with open_store(project) as store, store.transaction("test design"):
            store.execute(f"UPDATE excerpts SET {column} = 'P1'")


@pytest.mark.parametrize(("column", "design", "words"), [
    (None, "review", "10 excerpts from 3 studies"),
    ("speaker", "interviews", "10 excerpts from 3 participants"),
    ("context", "survey", "10 excerpts from 3 respondents")])
def test_theme_add_counts_sources_in_the_projects_unit(built, run, column, design, words):
    _as(built, column)
    result = run("theme", "add", "Role ambiguity", "--codes", "role-ambiguity,stigma")
    assert result.output == ("Added theme role-ambiguity 'Role ambiguity' (descriptive; codes: "
                             f"role-ambiguity, stigma): {words}\n")
    with open_store(built) as store, store.transaction("one source"):
        store.execute("UPDATE excerpts SET source_id = '1'")
    one = UNITS[design][0]
    assert run("theme", "add", "Hope", "--codes", "hope").output == (
        f"Added theme hope 'Hope' (descriptive; codes: hope): 10 excerpts from 1 {one}\n")
    with open_store(built) as store:
        assert detect(store) == design and source_unit(store) == UNITS[design]


@pytest.mark.parametrize("column", [None, "speaker", "context"])
def test_the_store_and_the_report_read_the_same_design(built, column):
    from thematic.report import design
    from thematic.report.index import Index

    _as(built, column)
    with open_store(built) as store:
        assert detect(store) == design.detect(Index.load(store))[0]
