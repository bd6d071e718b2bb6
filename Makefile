# coreward: `make serve` installs, builds and serves; `make test` installs, builds and runs every test.
SWIFT ?= swift
VENV ?= .venv
BIN := .build/release/coreward
HOST ?= 127.0.0.1
PORT ?= 8080

FUZZ_SECONDS ?= 60

.PHONY: all deps build serve test unit-test integration-test fuzz bench clean

all: build

deps:
	@scripts/install-deps.sh

$(VENV)/.installed: Tests/integration/requirements.txt scripts/python-env.sh
	@scripts/python-env.sh $(VENV)

build: deps
	$(SWIFT) build -c release --product coreward
	@test -x $(BIN)

serve: build
	$(BIN) serve --host $(HOST) --port $(PORT)

unit-test: deps
	$(SWIFT) test

integration-test: build $(VENV)/.installed
	$(VENV)/bin/python -m pytest -q Tests/integration

# libFuzzer targets (extraction, equivalence, request decoding) with ASan, FUZZ_SECONDS each.
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

test: unit-test integration-test fuzz

bench: build $(VENV)/.installed
	$(VENV)/bin/python bench/reward_bench.py

clean:
	rm -rf .build .build-fuzz $(VENV)
