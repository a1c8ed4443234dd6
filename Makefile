# The two commands of the README: `make run` (the app with demo data) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run serve test install install-dev system-deps migrate demo lint format messages clean

# A local, uncommitted .env marks this checkout as a development one (DEBUG=1), so that
# `python manage.py ...` works here without exporting anything; production sets its own.
.env:
	printf 'DEBUG=1\n' > .env

$(PY): | .env
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian packages the tests use: chromium (browser journeys), poppler-utils (PDF to PNG).
system-deps:
	@bash .ci/system-deps

migrate: install
	$(PY) manage.py migrate --noinput

# Links in e-mails and calendar entries of the local demo point at this server.
run demo: export SITE_URL ?= http://$(HOST):$(PORT)

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@bash .ci/serve $(HOST) $(PORT)

# Production (README "Production"): DEBUG off, gunicorn and the task workers; configured by
# the environment (DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS, ...).
serve: export DEBUG = 0
serve: install
	$(PY) manage.py serve

# The suite runs in parallel (pytest-xdist, one worker per core).
test: install-dev system-deps
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages -l fr -l nl -l de --no-obsolete --ignore=".venv/*" --ignore="tests/*"
	$(PY) manage.py compilemessages --ignore=".venv/*"

clean:
	rm -rf var db.sqlite3
