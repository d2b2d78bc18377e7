"""Write a co-occurrence graph as GraphML, GEXF, node-link JSON, an edge CSV or a PNG.

GraphML and GEXF (Gephi, Cytoscape, yEd) take only scalar attributes: lists (an edge's
supporting excerpts) become ';'-joined strings there and in the CSV. GEXF also gets Gephi's
``viz`` colour, size and position, so the file opens looking like the PNG. Every write is
atomic (a temp file beside the target, renamed on success).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from thematic.errors import ThematicError
from thematic.exporters import Exporter, Table
from thematic.files import atomic_path, atomic_write
from thematic.network.options import check_choice

if TYPE_CHECKING:
    import networkx as nx

#: The network's output formats (registered at the end of this module): write(graph, path).
EXPORTERS = Table("network")
SEPARATOR = ";"
CSV_COLUMNS = ("source", "target", "source_name", "target_name", "count", "weight",
               "p_value", "q_value", "significant", "excerpts")


def format_of(path: str | os.PathLike, format: str | None = None) -> str:
    """The format to write: ``format`` if given, else from the file's extension."""
    if format is not None:
        return check_choice("--format", format, EXPORTERS.names())
    suffix = Path(path).suffix.lower()
    extensions = EXPORTERS.suffixes()
    if suffix not in extensions:
        raise ThematicError("E306", path=path, suffix=suffix,
                            choices=", ".join(EXPORTERS.names()),
                            extensions=", ".join(extensions))
    return extensions[suffix]


def check_writable(path: str | os.PathLike) -> None:
    """Fail before any work when ``path`` cannot be written: its nearest existing folder must
    be a folder and accept a new file."""
    import tempfile

    folder = Path(path).absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise ThematicError("E305", path=folder)
    try:
        fd, probe = tempfile.mkstemp(prefix=".thematic-probe.", dir=folder)
    except PermissionError:
        raise ThematicError("E041", path=folder) from None
    os.close(fd)
    os.unlink(probe)


def flat(graph: nx.Graph) -> nx.Graph:
    """A copy with only str/int/float/bool attributes (lists ';'-joined, None → '')."""
    out = graph.copy()
    for data in [out.graph, *(d for _, d in out.nodes(data=True)),
                 *(d for *_, d in out.edges(data=True))]:
        for key, value in list(data.items()):
            data[key] = _scalar(value)
    return out


def _scalar(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return SEPARATOR.join(map(str, value))
    if isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return str(value)


def export(graph: nx.Graph, path: str | os.PathLike, format: str | None = None) -> Path:
    """Write ``graph`` to ``path``; returns the path."""
    fmt = format_of(path, format)
    path = Path(path)
    check_writable(path)
    written: Path = EXPORTERS.get(fmt).write(graph, path)
    return written


def _graphml(graph: nx.Graph, path: Path) -> Path:
    import networkx as nx

    with atomic_path(path) as tmp:
        nx.write_graphml(flat(graph), tmp)
    return path


def _gexf(graph: nx.Graph, path: Path) -> Path:
    import networkx as nx

    with atomic_path(path) as tmp:
        nx.write_gexf(_with_viz(graph), tmp)
    return path


def _png(graph: nx.Graph, path: Path) -> Path:
    from thematic.network.figure import draw

    return draw(graph, path)


def node_link(graph: nx.Graph) -> dict:
    """networkx's node-link data with the edge list under "edges" (networkx ≥ 3.4 spells
    this ``edges=``; earlier versions ``link=``)."""
    from networkx.readwrite import json_graph

    try:
        return json_graph.node_link_data(graph, edges="edges")
    except TypeError:
        return json_graph.node_link_data(graph, link="edges")


def to_json(graph: nx.Graph) -> str:
    import json

    return json.dumps(node_link(graph), indent=2, ensure_ascii=False) + "\n"


def to_csv(graph: nx.Graph) -> str:
    import csv
    import io

    from thematic.files import safe_row

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    names = graph.nodes
    for u, v, d in graph.edges(data=True):
        writer.writerow(safe_row([u, v, names[u]["name"], names[v]["name"], d["count"],
                                  repr(float(d["weight"])), repr(float(d["p_value"])),
                                  repr(float(d["q_value"])),
                                  str(bool(d["significant"])).lower(),
                                  SEPARATOR.join(d["excerpts"])]))
    return buf.getvalue()


def _with_viz(graph: nx.Graph) -> nx.Graph:
    from thematic.network.figure import layout

    out = flat(graph)
    pos = layout(graph)
    top = max((d["count"] for _, d in graph.nodes(data=True)), default=1) or 1
    for node, data in out.nodes(data=True):
        colour = data.get("colour", "#1f77b4").lstrip("#")
        r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
        x, y = pos[node]
        data["label"] = data.get("name", str(node))
        data["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0},
                       "size": round(5.0 + 25.0 * data.get("count", 0) / top, 3),
                       "position": {"x": round(float(x) * 500, 3), "y": round(float(y) * 500, 3),
                                    "z": 0.0}}
    return out


EXPORTERS.register(Exporter("graphml", (".graphml",), _graphml, "GraphML (Gephi, yEd, R)"))
EXPORTERS.register(Exporter("gexf", (".gexf",), _gexf, "GEXF with layout (Gephi)"))
EXPORTERS.register(Exporter("json", (".json",), lambda g, p: atomic_write(p, to_json(g)),
                            "node-link JSON"))
EXPORTERS.register(Exporter("csv", (".csv",), lambda g, p: atomic_write(p, to_csv(g)),
                            "one row per link"))
EXPORTERS.register(Exporter("png", (".png",), _png, "the figure"))
