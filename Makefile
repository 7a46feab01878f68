# The README's two commands: `make lab` and `make test`. Each sets itself up.
# A virtualenv in .venv; uv (installed into it by pip) installs the locked
# versions in requirements.lock in a few seconds. A stamp file means a second
# run with nothing changed does not reinstall.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
UV_VERSION := 0.9.0
# Jupyter refuses to run as root without --allow-root (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test venv bench lock clean-venv compat

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv>=$(UV_VERSION)"

$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --quiet --no-deps --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --quiet --no-deps --compile-bytecode -e .
	@# uv compiles what it installs; this also compiles a .venv made before it did (seconds
	@# when everything is compiled already). Without bytecode every process recompiles pandas.
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib
	touch $(STAMP)

venv: $(STAMP) data/private/README.md

# data/private/ holds a person's own receipts: git-ignored as a whole (nothing in it is
# ever committed), so the folder and its README are made here on first use.
data/private/README.md: data/private_README.md
	mkdir -p data/private
	cp data/private_README.md data/private/README.md

## make lab: set up .venv and open JupyterLab at notebooks/00_start_here.ipynb; the file
## browser shows the whole project, so data/private/ (git-ignored) is reachable to upload into
lab: $(STAMP) data/private/README.md
	$(BIN)/jupyter lab --ServerApp.root_dir=. --ServerApp.ip=127.0.0.1 \
	  --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb $(ROOT_FLAG)

## make test: ruff, then one pytest run of the unit tests (browser tests included) and every
## notebook under nbval, on TEST_WORKERS processes (pytest-xdist; scheduler in tests/conftest.py):
## each test file, and each notebook (its cells share a kernel), runs whole in one process,
## and so do all browser tests of one server (JupyterLab, Voilà: each starts once); units
## start in collection order, so the long browser ones start first, not last.
TEST_WORKERS ?= 2
test: $(STAMP) data/private/README.md browser-deps
	$(BIN)/ruff check silson_tools tests benchmarks notebooks
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder \
	  --nbval-lax --nbval-cell-timeout=120 tests notebooks

## make compat: the unit tests (no browser, no nbval) against the newest dependencies on the
## newest Python here and against pyproject's lower bounds on $(PYTHON), side by side (one
## core each); CI runs it after make test. Each run's log: .venv/compat/<mode>.log
COMPAT_ENV := UV=$(BIN)/uv PYTHON=$(PYTHON) PROJECT_PYTHON=$(BIN)/python
compat: $(STAMP)
	@mkdir -p $(VENV)/compat
	@echo "compat: newest and lowest run side by side; logs in $(VENV)/compat/{newest,lowest}.log"
	@$(COMPAT_ENV) scripts/compat.sh newest >$(VENV)/compat/newest.log 2>&1 & pid=$$!; \
	$(COMPAT_ENV) scripts/compat.sh lowest >$(VENV)/compat/lowest.log 2>&1; lowest=$$?; \
	wait $$pid; newest=$$?; \
	cat $(VENV)/compat/newest.log $(VENV)/compat/lowest.log; \
	echo "compat: newest $$([ $$newest = 0 ] && echo passed || echo FAILED)," \
	  "lowest $$([ $$lowest = 0 ] && echo passed || echo FAILED)"; \
	[ $$newest = 0 ] && [ $$lowest = 0 ]

## make bench: every benchmark script (figures go in the README)
bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

## make lock: refresh requirements.lock after changing dependencies in pyproject.toml
lock: $(BIN)/python
	$(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11 -o requirements.lock --quiet

clean-venv:
	rm -rf $(VENV)

include mk/browser.mk
