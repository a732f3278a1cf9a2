# Every target does its own set-up from nothing: venv, torch first, pinned deps, the project.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup test serve ingest eval bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q --basetemp=$(CURDIR)/.pytest-tmp

ingest: $(STAMP)
	$(BIN)/rag ingest seeds

eval: $(STAMP)
	$(BIN)/rag eval --questions evals/questions.jsonl --out evals/runs/latest

bench: $(STAMP)
	$(BIN)/python bench/retrieval.py

clean:
	rm -rf $(VENV) .rag
