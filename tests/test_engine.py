"""``thematic.engine``: the Dask engine gives the single-process results exactly (demo
corpus, synthetic excerpts), survives a killed worker, writes nothing when interrupted, and
names an unreachable scheduler in one numbered error. One LocalCluster of 2 worker
processes on loopback serves the module; every test that needs it is marked slow (starting
worker processes that import spaCy takes most of the fast tier's budget on 2 cores), so the
fast tier checks the engine's options and errors, and `make test` runs the cluster."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import signal
import socket
import subprocess
import sys

import pytest
from conftest import CODEBOOKS, CORPUS

from thematic.coding.rules import RuleSet
from thematic.engine import open_engine
from thematic.errors import ThematicError

# find_spec, not importorskip: importing distributed while collecting would cost every
# xdist worker 0.6 s, and only the worker that runs this file needs it
pytestmark = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="the Dask engine needs distributed")

CODINGS = ("SELECT excerpt_id, codebook_id, code_id, coder, start, end, method, origin, "
           "score, status FROM codings ORDER BY id")
FILLER = ("the peer workers staff reported that their support was not never without but "
          "however felt service users team in of and weekly groups helped")
COVERAGE = "SELECT coder, excerpt_id, codebook_id FROM coverage ORDER BY coder, excerpt_id"


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0", silence_logs=40) as running:
        yield running


@pytest.fixture
def engine(cluster):
    with open_engine("dask", scheduler=cluster.scheduler_address) as opened:
        opened.client.wait_for_workers(2, timeout=60)
        yield opened


@pytest.fixture(scope="module")
def rules():
    import yaml

    from thematic.store.codebooks import Code

    doc = yaml.safe_load((CODEBOOKS / "peer-support.yaml").read_text(encoding="utf-8"))
    return RuleSet.from_codes(Code(c["id"], c["id"], data=c) for c in doc["codes"]
                              if c.get("codable", True) is not False)


def synthetic(n: int, rules: RuleSet, seed: int = 0) -> list[tuple[str, str]]:
    """Excerpts of filler words with the rules' phrases, negations and contrasts mixed in."""
    rng = random.Random(seed)
    phrases = [p for c in rules.codes for p in c.phrases]
    filler = FILLER.split()
    out = []
    for i in range(n):
        words = rng.choices(filler, k=rng.randint(6, 30))
        for _ in range(rng.randint(0, 3)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(phrases))
        out.append((f"S{i}", " ".join(words).capitalize() + "."))
    return out


def _proposals(result):
    return [(p.excerpt_id, p.code, p.start, p.end, p.origin) for p in result.proposals], (
        result.excerpts, result.negated, result.excluded)


@pytest.fixture
def demo(tmp_path):
    """The bundled corpus and the peer-support codebook, twice (local and Dask runs)."""
    from thematic.codebook import load
    from thematic.corpus.importer import ExcerptOptions, import_excerpts, import_studies
    from thematic.project import init, open_store

    made = []
    for name in ("local", "dask"):
        root = init(tmp_path / name)
        with open_store(root) as store:
            import_studies(store, CORPUS / "studies.csv", root=root)
            import_excerpts(store, [CORPUS / "findings.csv"], ExcerptOptions(
                text_column="finding", source_column="study_id", id_column="id"), root=root)
            load(store, CODEBOOKS / "peer-support.yaml")
        made.append(root)
    return made


@pytest.fixture
def small(project):
    """The 7-excerpt corpus and test codebook of the coding tests."""
    from test_coding_support import prepare

    return prepare(project)


def invoke(root, *args):
    from click.testing import CliRunner

    from thematic.cli.main import cli

    return CliRunner().invoke(cli, ["--project", str(root), *map(str, args)])


def table(root, sql):
    from thematic.project import open_store

    with open_store(root) as store:
        return [tuple(r) for r in store.query(sql)]


@pytest.mark.slow
def test_demo_corpus_same_codings_and_provenance_as_local(demo, cluster):
    local, dask = demo
    one = invoke(local, "code", "auto")
    two = invoke(dask, "code", "auto", "--engine", "dask", "--scheduler",
                 cluster.scheduler_address)
    assert two.exit_code == 0, two.output
    assert two.output == one.output == (
        "Coded 208 excerpts with peer-support 1.0.0: 407 proposals found, 407 new (0 "
        "negated and 2 excluded mentions skipped).\nReview them with `thematic code "
        "review`.\n")
    assert table(dask, CODINGS) == table(local, CODINGS)
    assert table(dask, COVERAGE) == table(local, COVERAGE)
    events = [json.loads(p) for (p,) in table(dask, "SELECT payload FROM events WHERE "
                                                    "action = 'code auto'")]
    assert [e["engine"] for e in events] == ["dask"]
    assert table(dask, "SELECT COUNT(*) FROM events WHERE action = 'code auto'") == [(1,)]


