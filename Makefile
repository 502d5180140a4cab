# Two commands do everything on a fresh machine:
#   make run    set up .venv if needed, then launch the app
#   make test   set up .venv if needed, then run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed
NOQT    = .venv-noqt
BUILD   = .venv-build

.PHONY: run test test-noqt lint-imports bench screenshots package docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/tit-app

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# The Qt-free layers pass their tests in an environment without PyQt5.
$(NOQT)/.installed: pyproject.toml
	$(PYTHON) -m venv $(NOQT)
	$(NOQT)/bin/python -m pip install --quiet --upgrade pip
	$(NOQT)/bin/python -m pip install --quiet -e '.[test]'
	# The same dependencies as .venv, minus Qt and the pytest plugin that needs it.
	$(NOQT)/bin/python -m pip uninstall --quiet --yes PyQt5 PyQt5-Qt5 PyQt5-sip pytest-qt
	touch $@

test-noqt: $(NOQT)/.installed
	$(NOQT)/bin/python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('PyQt5') is not None)"
	$(NOQT)/bin/python -m pytest tests/core tests/delivery tests/ops

lint-imports: $(STAMP)
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(PY) bench/track_overhead.py
	$(PY) bench/delivery.py
	$(PY) bench/ops.py
	$(PY) bench/scrub.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/gui_responsiveness.py
	$(PY) bench/startup.py

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/tit-app --screenshot docs/screenshots

docs: $(STAMP)
	$(PY) scripts/update_docs.py

# The bundle is built in its own venv: the app's runtime dependencies and PyInstaller, nothing
# from the test extras, and nothing added to the development .venv.
$(BUILD)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BUILD)
	$(BUILD)/bin/python -m pip install --quiet --upgrade pip
	$(BUILD)/bin/python -m pip install --quiet -e . "pyinstaller>=6,<7"
	touch $@

package: $(BUILD)/.installed
	VENV=$(BUILD) scripts/build_bundle

clean:
	rm -rf $(VENV) $(NOQT) $(BUILD) build dist *.egg-info
