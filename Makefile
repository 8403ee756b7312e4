# trucesim — set-up, demo and tests. `make demo` and `make test` need nothing installed by hand
# except a Python >= 3.12 interpreter, which this Makefile finds (or says how to get).
SHELL := /bin/bash
VENV  := .venv
VPY   := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Candidates, in order: $(PYTHON) if given, python3.13, python3.12, python3, pyenv's 3.12+.
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo $(HOME)/.pyenv)
CANDIDATES := $(PYTHON) python3.13 python3.12 python3 $(sort $(wildcard $(PYENV_ROOT)/versions/3.1[2-9]*/bin/python3))
FOUND_PY   := $(shell for p in $(CANDIDATES); do \
	  if "$$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then \
	    echo "$$p"; break; fi; done)

.PHONY: demo test test-fast bench lint clean venv golden help browser mutate docs posterior
help:
	@echo "make demo   - create .venv, install, run the Syria 2016 scenario"
	@echo "make test   - create .venv, install, run all tests"
	@echo "make bench  - run the benchmarks"
	@echo "make golden - regenerate tests/golden/ (review the diff!)"
	@echo "make docs   - regenerate docs/cli.md and the command outputs the README shows (tests/test_docgen.py)"
	@echo "make mutate - mutation testing within MUTATE_BUDGET seconds (docs/testing.md)"

$(STAMP): pyproject.toml
	@if [ -z "$(FOUND_PY)" ]; then \
	  echo "trucesim needs Python >= 3.12 (Mesa 3.5 requires it); none was found among:"; \
	  echo "  $(CANDIDATES)"; \
	  echo "Install one, e.g. 'pyenv install 3.12' or 'apt-get install python3.12 python3.12-venv',"; \
	  echo "or point at one with 'make PYTHON=/path/to/python3.12 test'."; \
	  exit 1; fi
	@echo "Using $(FOUND_PY) ($$($(FOUND_PY) --version))"
	@test -x $(VPY) || $(FOUND_PY) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/trucesim compare scenarios/syria_2016.yaml --strategies all --worlds 2000 --seed 2016 --out out/demo
	$(VENV)/bin/trucesim compare scenarios/syria_2016.yaml --strategies all --ensemble scenarios/posteriors/syria_2016.parquet --sets 50 --worlds 50 --fixed-worlds 2000 --seed 2016 --out out/demo
	@echo
	@echo "The memo is in out/demo/report.html: first across the parameter sets the record allows"
	@echo "(the shipped posterior), then with the parameters fixed. To type trucesim commands yourself (as the README"
	@echo "and the lessons show them), run this once in each new terminal, here:"
	@echo "    source .venv/bin/activate"

# the suite runs on every core (pytest-xdist), a test file per worker so its fixtures are built
# once; TEST_JOBS=1 runs it in one process
TEST_JOBS ?= auto
test: $(STAMP) browser
	$(VPY) -m pytest -q -p no:cacheprovider -n $(TEST_JOBS) --dist loadfile

# Debian's chromium for the dashboard's browser test (never `playwright install`)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

test-fast: $(STAMP)
	$(VPY) -m pytest -q -m "not slow"

bench: $(STAMP)
	$(VPY) benchmarks/run.py
	$(VPY) benchmarks/run.py --docs
	$(VPY) benchmarks/ensemble.py
	$(VPY) benchmarks/ensemble.py --docs

golden: $(STAMP)
	$(VPY) -m tests.golden.regenerate

# The shipped Syria posterior (docs/calibration.md; tests/test_shipped_posterior.py reruns the
# command it records): regenerate after a change to the scenario or the model, as the goldens
POSTERIOR_CMD := calibrate syria_2016 --out out/posterior_syria --budget 200 --population 40 --worlds 10 --seed 2016
posterior: $(STAMP)
	rm -rf out/posterior_syria  # calibrate resumes from a checkpoint there, made by older code
	$(VENV)/bin/trucesim $(POSTERIOR_CMD)
	cp out/posterior_syria/posterior.parquet scenarios/posteriors/syria_2016.parquet
	$(VPY) -m tests.docs_calibration out/posterior_syria

# The command-line reference, generated from the typer app (sim/docgen.py)
docs: $(STAMP)
	$(VPY) -m sim.docgen
	$(VPY) -m sim.docgen --outputs README.md docs/scenarios.md docs/teaching/lesson4_two_idlib_truces.md

# Mutation testing (mutmut; configured in pyproject.toml): not part of `make test`. Mutants run
# cheapest first within the budget; results are kept in mutants/, so a second run goes on where
# the first stopped (`rm -rf mutants` to start afresh). Nice'd: the machine may be shared.
MUTATE_BUDGET   ?= 2400
MUTATE_CHILDREN ?= 1
MUTATE_NICE     ?= 10
mutate: $(STAMP)
	-timeout --signal=INT --kill-after=120 $(MUTATE_BUDGET) \
	  nice -n $(MUTATE_NICE) $(VENV)/bin/mutmut run --max-children $(MUTATE_CHILDREN)
	$(VPY) -m tests.mutation_summary

lint: $(STAMP)
	$(VENV)/bin/ruff check sim tests

clean:
	rm -rf $(VENV) build *.egg-info
