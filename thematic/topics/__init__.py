"""Candidate themes from topic models: clustering, BERTopic, labels.

Embeddings live in thematic.embeddings. Nothing heavy is imported here;
``thematic.topics.propose(store, ...)`` loads on first use.
"""

from __future__ import annotations

from thematic.plugins import lazy

_LAZY = {
    "propose": ("thematic.topics.run", "propose"),
    "TopicRun": ("thematic.topics.run", "TopicRun"),
    # the runs and candidates a topic run stored, read as the CLI lists them
    "list_runs": ("thematic.store.topics", "list_runs"),
    "get_run": ("thematic.store.topics", "get_run"),
    "list_candidates": ("thematic.store.topics", "list_candidates"),
    "get_candidate": ("thematic.store.topics", "get_candidate"),
    "members": ("thematic.store.topics", "members"),
    "members_by_year": ("thematic.store.topics", "members_by_year"),
}


__getattr__ = lazy(__name__, _LAZY)


__all__ = list(_LAZY)
