# Two entry points for a fresh machine: `make run` (the bot on its defaults) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test install install-dev clean test-emulator test-tools test-browser test-ops

run: $(VENV)/.installed
	$(PY) -m bot

test: $(VENV)/.installed-dev test-emulator test-tools test-browser test-ops
	$(PY) -m pytest $(PYTEST_ARGS)

# OCR (Tesseract + Vietnamese) and LibreOffice for the scan and .doc/.odt tests: installed where this is Debian and we
# are root; elsewhere those tests are skipped, with the reason.
test-tools:
	@if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx vie \
	    && command -v soffice >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    tesseract-ocr tesseract-ocr-vie fonts-dejavu-core libreoffice-writer-nogui >/dev/null) \
	  || echo "tesseract/libreoffice could not be installed: the OCR and .doc/.odt tests will be skipped"; \
	else echo "not root or no apt-get: OCR and .doc/.odt tests run only where tesseract-ocr-vie and LibreOffice are installed"; fi

# Debian's Chromium for the dashboard's browser test (driven by the pip package playwright; never `playwright install`).
test-browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed: the dashboard's browser test will be skipped"; \
	else echo "not root or no apt-get: the dashboard's browser test runs only where /usr/bin/chromium is installed"; fi

# The npm Bot API emulator for the Telegram wire tests; without npm those tests are skipped, with the reason.
EMULATOR := tests/channels/emulator/node_modules/telegram-test-api/package.json
test-emulator:
	@if [ -f $(EMULATOR) ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
	  npm install --no-save --no-audit --no-fund --prefix tests/channels/emulator telegram-test-api@4.2.1 \
	  || echo "telegram-test-api could not be installed: the Telegram wire tests will be skipped"; \
	else echo "npm not found: the Telegram wire tests will be skipped"; fi

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) .pytest_cache

# pg_dump/pg_restore (backup and restore of PostgreSQL) and docker-compose (validates deploy/compose.yaml without an
# engine): installed where this is Debian and we are root; elsewhere those tests are skipped, with the reason.
test-ops:
	@if command -v pg_dump >/dev/null 2>&1 && command -v docker-compose >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    postgresql-client docker-compose >/dev/null) \
	  || echo "postgresql-client/docker-compose could not be installed: those tests will be skipped"; \
	else echo "not root or no apt-get: the PostgreSQL restore and compose tests run only where pg_dump and docker-compose are installed"; fi
