"""The extension points: a statistic, a reader or a backend registered from one file (here,
this test file) shows up in the CLI, the JSON and the report without touching anything
else."""

from __future__ import annotations

import json

import pytest
from test_agreement_fixtures import build

from thematic.agreement.registry import Statistic, register, statistics, unregister
from thematic.project import open_store

# --- an agreement statistic --------------------------------------------------------------


def _scott_pi(tally):
    """Scott's pi (1955) on presence/absence, per code: (P_o - P_e) / (1 - P_e) with P_e
    from the pooled marginals of both coders."""
    import numpy as np

    from thematic.agreement.results import _result, _undefined

    m = tally.n_coders
    k = np.arange(m + 1)
    out = []
    for h in tally.hist:
        n = h.sum()
        p_o = (h * (k * (k - 1) + (m - k) * (m - k - 1))).sum() / (n * m * (m - 1))
        p1 = (h * k).sum() / (n * m)
        p_e = p1**2 + (1 - p1) ** 2
        out.append(_undefined("scott_pi", "one category", int(n)) if p_e == 1
                   else _result("scott_pi", (p_o - p_e) / (1 - p_e), int(n)))
    return out


@pytest.fixture
def scott():
    from thematic.agreement.results import landis_koch

    register(Statistic(key="scott_pi", label="Scott's pi", short="pi", compute=_scott_pi,
                       band=landis_koch, band_text="Landis & Koch (1977)",
                       gloss=lambda d: "pi = Scott's pi (1955)", order=35))
    yield
    unregister("scott_pi")


@pytest.fixture
def demo(project):
    with open_store(project) as store:
        build(store, themes=True)
    return project


def test_the_builtin_statistics_are_registered_in_order():
    assert [s.key for s in statistics()] == ["alpha", "kappa", "ac1", "percent_pairwise",
                                             "percent_all"]
    assert [s.key for s in statistics(2)][-1] == "percent_pairwise"


def test_a_registered_statistic_reaches_the_cli_json_and_report(demo, run, scott):
    # hope: both coders present on 4 excerpts, absent on 4, split on 2 → P_o 0.8; half
    # of the 20 decisions present → P_e 0.5; pi = 0.3 / 0.5 = 0.600 (by hand).
    text = run("agree", "--coders", "alice,bob", "--boot", "0", "--codes", "hope")
    assert text.exit_code == 0
    head, _, hope = text.output.splitlines()[2:5]
    assert head.split()[13:16] == ["pi", "pi", "band"]  # after AC1, before agree (pairs)
    assert hope.split()[9:11] == ["0.600", "moderate"]
    assert "pi = Scott's pi (1955)\n" in text.output
    assert "kappa and AC1 and pi — Landis" in text.output

    doc = json.loads(run("agree", "--coders", "alice,bob", "--boot", "0", "--codes",
                         "hope", "--json").output)
    figure = doc["items"][0]["figures"]["scott_pi"]
    assert (figure["name"], round(figure["value"], 3)) == ("Scott's pi", 0.6)
    assert "scott_pi" in doc["overall"]["pooled"]["figures"]
    assert doc["overall"]["mean_over_items"]["scott_pi"]["name"] == "mean Scott's pi"

    from thematic.report.components import agreement

    with open_store(demo) as store:
        summary = agreement(store, coders=["alice", "bob"]).value
    assert [s["key"] for s in summary["statistics"]] == [
        "alpha", "kappa", "ac1", "scott_pi", "percent_pairwise"]


def test_unregistering_restores_the_output(demo, run, scott):
    unregister("scott_pi")
    text = run("agree", "--coders", "alice,bob", "--boot", "0", "--codes", "hope")
    assert " pi " not in text.output


# --- a corpus reader ---------------------------------------------------------------------


@pytest.fixture
def lines_reader():
    """A toy document format: every non-empty line is a paragraph."""
    from thematic.corpus import formats
    from thematic.corpus.readers import assemble, read_text

    def read(path, *, encoding=None, **_):
        text = read_text(path, encoding=encoding)
        return assemble(path, [("paragraph", line.strip(), {})
                               for line in text.splitlines() if line.strip()])

    formats.register(formats.Reader("lines", (".lines",), False, read))
    yield
    formats.unregister("lines")


def test_the_builtin_readers_are_listed_sheets_first_by_name_with_their_suffixes():
    from thematic.corpus import formats

    assert formats.kinds() == ("csv", "jsonl", "tsv", "xlsx", "captions", "docx", "markdown",
                               "odt", "text")
    assert formats.supported() == (".csv, .docx, .jsonl, .markdown, .md, .ndjson, .odt, "
                                   ".srt, .tab, .text, .tsv, .txt, .vtt, .xlsm, .xlsx")


