"""The report index's bulk look-ups give what their per-excerpt definitions give."""

from __future__ import annotations

import random
from types import SimpleNamespace

from thematic.divergence import DIVERGENT_PHRASES, has_cue
from thematic.report.index import Index, _cued


def _excerpts(texts: list[str]) -> dict:
    return {f"E{i}": SimpleNamespace(text=t, source_id=f"S{i % 3}", position=i)
            for i, t in enumerate(texts)}


def test_cued_excerpts_are_those_has_cue_accepts():
    rng = random.Random(3)
    pieces = [*DIVERGENT_PHRASES, "DID NOT", "M\u0131XED", "M\u0130XED", "Nu\u0307ll", "stra\u00dfe",
              "did", "not", "no", "clear", " ", ".", "\0", "\n", "\u0131", "\u0307", "mixe",
              "d"]
    texts = ["", "did not", "x", "mixed\0null", "no\0clear", "nothing here"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
              for _ in range(3000)]
    excerpts = _excerpts(texts)
    expected = {i for i, e in excerpts.items() if has_cue(e.text)}
    assert _cued(excerpts) == expected
    assert "E1" in expected and "E3" in expected and "E4" not in expected
    assert _cued({}) == set()


def test_known_and_studies_of_keep_unknown_ids_out():
    index = Index(excerpts=_excerpts(["a", "b", "c", "d"]),
                  sources={"S2": None, "S0": None, "S1": None})
    assert index.known(["E3", "E0"]) == ["E3", "E0"]
    assert index.known(["E3", "X", "E0"]) == ["E3", "E0"]
    assert index.studies_of(["E0", "E1", "E3"]) == ["S0", "S1"]
    assert index.studies_of(["E2", "X"]) == ["S2"]


def test_codes_by_excerpt_are_sorted_and_distinct_in_any_row_order():
    from thematic.report.index import Accepted

    rows = [Accepted("E1", 1, "b", "gold"), Accepted("E1", 1, "b", "ann"),
            Accepted("E1", 2, "c", "gold"), Accepted("E2", 1, "a", "gold")]
    expected = {"E1": ["b", "c"], "E2": ["a"]}
    assert Index(accepted=rows).codes_by_excerpt() == expected
    shuffled = [rows[2], rows[0], rows[3], rows[1], rows[2]]
    assert Index(accepted=shuffled).codes_by_excerpt() == expected
