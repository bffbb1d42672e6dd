# The README's two commands: `make report` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup report test lab clean

setup: $(STAMP)

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

lab: setup
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .cache reports/executed
