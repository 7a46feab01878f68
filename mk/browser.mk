# Browser tests and app mode (included by the Makefile; BIN and STAMP come from there).
#
#   make browser-deps   system Chromium + Korean font (apt-get where possible, else says what to install)
#   make test-browser   only the real-browser tests (JupyterLab and Voilà in headless Chromium)
#   make present        the notebooks as apps, code hidden, for projecting in a classroom

PRESENT_PORT ?= 8866
PRESENT_CULL ?= 300

.PHONY: browser-deps test-browser present

## make browser-deps: install Debian's chromium and fonts-nanum (skipped when present)
browser-deps:
	@scripts/browser_deps.sh

## make test-browser: drive notebooks 01 and 07 in JupyterLab and in Voilà with headless Chromium
test-browser: $(STAMP) browser-deps
	$(BIN)/python -m pytest -m browser tests/browser -s

## make present: serve notebooks/ as apps (Voilà, code hidden) on http://127.0.0.1:8866
present: $(STAMP)
	BIN=$(BIN) PRESENT_CULL=$(PRESENT_CULL) scripts/present.sh notebooks $(PRESENT_PORT)