@pytest.mark.slow
def test_synthetic_excerpts_identical(engine, rules):
    from thematic.engine.local import LocalEngine

    items = synthetic(3000, rules)
    told = []
    assert _proposals(engine.code(items, rules, progress=told.append)) == \
        _proposals(LocalEngine().code(items, rules))
    assert sum(told) == 3000 and len(told) > 2   # several partitions, on both workers


@pytest.mark.slow
def test_50k_synthetic_excerpts_identical(engine, rules):
    from thematic.engine.local import LocalEngine

    items = synthetic(50_000, rules, seed=1)
    assert _proposals(engine.code(items, rules)) == _proposals(LocalEngine().code(items, rules))


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_its_partition_rerun(engine, rules):
    from thematic.engine.local import LocalEngine

    items = synthetic(3000, rules, seed=2)
    pids = sorted(engine.client.run(os.getpid).values())
    killed = []

    def kill_one(n: int) -> None:
        if not killed:   # the first partition is back; the others are running
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    found = engine.code(items, rules, progress=kill_one)
    assert killed
    assert _proposals(found) == _proposals(LocalEngine().code(items, rules))
    engine.client.wait_for_workers(2, timeout=60)
    assert pids[0] not in engine.client.run(os.getpid).values()


@pytest.mark.slow
def test_an_interrupted_run_writes_nothing_and_says_so(small, cluster, monkeypatch):
    from thematic.engine.cluster import DaskEngine

    root = small
    before = table(root, "SELECT COUNT(*) FROM events")
    original = DaskEngine.code

    def interrupted(self, items, rules, *, model=None, progress=None):
        def stop(n):
            raise KeyboardInterrupt

        return original(self, items, rules, model=model, progress=stop)

    monkeypatch.setattr(DaskEngine, "code", interrupted)
    result = invoke(root, "code", "auto", "--engine", "dask", "--scheduler",
                    cluster.scheduler_address)
    assert result.exit_code == 130
    assert result.output == "Error: interrupted; the command's changes were rolled back.\n"
    assert table(root, CODINGS) == [] and table(root, COVERAGE) == []
    assert table(root, "SELECT COUNT(*) FROM events") == before


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_is_e560(small, monkeypatch):
    import thematic.engine

    monkeypatch.setattr(thematic.engine, "CONNECT_TIMEOUT", 1.0)
    port = _free_port()
    result = invoke(small, "code", "auto", "--engine", "dask", "--scheduler",
                    f"127.0.0.1:{port}")
    assert result.exit_code == 2
    assert result.output.startswith(
        f"Error: [E560] Cannot reach the Dask scheduler at tcp://127.0.0.1:{port} within 1 s (")
    assert result.output.endswith(
        "); nothing was run or written. Check that the scheduler is running (`dask "
        "scheduler`) and has workers, and that HOST:PORT is the address it printed, or leave "
        "out --scheduler to run on a local cluster.\n")
    assert table(small, CODINGS) == []


