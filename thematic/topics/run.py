"""``propose()``: one topic run over the project's excerpts, stored as candidate themes."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from thematic.errors import ThematicError
from thematic.store import topics as tdb
from thematic.store.db import Store
from thematic.store.topics import Candidate

UNITS = ("excerpt", "sentence")
NEAREST = 5


@dataclass
class TopicRun:
    id: int
    model: str                       # the embedding backend's id (the cache key)
    method: str                      # e.g. "UMAP + HDBSCAN + reduce_outliers(embeddings)"
    outlier_share: float             # share of excerpts left in topic -1 at the end
    hdbscan_outlier_share: float | None  # share HDBSCAN left as outliers before any remedy
                                         # (None: no HDBSCAN in this run)
    n_documents: int                 # texts modelled (excerpts or sentences)
    params: dict
    candidates: list[Candidate] = field(default_factory=list)   # topic -1 last, if any
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def topics(self) -> list[Candidate]:
        return [c for c in self.candidates if c.topic >= 0]


def provenance(run) -> str:
    """What produced a stored run, in one line: model, clustering, seed, date."""
    params = run.params or {}
    return (f"run {run.id} of {run.created_at[:10]}: {run.model}; {params.get('method', '?')}"
            f"; seed {params.get('seed')}; min topic size {params.get('min_topic_size')}")


def seed_words(codes, per_topic: int = 15) -> list[list[str]]:
    """Seed-word lists for guided BERTopic, one per top-level branch of the codebook (one
    per code in a flat codebook): the words of the branch's name, its codes' names and rule
    phrases, then its definition, without stop words. Seeding every leaf code instead
    splits the corpus along dozens of codes and recovers fewer themes
    (benchmarks/topics_quality.py --guided)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from thematic.topics.labels import content_words

    by_id = {c.id: c for c in codes}

    def root(code):
        seen = set()
        while code.parent in by_id and code.id not in seen:
            seen.add(code.id)
            code = by_id[code.parent]
        return code

    branches: dict[str, list] = {}
    for code in codes:
        branches.setdefault(root(code).id, []).append(code)
    seeds = []
    for root_id, members in branches.items():
        head = by_id[root_id]
        leaves = [c for c in members if c.id != root_id] or [head]
        phrases = [head.name, *(c.name for c in leaves)]
        for c in leaves:
            phrases.extend(((c.data or {}).get("rules") or {}).get("phrases", [])[:3])
        phrases.append(head.definition)
        words: list[str] = []
        for phrase in phrases:
            for word in sorted(content_words(str(phrase)), key=str(phrase).lower().find):
                if word not in ENGLISH_STOP_WORDS and len(word) > 2 and word not in words:
                    words.append(word)
        if words:
            seeds.append(words[:per_topic])
    return seeds


def _documents(excerpts, unit: str) -> tuple[list[str], list[int]]:
    if unit not in UNITS:
        raise ThematicError("E257", option="--unit", problem=f"{unit!r} is not a unit; use "
                            f"{' or '.join(UNITS)}.")
    if unit == "excerpt":
        return [e.text for e in excerpts], list(range(len(excerpts)))
    from thematic.corpus.segment import sentences

    texts, owner = [], []
    for i, e in enumerate(excerpts):
        for start, end in sentences(e.text) or [(0, len(e.text))]:
            texts.append(e.text[start:end])
            owner.append(i)
    return texts, owner


