# Creator Hub: `make run` starts the app with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
AXE := node_modules/axe-core/axe.min.js

# Tests use their own PostgreSQL database (Django creates test_<name>) and Redis db number.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/creatorhub
TEST_REDIS_URL ?= redis://127.0.0.1:6379/13
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/creatorhub_bench
# `make bench BENCH=scale` keeps its million videos here between runs (created if missing).
SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/creatorhub_scale
PYTEST_ARGS ?=

.PHONY: help run serve test bench lint format check smoke smoke-serve clean

help:
	@echo "make run    - the app with demo data (web + worker + beat) on SQLite and a local broker"
	@echo "make serve  - production start (DEBUG=0): collectstatic, migrate, gunicorn + worker + beat"
	@echo "make test   - the whole test suite (PostgreSQL, Redis, a real worker, Chromium)"
	@echo "make bench  - benchmarks, printed as JSON"
	@echo "make lint   - ruff check, format check, and the apps' import layers (import-linter)"
	@echo "make check  - Django system checks, migrations check, deploy check"

$(STAMP): requirements.txt
	@if [ ! -x $(PY) ]; then \
	  python_bin=$$(bash scripts/find-python.sh) || exit 1; \
	  echo "Creating $(VENV) with $$python_bin"; \
	  "$$python_bin" -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

# axe-core for the accessibility tests, at the version package-lock.json pins.
$(AXE): package.json package-lock.json
	@bash scripts/ensure-packages.sh node
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(AXE)

run: $(STAMP)
	@mkdir -p var
	@bash scripts/ensure-packages.sh fonts espeak
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py provenance_init
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-1} bash scripts/run.sh

serve: $(STAMP)
	@mkdir -p var
	bash scripts/serve.sh

test: $(STAMP) $(AXE)
	@bash scripts/services.sh
	@bash scripts/ensure-packages.sh fonts chromium exiftool espeak
	DEBUG=1 DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	  DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	@bash scripts/services.sh >&2
	@bash scripts/ensure-packages.sh espeak >&2
	@DEBUG=1 DATABASE_URL=$(if $(filter scale,$(BENCH)),$(SCALE_DATABASE_URL),$(BENCH_DATABASE_URL)) \
	  REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m bench $(BENCH)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(STAMP)
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=creatorhub.example $(PY) manage.py check --deploy --fail-level WARNING

smoke: $(STAMP)
	bash scripts/smoke.sh

smoke-serve: $(STAMP)
	bash scripts/smoke-serve.sh

clean:
	rm -rf var .pytest_cache .ruff_cache
