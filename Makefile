# Set-up and everyday commands. Each target creates .venv on first use and installs what it needs:
# serve, build and check the site's own requirements (requirements.txt, what Netlify installs);
# test those and the test tools (requirements-dev.txt). Both are reinstalled when they change.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
RUN_STAMP := $(VENV)/.installed-run-$(shell cat requirements.txt | sha256sum | cut -c1-16)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)

.PHONY: serve build check test lint requirements clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): requirements.txt | $(BIN)/python
	$(PIP) -r requirements.txt
	rm -f $(VENV)/.installed-run-*
	touch $@

# The test tools come with the site's requirements, so a test venv serves and builds too.
$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(PIP) -r requirements.txt -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@ $(RUN_STAMP)

serve: $(RUN_STAMP)
	$(BIN)/python build.py serve --port $(PORT)

build: $(RUN_STAMP)
	$(BIN)/python build.py build

check: $(RUN_STAMP)
	$(BIN)/python build.py check

# On every core (pytest-xdist); tests that share an expensive fixture are grouped (xdist_group) on one.
# The slowest tests are listed at the end, where the suite's time goes.
test: $(DEV_STAMP) lint
	.ci/ensure-test-tools
	$(BIN)/python -m pytest -n auto --dist loadgroup --durations=15

# Lint and format check (pyproject.toml's [tool.ruff]); `$(BIN)/ruff format .` fixes the format.
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# After editing requirements.in or requirements-dev.in: pin them again, with hashes.
requirements: $(DEV_STAMP)
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links requirements.in
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links requirements-dev.in

clean:
	rm -rf site .site.* $(VENV)
