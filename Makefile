# socketlab: two commands for a newcomer (make lab, make test) and a few for maintainers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8888

.PHONY: lab test test-fast release outputs clean

# The virtual environment, rebuilt when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[course,test]'
	touch $(STAMP)

FIRST  := notebooks/00-sockets-and-ports/00-sockets-and-ports.ipynb
# Root may run JupyterLab only when asked explicitly (containers, CI).
ROOT_OK := $(if $(filter 0,$(shell id -u)),--allow-root)

## make lab: set up and open JupyterLab on the course folder, showing the first notebook.
# The server's root must be the course folder: nbgrader's Validate and Formgrader need it.
lab: $(STAMP)
	$(BIN)/jupyter lab --port=$(PORT) $(ROOT_OK) --ServerApp.root_dir=$(CURDIR) \
		--LabApp.default_url=/lab/tree/$(FIRST)

## make test: set up and run every test (all four layers, see tests/conftest.py).
test: $(STAMP)
	$(BIN)/python -m pytest

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
