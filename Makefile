# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# Installs are stamped, so a second run only re-installs when a dependency file changed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run serve test screenshots lint typecheck pytest install install-gpu frontend contracts-install contracts-build sandbox-tools clean

install: $(VENV)/.installed frontend contracts-install sandbox-tools

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# GPU evaluation workers: onnxruntime-gpu in place of the CPU build (one `onnxruntime` package at a time).
install-gpu: install $(VENV)/.installed-gpu
$(VENV)/.installed-gpu: requirements-gpu.txt $(VENV)/.installed
	$(PY) -m pip uninstall --quiet --yes onnxruntime
	$(PY) -m pip install --quiet -r requirements-gpu.txt
	touch $@

# The evaluation sandbox needs bubblewrap (and libseccomp, present on Debian); installed when missing.
sandbox-tools:
	@command -v bwrap >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; \
	  else \
	    echo "Install bubblewrap (e.g. sudo apt-get install bubblewrap): evaluation workers need it." >&2; exit 1; \
	  fi; }

# Front-end libraries (charting, htmx) come from npm; Django serves them from node_modules, no build step.
frontend: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The Solidity compiler, OpenZeppelin and anvil (the local chain) come from contracts/package.json.
contracts-install: contracts/node_modules/.installed
contracts/node_modules/.installed: contracts/package.json contracts/package-lock.json
	cd contracts && npm ci --no-audit --no-fund --loglevel=error
	touch $@

contracts-build: contracts-install
	cd contracts && npm run --silent build

# The demo runs in development mode (debug pages, development keys, console email); production is the
# default whenever DEBUG is not set, and refuses to start with the development keys. The Procfile's
# `chain` process runs the local chain (anvil, state under var/chain/) and deploys the contracts there,
# then tells the demo's story on it (governance/demo: funding, attestations, a paid round, an open vote).
# A prize vote stays open a day on the local chain (the platform's default is ten minutes), so that there
# is time to cast one from a browser wallet; the story moves the chain's clock only past the votes it closes.
# WEB_PORT moves the site off port 8000.
run: export DEBUG ?= true
run: export GOVERNANCE_VOTING_PERIOD ?= 86400
run: install
	$(PY) manage.py prepare_demo  # migrate, collectstatic, then seed_demo_story: the digits challenge and the demo's work
	$(BIN)/honcho start

# Production: gunicorn behind whitenoise, PostgreSQL, Redis, the workers and beat (Procfile.production).
# clueboard/serve.py refuses while a production variable is missing or a development default, then checks
# (`check --deploy`), migrates and collects the static files before it starts them. DEBUG stays off.
serve: install
	$(PY) -m clueboard.serve

test: install lint typecheck pytest

# The README's three screenshots (docs/screenshots/: challenge, submission, proposal), taken by the
# end-to-end browser test as it walks the whole loop; it needs chromium (apt-get install chromium).
screenshots: install
	@test -x "$${CHROMIUM_BIN:-/usr/bin/chromium}" || { echo "screenshots need chromium: apt-get install chromium" >&2; exit 1; }
	README_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/browser/test_end_to_end.py -p no:randomly

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The Django plugin loads the settings: the development defaults spare it production's secrets.
typecheck:
	DEBUG=true $(BIN)/mypy .

pytest:
	$(BIN)/pytest

clean:
	rm -rf $(VENV) node_modules contracts/node_modules var staticfiles
