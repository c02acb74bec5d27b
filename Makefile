# Two commands do everything: `make serve` and `make test`. Each sets up .venv first.
PYTHON ?= python3
VENV := .venv
# Material prints a banner about MkDocs 2 on every run; we pin mkdocs<2.
export NO_MKDOCS_2_WARNING := 1
# The examples use tiny tensors, which gain nothing from torch's thread pool; on a shared
# 2-core machine its OpenMP workers spin and make the build about 3x slower (make bench).
export OMP_NUM_THREADS := 1
# The site tooling (docsite/) is not part of the installed package: the build's hooks,
# the pages' figure blocks and the tests import it from the checkout.
export PYTHONPATH := $(CURDIR)
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: setup serve build test test-fast test-torch snapshots fmt bench audit browser clean

setup: $(STAMP)

# Re-install only when the dependency pins or the package metadata change.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt -e '.[dev]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(STAMP)
	$(BIN)/mkdocs build --strict --clean

# The whole suite: exec blocks, unit/property/doctests, the strict build, browser checks.
test: $(STAMP) browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything except the browser and the full build, for a quick loop while writing a page.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not build and not browser" $(PYTEST_ARGS)

# The suite (browser checks aside) against another torch: make test-torch TORCH=2.14.1
test-torch:
	@test -n "$(TORCH)" || { echo "usage: make test-torch TORCH=<version>"; exit 2; }
	test -x .venv-torch-$(TORCH)/bin/python || $(PYTHON) -m venv .venv-torch-$(TORCH)
	grep -v '^torch==' constraints.txt > .venv-torch-$(TORCH)/constraints.txt
	echo "torch==$(TORCH)" >> .venv-torch-$(TORCH)/constraints.txt
	.venv-torch-$(TORCH)/bin/python -m pip install --quiet --disable-pip-version-check \
		-c .venv-torch-$(TORCH)/constraints.txt -e '.[dev]'
	.venv-torch-$(TORCH)/bin/python -m pytest -m "not browser" $(PYTEST_ARGS)

# Rewrite tests/snapshots/ from what the blocks print now; review the diff before committing.
snapshots: $(STAMP)
	$(BIN)/python -m pytest docs --update-snapshots -q $(PYTEST_ARGS)

# Fix what ruff can fix and format the Python code and every executed block of the pages.
PYTHON_CODE := layerref docsite tests scripts
fmt: $(STAMP)
	$(BIN)/ruff check --fix --quiet $(PYTHON_CODE) || true
	$(BIN)/ruff format --quiet $(PYTHON_CODE)
	$(BIN)/python -m docsite.lint --fix

# Headless Chromium from Debian for the browser tests (no browser download needed).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Build speed, page weight, first render and the test suite's time, printed (not asserted).
bench: $(STAMP) browser
	$(BIN)/python scripts/bench.py --with-tests

# Lighthouse (pinned, from npm, into .audit/) on the home page and the heaviest page.
LIGHTHOUSE_VERSION := 12.8.2
audit: build browser
	test -x .audit/node_modules/.bin/lighthouse || \
		npm install --silent --no-audit --no-fund --prefix .audit lighthouse@$(LIGHTHOUSE_VERSION)
	$(BIN)/python scripts/audit.py

clean:
	rm -rf site .pytest_cache .hypothesis
