# Two commands do all set-up on a fresh machine with Python 3.11 and pip:
#   make lab    installs the course and opens JupyterLab on the student notebooks
#   make test   installs the course and runs the tests
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install lab test release bench pictures clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/course lab

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

release: $(STAMP)
	$(BIN)/course release

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

pictures: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python tools/pictures.py

clean:
	rm -rf $(VENV) workspace test-artifacts