def test_a_registered_reader_is_a_format_choice_and_reads_by_suffix(run, tmp_path,
                                                                    lines_reader):
    path = tmp_path / "notes.lines"
    path.write_text("The forum helped.\nSupervision mattered.\n", encoding="utf-8")
    assert "lines" in run("import", "excerpts", "--help").output
    result = run("import", "excerpts", path)
    assert result.exit_code == 0, result.output
    assert "2 excerpts added" in result.output
    again = tmp_path / "notes.txt"
    again.write_text("One.\nTwo.\nThree.\n", encoding="utf-8")
    forced = run("import", "excerpts", "--format", "lines", again)
    assert "3 excerpts added" in forced.output


def test_an_unknown_suffix_lists_the_registered_ones(run, tmp_path, lines_reader):
    path = tmp_path / "notes.xyz"
    path.write_text("text\n", encoding="utf-8")
    result = run("import", "excerpts", path)
    assert result.exit_code == 2
    assert ".lines" in result.output and ".odt" in result.output


# --- an embedding backend and a topic model ----------------------------------------------


class Letters:
    """A toy backend: the letter frequencies of a text, unit length (deterministic)."""

    name = key = "letters-26"
    portable = True

    def encode(self, texts):
        import numpy as np

        rows = np.zeros((len(texts), 26), dtype=np.float32)
        for i, text in enumerate(texts):
            for ch in text.lower():
                if "a" <= ch <= "z":
                    rows[i, ord(ch) - 97] += 1
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1, norms)


class Halves:
    """A toy topic model: the first half of the texts is topic 0, the rest topic 1."""

    name = "halves"

    def fit(self, texts, embeddings, backend, *, min_topic_size, seed=0, seed_topics=None,
            nr_topics=None, outliers="auto", profile=None):
        import numpy as np

        from thematic.topics.model import Fit

        half = len(texts) // 2
        topics = [0 if i < half else 1 for i in range(len(texts))]
        vectors = np.asarray(embeddings)
        members = {t: [i for i, x in enumerate(topics) if x == t] for t in (0, 1)}
        return Fit(topics=topics, probabilities=[None] * len(texts),
                   keywords={0: [("first", 1.0)], 1: [("second", 1.0)]},
                   ctfidf={0: [("first", 1.0)], 1: [("second", 1.0)]},
                   representative={t: m[:3] for t, m in members.items()},
                   centroids={t: vectors[m].mean(axis=0).tolist()
                              for t, m in members.items()},
                   method="halves", hdbscan_outlier_share=None, outlier_share=0.0)


@pytest.fixture
def toys():
    from thematic import embeddings
    from thematic.topics import base

    embeddings.register_backend("letters", Letters, aliases=("abc",))
    base.register(Halves())
    yield
    embeddings.unregister_backend("letters")
    base.unregister("halves")


def test_the_builtin_backends_and_models():
    from thematic import embeddings
    from thematic.topics import base

    assert embeddings.names() == ("minilm", "tfidf")
    assert base.names() == ("ward", "average", "spectral", "hdbscan")
    assert isinstance(base.get("ward"), base.TopicModel)


