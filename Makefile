# The README's two commands: `make demo` (install into .venv, run the demo) and `make test`.
# Everything, caches included, stays inside this folder.
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
export PIP_CACHE_DIR  := $(CURDIR)/.cache/pip
export MPLCONFIGDIR   := $(CURDIR)/.cache/matplotlib
export HF_HOME        := $(CURDIR)/.cache/huggingface
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export NUMBA_CACHE_DIR := $(CURDIR)/.cache/numba
export PYTHONHASHSEED := 0
export TOKENIZERS_PARALLELISM := false

.PHONY: install demo test test-fast lint report bench clean

$(STAMP): setup.cfg pyproject.toml .ci/constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# CPU torch first: here this pin takes the CPU wheel; unpinned, pip would pull CUDA.
	$(PY) -m pip install --quiet torch==2.13.0
	# the versions the example report was made with (.ci/constraints.txt)
	$(PY) -m pip install --quiet -c .ci/constraints.txt -e '.[all,dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/thematic demo

# The whole suite (what CI runs), model loading and the full demo included.
test: install
	$(PY) -m pytest -q

# Everything but the tests marked slow: the tier to run while working, on every core
# (pytest-xdist; a test file stays on one worker, so its module fixtures are built once).
# Budget: one minute on 2 idle cores (benchmarks/fast_tier.py measures it).
test-fast: install
	$(PY) -m pytest -q -m "not slow" -n auto --dist loadfile

# ruff on everything, mypy on the library (configured in setup.cfg [mypy]).
lint: install
	$(VENV)/bin/ruff check thematic tests benchmarks
	$(PY) -m mypy

# Regenerate the committed example report (reports/peer-support-synthesis.md).
report: install
	$(VENV)/bin/thematic demo --report-to reports

bench: install
	for b in benchmarks/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .cache thematic-demo
