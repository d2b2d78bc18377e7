"""Each output format, loaded back with networkx (or csv / the PNG header) and compared."""

from __future__ import annotations

import csv
import json
import struct

import pytest
from test_network_fixtures import clusters

from thematic import network
from thematic.errors import ThematicError
from thematic.network import export


@pytest.fixture
def graph(store):
    clusters(store)
    return network.build(store, level="code", weight="jaccard", seed=0)


def _nodes(g, drop=()):
    return {n: {k: v for k, v in d.items() if k not in drop} for n, d in g.nodes(data=True)}


def _edges(g, drop=()):
    return {frozenset((u, v)): {k: val for k, val in d.items() if k not in drop}
            for u, v, d in g.edges(data=True)}


def test_graphml_round_trip(graph, tmp_path):
    import networkx as nx

    path = network.write(graph, tmp_path / "net.graphml")
    back = nx.read_graphml(path)
    flat = export.flat(graph)
    assert list(back.nodes) == list(graph.nodes)
    assert _nodes(back) == _nodes(flat)
    assert _edges(back) == _edges(flat)
    assert back.edges["hope", "empowerment"]["excerpts"] == \
        ";".join(graph.edges["hope", "empowerment"]["excerpts"])
    assert isinstance(back.edges["hope", "empowerment"]["significant"], bool)
    assert back.graph["weight"] == "jaccard" and back.graph["units"] == 40


def test_gexf_round_trip(graph, tmp_path):
    import networkx as nx

    path = export.export(graph, tmp_path / "net.gexf", "gexf")
    back = nx.read_gexf(path)
    flat = export.flat(graph)
    assert list(back.nodes) == list(graph.nodes)
    assert _nodes(back, drop=("label", "viz")) == _nodes(flat)
    assert _edges(back, drop=("id",)) == _edges(flat)
    assert back.nodes["hope"]["label"] == "Hope"
    colour = back.nodes["stigma"]["viz"]["color"]
    assert "#{:02x}{:02x}{:02x}".format(colour["r"], colour["g"], colour["b"]) == \
        graph.nodes["stigma"]["colour"]


def test_node_link_json_round_trip(graph, tmp_path):
    from networkx.readwrite import json_graph

    path = network.write(graph, tmp_path / "net.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) >= {"nodes", "edges", "graph"}
    back = json_graph.node_link_graph(data, edges="edges")
    assert _nodes(back) == _nodes(graph)
    assert _edges(back) == _edges(graph)   # lists stay lists in JSON
    assert back.graph == graph.graph


def test_edge_csv_round_trip(graph, tmp_path):
    path = network.write(graph, tmp_path / "edges.csv")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(export.CSV_COLUMNS)
    assert len(rows) == graph.number_of_edges()
    for row in rows:
        d = graph.edges[row["source"], row["target"]]
        assert row["source_name"] == graph.nodes[row["source"]]["name"]
        assert int(row["count"]) == d["count"]
        assert float(row["weight"]) == d["weight"]          # repr: no digits lost
        assert float(row["p_value"]) == d["p_value"]
        assert float(row["q_value"]) == d["q_value"]
        assert row["significant"] == str(d["significant"]).lower()
        assert row["excerpts"].split(";") == d["excerpts"]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_png_is_a_sensible_deterministic_image(graph, tmp_path):
    from matplotlib.image import imread

    one = network.write(graph, tmp_path / "one.png")
    two = export.export(graph, tmp_path / "two.png")
    width, height = _png_size(one.read_bytes())
    assert 800 <= width <= 4000 and 600 <= height <= 4000
    assert one.read_bytes() == two.read_bytes()
    pixels = imread(one)
    assert pixels.shape[:2] == (height, width)
    assert pixels.std() > 0.05  # not a blank canvas


def test_format_comes_from_the_extension_or_the_option(tmp_path):
    assert export.format_of(tmp_path / "x.GraphML") == "graphml"
    assert export.format_of(tmp_path / "x.txt", "csv") == "csv"
    with pytest.raises(ThematicError) as err:
        export.format_of(tmp_path / "x.txt")
    assert err.value.code == "E306"
    with pytest.raises(ThematicError) as err:
        export.format_of(tmp_path / "x.csv", "gml")
    assert err.value.code == "E304"


def test_an_unwritable_folder_is_refused_before_writing(graph, locked):
    with pytest.raises(ThematicError) as err:
        network.write(graph, locked / "net.graphml")
    assert err.value.code == "E041"
    assert err.value.exit_code == 2
    assert list(locked.iterdir()) == []


def test_a_file_in_the_way_of_the_folder(graph, tmp_path):
    (tmp_path / "taken").write_text("x")
    with pytest.raises(ThematicError) as err:
        network.write(graph, tmp_path / "taken" / "net.csv")
    assert err.value.code == "E305"


def test_a_failed_write_leaves_the_old_file(graph, tmp_path, monkeypatch):
    import networkx as nx

    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "net.graphml"
    path.write_text("old", encoding="utf-8")

    def half(g, target, **kwargs):
        with open(target, "w") as f:
            f.write("<graphml")
        raise OSError("disk trouble")

    monkeypatch.setattr(nx, "write_graphml", half)
    with pytest.raises(OSError):
        network.write(graph, path)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in path.parent.iterdir()] == ["net.graphml"]  # no temp file left


def test_missing_folders_are_made(graph, tmp_path):
    path = network.write(graph, tmp_path / "a" / "b" / "net.json")
    assert path.is_file()
