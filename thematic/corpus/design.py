"""A project's design, read from its corpus: a review (studies), interviews (participants'
turns) or a survey (many respondents with a few answers each), and what a source is
called in each, so that the report's prose and the CLI's counts say the same word.

``classify`` is the rule (the report's ``design.detect`` applies it to the excerpts it
holds); ``detect(store)`` applies it to the project's store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from thematic.store.db import Store

__all__ = ["DESIGNS", "SURVEY_SOURCES", "UNITS", "classify", "detect", "source_unit"]

DESIGNS = ("review", "interviews", "survey")
SURVEY_SOURCES = 40      # at least this many bare sources (no year or title) reads as a survey
# What a source is called in the prose of each design: a study, a participant, a respondent.
UNITS = {"review": ("study", "studies"), "interviews": ("participant", "participants"),
         "survey": ("respondent", "respondents")}


def classify(*, speakers: bool, context: bool, bare_sources: int) -> str:
    """Speaker turns → interviews; a survey question, or many bare sources → survey; else a
    review."""
    if speakers:
        return "interviews"
    if context or bare_sources >= SURVEY_SOURCES:
        return "survey"
    return "review"


def detect(store: Store) -> str:
    """The design of the project in ``store``, from its analysed excerpts."""
    from thematic.store.corpus import design_facts

    speakers, context, bare = design_facts(store)
    return classify(speakers=speakers, context=context, bare_sources=bare)


def source_unit(store: Store) -> tuple[str, str]:
    """(one, many): what the project's sources are called (study/studies ...)."""
    return UNITS[detect(store)]
