# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run console test test-fast eval-qa check clean bench bench-quick bench-answers bench-outbox bench-catalogue bench-data-access

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
	# The Dispatcher tests again, on PostgreSQL and Redis (the scale-out mode).
	$(PY) -m pytest -q tests/handlers --engine postgresql -m "not sqlite_only"

# The inner loop: everything in-process (marker "subprocess" in tests/conftest.py says what is left out).
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not subprocess"

# How well free-text questions are matched: per-language accuracy and every miss.
eval-qa: $(STAMP)
	$(PY) -m tests.qa.evaluate

check: $(STAMP)
	$(PY) -m bot check

# Ratios to a bare-aiogram ceiling measured in the same run, on SQLite and on one scale-out
# worker (PostgreSQL + Redis); writes bench/results.{md,json}.
bench: $(STAMP)
	$(PY) -m bench
	# Scale-out: signing on 1, 2, 3 PostgreSQL workers vs one SQLite process; writes bench/scaleout_results.json.
	$(PY) -m bench.scaleout

bench-quick: $(STAMP)
	$(PY) -m bench --quick --no-write

# Component timings: one question matched with 50 cases loaded; outbox bookkeeping per send.
bench-answers: $(STAMP)
	$(PY) bench/bench_answers.py

# The catalogue at 1,000 generated cases alone: search, routing, pages, /reload (JSON).
bench-catalogue: $(STAMP)
	$(PY) -m bench.catalogue bench/out/cases1000

bench-outbox: $(STAMP)
	$(PY) bench/broadcast_outbox.py

# Per-statement cost of the repository connection vs asyncpg (and SQLAlchemy Core, if installed).
bench-data-access: $(STAMP)
	$(PY) -m bench.data_access

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
