# socketlab: two commands for a newcomer (make lab, make test) and a few for maintainers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8888

.PHONY: lab fresh teach test test-fast hub-env release outputs clean

# The virtual environment, rebuilt when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[course,test]'
	touch $(STAMP)

FIRST  := workspace/00-sockets-and-ports/00-sockets-and-ports.ipynb
# Root may run JupyterLab only when asked explicitly (containers, CI).
ROOT_OK := $(if $(filter 0,$(shell id -u)),--allow-root)
# The server's root must be the course folder: nbgrader's Validate and Formgrader need it.
JUPYTER_LAB = $(BIN)/jupyter lab --port=$(PORT) $(ROOT_OK) --ServerApp.root_dir=$(CURDIR)

## make lab: set up and open JupyterLab as a learner, on your own copy of the course (workspace/).
# Learner mode (jupyter/learner/): no formgrader, create-assignment or exchange panels.
lab: $(STAMP)
	$(BIN)/python -m socketlab.workspace
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/learner $(JUPYTER_LAB) --LabApp.default_url=/lab/tree/$(FIRST)

## make fresh ID=03-bind: set your copy of a notebook aside (workspace/03-bind.old-<time>) and take the current one.
fresh: $(STAMP)
	$(BIN)/python -m socketlab.workspace --fresh $(ID)

## make teach: open JupyterLab as an instructor, with nbgrader's formgrader and assignment tools.
teach: $(STAMP)
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/instructor $(JUPYTER_LAB) --LabApp.default_url=/formgrader

## make hub-env: the shared environment for a class on one JupyterHub (docs/jupyterhub.md).
# Every user must be able to run it, so it is built from the system's Python (Debian's
# python3 and python3-venv), not from a Python in someone's home, and made world-readable:
# JupyterHub, the course's packages, and JupyterHub's proxy (npm's configurable-http-proxy,
# run by the system's node). Built once per content, not per clone: the packages again when
# pyproject.toml or the versions below change, the course's own package (a copy, not a link
# to this folder) again when src/socketlab changes.
HUB_ENV    ?= /opt/socketlab-hub
HUB_PYTHON ?= /usr/bin/python3
JUPYTERHUB_SPEC ?= jupyterhub>=5.2,<6
CHP_SPEC   ?= configurable-http-proxy@^4.6
HUB_DEPS_KEY   := $(shell { cat pyproject.toml; echo '$(HUB_PYTHON) $(JUPYTERHUB_SPEC) $(CHP_SPEC)'; } | sha256sum | cut -c1-16)
HUB_COURSE_KEY := $(shell find src/socketlab -name '*.py' | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16)
HUB_DEPS   := $(HUB_ENV)/.deps-$(HUB_DEPS_KEY)
HUB_STAMP  := $(HUB_ENV)/.course-$(HUB_DEPS_KEY)-$(HUB_COURSE_KEY)

$(HUB_DEPS):
	rm -rf $(HUB_ENV)
	$(HUB_PYTHON) -m venv $(HUB_ENV)
	$(HUB_ENV)/bin/python -m pip install --quiet --upgrade pip
	$(HUB_ENV)/bin/python -m pip install --quiet '$(JUPYTERHUB_SPEC)' '.[course]'
	npm install --silent --no-audit --no-fund --prefix $(HUB_ENV) '$(CHP_SPEC)'
	ln -sf ../node_modules/.bin/configurable-http-proxy $(HUB_ENV)/bin/configurable-http-proxy
	touch $(HUB_DEPS)

$(HUB_STAMP): $(HUB_DEPS)
	$(HUB_ENV)/bin/python -m pip install --quiet --no-deps --force-reinstall .
	chmod -R a+rX $(HUB_ENV)
	rm -f $(HUB_ENV)/.course-* && touch $(HUB_STAMP) $(HUB_ENV)/.installed-stamp

hub-env: $(HUB_STAMP)

# `make test` builds it first (the suite then runs without network) where the hub test can
# run: as root (it creates Linux users), with the system's Python, its venv module and npm
# (.ci/run installs them). Elsewhere tests/e2e/test_jupyterhub.py skips, saying what is missing.
HUB_CAN := $(and $(filter 0,$(shell id -u)),$(shell $(HUB_PYTHON) -c 'import ensurepip, venv' 2>/dev/null && echo y),$(shell command -v npm))
HUB_FOR_TEST := $(if $(HUB_CAN),$(HUB_STAMP))

## make test: set up and run every test (all four layers, see tests/conftest.py).
# It runs fenced off the network (tests/offline.py): only loopback, no name server.
test: $(STAMP) $(HUB_FOR_TEST)
	SOCKETLAB_HUB_ENV=$(HUB_ENV) $(BIN)/python tests/offline.py $(BIN)/python -m pytest

## make test-fast: only the helper package's unit tests (tests/unit), in well under a minute.
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests/unit -n 2

## make release: regenerate the student edition notebooks/ from solutions/ with nbgrader.
release: $(STAMP)
	$(BIN)/python -m socketlab.release

## make outputs ID=03-bind: re-run a solution notebook, storing fresh outputs (all when ID is empty).
outputs: $(STAMP)
	$(BIN)/python -m socketlab.release --execute $(ID)

clean:
	rm -rf $(VENV) .pytest_cache gradebook.db
