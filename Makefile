# Exchange: `make run` sets everything up and serves the demo; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# One test process per core and one more: part of every run waits on a browser, a Celery worker or a
# subprocess, and the spare process uses that time (on two cores: 9:00 -> 8:21 for the SQLite suite).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))

.PHONY: run setup system assets migrate demo test test-postgres test-browser bench lint clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@echo "== Installing Exchange's Python packages into $(VENV) (the first time takes a minute or two) =="
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed system assets

# The GOV.UK Design System (and axe-core for the browser tests) from npm, served from static/govuk/.
assets: static/govuk/govuk-frontend.min.css

static/govuk/govuk-frontend.min.css: package-lock.json scripts/build_assets.py
	@echo "== Installing the GOV.UK Design System from npm =="
	npm ci --no-audit --no-fund
	$(PY) scripts/build_assets.py

# WeasyPrint needs Pango from the operating system; say clearly what is missing.
system: $(VENV)/.installed
	@$(PY) -c "import weasyprint" 2>/dev/null || { \
	  echo "PDF reports need Pango and HarfBuzz from the system. On Debian/Ubuntu run:"; \
	  echo "  sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"; \
	  exit 1; }

migrate: setup
	@echo "== Preparing the database =="
	$(PY) manage.py migrate --noinput

demo: migrate
	@echo "== Loading the demo data =="
	$(PY) manage.py load_demo

run: demo
	@echo "Exchange is starting at http://$(HOST):$(PORT)/ (sign in with a demo login above)"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(PY) -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The same suite on PostgreSQL (row locks, real concurrency); CI runs it after `make test`.
test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} EXCHANGE_REQUIRE_POSTGRES=1 \
	  $(PY) -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The browser suite alone (headless Debian chromium, Playwright); fails rather than skips without chromium.
test-browser: setup
	EXCHANGE_REQUIRE_BROWSER=1 $(PY) -m pytest -q -m browser tests/browser $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench

# Style, formatting, the layer rule (import-linter contracts in pyproject.toml) and types in every service and
# selector (mypy with django-stubs). CI runs it before the tests.
TYPED := $(shell find accounts workflow partnerships grants assessment reporting inbox support demo -name migrations -prune -o \
	\( -name services.py -o -name selectors.py -o -path '*/services/*.py' -o -path '*/selectors/*.py' \) -print 2>/dev/null)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy $(TYPED)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache node_modules static/govuk test-artifacts
