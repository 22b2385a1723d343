# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run console test eval-qa bench lint check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot

console: $(STAMP)
	$(PY) -m bot console

test: $(STAMP)
	$(PY) -m ruff check bot tests $(wildcard bench)
	$(PY) -m pytest -q

# How well free-text questions are matched: per-language accuracy and every miss.
eval-qa: $(STAMP)
	$(PY) -m tests.qa.evaluate

bench: $(STAMP)
	$(PY) bench/bench_answers.py

check: $(STAMP)
	$(PY) -m bot check

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
