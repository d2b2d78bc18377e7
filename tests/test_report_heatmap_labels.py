"""The theme × study heatmap labels at most HEATMAP_LABELS studies, evenly spaced."""

from __future__ import annotations

from thematic.report import figures


def test_every_column_is_labelled_up_to_the_limit():
    assert figures.label_every(3) == [0, 1, 2]
    assert figures.label_every(150) == list(range(150))


def test_past_the_limit_one_column_in_k_is_labelled():
    ticks = figures.label_every(1000)
    assert ticks[:3] == [0, 7, 14] and len(ticks) == 143
    assert figures.label_every(151) == list(range(0, 151, 2))


def test_a_heatmap_of_many_studies_is_drawn():
    studies = {str(i): f"Author{i} 2020 [{i}]" for i in range(400)}
    themes = [{"id": "a", "name": "A", "by_study": {str(i): i % 5 for i in range(400)}},
              {"id": "b", "name": "B", "by_study": {"3": 2}}]
    drawn = figures.heatmap(themes, studies)
    assert drawn.note is None and drawn.data.startswith(b"\x89PNG")
