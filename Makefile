# Quick start: `make demo` (the library on the embedded local Cognito) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test test-browser browser-deps lint typecheck unit sweep demo bench bench-local test-js clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev,local,fast,httpx,demo]'
	touch $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy --strict src/pycognito src/_pycognito_cli.py

unit: $(STAMP)
	$(VENV)/bin/pytest -q -m "not browser"

test: lint typecheck unit

# Every generated malformed request against the local Cognito (make test sends a sample).
sweep: $(STAMP)
	PYCOGNITO_SWEEP=full $(VENV)/bin/pytest -q -s tests/local/test_sweep.py

# The hosted login page in a real headless Chromium (Debian's chromium + chromium-driver,
# installed here when missing). Without a browser the tests fail and say so; they never skip.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser-deps:
	@command -v chromedriver >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium chromium-driver; } || \
	  echo "browser-deps: could not install chromium and chromium-driver"

test-browser: $(STAMP) browser-deps
	$(VENV)/bin/pytest -q -m browser tests/browser

# Recompute the SRP vectors' outputs with AWS's JavaScript client (node and npm; not in make test)
# and check that they are the committed ones.
vectors:
	cd tests/vectors_data/regenerate && npm ci --no-audit --no-fund --silent && node regenerate.js
	git diff --exit-code -- tests/vectors_data/srp-public.json

demo: $(STAMP)
	$(VENV)/bin/pycognito demo

bench: $(STAMP)
	$(PY) bench/srp.py
	$(PY) bench/verify.py
	$(PY) bench/verify_tokens.py
	$(PY) bench/facade.py
	$(PY) bench/oauth.py
	$(PY) bench/aio.py

# The peers bench/peers.py compares with: bench-only, never installed by `make test`.
.PHONY: bench-peers bench-peers-deps
PEERS_STAMP := bench/.peers/.installed

$(PEERS_STAMP): bench/requirements-peers.txt bench/requirements-original.txt bench/peers_js/package-lock.json | $(STAMP)
	$(PY) -m pip install --quiet -r bench/requirements-peers.txt
	rm -rf bench/.peers/original
	$(PY) -m pip install --quiet --target bench/.peers/original -r bench/requirements-original.txt
	cd bench/peers_js && npm ci --no-audit --no-fund --loglevel=error
	touch $@

bench-peers-deps: $(PEERS_STAMP)

bench-peers: $(PEERS_STAMP)
	$(PY) bench/peers.py

tests/js_oracle/node_modules/.installed: tests/js_oracle/package-lock.json
	cd tests/js_oracle && npm ci --no-audit --no-fund --silent
	touch $@

# AWS's own JavaScript clients (pinned in tests/js_oracle) against the local Cognito.
test-js: $(STAMP) tests/js_oracle/node_modules/.installed
	PYCOGNITO_JS_ORACLE=1 $(VENV)/bin/pytest -q tests/js_oracle

bench/js/node_modules/.installed: bench/js/package-lock.json
	cd bench/js && npm ci --no-audit --no-fund --silent
	touch $@

# The local Cognito beside cognito-local (npm) and plain moto_server, in one run.
bench-local: $(STAMP) bench/js/node_modules/.installed
	$(PY) bench/local.py $(BENCH_ARGS)

clean:
	rm -rf bench/.peers bench/peers_js/node_modules $(VENV) build dist src/*.egg-info .mypy_cache .ruff_cache .pytest_cache
