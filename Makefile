# evradar: `make run` starts the bot on its embedded defaults, `make test` runs what CI runs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run demo test check lint typecheck imports bench eval model clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/evradar run

demo: $(VENV)/.installed
	$(BIN)/evradar run --once --config config/demo.toml

test: $(VENV)/.installed
	$(BIN)/python -m tests.browser
	$(BIN)/python -m tests.with_postgres $(BIN)/python -m pytest -q -n 2 --dist loadgroup --durations=25

lint: $(VENV)/.installed
	$(BIN)/ruff check bot handlers tests bench
	$(BIN)/ruff format --check bot handlers tests bench

typecheck: $(VENV)/.installed
	$(BIN)/mypy

imports: $(VENV)/.installed
	$(BIN)/lint-imports

check: lint typecheck imports test

bench: $(VENV)/.installed
	$(BIN)/python bench/classify.py
	$(BIN)/python bench/pipeline.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/digest.py
	$(BIN)/python bench/digest_recovery.py --trials 3

# The statistical second opinion (handlers/second_opinion.json): the same data gives the same file.
model: $(VENV)/.installed
	$(BIN)/python bench/train_model.py

eval: $(VENV)/.installed
	$(BIN)/evradar eval tests/data/corpus/more.jsonl --split tune
	$(BIN)/evradar eval tests/data/corpus/more.jsonl --split holdout
	$(BIN)/evradar eval tests/data/corpus/fresh.jsonl --split tune
	$(BIN)/evradar eval tests/data/corpus/fresh.jsonl --split holdout
	$(BIN)/evradar eval tests/data/corpus/feeds.jsonl

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