def propose(store: Store, *, embeddings: str | None = None, unit: str = "excerpt",
            min_topic_size: int | None = None, seed: int = 0, guided: bool = False,
            nr_topics: int | None = None, codebook: str | None = None,
            outliers: str = "auto", cluster: str = "ward", profile: bool = True,
            progress: Callable[[int], None] | None = None, engine=None) -> TopicRun:
    """Run BERTopic over the excerpts and store the candidates (see topics.model).
    ``profile``: join each excerpt's code profile (its accepted and proposed codings in the
    codebook) to its embedding for clustering (ward and average). ``engine``
    (``thematic.engine``) computes the embeddings not yet cached elsewhere."""
    from thematic import embeddings as emb
    from thematic.store.codebooks import get_codebook
    from thematic.store.corpus import list_excerpts
    from thematic.topics import base, model
    from thematic.topics.cluster import code_profile

    started = time.perf_counter()
    excerpts = list_excerpts(store, analysed=True)
    texts, owner = _documents(excerpts, unit)
    size = int(min_topic_size) if min_topic_size else model.default_min_topic_size(len(texts))
    if size < 2:
        raise ThematicError("E257", option="--min-topic-size", problem="must be 2 or more.")
    model.require()
    minimum = model.minimum_documents(size)
    if len(texts) < minimum:
        raise ThematicError("E270", count=len(texts), unit=unit, minimum=minimum,
                            why=_too_few_why(minimum, size, given=bool(min_topic_size)))
    book = get_codebook(store, codebook)
    codes = [c for c in (book.codes if book else []) if c.codable]
    if guided and not codes:
        raise ThematicError("E275")
    if cluster not in base.names():
        raise ThematicError("E257", option="--cluster", problem=f"{cluster!r} is not a "
                            f"clusterer; use {' or '.join(base.names())}.")
    seeds = seed_words(book.codes) if guided and book else None
    coded = _coded(store, book)
    parents = {c.id: c.parent for c in (book.codes if book else [])}
    profiles = (code_profile([coded.get(excerpts[i].id, ()) for i in owner], parents)
                if profile and cluster in ("ward", "average", "spectral") and coded else None)
    backend = emb.get_backend(embeddings)
    if isinstance(backend, emb.TfidfBackend):
        backend.fit(texts)
    encoder = engine.encoder(backend) if engine is not None else backend
    vectors = emb.embed(store, encoder, texts, progress=_scaled(progress, len(excerpts),
                                                                  len(texts)))
    # guided modelling needs BERTopic's seed_topic_list: the hdbscan model
    topic_model = base.get("hdbscan" if seeds and cluster == "ward" else cluster)
    fitted = topic_model.fit(texts, vectors, emb.Cached(store, backend), min_topic_size=size,
                             seed=seed, seed_topics=seeds, nr_topics=nr_topics,
                             outliers=outliers, profile=profiles)
    members = _members(excerpts, owner, fitted.topics)
    code_vectors = (emb.embed(store, encoder, [f"{c.name}: {c.definition}".strip(": ")
                                               for c in codes]) if codes else None)
    candidates = _candidates(excerpts, owner, fitted, members, book, codes, coded,
                             code_vectors, seed)
    params = {"unit": unit, "min_topic_size": size, "seed": seed, "guided": guided,
              "nr_topics": nr_topics, "embeddings": embeddings or emb.default_name(),
              "codebook": book.name if book else None, "method": fitted.method,
              "cluster": "hdbscan" if guided else cluster,
              "code_profile": profiles is not None,
              "stability": {str(k): v for k, v in fitted.stability.items()},
              "kernels": "portable" if backend.portable else "native",
              "hdbscan_outlier_share": fitted.hdbscan_outlier_share, "outliers": outliers,
              "documents": len(texts), "excerpts": len(excerpts), "versions": _versions()}
    share = round(sum(t == -1 for t in members.values()) / max(1, len(members)), 4)
    with store.transaction("topics"):
        run_id = tdb.insert_run(store, model=backend.name, params=params, outlier_share=share,
                                n_documents=len(texts))
        for c in candidates:
            c.run_id = run_id
        tdb.insert_candidates(store, candidates)
        probability = _probabilities(owner, fitted)
        tdb.insert_members(store, run_id, [(excerpts[i].id, t, probability.get(i))
                                           for i, t in sorted(members.items())],
                           reassigned(excerpts, owner, fitted, members))
        store.log("topics run", str(run_id), {
            "model": backend.name, **params,
            "topics": [[c.topic, c.label, c.size] for c in candidates]})
    ordered = sorted(candidates, key=lambda c: (c.topic < 0, c.topic))
    return TopicRun(id=run_id, model=backend.name, method=fitted.method, outlier_share=share,
                    hdbscan_outlier_share=fitted.hdbscan_outlier_share,
                    n_documents=len(texts), params=params, candidates=ordered,
                    notes=fitted.notes, seconds=round(time.perf_counter() - started, 2))


def _too_few_why(minimum: int, size: int, *, given: bool) -> str:
    """Why E270's minimum is what it is, naming the minimum topic size only as the user set
    it (a default the user never typed would send them looking for an option they lack)."""
    if minimum != 2 * size:   # the floor of minimum_documents, whatever the size
        return f"no topic model runs on fewer than {minimum}"
    if given:
        return f"two topics of --min-topic-size {size}"
    return f"two topics of the default minimum topic size, {size}"


def _scaled(progress, excerpts: int, texts: int):
    if progress is None:
        return None
    done = {"texts": 0, "told": 0}

    def step(n: int) -> None:
        done["texts"] += n
        target = round(done["texts"] * excerpts / max(1, texts))
        if target > done["told"]:
            progress(target - done["told"])
            done["told"] = target

    return step


def _members(excerpts, owner: list[int], topics: list[int]) -> dict[int, int]:
    """excerpt index → topic: its sentences' most common topic (outliers count last)."""
    votes: dict[int, Counter] = {}
    for i, t in zip(owner, topics):
        votes.setdefault(i, Counter())[t] += 1
    out = {}
    for i, counter in votes.items():
        best = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0] < 0, kv[0]))
        out[i] = best[0][0]
    return out


