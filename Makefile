# The two commands a new user needs: `make demo` (the main job on the sample) and `make test`.
# Both create .venv and install everything from the package registries on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test rules bench corpus clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test,mindspore,pytorch,keras,paddle,clients,corpus]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash samples/demo.sh

test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

rules: $(STAMP)
	$(BIN)/python -m codemod.docs README.md

clean:
	rm -rf $(VENV) build .pytest_cache

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/fastpath.py $(wildcard ../shared/corpora/model-zoo-sample.tar.gz)
	$(BIN)/python bench/bound.py
	$(BIN)/python bench/locate_overhead.py

corpus: $(STAMP)
	$(BIN)/python bench/corpus.py
