"""Coding: deductive auto-coding with spaCy rules (auto, rules, semantic), manual coding by
named coders (manual, exchange), the terminal review (review) and coverage.

Nothing heavy is imported here; ``thematic.coding.auto.run`` and
``thematic.coding.manual.import_codings`` are the entry points the demo uses.
"""

from thematic.store.codings import STATUSES, Status, list_codings
from thematic.store.db import actor

__all__ = ["STATUSES", "Status", "actor", "list_codings"]
