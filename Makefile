# The two commands a reader needs are `make book` and `make test`; everything else is for authors.
# Every target that runs code first makes sure .venv matches requirements.lock (see `venv` below).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Python 3.11 or newer: prefer an explicit python3.11, else python3. Override with `make PYTHON=...`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The environment is stamped with the hash of the lock and of pyproject.toml; a change to either makes
# the next target rebuild .venv from scratch, so the environment never drifts from the lock.
LOCK_HASH := $(shell $(PYTHON) tools/tree_hash.py requirements.lock pyproject.toml)
STAMP := $(VENV)/.lock-$(LOCK_HASH)
# Jupyter Book's execution cache keys on a notebook's code only, and Sphinx re-reads only changed pages.
# Stamp the cache with a hash of the code and data the notebooks import; when they change, drop the cache
# and Sphinx's saved state, so every chapter is executed again and no stale output is ever served.
DEPS_HASH = $(shell $(PYTHON) tools/tree_hash.py src datasets)
CACHE := _build/.jupyter_cache
# One BLAS/OpenMP thread in every kernel we start: the last bits of a multi-threaded BLAS result depend on
# the thread count, so stored outputs reproduce across machines only if it is fixed; it is also faster on
# a loaded 2-core machine.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
JB_FLAGS := -W -n --keep-going
PYTEST := $(BIN)/python -m pytest

.PHONY: help venv book rebuild test test-unit test-notebooks test-build test-site bench lab execute format datasets lock clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

venv: $(STAMP)  ## Create or refresh .venv from requirements.lock

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed; run make PYTHON=/path/to/python3.11")'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@# Kernels started on loopback log "running over TCP without encryption" at every start: true of every
	@# local Jupyter kernel and no concern here, so the environment's kernels log errors only.
	mkdir -p $(VENV)/etc/ipython
	echo 'c.IPKernelApp.log_level = "ERROR"' > $(VENV)/etc/ipython/ipython_kernel_config.py
	touch $@

book: $(STAMP)  ## Build the site into _build/html (executes changed notebooks, cached)
	@if [ ! -f $(CACHE)/.deps-hash ]; then echo "no execution cache yet: every chapter will be executed"; \
	elif [ "$$(cat $(CACHE)/.deps-hash)" != "$(DEPS_HASH)" ]; then \
		echo "src/ or datasets/ changed since the last build: every chapter will be executed again"; fi
	@if [ "$$(cat $(CACHE)/.deps-hash 2>/dev/null)" != "$(DEPS_HASH)" ]; then \
		rm -rf $(CACHE) _build/.doctrees; mkdir -p $(CACHE); echo "$(DEPS_HASH)" > $(CACHE)/.deps-hash; fi
	$(BIN)/jupyter-book build . $(JB_FLAGS)

rebuild:  ## Build the site re-executing every notebook (drops the cache)
	rm -rf $(CACHE) _build/.doctrees _build/html _build/jupyter_execute
	$(MAKE) book

test: $(STAMP)  ## The whole suite: unit, rules and hygiene tests, nbval, strict build, browser test
	$(MAKE) --no-print-directory test-unit test-notebooks test-build test-site

test-unit: $(STAMP)  ## Unit tests of the package, dataset integrity, the chapter rules and hygiene
	$(PYTEST) -q tests --ignore=tests/site

test-notebooks: $(STAMP)  ## Re-execute chapters and compare every stored output (nbval, strict); NB=one.ipynb
	$(PYTEST) -q -p no:cacheprovider --nbval --nbval-current-env --nbval-cell-timeout=300 \
		--nbval-sanitize-with tests/nbval_sanitize.cfg $(or $(NB),chapters)

# nbval has just proved that every stored output reproduces, so this build renders the stored outputs
# instead of executing each chapter a second time; it checks everything else with warnings as errors.
test-build: $(STAMP)  ## Build the book from the stored outputs with warnings as errors
	mkdir -p _build
	$(BIN)/python tools/config_no_execute.py _config.yml > _build/config-no-execute.yml
	$(BIN)/jupyter-book build . $(JB_FLAGS) --config _build/config-no-execute.yml --path-output _build/test

# The site as a reader meets it, in the system's headless Chromium, offline (tests/site). Browsers
# that download themselves at run time are not used: Debian's chromium and chromium-driver are.
SITE ?= _build/test/_build/html
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser || command -v google-chrome || true)
CHROMEDRIVER ?= $(shell command -v chromedriver || true)
test-site: $(STAMP)  ## Open the built site in headless Chromium, offline: maths, alt text, search, navigation
	@if [ -z "$(CHROMIUM)" ] || [ -z "$(CHROMEDRIVER)" ]; then \
		msg="the site test needs Chromium and ChromeDriver. On Debian or Ubuntu: sudo apt-get install chromium chromium-driver; on macOS: brew install --cask chromium chromedriver. Then run make test-site."; \
		if [ "$${CI:-}" = "true" ]; then echo "error: $$msg" >&2; exit 1; fi; \
		echo "SKIPPED the browser test: $$msg"; exit 0; fi
	@[ -f $(SITE)/index.html ] || $(MAKE) --no-print-directory test-build
	SITE=$(abspath $(SITE)) CHROMIUM=$(CHROMIUM) CHROMEDRIVER=$(CHROMEDRIVER) \
		$(PYTEST) -q -p no:cacheprovider tests/site

bench: $(STAMP)  ## Time every chapter in a fresh kernel: wall seconds and peak memory; NB=one.ipynb
	$(BIN)/python tools/bench.py $(or $(NB),chapters/*.ipynb) --csv _build/bench.csv

lab: $(STAMP)  ## Open JupyterLab on the repository
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)

execute: $(STAMP)  ## Re-execute notebooks in place and store outputs: make execute NB=chapters/x.ipynb
	@[ -n "$(NB)" ] || { echo "name the notebook(s): make execute NB=chapters/x.ipynb (NB='chapters/*.ipynb' for all)"; exit 2; }
	$(BIN)/python tools/execute.py $(NB)

format: $(STAMP)  ## Format and lint-fix src/, tests/, tools/ and every notebook with ruff (88 columns)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

datasets: $(STAMP)  ## Regenerate every shipped generated dataset and its manifest entry
	$(BIN)/python -m dsinterview.data regenerate --all

lock:  ## Re-resolve requirements.lock from pyproject.toml (needs the package index)
	rm -rf _build/lock-venv
	$(PYTHON) -m venv _build/lock-venv
	_build/lock-venv/bin/python -m pip install --quiet pip-tools
	_build/lock-venv/bin/pip-compile --quiet --extra book --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	rm -rf _build/lock-venv

clean:  ## Remove the build, the caches and .venv
	rm -rf _build $(VENV) .pytest_cache src/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
