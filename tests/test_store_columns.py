"""The store's columnar read path: same decisions as the row-by-row path it replaced, and
a query plan that reads one covering index without sorting."""

from __future__ import annotations

import random

import numpy as np
import pytest
from test_agreement_fixtures import EXCERPTS, build

from thematic.agreement import reconcile as R
from thematic.agreement import units as U
from thematic.project import open_store
from thematic.store import codings as cdb
from thematic.store.codebooks import Code, insert_codebook
from thematic.store.corpus import all_excerpt_ids, insert_excerpts

CODERS = ["alice", "bob", "carol", "dave", "auto:rules"]
CODE_IDS = ["hope", "empowerment", "role-ambiguity", "stigma"]


def _messy(store, seed: int, excerpt_ids: list[str]) -> None:
    """Second codebook version, more excerpts, spans, every status, partial coverage."""
    rng = random.Random(seed)
    with store.transaction("messy fixture"):
        insert_excerpts(store, [(e, "S2", f"text {e}", f"{i:064x}", None, 0, 9,
                                 f"row {i}", 100 + i, "{}")
                                for i, e in enumerate(excerpt_ids)])
        v2 = insert_codebook(store, name="demo", version="2", digest="b" * 64, title="Demo",
                             metadata={}, content="{}", source_path=None,
                             codes=[Code(id="recovery", name="Recovery", codable=False),
                                    *(Code(id=c, name=c, parent="recovery" if c in
                                           ("hope", "empowerment") else None)
                                      for c in CODE_IDS)])
        everything = EXCERPTS + excerpt_ids
        codings = []
        for coder in CODERS:
            for e in everything:
                for code in CODE_IDS:
                    if rng.random() < 0.3:
                        span = (None, None) if rng.random() < 0.5 else (rng.randrange(5), 9)
                        codings.append(cdb.Coding(
                            excerpt_id=e, codebook_id=v2 if rng.random() < 0.5 else 1,
                            code_id=code, coder=coder, start=span[0], end=span[1],
                            method="rules" if coder.startswith("auto:") else "manual",
                            status=rng.choice(cdb.STATUSES)))
                        if span[0] is not None and rng.random() < 0.5:  # a second span
                            codings.append(cdb.Coding(
                                excerpt_id=e, codebook_id=v2, code_id=code, coder=coder,
                                start=0, end=2, status=rng.choice(cdb.STATUSES)))
        cdb.add_codings(store, codings)
        for coder in CODERS:
            cdb.mark_reviewed(store, coder, rng.sample(everything, len(everything) // 2),
                              rng.choice([1, v2]))


def _reference(store, *, coders=None, codes=None, level="code", statuses=None):
    """The row-by-row implementation the columnar path replaced (one object per coding)."""
    book = U.resolve_codebook(store, None)
    versions = U._versions(store, book)
    reviewed: dict[str, set[str]] = {}
    for version in versions:
        for coder, excerpt, _ in cdb.coverage_rows(store, version):
            reviewed.setdefault(coder, set()).add(excerpt)
    codings = [c for c in cdb.list_codings(store, status=tuple(statuses) if statuses
                                           else None) if c.codebook_id in versions]
    methods: dict[str, set[str]] = {}
    for c in codings:
        reviewed.setdefault(c.coder, set()).add(c.excerpt_id)
        methods.setdefault(c.coder, set()).add(c.method)
    chosen = coders or U.default_coders(reviewed, methods)
    if level == "code":
        items, _, members = U._code_items(book, codes)
    else:
        items, _, members = U._theme_items(store, book, codes)
    common = set.intersection(*(reviewed.get(c, set()) for c in chosen))
    excerpts = [e for e in all_excerpt_ids(store) if e in common]
    position = {e: i for i, e in enumerate(excerpts)}
    coder_pos = {c: i for i, c in enumerate(chosen)}
    item_of: dict[str, list[int]] = {}
    for i, code_ids in enumerate(members):
        for code_id in code_ids:
            item_of.setdefault(code_id, []).append(i)
    triples = sorted({(coder_pos[c.coder], position[c.excerpt_id], i) for c in codings
                      if c.coder in coder_pos and c.excerpt_id in position
                      for i in item_of.get(c.code_id, ())})
    return chosen, excerpts, items, triples, {c: len(reviewed.get(c, ())) for c in chosen}


@pytest.fixture(params=[0, 1, 2])
def messy(project, request):
    with open_store(project) as store:
        build(store, themes=True)
        R.reconcile(store, ["alice", "bob"])
        _messy(store, request.param, [f"G{i:02d}" for i in range(30)])
        yield store


SELECTIONS = [
    {},
    {"coders": ["alice", "bob"]},
    {"coders": ["dave", "auto:rules", "consensus"]},
    {"coders": ["alice", "carol"], "codes": ["recovery", "stigma"]},
    {"statuses": ["accepted"]},
    {"statuses": ["proposed", "rejected"], "coders": ["bob", "auto:rules"]},
    {"level": "theme"},
    {"level": "theme", "coders": ["carol", "dave"], "statuses": ["accepted", "proposed"]},
]


@pytest.mark.parametrize("selection", SELECTIONS)
def test_decisions_are_those_of_the_row_by_row_path(messy, selection):
    new = U.load(messy, **selection)
    coders, excerpts, items, triples, reviewed = _reference(messy, **selection)
    assert new.coders == coders
    assert new.excerpts == excerpts
    assert new.items == items
    got = list(zip(new.coder_idx.tolist(), new.excerpt_idx.tolist(), new.item_idx.tolist()))
    assert got == triples
    assert triples  # the fixture does exercise codings
    assert new.reviewed == reviewed


def test_columns_hold_each_excerpt_once_per_coder_code_status(messy):
    columns = cdb.coding_columns(messy, statuses=["accepted"], coders=["bob"])
    rows = {(c.codebook_id, c.code_id, c.coder, c.status, c.method, c.excerpt_id)
            for c in cdb.list_codings(messy, status="accepted", coder="bob")}
    got = [(b, code, who, st, m, columns.excerpt_ids[e])
           for b, code, who, st, m, e in columns.tuples()]
    assert len(got) == len(set(got))
    assert set(got) == rows
    codes, coders, excerpt, code, _coder, status = columns.arrays()
    assert coders == ["bob"] and set(status.tolist()) == {cdb.STATUSES.index("accepted")}
    flat = {(codes[k], columns.excerpt_ids[e]) for k, e in zip(code.tolist(),
                                                              excerpt.tolist())}
    assert flat == {(r[1], r[5]) for r in rows}


def test_excerpt_ids_holding_the_separator_are_read_by_row_id(store):
    build(store)
    with store.transaction("odd ids"):
        insert_excerpts(store, [("odd\x1fid", "S1", "odd", "0" * 64, None, 0, 3, "row 99",
                                 50, "{}")])
        cdb.add_codings(store, [cdb.Coding(excerpt_id="odd\x1fid", codebook_id=1,
                                           code_id="stigma", coder=who)
                                for who in ("alice", "carol")])
        cdb.mark_reviewed(store, "bob", ["odd\x1fid"], 1)
    d = U.load(store, coders=["alice", "bob"], codes=["stigma"])
    assert d.excerpts == [*EXCERPTS, "odd\x1fid"]
    assert d.presence()[:, -1, 0].tolist() == [True, False]
    assert U.load(store, coders=["alice", "carol"]).reviewed == {"alice": 11, "carol": 7}


def test_the_columns_query_reads_the_covering_index_without_sorting(store):
    for filters in ({}, {"codebook_ids": [1, 2], "statuses": ["accepted"]},
                    {"coders": ["alice"]}, {"statuses": ["proposed"]},
                    {"codebook_ids": [1], "coders": ["a", "b"], "statuses": ["accepted"]}):
        sql, params = cdb.coding_columns_sql(**filters)
        plan = " | ".join(r[3] for r in store.query("EXPLAIN QUERY PLAN " + sql, params))
        assert "USING COVERING INDEX codings_columns" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_the_coverage_query_groups_by_the_primary_key(store):
    plan = " | ".join(r[3] for r in store.query(
        "EXPLAIN QUERY PLAN SELECT coder, group_concat(excerpt_id, ?) FROM coverage "
        "WHERE codebook_id IN (?) GROUP BY coder", ("\x1f", 1)))
    assert "TEMP B-TREE" not in plan, plan
    assert np.array_equal(cdb.coverage_columns(store, [], [1]).get("x", np.zeros(0)),
                          np.zeros(0))


def _reference_incidence(store, unit: str):
    """Code-level incidence the row-by-row way (the path network used before)."""
    from collections import Counter

    from thematic.network.cooccur import from_pairs
    from thematic.store.codebooks import get_codebook, list_codebooks
    from thematic.store.corpus import list_excerpts

    books = {b.id: b.name for b in list_codebooks(store)}
    accepted = cdb.list_codings(store, status="accepted")
    per_book = Counter(books.get(c.codebook_id, "?") for c in accepted)
    codebook = sorted(per_book.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    versions = [i for i, name in books.items() if name == codebook]
    pairs = [(c.excerpt_id, c.code_id) for c in accepted if c.codebook_id in versions]
    known = [c.id for c in get_codebook(store, codebook).codes]
    used = {code for _, code in pairs}
    items = [c for c in known if c in used] + sorted(used - set(known))
    reviewed: set[str] = set()
    for version in versions:
        reviewed |= set().union(*cdb.coverage(store, codebook_id=version).values())
    universe = reviewed | {e for e, _ in pairs}
    rows = [x for x in list_excerpts(store) if x.id in universe]
    return from_pairs(pairs, excerpts=[x.id for x in rows],
                      study_of=[x.source_id for x in rows], items=items, unit=unit)


@pytest.mark.parametrize("unit", ["excerpt", "study"])
def test_network_incidence_is_that_of_the_row_by_row_path(messy, unit):
    from thematic.network.cooccur import incidence

    new, old = incidence(messy, "code", unit), _reference_incidence(messy, unit)
    assert new.codebook == "demo"
    for name in ("units", "items", "excerpts", "studies"):
        assert getattr(new, name) == getattr(old, name), name
    assert (new.matrix != old.matrix).nnz == 0 and new.matrix.nnz > 0
    assert new.study_of.tolist() == old.study_of.tolist()
