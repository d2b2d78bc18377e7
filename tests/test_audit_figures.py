"""The audit's report figures summed from one grouped pass (store.audit.accepted_groups)
equal those of the queries that count each figure on its own: across coders, codebook
versions, excluded excerpts and interviewer turns."""

from __future__ import annotations

import hashlib

import pytest
import test_report_fixtures as fx

from thematic.store import audit as db


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    from thematic.project import init, open_store
    from thematic.store.codebooks import Code, insert_codebook
    from thematic.store.codings import Coding, add_codings
    from thematic.store.corpus import exclude

    root = init(tmp_path_factory.mktemp("figures") / "proj")
    fx.build(root, second_coder=True)
    with open_store(root) as store, store.transaction("messier"):
        # a second version of the codebook, coded too: a code now spans two versions
        book = insert_codebook(
            store, name="demo", version="2.0.0",
            digest=hashlib.sha256(b"demo codebook 2").hexdigest(), title="Demo codebook",
            metadata={}, content="{}", source_path=None,
            codes=[Code(id=i, name=n, parent=p, codable=c, definition=d)
                   for i, n, p, c, d in fx.CODES])
        add_codings(store, [Coding(excerpt_id="F2", codebook_id=book, code_id="hope",
                                   coder="cy"),
                            Coding(excerpt_id="F4", codebook_id=book, code_id="stigma",
                                   coder="ana")])
        exclude(store, ["F3"], "duplicate finding", "ana")
        store.execute("UPDATE excerpts SET role = 'interviewer' WHERE id = 'F6'")
        store.log("test fixture", "messier", {})
    return root


@pytest.mark.parametrize("coders", [None, ["ana"], ["ana", "ben"], ["cy"], [], ["nobody"]])
def test_grouped_figures_equal_the_single_queries(messy, coders):
    from thematic.project import open_store

    with open_store(messy) as store:
        groups = db.accepted_groups(store, coders)
        assert db.project_counts(store, coders, groups) == db.project_counts(store, coders)
        for book in (None, "demo", "other"):
            assert db.code_evidence_all(store, book, coders, groups) == \
                db.code_evidence_all(store, book, coders)
        for version in (None, "1.0.0", "2.0.0", "9"):
            assert db.codebook_counts(store, "demo", version, coders, groups) == \
                db.codebook_counts(store, "demo", version, coders)
        if coders == ["ana", "ben"]:
            # the case is not vacuous: the figures are there, and hope spans two versions
            counts = db.project_counts(store, coders, groups)
            assert counts["codings"] > counts["pairs"] > 0 and counts["coders"] == 2
        if coders is None:
            assert {k for k, _ in groups if k} == {1, 2}
