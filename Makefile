# Immunotherapy: an interactive course.  `make start` to learn, `make test` to check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.requirements.txt
PORT ?= 8888
BOOK_PORT ?= 8000
JOBS ?= auto
# Kernels are found by name ("python3") and launch `python` from PATH: make it the venv's.
export PATH := $(BIN):$(PATH)
export PYDEVD_DISABLE_FILE_VALIDATION := 1

NPM_STAMP := node_modules/.package-lock.json.installed
HUB_NPM_STAMP := deploy/jupyterhub/node_modules/.package-lock.json.installed

.PHONY: help setup book pdf start test lint bench grade-demo mutate clean
.DEFAULT_GOAL := help

## help: list these targets (what `make` alone prints)
help:
	@echo "Immunotherapy: an interactive course. Students: make start. Checks: make test."
	@echo
	@awk '/^## [a-z-]+: / { sub(/^## /, ""); n = index($$0, ": "); \
		printf "  make %-17s %s\n", substr($$0, 1, n - 1), substr($$0, n + 2); next } \
		/^## / { sub(/^## /, ""); printf "  %-22s %s\n", "", $$0 }' $(MAKEFILE_LIST)


## setup: .venv from requirements.txt and the pinned npm packages (again only when they change)
setup:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@if ! cmp -s requirements.txt $(STAMP); then \
		echo "Installing requirements into $(VENV) ..."; \
		$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt \
		&& cp requirements.txt $(STAMP); \
	fi
	@if ! cmp -s package-lock.json $(NPM_STAMP); then \
		command -v npm >/dev/null || { echo "setup: npm is missing (apt-get install nodejs npm)" >&2; exit 1; }; \
		echo "Installing npm packages into node_modules ..."; \
		npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json $(NPM_STAMP); \
	fi
	@if ! cmp -s deploy/jupyterhub/package-lock.json $(HUB_NPM_STAMP); then \
		echo "Installing JupyterHub's proxy into deploy/jupyterhub/node_modules ..."; \
		npm ci --no-audit --no-fund --loglevel=error --prefix deploy/jupyterhub \
		&& cp deploy/jupyterhub/package-lock.json $(HUB_NPM_STAMP); \
	fi

## book: strict build into _build/html (a warning or a failing cell fails it)
book: setup
	$(BIN)/python -m immunocourse.book.build

## pdf: the whole book as one offline PDF, _build/pdf/immunotherapy-course.pdf
pdf: book
	$(BIN)/python -m immunocourse.book.pdf

## offline: the offline edition, _build/immunotherapy-course-<edition>.zip (book and PDF)
.PHONY: offline
offline: pdf
	$(BIN)/python -m immunocourse.book.offline

## publish: the site to deploy: book, PDF and offline zip, both copied into _build/html/downloads/
##   (BOOK_BASE_URL=https://... adds canonical links, sitemap.xml and robots.txt)
.PHONY: publish
publish: pdf
	rm -rf _build/html/downloads  # else the offline zip would hold the last run's copies
	$(MAKE) offline
	mkdir -p _build/html/downloads
	cp _build/pdf/immunotherapy-course.pdf _build/html/downloads/immunotherapy-course.pdf
	cp "_build/$$($(BIN)/python -c 'from immunocourse.book.offline import zip_name; print(zip_name())')" \
		_build/html/downloads/immunotherapy-course.zip

## start: build the book, then serve JupyterLab and the book on 127.0.0.1
start: book
	$(BIN)/python -m immunocourse.book.launcher --port $(PORT) --book-port $(BOOK_PORT) \
		$(if $(NO_BROWSER),--no-browser)

## test: strict book build, lint, then the whole pytest suite
test: book lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

## lint: ruff over the package, tests, scripts, benchmarks and the nbgrader config; actionlint
lint: setup
	$(BIN)/ruff check $(wildcard immunocourse tests scripts benchmarks quizzes)
	$(BIN)/actionlint $(wildcard .github/workflows/*.yml)

## readability: reading grade (Flesch-Kincaid, SMOG) of every lesson page and safety section
.PHONY: readability
readability: book
	$(BIN)/python -m immunocourse.book.readability

## bench: print build, grading and readability figures for this machine
bench: setup readability
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

## grade-demo: grade three simulated students in _build/grade-demo/
grade-demo: setup
	$(BIN)/python scripts/grade_demo.py

## mutate: mutation testing of the RECIST engine, its explanations and quiz scoring
mutate: setup
	rm -rf mutants
	env -u PYTHONPATH $(BIN)/mutmut run --max-children $$(nproc)
	$(BIN)/python scripts/mutation_score.py

## class-demo: a term of STUDENTS students on JupyterHub and PostgreSQL (as root)
##   (accounts are named CLASS_PREFIX*, default icdemo-)
STUDENTS ?= 20
CLASS_PREFIX ?= icdemo-
.PHONY: class-demo class-demo-clean
class-demo: setup
	$(BIN)/python -m immunocourse.classroom demo --students $(STUDENTS) --prefix $(CLASS_PREFIX)

## class-demo-clean: remove the class demo's accounts (CLASS_PREFIX*), processes and files
class-demo-clean:
	$(BIN)/python -m immunocourse.classroom clean --prefix $(CLASS_PREFIX)

## clean: remove _build, mutants and node_modules
clean:
	rm -rf _build mutants node_modules
