"""The graph, its analysis and theme-level networks (thematic.network, .analyse)."""

from __future__ import annotations

import pytest
from test_network_fixtures import clusters, tiny

from thematic import network
from thematic.network import analyse

RECOVERY = {"hope", "empowerment", "self-efficacy"}
WORKFORCE = {"role-ambiguity", "stigma", "wellbeing-burnout"}


def test_graph_attributes_of_the_tiny_project(store):
    tiny(store)
    g = network.build(store, level="code", weight="jaccard")
    assert list(g.nodes) == ["a", "b", "c"]
    a = g.nodes["a"]
    assert (a["name"], a["level"], a["count"], a["studies"], a["prevalence"]) == \
        ("Alpha", "code", 3, 2, 1.0)
    assert (g.nodes["b"]["studies"], g.nodes["b"]["prevalence"]) == (1, 0.5)
    edge = g.edges["a", "b"]
    assert set(edge) == {"count", "weight", "excerpts", "p_value", "q_value", "significant"}
    assert edge["excerpts"] == ["E1", "E2"] and edge["count"] == 2
    assert g.graph["units"] == 4 and g.graph["studies"] == 2 and g.graph["tested_pairs"] == 3
    for _, data in g.nodes(data=True):
        assert {"community", "colour", "degree", "strength", "degree_centrality",
                "betweenness", "eigenvector", "participation", "bridging"} <= set(data)


def test_two_clusters_and_a_bridge(store):
    clusters(store)
    g = network.build(store, level="code", weight="jaccard", seed=0)
    community = {n: d["community"] for n, d in g.nodes(data=True)}
    assert len({community[n] for n in RECOVERY}) == 1
    assert len({community[n] for n in WORKFORCE}) == 1
    assert community["hope"] != community["stigma"]
    facts = analyse.summary(g)
    assert [b["id"] for b in facts["bridging"]] == ["bridge"]
    assert facts["bridging"][0]["communities"] == [1, 2]
    assert max(g.nodes, key=lambda n: g.nodes[n]["betweenness"]) == "bridge"
    assert facts["community_method"] == "louvain"
    assert [c["size"] for c in facts["communities"]] == [4, 3]
    # No recovery code ever shares an excerpt with a workforce code.
    assert not any({u, v} & RECOVERY and {u, v} & WORKFORCE for u, v in g.edges)


def test_same_seed_same_graph(store):
    clusters(store)
    one = network.build(store, level="code", weight="association", seed=7)
    two = network.build(store, level="code", weight="association", seed=7)
    assert dict(one.nodes(data=True)) == dict(two.nodes(data=True))
    assert analyse.summary(one) == analyse.summary(two)


def test_greedy_modularity_finds_the_same_groups(store):
    clusters(store)
    g = network.build(store, level="code", weight="jaccard", communities="greedy")
    assert g.graph["community_method"] == "greedy modularity"
    groups = {frozenset(c["nodes"]) for c in analyse.summary(g)["communities"]}
    assert frozenset(WORKFORCE) in groups


def test_louvain_failure_falls_back_to_greedy(store, monkeypatch):
    import networkx as nx

    clusters(store)

    def broken(*args, **kwargs):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(nx.community, "louvain_communities", broken)
    g = network.build(store, level="code")
    assert g.graph["community_method"] == "greedy modularity (louvain failed)"


def test_eigenvector_falls_back_and_says_so(store):
    import networkx as nx

    clusters(store)
    g = network.build(store, level="code", weight="jaccard")
    analyse.annotate(g, max_iter=1)
    assert analyse.notes(g) == ["eigenvector centrality did not converge in 1 iterations; "
                                "used the sparse eigen-solver instead"]
    reference = nx.eigenvector_centrality(analyse.positive(g), weight="weight", max_iter=5000)
    assert {n: g.nodes[n]["eigenvector"] for n in g} == pytest.approx(reference, abs=1e-4)


def test_eigenvector_last_resort_is_relative_strength(store, monkeypatch):
    import networkx as nx

    clusters(store)

    def refuse(*args, **kwargs):
        raise ValueError("k must be less than ndim(A)-1")

    monkeypatch.setattr(nx, "eigenvector_centrality_numpy", refuse)
    g = network.build(store, level="code", weight="count")
    analyse.annotate(g, max_iter=1)
    assert "shows relative weighted degree instead" in analyse.notes(g)[0]
    assert max(d["eigenvector"] for _, d in g.nodes(data=True)) == 1.0
    assert g.nodes["bridge"]["eigenvector"] == pytest.approx(
        g.nodes["bridge"]["strength"] / max(d["strength"] for _, d in g.nodes(data=True)))


def test_negative_npmi_links_take_no_part_in_communities(store):
    tiny(store)
    g = network.build(store, level="code", weight="npmi", min_weight=-1.0)
    assert g.edges["a", "c"]["weight"] < 0
    assert ("a", "c") not in analyse.positive(g).edges


def _themes(store):
    from thematic.themes import add_theme

    clusters(store)
    add_theme(store, "Recovery", sorted(RECOVERY))
    add_theme(store, "Workforce", sorted(WORKFORCE))
    add_theme(store, "Support", ["bridge"])
    add_theme(store, "Hope", ["hope"], parent="recovery")


def test_theme_network_from_real_themes(store):
    _themes(store)
    assert network.default_level(store) == "theme"
    g = network.build(store, level="theme", unit="excerpt")
    assert list(g.nodes) == ["recovery", "workforce", "support", "hope"]
    assert g.nodes["recovery"]["name"] == "Recovery"
    assert g.nodes["recovery"]["theme_level"] == "descriptive"
    assert g.nodes["support"]["count"] == 8
    assert set(g.edges) == {("recovery", "support"), ("workforce", "support"),
                            ("support", "hope")}
    # Hope sits beneath Recovery: they share evidence by design, so no link and no test.
    assert g.graph["tested_pairs"] == 5
    assert "share evidence by design" in g.graph["notes"]
    assert g.edges["recovery", "support"]["excerpts"] == ["F001", "F006", "F011", "F016"]


def test_default_level_without_themes_is_code(store):
    tiny(store)
    assert network.default_level(store) == "code"
