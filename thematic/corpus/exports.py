"""Sheets written by survey tools: their extra header rows are questions, not answers.

Qualtrics puts the question wording in row 2 and, in its current format, a row of
``{"ImportId": …}`` cells in row 3; SurveyMonkey puts sub-headings ("Response",
"Open-Ended Response", a choice's label) in row 2. Read as data, those rows became
excerpts ("What did you value most…?" coded as an answer) and studies named "Response ID".
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

QUALTRICS_IDS = ("ResponseId", "ResponseID", "_recordId")
MONKEY_ID = "Respondent ID"
MONKEY_SUBHEADS = {"Response", "Open-Ended Response"}


@dataclass
class Export:
    tool: str
    header_rows: list[int]              # the file rows that were headers, as the user sees them
    questions: dict[str, str]           # column → its question's wording
    renamed: dict[str, str] = field(default_factory=dict)   # blank header → a name


def _import_ids(cells: dict[str, str]) -> bool:
    filled = [v for v in cells.values() if v.strip()]
    return bool(filled) and all(v.lstrip().startswith('{"ImportId"') for v in filled)


def _qualtrics(columns: list[str], head: list[tuple[int, dict[str, str]]]) -> Export | None:
    if not head:
        return None
    wording = head[0][1]
    id_col = next((c for c in QUALTRICS_IDS if c in columns), None)
    labelled = id_col is not None and wording[id_col].strip() in ("Response ID", "ResponseID")
    ids = len(head) > 1 and _import_ids(head[1][1])
    if not (ids or labelled):
        return None
    rows = [head[0][0]] + ([head[1][0]] if ids else [])
    questions = {c: wording[c].strip() for c in columns if wording[c].strip()}
    return Export("Qualtrics", rows, questions)


def _surveymonkey(columns: list[str], head: list[tuple[int, dict[str, str]]]
                  ) -> Export | None:
    if not head or MONKEY_ID not in columns:
        return None
    subheads = head[0][1]
    if subheads[MONKEY_ID].strip() or not MONKEY_SUBHEADS & set(subheads.values()):
        return None
    questions: dict[str, str] = {}
    renamed: dict[str, str] = {}
    question = ""
    for column in columns:
        # a question with several answer columns names only the first; the rest are blank
        # ("column_11"), and take the question and their choice as their name
        sub = subheads[column].strip()
        if not column.startswith("column_"):
            question = column
        elif question and sub and f"{question} – {sub}" not in columns:
            renamed[column] = f"{question} – {sub}"
        if question and (sub or column == question):
            questions[renamed.get(column, column)] = question \
                if sub in MONKEY_SUBHEADS or not sub else f"{question} – {sub}"
    return Export("SurveyMonkey", [head[0][0]], questions, renamed)


Rows = Iterator[tuple[int, dict[str, str]]]


def detect(columns: list[str], rows: Rows) -> tuple[Export | None, list[str], Rows]:
    """The export a sheet came from (None for any other sheet), its columns and its data
    rows."""
    head = list(itertools.islice(rows, 2))
    found = _qualtrics(columns, head) or _surveymonkey(columns, head)
    if found is None:
        return None, columns, itertools.chain(head, rows)
    data = itertools.chain(head[len(found.header_rows):], rows)
    if not found.renamed:
        return found, columns, data
    names = [found.renamed.get(c, c) for c in columns]
    rename = found.renamed
    return found, names, ((n, {rename.get(k, k): v for k, v in row.items()}) for n, row in data)
