# The two commands a new user needs: `make demo` (the main job on the sample) and `make test`.
# Both create .venv and install from the package registries on first use: `make demo` only what
# samples/demo.sh runs, `make test` everything the tests run (it adds to a demo install; once .venv
# has the test set, `make demo` installs nothing and keeps it).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo

# pip's whole output goes to $(VENV)/pip.log; the terminal gets a line a package (its file and size),
# pip's warnings and last line, and the end of the log if pip fails
PIP_LINES := awk '\
  /^ *(Downloading|Using cached|Processing) / { sub(/ \(from .*\)$$/, ""); sub(/[^ ]*\//, ""); sub(/^ */, "  "); print; fflush(); next } \
  /^Installing collected packages: / { print "  unpacking " gsub(/, /, "") + 1 " packages into $(VENV)"; fflush(); next } \
  /^(Successfully installed|ERROR|WARNING)/ && !/is ignored: it is neither a file nor a directory/ { print; fflush() }'
pip_install = set -o pipefail; { test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); } && \
	$(BIN)/python -m pip install --progress-bar off -e '.[$(1)]' 2>&1 | tee $(VENV)/pip.log | $(PIP_LINES) \
	|| { tail -n 25 $(VENV)/pip.log; echo "pip failed; its whole output is in $(VENV)/pip.log"; exit 1; }

TEST_EXTRAS := test,mindspore,pytorch,keras,paddle,clients,corpus
install_test = echo "Installing reprofix and everything its tests run into $(VENV): MindSpore 2.10, PyTorch 2.14.1 with"; \
	echo "torchvision and its CUDA libraries, Keras 3 with TensorFlow 2.21 (CPU), PaddlePaddle 3, timm, mindcv, OpenCV (~10 GB in all, about 6 minutes)"; \
	$(call pip_install,$(TEST_EXTRAS)) && touch $(STAMP) $(DEMO_STAMP)
install_demo = echo "Installing reprofix with MindSpore 2.10 and PyTorch 2.13 (CPU) for the demo into $(VENV)"; \
	echo "(~3.7 GB, a minute or a few; make test adds the rest, ~10 GB in all)"; \
	$(call pip_install,demo) && touch $(DEMO_STAMP)

.PHONY: install demo test rules bench corpus clean

$(STAMP): pyproject.toml
	@$(install_test)

# a .venv that has the test set keeps it: reinstalled whole when pyproject.toml changes, never swapped for the demo's
$(DEMO_STAMP): pyproject.toml
	@if [ $(STAMP) -nt pyproject.toml ]; then touch $(DEMO_STAMP); elif [ -e $(STAMP) ]; then $(install_test); else $(install_demo); fi

install: $(STAMP)

demo: $(DEMO_STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash samples/demo.sh
	@echo; echo "reprofix is installed in $(BIN): run '. $(BIN)/activate' to put it on your PATH, then 'reprofix --help'"

test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

rules: $(STAMP)
	$(BIN)/python -m codemod.docs docs/rules.md

clean:
	rm -rf $(VENV) build .pytest_cache

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/fastpath.py $(wildcard ../shared/corpora/model-zoo-sample.tar.gz)
	$(BIN)/python bench/bound.py
	$(BIN)/python bench/locate_overhead.py

corpus: $(STAMP)
	$(BIN)/python bench/corpus.py
