# Trellis: `make demo` to try it, `make test` to check it. Needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
UV := $(shell command -v uv 2>/dev/null || echo .uv/bin/uv)
MANAGE := $(BIN)/python manage.py
# numba keeps the matching kernels' machine code here (git-ignored), so a run after the first
# does not recompile them; CI keeps this directory between runs (see .ci/run).
export NUMBA_CACHE_DIR ?= $(CURDIR)/.numba-cache

.PHONY: install demo test test-browser lint lock migrate clean

install: $(VENV)/.installed

# Re-sync only when the lock changed; otherwise a no-op. uv comes from PATH, or is installed
# with pip into .uv/ (kept apart from .venv, which `uv pip sync` makes exactly the lock).
$(VENV)/.installed: requirements.lock pyproject.toml
	@if ! command -v uv >/dev/null 2>&1 && [ ! -x .uv/bin/uv ]; then \
		echo "Installing uv with pip (not found on PATH)"; \
		$(PYTHON) -m venv .uv && .uv/bin/python -m pip install -q uv; \
	fi
	@UV=$$(command -v uv 2>/dev/null || echo .uv/bin/uv); \
	[ -x $(BIN)/python ] || $$UV venv -q --python $(PYTHON) $(VENV); \
	VIRTUAL_ENV=$(VENV) $$UV pip sync -q --python $(BIN)/python requirements.lock
	@# sync removes what the lock does not name, so the project itself goes back in after it.
	@UV=$$(command -v uv 2>/dev/null || echo .uv/bin/uv); \
	VIRTUAL_ENV=$(VENV) $$UV pip install -q --no-deps --python $(BIN)/python -e .
	@touch $@

lock:
	$(UV) pip compile --generate-hashes --python-version 3.11 --no-header requirements.in -o requirements.lock

migrate: install
	TRELLIS_DEMO=1 $(MANAGE) migrate --noinput -v0

demo: install
	TRELLIS_DEMO=1 DEBUG=1 $(MANAGE) migrate --noinput -v0
	TRELLIS_DEMO=1 DEBUG=1 $(MANAGE) seed_demo --roster-zip var/demo-roster.zip
	@# The district's SIS export, imported as a district would: keys the rows, then changes nothing.
	TRELLIS_DEMO=1 DEBUG=1 $(MANAGE) import_oneroster maple-valley var/demo-roster.zip
	@echo "Trellis is running on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	TRELLIS_DEMO=1 DEBUG=1 $(MANAGE) runserver_with_worker 127.0.0.1:$(PORT)

test: install
	TRELLIS_TESTING=1 $(BIN)/python -m pytest -n 2 -m "not browser" $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

test-browser: install
	TRELLIS_TESTING=1 $(BIN)/python -m pytest -m browser $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "no browser tests collected: failing"; exit 1; fi; exit $$rc

lint: install
	$(BIN)/ruff check .
	PYTHONPATH=src $(BIN)/lint-imports --config pyproject.toml

clean:
	rm -rf $(VENV) .uv db.sqlite3 db.sqlite3-* staticfiles .numba-cache
