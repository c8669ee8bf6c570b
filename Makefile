# TrendEdge: `make run` starts everything, `make test` runs the whole suite.
# Both set up what they need on first use (a virtualenv, Python packages,
# Debian's chromium for the browser tests) and are fast on the second call.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install run demo dev test lint fmt chromium clean bench-deps bench

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "TrendEdge needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/trendedge up

# With `make run` going: a demo user with a full dashboard; sign in as EMAIL afterwards.
DATA_DIR ?= $(CURDIR)/.trendedge
EMAIL ?= demo@example.com
demo: install
	DATABASE_URL='postgresql://postgres:@/trendedge?host=$(DATA_DIR)/postgres' \
	  REDIS_URL='unix://$(DATA_DIR)/redis/redis.sock' \
	  $(VENV)/bin/trendedge admin seed-demo $(EMAIL)

dev: install
	. $(VENV)/bin/activate && PATH="$$($(PY) -c 'from trendedge.runtime.web import bun_bin_dir; print(bun_bin_dir())'):$$PATH" \
	  REFLEX_USE_SYSTEM_BUN=1 REFLEX_CHECK_LATEST_VERSION=0 REFLEX_TELEMETRY_ENABLED=false \
	  reflex run --env dev

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

test: install chromium
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy trendedge components jobs

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench-deps: install
	$(PY) -m pip install --quiet -e '.[dev,bench]'

bench: bench-deps
	$(PY) bench/webhook_bench.py
	$(PY) bench/scan_bench.py
	$(PY) bench/trendline_bench.py

clean:
	rm -rf .web .states .pytest_cache .mypy_cache .ruff_cache