def reassigned(excerpts, owner: list[int], fitted, members: dict[int, int]) -> set[str]:
    """The excerpts whose topic comes only from texts reduce_outliers reassigned: HDBSCAN
    left every one of its texts in that topic an outlier (the evidence policy's concern)."""
    if not fitted.reassigned:
        return set()
    kept: set[int] = set()
    moved: set[int] = set()
    for i, t, flag in zip(owner, fitted.topics, fitted.reassigned):
        if t == members.get(i) and t != -1:
            (moved if flag else kept).add(i)
    return {excerpts[i].id for i in moved - kept}


def _probabilities(owner: list[int], fitted) -> dict[int, float]:
    out: dict[int, float] = {}
    for i, p in zip(owner, fitted.probabilities):
        if p is not None and i not in out:
            out[i] = p
    return out


def _coded(store, book) -> dict[str, set[str]]:
    """excerpt id → codes of the codebook (any version) in its accepted or proposed codings."""
    from thematic.store.codebooks import list_codebooks
    from thematic.store.codings import Status, list_codings

    coded: dict[str, set[str]] = {}
    if book is None:
        return coded
    versions = {b.id for b in list_codebooks(store) if b.name == book.name}
    for c in list_codings(store, status=(Status.ACCEPTED, Status.PROPOSED)):
        if c.codebook_id in versions:
            coded.setdefault(c.excerpt_id, set()).add(c.code_id)
    return coded


def _candidates(excerpts, owner, fitted, members, book, codes, coded, code_vectors, seed
                ) -> list[Candidate]:
    from thematic.topics import labels
    from thematic.topics.model import layout

    names = {c.id: c.name for c in codes}
    topics = sorted(set(members.values()))
    common = labels.common_words([[w for w, _ in fitted.keywords.get(t, [])]
                                  for t in topics if t >= 0])
    xy = layout(fitted.centroids, seed)
    out = []
    taken: set[str] = set()
    for topic in topics:
        index = [i for i, t in sorted(members.items()) if t == topic]
        ids = [excerpts[i].id for i in index]
        studies = sorted({excerpts[i].source_id for i in index}, key=_natural)
        rep = []
        for doc in fitted.representative.get(topic, []):
            eid = excerpts[owner[doc]].id
            if eid not in rep and members[owner[doc]] == topic:
                rep.append(eid)
        nearest = _nearest(ids, coded, names, codes, code_vectors, fitted.centroids.get(topic))
        words = [w for w, _ in fitted.keywords.get(topic, [])]
        used: list[str]
        if topic < 0:
            label, used = "Outliers (no topic)", []
        else:
            label, used = labels.suggest(words, nearest, common, taken)
            taken.add(label)
        carried = {n["code"]: n["share"] for n in nearest}
        data = {"label_share": carried.get(used[0]) if used else None, "studies": studies,
                "ctfidf": [[w, round(s, 6)] for w, s in fitted.ctfidf.get(topic, [])],
                "suggested_codes": used, "codebook": book.name if book else None,
                "xy": list(xy.get(topic, ())) or None}
        out.append(Candidate(run_id=0, topic=topic, label=label,
                             keywords=fitted.keywords.get(topic, []), size=len(ids),
                             representative=rep, nearest_codes=nearest, data=data))
    return out


def _nearest(ids, coded, names, codes, code_vectors, centroid) -> list[dict]:
    """Codes nearest a topic: by the share of its members coded with them (accepted or
    proposed codings) and by the similarity of the code's definition to its centroid."""
    import numpy as np

    counts = Counter(code for eid in ids for code in coded.get(eid, ()))
    similarity: dict[str, float] = {}
    if code_vectors is not None and centroid is not None and len(codes):
        sims = np.asarray(code_vectors) @ np.asarray(centroid, dtype=np.float32)
        similarity = {c.id: round(float(s), 4) for c, s in zip(codes, sims)}
    have_codings = any(coded.get(eid) for eid in ids)
    rows = []
    for code in names:
        share = round(counts[code] / len(ids), 4) if have_codings and ids else None
        rows.append({"code": code, "name": names[code], "members": counts[code],
                     "share": share, "similarity": similarity.get(code)})
    rows.sort(key=lambda r: (-(r["share"] or 0), -(r["similarity"] or 0), r["code"]))
    by_share = [r for r in rows if r["members"]][:NEAREST]
    by_similarity = sorted(rows, key=lambda r: (-(r["similarity"] or 0), r["code"]))[:NEAREST]
    out = by_share + [r for r in by_similarity if r not in by_share]
    return out[:NEAREST + 2]


def _natural(value: str):
    return (0, int(value), "") if str(value).isdigit() else (1, 0, str(value))


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("bertopic", "umap-learn", "hdbscan", "scikit-learn",
                 "sentence-transformers"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out
