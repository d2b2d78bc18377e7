"""Candidate themes do not depend on the machine: the demo corpus embedded and clustered
under settings that change which CPU kernels run (torch's vector kernels, MKL's and
oneDNN's instruction sets, thread counts, numpy's SIMD dispatch, OpenBLAS's core type, numba's
target) gives the same embeddings, bit for bit, and the same candidates (of the default Ward
clusterer and of `--cluster spectral`, whose eigenvectors come from LAPACK). Each setting stands
in for another machine: a CPU without AVX2, one with more cores, one with AVX-512."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import CODEBOOKS, CORPUS

SCRIPT = r"""
import hashlib, json, sys
from pathlib import Path
from thematic.codebook import load
from thematic.coding.auto import run as auto
from thematic.coding.exchange import import_codings
from thematic.corpus.importer import import_excerpts, import_studies
from thematic.project import init, open_store
from thematic.store.topics import members
from thematic.topics import propose

root, corpus, codebook = map(Path, sys.argv[1:4])
init(root)
store = open_store(root)
import_studies(store, corpus / "studies.csv")
import_excerpts(store, [corpus / "findings.csv"])
load(store, codebook)
auto(store, codebook="peer-support")
import_codings(store, corpus / "gold.csv", coder="gold")     # as `thematic demo` does
run = propose(store, seed=42)
spectral = propose(store, seed=42, cluster="spectral")
texts = {hashlib.sha256(t.encode()).hexdigest() for (t,) in store.query(
    "SELECT text FROM excerpts")}
vectors = hashlib.sha256()
for model, sha, blob in store.query("SELECT model, text_sha, vector FROM embeddings "
                                    "ORDER BY model, text_sha"):
    if sha in texts:   # the excerpts' own vectors: the same bits, whatever the kernels
        vectors.update(model.encode() + sha.encode() + bytes(blob))
print(json.dumps({
    "vectors": vectors.hexdigest(), "method": run.method,
    "candidates": [[c.topic, c.label, c.size, [w for w, _ in c.keywords],
                    c.representative] for c in run.candidates],
    "members": sorted(members(store, run.id)),
    "spectral": sorted(members(store, spectral.id))}))
"""


def _dispatched() -> str:
    """numpy's SIMD targets above the baseline that this CPU has (to switch them off)."""
    from numpy._core import _multiarray_umath as umath

    return " ".join(f for f in umath.__cpu_dispatch__ if umath.__cpu_features__.get(f))


def candidates(tmp_path, name: str, env: dict[str, str]) -> dict:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("ATEN_", "MKL_", "ONEDNN_", "OMP_", "NPY_", "OPENBLAS_",
                                  "NUMBA_CPU"))}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / name), str(CORPUS),
                           str(CODEBOOKS / "peer-support.yaml")],
                          env={**clean, "HF_HUB_OFFLINE": "1", **env}, capture_output=True,
                          text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.slow
def test_same_candidates_whatever_the_kernels(tmp_path):
    """The demo's own steps (auto-coding, the gold coding, topics with seed 42)."""
    plain = candidates(tmp_path, "plain", {})
    assert "Ward" in plain["method"]
    labels = [c[1] for c in plain["candidates"]]
    assert len(labels) == len(set(labels))
    assert any("role ambiguity" in label.lower() for label in labels), labels
    assert any("mutual identification" in label.lower() for label in labels), labels
    assert len({topic for _, topic, _ in plain["spectral"]}) > 5    # --cluster spectral too
    others = {
        # a CPU with more cores, where a user asks torch for its AVX2 kernels
        "threads": {"ATEN_CPU_CAPABILITY": "avx2", "OMP_NUM_THREADS": "2",
                    "MKL_NUM_THREADS": "2"},
        # an older CPU: no AVX2 in MKL, oneDNN, numpy or OpenBLAS; numba for generic x86-64
        "older": {"MKL_ENABLE_INSTRUCTIONS": "SSE4_2", "ONEDNN_MAX_CPU_ISA": "SSE41",
                  "NPY_DISABLE_CPU_FEATURES": _dispatched(), "OPENBLAS_CORETYPE": "Prescott",
                  "NUMBA_CPU_NAME": "generic", "OMP_NUM_THREADS": "1"},
    }
    for name, env in others.items():
        assert candidates(tmp_path, name, env) == plain, name
