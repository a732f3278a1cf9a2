# Every target does its own set-up from nothing: venv, torch first, pinned deps, the project.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup test serve ingest eval bench bench-scale bench-compare clean system

# Debian packages: Chromium for the browser tests, a CJK font so screenshots show Chinese text.
SYSTEM_STAMP := $(VENV)/.system
$(SYSTEM_STAMP):
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei; fi
	mkdir -p $(VENV) && touch $(SYSTEM_STAMP)

system: $(SYSTEM_STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

test: $(STAMP) $(SYSTEM_STAMP)
	$(BIN)/python -m pytest -q --basetemp=$(CURDIR)/.pytest-tmp

serve: $(STAMP)
	$(BIN)/rag serve

ingest: $(STAMP)
	$(BIN)/rag ingest seeds

# dev+test over a fresh index of the seeds, the field questions over seeds + field documents, and dev+test
# over the self-made reports of unseen regions (evals/synth).
FIELD ?= ../shared/field
eval: $(STAMP)
	$(BIN)/rag eval --questions evals/questions.jsonl --corpus seeds --answer-mode extractive --out evals/runs/latest/seeds
	$(BIN)/rag eval --questions evals/field_questions.jsonl --corpus seeds --corpus $(FIELD) --answer-mode extractive \
		--out evals/runs/latest/field
	$(BIN)/rag eval --questions evals/synth_questions.jsonl --corpus evals/synth --answer-mode extractive \
		--out evals/runs/latest/synth

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/perf.py --baseline bench/results/perf-before.json
	$(BIN)/python bench/embedders.py

# Scale: 1k/10k/100k synthetic chunks through the whole pipeline, the 100k index again through a Chroma
# server, and the lexical index alone (plot needs .[bench]).
bench-scale: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/lexical_scale.py --sizes 10000 100000
	$(BIN)/python bench/scale.py --sizes 1000 10000 100000 --work .scratch/scale
	$(BIN)/python bench/scale_server.py --work .scratch/scale --sizes 100000
	rm -rf .scratch/scale

# This code against the session-start checkout in one run (both alternately, same indexes): adding one
# report at 1k/10k/100k, the lexical index alone, hybrid search and extractive answers at 100k. The
# indexes are built once under .scratch/addone and kept (about 1.7 GB).
BASELINE ?= 954ab3c
bench-compare: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	test -d .scratch/base || git worktree add --detach .scratch/base $(BASELINE)
	$(BIN)/python bench/add_one.py --work .scratch/addone --sizes 1000 10000 100000 --baseline .scratch/base --repeats 3 --profile
	$(BIN)/python bench/lexical_scale.py --sizes 10000 100000 --baseline .scratch/base
	$(BIN)/python bench/probe_compare.py .scratch/addone/data_100000 --baseline .scratch/base --rounds 2

clean:
	rm -rf $(VENV) .rag