@pytest.mark.parametrize("args, message", [
    (("--workers", "2"), "Error: [E563] --workers applies to --engine dask only. Add --engine "
                         "dask, or leave out --workers.\n"),
    (("--engine", "dask", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"),
     "Error: [E565] --workers sizes the local cluster; with --scheduler the remote cluster's "
     "own workers run the tasks. Leave out one of the two.\n"),
    (("--engine", "dask", "--scheduler", "http://127.0.0.1:1"),
     "Error: [E566] --scheduler 'http://127.0.0.1:1' is not a scheduler address (unknown "
     "scheme 'http'; thematic connects over tcp or tls). Give it as tcp://HOST:PORT, e.g. "
     "tcp://10.0.0.5:8786.\n"),
])
def test_engine_option_misuse(small, args, message):
    result = invoke(small, "code", "auto", *args)
    assert (result.exit_code, result.output) == (2, message)


def test_unknown_engine_is_e562():
    with pytest.raises(ThematicError, match=r"\[E562\] No engine 'dusk'. Did you mean 'dask'"):
        open_engine("dusk")


@pytest.mark.slow
def test_network_counts_are_the_same_on_dask(demo, cluster):
    local, dask = demo
    for root in demo:
        invoke(root, "code", "auto")
        invoke(root, "code", "accept", "--all")
    one = invoke(local, "network", "--level", "code", "--weight", "npmi", "--json")
    two = invoke(dask, "network", "--level", "code", "--weight", "npmi", "--json",
                 "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert two.exit_code == 0, two.output
    assert json.loads(two.output) == json.loads(one.output)


@pytest.mark.slow
def test_cooccurrence_sums_partitions(engine):
    import numpy as np
    import scipy.sparse as sp

    from thematic.network.cooccur import counts

    rng = np.random.default_rng(0)
    matrix = sp.random(30_000, 40, density=0.05, format="csr", random_state=rng)
    matrix.data[:] = 1
    matrix = matrix.astype(np.int32)
    total = engine.cooccur(matrix)
    assert total.n == 30_000
    assert (total.co != counts(matrix).co).nnz == 0


@pytest.mark.slow
def test_embeddings_on_the_cluster_fill_the_same_cache(tmp_path, engine):
    pytest.importorskip("sklearn")
    import numpy as np

    from thematic.embeddings import TfidfBackend, embed
    from thematic.project import open_store

    texts = [f"peer support worker {i} felt hope and stigma {i % 7}" for i in range(300)]
    backend = TfidfBackend(dim=20).fit(texts)
    from thematic.project import init

    roots = [init(tmp_path / "local"), init(tmp_path / "dask")]
    with open_store(roots[0]) as store:
        here = embed(store, backend, texts)
    told = []
    with open_store(roots[1]) as store:
        there = embed(store, engine.encoder(backend), texts, progress=told.append)
        again = embed(store, engine.encoder(backend), texts)   # all from the cache now
    assert np.allclose(here, there, atol=1e-6) and np.array_equal(there, again)
    assert sum(told) == 300
    cache = "SELECT model, text_sha FROM embeddings ORDER BY model, text_sha"
    assert table(roots[1], cache) == table(roots[0], cache)


def test_help_imports_no_dask():
    code = ("import sys; from thematic.cli.main import cli\n"
            "try:\n    cli(['code', 'auto', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.slow
def test_dask_progress_bar_on_a_terminal_goes_to_stderr(engine, monkeypatch, capsys):
    import io

    from thematic.cli.engine import progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress(engine, 10, "Auto-coding") as step:
        step(5)
        step(5)
    drawn = terminal.getvalue()
    assert "[####################                    ] | 50% Completed |" in drawn
    assert "[########################################] | 100% Completed |" in drawn
    assert capsys.readouterr().out == ""


@pytest.mark.slow
def test_topics_on_dask_embed_on_the_workers(demo, cluster):
    pytest.importorskip("bertopic")
    local, dask = demo
    one = invoke(local, "topics", "--embeddings", "tfidf", "--json")
    two = invoke(dask, "topics", "--embeddings", "tfidf", "--json", "--engine", "dask",
                 "--scheduler", cluster.scheduler_address)
    assert two.exit_code == 0, two.output
    assert json.loads(two.output)["model"] == json.loads(one.output)["model"]
    cache = "SELECT model, text_sha FROM embeddings ORDER BY model, text_sha"
    assert table(dask, cache) == table(local, cache) != []


@pytest.mark.slow
def test_the_dashboard_link_is_printed_when_the_scheduler_serves_one(small, cluster,
                                                                     monkeypatch):
    import thematic.engine.cluster

    # The test cluster's scheduler runs in this process, without bokeh: pretend it has it.
    monkeypatch.setattr(thematic.engine.cluster, "_has_bokeh", lambda: True)
    result = invoke(small, "code", "auto", "--engine", "dask", "--scheduler",
                    cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    first, rest = result.output.split("\n", 1)
    assert first == f"Dask dashboard: {cluster.dashboard_link}"
    assert first.startswith("Dask dashboard: http://127.0.0.1:")
    assert rest.startswith("Coded 7 excerpts with test-book 1.0.0: 6 proposals found")


@pytest.mark.slow
def test_semantic_stage_embeds_the_excerpts_on_the_cluster(tmp_path, engine):
    pytest.importorskip("sklearn")
    from test_coding_support import prepare

    from thematic.coding.auto import run
    from thematic.project import init, open_store

    found = []
    for name, on in (("local", None), ("dask", engine)):
        root = prepare(init(tmp_path / name))
        with open_store(root) as store:
            result = run(store, semantic=True, embedder="tfidf", min_score=0.1, engine=on)
        found.append((result.found, result.semantic,
                      table(root, "SELECT excerpt_id, code_id, coder, origin, round(score, 5) "
                                  "FROM codings ORDER BY id"),
                      table(root, "SELECT model, text_sha FROM embeddings ORDER BY text_sha")))
    assert found[0] == found[1]
    assert found[0][1] > 0 and found[0][3] != []


def test_a_partition_packed_on_a_worker_unpacks_to_code_batch_proposals(rules):
    """Texts go without their ids and proposals come back as integer columns; unpacked
    with the ids, they are ``code_batch``'s proposals in its order (offsets missing in a
    proposal stay missing)."""
    import pickle

    from thematic.coding.auto import Proposal, code_batch
    from thematic.engine.tasks import code_partition, unpack

    items = synthetic(400, rules, seed=4)
    packed = code_partition(pickle.dumps([t for _, t in items]), rules)
    proposals, negated, excluded = unpack(packed, [eid for eid, _ in items])
    expected = code_batch(items, rules)
    assert proposals == expected.proposals != []
    assert (negated, excluded) == (expected.negated, expected.excluded)
    where, kind, _, end, pairs, _, _ = packed
    first = proposals[0]
    missing = (where[:4], kind[:4], (-1).to_bytes(4, "little", signed=True), end[:4],
               pairs, 0, 0)
    assert unpack(missing, [eid for eid, _ in items])[0] == [
        Proposal(first.excerpt_id, first.code, None, first.end, first.origin)]
