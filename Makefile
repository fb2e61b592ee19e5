# Two commands do all set-up on a fresh machine with Python 3.11 and pip:
#   make lab    installs the course and opens JupyterLab on the student notebooks
#   make test   installs the course and runs the tests
# Both first install the Debian packages they need (tools/system.py: as root or with
# password-less sudo; otherwise it prints the apt-get line to run, and what needs it skips).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp
# In parallel, one process per core; tests marked with one xdist_group share a worker
# (and the class it grades once); the 30 slowest tests are listed, to see where the time goes.
PYTEST_ARGS ?= -n auto --dist loadgroup --durations=30

.PHONY: install lab test release bench pictures clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The JupyterHub test's proxy, configurable-http-proxy, at the version the lockfile pins
# (npm comes with Node.js; without it the hub test skips and says why).
CHP = .ci/node/node_modules/.bin/configurable-http-proxy
$(CHP): .ci/node/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	    npm ci --prefix .ci/node --no-audit --no-fund --loglevel=error >/dev/null && touch $(CHP); \
	else echo "system: no npm, so the JupyterHub test skips (install Debian's nodejs and npm)"; fi

lab: $(STAMP)
	$(BIN)/python tools/system.py lab
	$(BIN)/course lab

# The JupyterHub test runs on its own, after the rest: it creates Unix accounts and closes the
# checkout's source/, tests/ and tools/ to other accounts while it runs, which does not mix
# with tests running beside it (beside the whole suite its instructor was refused source/).
# One OpenMP thread per process (unless set): parallel workers and their notebook kernels
# would otherwise fight over the cores, as course grade's kernels would.
test: $(STAMP) $(CHP)
	$(BIN)/python tools/system.py test
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} $(BIN)/python -m pytest $(PYTEST_ARGS) --ignore=tests/test_hub.py
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} $(BIN)/python -m pytest tests/test_hub.py

release: $(STAMP)
	$(BIN)/course release

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

pictures: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python tools/pictures.py

clean:
	rm -rf $(VENV) workspace test-artifacts
