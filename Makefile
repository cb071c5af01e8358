# socketlab: two commands for a newcomer (make lab, make test) and a few for maintainers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8888

.PHONY: lab test release outputs clean

# The virtual environment, rebuilt when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[course,test]'
	touch $(STAMP)

## make lab: set up and open JupyterLab on the course (the first notebook).
lab: $(STAMP)
	$(BIN)/jupyter lab --port=$(PORT) notebooks/00-sockets-and-ports/00-sockets-and-ports.ipynb

## make test: set up and run every test.
test: $(STAMP)
	$(BIN)/python -m pytest

## make release: regenerate the student edition notebooks/ from solutions/ with nbgrader.
release: $(STAMP)
	$(BIN)/python -m socketlab.release

## make outputs ID=03-bind: re-run a solution notebook, storing fresh outputs (all when ID is empty).
outputs: $(STAMP)
	$(BIN)/python -m socketlab.release --execute $(ID)

clean:
	rm -rf $(VENV) .pytest_cache gradebook.db
