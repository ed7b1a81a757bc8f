# The two commands of the README: `make run` and `make test`. Everything else is a helper of those.
PYTHON ?= python3.13
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=

.PHONY: run test install upgrade migrate demo serve worker bench reliability lint format clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.13 is needed: install it (e.g. 'pyenv install 3.13') or run 'make PYTHON=/path/to/python3.13 ...'"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# The exact versions, with their hashes, from the lock (requirements/dev.txt: the app, the tests and the tools; pip
# itself included), then the project itself, editable and without dependencies. Again whenever the lock changes.
$(VENV)/.installed: requirements/dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --requirement requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	@touch $@

install: $(VENV)/.installed

# Refresh the locks to the newest releases pyproject.toml's ranges allow (for Python 3.13 on Linux), then install
# them. requirements/dev.txt first, then requirements/app.txt (production's: the app alone) held to the same versions.
LOCK = CUSTOM_COMPILE_COMMAND="make upgrade" $(BIN)/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links
upgrade: install
	$(LOCK) --extra test --extra dev --output-file requirements/dev.txt pyproject.toml
	$(LOCK) --constraint requirements/dev.txt --output-file requirements/app.txt pyproject.toml
	$(MAKE) --no-print-directory install

# Development settings for commands typed by hand (README): debug on and a secret key of this clone's own. Written
# once, by `make run`; git-ignored. The environment wins over it.
.env:
	@umask 077 && { echo "# Development settings, written by make run (.env.example lists what else may go here)."; \
		echo "DJANGO_DEBUG=1"; \
		echo "DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')"; } > $@
	@echo "Wrote $@ (development settings for manage.py commands)"

migrate: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input

demo: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo_content
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo_discussion
	DJANGO_DEBUG=1 $(BIN)/python manage.py ensure_editor --admin-url http://$(HOST):$(PORT)/admin/

run: .env demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole production stack on this machine (reliability/stack.py, docs/DEPLOYMENT.md), each part on 127.0.0.1:
# Varnish on $(PORT) → two gunicorn app servers on the next two ports → a PostgreSQL primary and its streaming
# replica (kept in var/serve/), Redis and the task worker; DEBUG off, plain HTTP. Ctrl-C stops every part. The Debian packages it needs
# (Varnish with xkey, the PostgreSQL server, Redis) are installed first when missing.
var/secret-key:
	@mkdir -p var && umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

serve: install var/secret-key
	deploy/system-packages serve
	$(BIN)/python -m reliability.stack --port $(PORT)

# The task worker (docs/TASKS.md): runs the tasks that TASKS_BACKEND=database queues, from .env and the environment.
worker: install
	$(BIN)/python manage.py db_worker

# The benchmark (bench/run.py, docs/PERFORMANCE.md): its own database (BENCH_DATABASE_URL), the production
# configuration under wrk. `make bench QUICK=1` for the small scale; BENCH_ARGS="--duration 5" passes options.
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m bench.run $(if $(QUICK),--quick) $(BENCH_ARGS)

# The JavaScript the browser tests inject into pages (axe-core), reinstalled when package*.json change.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed (axe-core for the browser tests): apt-get install -y npm"; exit 1; }
	npm ci --silent --no-audit --no-fund
	@touch $@

test: install node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The long checks (docs/RELIABILITY.md; `make test` runs each with small counts): 50 clients post 10,000 comments
# through a PostgreSQL restart, readers read through a Redis outage, the backup drill, all on servers of their own
# (needs the PostgreSQL server binaries and redis-server); then the slow property tests and the full XSS corpus.
# RELIABILITY_ARGS="--clients 8 --comments 300" passes options to reliability/run.py.
RELIABILITY_ARGS ?=
reliability: install
	$(BIN)/python -m reliability.run $(RELIABILITY_ARGS)
	HYPOTHESIS_PROFILE=slow $(BIN)/python -m pytest tests/articles/test_markup_properties.py tests/test_fuzz_endpoints.py -q
	XSS_FULL=1 $(BIN)/python -m pytest tests/browser/test_xss_corpus.py -q -s -k no_payload

# Style, and the one-way imports of docs/ARCHITECTURE.md (the import-linter contracts in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache node_modules test-artifacts
