# The README's two commands: `make report` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup report test lab clean mutants

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,cluster]'
	touch $(STAMP)

report: setup
	$(BIN)/python -m analysis build

test: setup
	$(BIN)/python -m pytest

# Mutation testing (slow: about an hour on two cores; not part of `make test`). One module at a time, each
# against its own test file; the kill rate and the surviving mutants go to reports/mutants.txt.
MUTANT_MODULES ?= duplicates amounts terms themes places

mutants: setup
	rm -rf mutants
	for m in $(MUTANT_MODULES); do \
		rm -f mutants/mutmut-stats.json; \
		ANALYSIS_MUTANTS=$$m $(BIN)/mutmut run "analysis.$$m.*" || exit 1; \
	done
	$(BIN)/python tests/mutation_report.py $(MUTANT_MODULES) | tee reports/mutants.txt

lab: setup
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .cache reports/executed mutants
