# The README's two commands: `make report` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo -n)

.PHONY: setup report test lab clean mutants

setup: $(STAMP)
	@# the explorer's browser tests drive headless Chromium and Firefox (skipped, with the reason, when absent)
	@if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/firefox-esr ]; } && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing chromium, chromium-driver and firefox-esr (Debian) for the explorer's browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-driver firefox-esr \
	    || echo "could not install the browsers: the browser tests will be skipped"; fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,cluster]'
	touch $(STAMP)

report: setup
	$(BIN)/python -m analysis build

test: setup
	$(BIN)/ruff check analysis tests benchmarks
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

# Mutation testing (slow: several hours on two cores; not part of `make test`). One module at a time, each
# against its own test file; the kill rate and the surviving mutants go to reports/mutants.txt.
MUTANT_MODULES ?= duplicates amounts terms themes places

mutants: setup
	rm -rf mutants
	for m in $(MUTANT_MODULES); do \
		rm -f mutants/mutmut-stats.json; \
		ANALYSIS_MUTANTS=$$m $(BIN)/mutmut run "analysis.$$m*" || exit 1; \
	done
	$(BIN)/python tests/mutation_report.py $(MUTANT_MODULES) | tee reports/mutants.txt

lab: setup
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .cache reports/executed mutants
