# Two commands: `make demo` and `make test`. Both install what is missing and are idempotent.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test system venv stack-down clean help

help:
	@echo "make demo   install what is missing, start the local stack, run the sample applications"
	@echo "make test   install what is missing and run the whole test suite"
	@echo "make stack-down   stop the local stack"

## System packages (Debian): installed only when one is missing.
system:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

## The virtual environment with the project and its pinned dependencies.
venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade "pip>=24" wheel
	$(BIN)/pip install -q --disable-pip-version-check -e ".[test]"
	@touch $@

demo: system venv
	$(BIN)/intake stack up
	$(BIN)/intake upload sample_docs/demo/inbox
	$(BIN)/intake run --quiet-period 5

test: system venv
	$(BIN)/pytest -q -ra

stack-down: venv
	$(BIN)/intake stack down

clean: stack-down
	rm -rf var
