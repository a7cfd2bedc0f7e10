# The two commands a newcomer runs: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
PORT ?= 8000
# 0.0.0.0 to reach it from a phone on the same Wi-Fi (README: Try it on a phone).
HOST ?= 127.0.0.1
TRANSLATIONS := blueprints/translations

.PHONY: run test install translations test-system-deps messages

$(PY):
	python3 -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d $(TRANSLATIONS)

# Re-extract the messages and merge them into the catalogues (then translate the new ones).
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F blueprints/babel.cfg -k _l -o $(TRANSLATIONS)/messages.pot .
	$(VENV)/bin/pybabel update -N -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

run: install translations
	$(FLASK) db upgrade
	$(FLASK) bootstrap
	$(FLASK) seed-demo
	@echo "Serving on http://$(HOST):$(PORT)"
	@# One escalation runner beside gunicorn, never inside its workers (one per worker would
	@# send everything N times); it also sweeps photo files a crash left behind. The trap
	@# stops it when gunicorn stops.
	( while true; do $(FLASK) escalate >> instance/escalate.log 2>&1; \
	    $(FLASK) sweep-photos >> instance/escalate.log 2>&1; sleep 60; done ) & loop=$$!; \
	trap 'kill $$loop 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn --workers 2 --threads 4 --bind $(HOST):$(PORT) 'app:create_app()'

# Debian packages the browser tests need, installed only where missing.
test-system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing="$$missing fonts-wqy-microhei"; \
	dpkg -s libzbar0 >/dev/null 2>&1 || missing="$$missing libzbar0"; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  echo "installing:$$missing"; \
	  $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Lint and import order first: a finding fails the run before the slower tests start.
test: $(VENV)/.test-installed test-system-deps translations
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q
