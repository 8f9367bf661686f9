# sojourn — every target first runs `install`, so on a fresh machine
# `make demo` and `make test` are the only two commands a user types.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BYTECODE := $(VENV)/.bytecode
UV_VERSION := 0.13.8

.PHONY: install browser java demo test bench lint lock clean

# Debian's Chromium for the browser tests (Playwright drives it; no browser is downloaded by a
# test tool). Installed once, as root or through sudo.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Bytecode is compiled at install: with PYTHONDONTWRITEBYTECODE=1 (set on some machines) Python
# never writes it, and every `sojourn` start would compile its libraries again (seconds).
install: $(STAMP) $(BYTECODE)
	@$(BIN)/python -m compileall -q -j 0 src

$(BYTECODE): $(STAMP)
	@$(BIN)/python -m compileall -qq -j 0 "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" \
	  || echo "note: some installed files do not compile (they keep no bytecode)"
	@touch $@

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

demo: install
	$(BIN)/sojourn demo

browser:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }

# Debian's OpenJDK 17 for the Spark tests (PySpark runs Spark in a JVM). Installed once, as
# root or through sudo.
JAVA ?= /usr/bin/java

java:
	@test -x $(JAVA) || { $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q openjdk-17-jre-headless; }

test: install browser java
	$(BIN)/pytest -n 2 -q

bench: install
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/resolve.py
	$(BIN)/python bench/er_external.py
	$(BIN)/python bench/er_calibration.py
	$(BIN)/python bench/match.py
	$(BIN)/python bench/status.py
	$(BIN)/python bench/api.py --postgres --workers 2
	$(BIN)/python bench/assess.py
	$(BIN)/python bench/stream.py
	$(BIN)/python bench/safeguards.py
	$(BIN)/python bench/cli_start.py
	$(BIN)/python bench/judgement.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/spark.py --equivalence 20000 --records 1000000
	$(BIN)/python bench/spark_report.py --records 1000000
	$(BIN)/python bench/spark_cluster.py

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

# Re-resolve the locked dependencies after editing pyproject.toml.
lock:
	@test -x $(BIN)/uv || (test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); $(BIN)/python -m pip install -q "uv==$(UV_VERSION)")
	$(BIN)/uv pip compile -q pyproject.toml --extra dev --extra spark --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) .sojourn .pytest_cache .mypy_cache .ruff_cache
