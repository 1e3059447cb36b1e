# codegen: build, test, and the Python 3.12 environment the tests judge generated code with.

CARGO        ?= cargo
PYTHON312    ?= $(shell PYENV_VERSION=3.12.1 pyenv which python3.12 2>/dev/null || command -v python3.12)
VENV         := .venv
VENV_PYTHON  := $(abspath $(VENV))/bin/python
VENV_OLDEST  := .venv-oldest
OLDEST_PY    := $(abspath $(VENV_OLDEST))/bin/python
VENV_INFRA   := .venv-infra
INFRA_PY     := $(abspath $(VENV_INFRA))/bin/python
CONTRACTS    := contracts
OUT          := generated

.PHONY: all build release wheel test venv venv-oldest venv-infra generate lint fmt completions readme man clean bench-regen bench-data bench bench-micro bench-quorum bench-validate bench-scale bench-profiles bench-profiler

all: build

build:
	$(CARGO) build

release:
	$(CARGO) build --release

## The wheel users install: the binary built with the release profile (fat LTO), in
## dist/onex_codegen-<version>-py3-none-<platform>.whl.
wheel: venv
	$(VENV)/bin/maturin build --release --out dist

## The main job: generate a package for every example contract into ./generated.
generate: build
	$(CARGO) run --quiet -- generate $(CONTRACTS) -o $(OUT)

## A Python 3.12 venv with omnibase-core, pytest and ruff, rebuilt when the requirements change.
venv: $(VENV)/.installed

$(VENV)/.installed: requirements-test.txt
	@test -n "$(PYTHON312)" || { echo "Python 3.12 not found (tried pyenv 3.12.1 and python3.12)"; exit 2; }
	rm -rf $(VENV)
	$(PYTHON312) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@# The build backend, for the offline source builds of the pre-commit tests.
	$(VENV)/bin/python -m pip download --quiet --disable-pip-version-check --only-binary :all: \
	  --dest $(VENV)/wheelhouse $$(grep '^maturin==' requirements-test.txt)
	touch $@

## The same for the oldest omnibase-core generated code supports (requirements-oldest.txt).
venv-oldest: $(VENV_OLDEST)/.installed

$(VENV_OLDEST)/.installed: requirements-oldest.txt
	@test -n "$(PYTHON312)" || { echo "Python 3.12 not found (tried pyenv 3.12.1 and python3.12)"; exit 2; }
	rm -rf $(VENV_OLDEST)
	$(PYTHON312) -m venv $(VENV_OLDEST)
	$(VENV_OLDEST)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-oldest.txt
	touch $@

## omnibase-infra and the ONEX packages it names (requirements-infra.txt), without their
## dependencies, in a venv that also sees the test venv's packages through a .pth file:
## the type checkers resolve the infra models its generated nodes import, and the
## validate corpus reads its source. Rebuilt when either requirements file changes.
venv-infra: $(VENV_INFRA)/.installed

