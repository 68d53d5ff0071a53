# vstape: `make test` and `make demo` bootstrap .venv from a fresh clone.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

# python3.12 may be a pyenv shim that exits 127; fall back to pyenv's own interpreter.
PYTHON312 := $(shell for p in python3.12 "$$(pyenv root 2>/dev/null)/versions/3.12.1/bin/python3.12" /usr/bin/python3.12 /usr/local/bin/python3.12 python3.13 python3; do \
	"$$p" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)

.PHONY: test demo lint typecheck pytest contract bench conformance clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON312)" || { echo "error: need Python >= 3.12 (python3.12 not found)"; exit 1; }
	test -x $(PY) || $(PYTHON312) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -n 2 -q --ignore=tests/contract

# pytest-recording's own suite (its sdist, fetched for the installed version) must give the
# same outcomes with vstape active as without it. Needs the package index (pip download).
contract: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider tests/contract

test: lint typecheck pytest contract

demo: $(STAMP)
	$(BIN)/vstape demo

# The anchors live in their own venv: cassetter registers a pytest plugin whose
# --record-mode clashes with pytest-recording's, so it must not share .venv.
BENCH_VENV := .venv-bench
bench:
	@test -n "$(PYTHON312)" || { echo "error: need Python >= 3.12 (python3.12 not found)"; exit 1; }
	test -x $(BENCH_VENV)/bin/python || $(PYTHON312) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --upgrade pip
	$(BENCH_VENV)/bin/pip install -q -e '.[test,bench]'
	$(BENCH_VENV)/bin/python -m bench.run_all

# Schemathesis 4 from its own venv: it needs a newer hypothesis than the test extra's pin.
# Not part of `make test`: it needs the official spec and a minute or two of fuzzing.
CONFORMANCE_VENV := .venv-conformance
conformance: $(STAMP)
	test -x $(CONFORMANCE_VENV)/bin/python || $(PYTHON312) -m venv $(CONFORMANCE_VENV)
	$(CONFORMANCE_VENV)/bin/pip install -q --upgrade pip
	$(CONFORMANCE_VENV)/bin/pip install -q 'schemathesis>=4.32,<5'
	$(PY) -m conformance.run --schemathesis $(CONFORMANCE_VENV)/bin/schemathesis

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(CONFORMANCE_VENV)