def test_a_registered_backend_and_model_run_thematic_topics(run, project, toys):
    from test_themes_fixtures import build

    from thematic.topics import base

    assert isinstance(Halves(), base.TopicModel)
    with open_store(project) as store:
        build(store)
    assert "halves" in run("topics", "--help").output
    result = run("topics", "--embeddings", "abc", "--cluster", "halves", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["model"] == "letters-26" and doc["method"] == "halves"
    assert sorted(c["size"] for c in doc["candidates"]) == [30, 30]


def test_an_unknown_backend_lists_the_registered_ones(toys):
    from thematic.embeddings import get_backend
    from thematic.errors import ThematicError

    with pytest.raises(ThematicError) as caught:
        get_backend("nope")
    assert "(minilm, tfidf, letters)" in caught.value.message
    assert isinstance(get_backend("ABC"), Letters)


# --- an exporter -------------------------------------------------------------------------


@pytest.fixture
def dot_exporter():
    from thematic.exporters import Exporter
    from thematic.files import atomic_write
    from thematic.network.export import EXPORTERS

    def write(graph, path):
        lines = [f'  "{a}" -- "{b}";' for a, b in sorted(graph.edges)]
        return atomic_write(path, "graph {\n" + "\n".join(lines) + "\n}\n")

    EXPORTERS.register(Exporter("dot", (".dot", ".gv"), write, "Graphviz"))
    yield
    EXPORTERS.unregister("dot")


def test_a_registered_network_exporter_is_a_format_and_a_suffix(project, run, tmp_path,
                                                                dot_exporter):
    from test_network_fixtures import tiny

    with open_store(project) as store:
        tiny(store)
    assert "graphml|gexf|json|csv|png|dot" in run("network", "--help").output
    out = tmp_path / "codes.gv"
    result = run("network", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"\nWrote {out} (dot).\n")
    assert out.read_text(encoding="utf-8") == ('graph {\n  "a" -- "b";\n  "a" -- "c";\n'
                                               '  "b" -- "c";\n}\n')


@pytest.fixture
def count_exporter():
    from thematic.coding.exchange import EXPORTERS
    from thematic.exporters import Exporter
    from thematic.store.codings import list_codings

    def write(store, *, coder, status, codebook):
        return f"{len(list_codings(store, coder=coder, status=status))} coding(s)\n"

    EXPORTERS.register(Exporter("count", (".txt",), write, "how many codings"))
    yield
    EXPORTERS.unregister("count")


def test_the_builtin_codings_exporters_keep_their_order():
    from thematic.coding.exchange import EXPORTERS

    assert EXPORTERS.names() == ("long", "wide", "json")


def test_a_registered_codings_exporter_is_a_code_export_format(project, run, count_exporter):
    from test_network_fixtures import tiny

    with open_store(project) as store:
        tiny(store)
    assert "long|wide|json|count" in run("code", "export", "--help").output
    result = run("code", "export", "--format", "count")
    assert result.exit_code == 0, result.output
    assert result.stdout == "7 coding(s)\n"  # E1 a,b; E2 a,b,c; E3 a; E4 c


# --- the generic registry behind all of the above ----------------------------------------


def test_a_registry_registers_by_decorator_and_lists_names_in_order_or_sorted():
    from thematic.plugins import Registry

    shapes: Registry = Registry("shape")

    @shapes.register("square", aliases=("Quadrat",))
    def square(side):
        return side * side

    shapes.register("circle", lambda r: 3 * r * r)
    assert square(3) == 9 and shapes.get("square") is square
    assert shapes.names() == ("square", "circle")
    assert shapes.names(sort=True) == ("circle", "square")
    assert shapes.resolve(" QUADRAT ") == "square" and "circle" in shapes
    assert [name for name, _ in shapes.items()] == list(shapes) == ["square", "circle"]
    shapes.unregister("square")
    assert shapes.names() == ("circle",) and shapes.resolve("quadrat") is None


def test_an_unknown_name_is_e750_naming_the_known_ones_sorted():
    from thematic.agreement.registry import get
    from thematic.errors import ThematicError

    with pytest.raises(ThematicError) as caught:
        get("kapa")
    assert caught.value.code == "E750"
    assert caught.value.message == (
        "No agreement statistic is named 'kapa'. Known: ac1, alpha, kappa, percent_all, "
        "percent_pairwise. Did you mean 'kappa'? Use one of these names, or install the "
        "plugin that provides it.")


def test_a_lazy_entry_is_imported_only_when_first_asked_for():
    import sys

    from thematic.plugins import Registry

    sys.modules.pop("colorsys", None)
    tools: Registry = Registry("tool")
    tools.register("hls", lazy="colorsys:rgb_to_hls")
    assert tools.names() == ("hls",) and "colorsys" not in sys.modules
    assert tools.get("hls")(1.0, 0.0, 0.0) == (0.0, 0.5, 1.0)
    assert "colorsys" in sys.modules


def test_installed_plugins_are_adopted_on_first_read(monkeypatch):
    from thematic import plugins
    from thematic.plugins import Registry

    monkeypatch.setattr(plugins, "entry_points",
                        lambda group: iter([("double", lambda x: 2 * x)]))
    seen = []
    ops: Registry = Registry("operation", entry_points="thematic.operations",
                             adopt=lambda name, found: seen.append(name) or
                             ops.register(name, found))
    assert ops.get("double")(4) == 8 and seen == ["double"]
    assert ops.names() == ("double",) and seen == ["double"]  # loaded once


def test_a_broken_plugin_is_reported_again_on_the_next_read(monkeypatch):
    from thematic import plugins
    from thematic.plugins import Registry

    def broken(group):
        raise ImportError("plugin 'half' needs a package that is not installed")
        yield  # a generator, as the real one

    monkeypatch.setattr(plugins, "entry_points", broken)
    ops: Registry = Registry("operation", entry_points="thematic.operations")
    for _ in range(2):
        with pytest.raises(ImportError, match="half"):
            ops.names()