$(VENV_INFRA)/.installed: requirements-infra.txt $(VENV)/.installed
	rm -rf $(VENV_INFRA)
	$(PYTHON312) -m venv --without-pip $(VENV_INFRA)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-compile \
	  --target $$($(INFRA_PY) -c 'import sysconfig; print(sysconfig.get_path("purelib"))') \
	  -r requirements-infra.txt
	$(VENV_PYTHON) -c 'import sysconfig; print(sysconfig.get_path("purelib"))' \
	  > $$($(INFRA_PY) -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/codegen-test-venv.pth
	touch $@

## Every test: Rust unit and integration tests, and generated code checked by CPython 3.12,
## ruff, pytest and omnibase-core (the newest, and the generated test suites again
## under the oldest supported release).
## (Benches and examples are compiled by `make lint`; the integration tests run last.)
test: venv venv-oldest venv-infra
	$(CARGO) test --doc
	CODEGEN_TEST_PYTHON=$(VENV_PYTHON) CODEGEN_TEST_PYTHON_OLDEST=$(OLDEST_PY) \
	  CODEGEN_TEST_PYTHON_INFRA=$(INFRA_PY) \
	  $(CARGO) test --lib --bins --tests

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

fmt:
	$(CARGO) fmt

## Regenerate the committed shell completions (a test checks they are current).
completions: build
	for shell in bash zsh fish powershell elvish; do \
	  $(CARGO) run --quiet -- completions $$shell > completions/codegen.$$shell; \
	done

## Regenerate README.md's rule table from the catalogue (a test checks it is current).
readme:
	$(CARGO) run --quiet --example readme -- README.md

## The man pages: man/codegen.1 and one page per subcommand (man -l man/codegen.1).
man: build
	$(CARGO) run --quiet --example man -- man

clean:
	$(CARGO) clean
	rm -rf $(VENV) $(VENV_OLDEST) $(VENV_INFRA) $(OUT) bench-data dist

## Incremental regeneration: first run vs no-op rerun vs --check, 1,000 contracts.
bench-regen:
	benches/regenerate.sh 1000

## Cost against contract size: N vs 8N chained definitions, per stage.
BENCH_SCALE_N ?= 5000
bench-scale:
	$(CARGO) build --release --quiet --bin codegen
	python3 benches/scale.py --codegen target/release/codegen --n $(BENCH_SCALE_N) --runs $(BENCH_RUNS)

## Benchmark workload: BENCH_N seeded contracts (a quarter real omnibase-infra ones, renamed).
BENCH_N      ?= 1000
BENCH_SIZES  ?= 3,100,1000,10000
BENCH_RUNS   ?= 3

bench-data:
	rm -rf bench-data/contracts
	python3 benches/gen_contracts.py $(BENCH_N) bench-data/contracts --infra tests/fixtures/omnibase_infra
	@echo "bench-data/contracts: $(BENCH_N) contracts"

## codegen against the PyYAML + Jinja2 baselines and the floor, --check, validate vs ruff E9.
bench: venv
	$(CARGO) build --release --quiet --bin codegen --example floor
	python3 benches/run_bench.py --codegen target/release/codegen --floor target/release/examples/floor \
	  --python $(VENV_PYTHON) --ruff $(abspath $(VENV))/bin/ruff \
	  --sizes $(BENCH_SIZES) --runs $(BENCH_RUNS) --corpus $$($(VENV_PYTHON) -c 'import sysconfig; print(sysconfig.get_path("stdlib"), sysconfig.get_path("purelib"))')
	$(MAKE) --no-print-directory bench-profiler

## The validate table alone: codegen validate (--select SYN, every rule) vs ruff E9, one 100 KB file.
bench-validate: venv
	$(CARGO) build --release --quiet --bin codegen
	python3 benches/run_bench.py --only-validate --codegen target/release/codegen \
	  --ruff $(abspath $(VENV))/bin/ruff --runs $(BENCH_RUNS) \
	  --corpus $$($(VENV_PYTHON) -c 'import sysconfig; print(sysconfig.get_path("stdlib"), sysconfig.get_path("purelib"))')

## The release profile with and without LTO: each built from scratch (timed), then
## the binaries interleaved on generate of the bench contracts and validate of the output.
bench-profiles:
	@test -d bench-data/contracts || $(MAKE) bench-data
	python3 benches/profiles.py --build --contracts bench-data/contracts --runs $(BENCH_PROFILE_RUNS)

BENCH_PROFILE_RUNS ?= 7

## The profiler's own overhead on the benchmark contracts (instrumented against plain runs).
bench-profiler:
	$(CARGO) build --release --quiet --bin codegen
	@test -d bench-data/contracts || $(MAKE) bench-data
	python3 benches/profiler_overhead.py --codegen target/release/codegen --contracts bench-data/contracts

## Divan micro benchmarks: parse, cached render, lint one file, executor overhead.
bench-micro:
	$(CARGO) bench --bench micro

## The AI quorum's overhead: one file's verdict from four loopback models that answer after 100 ms.
bench-quorum:
	$(CARGO) bench --bench quorum
