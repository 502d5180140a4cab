"""Shared fixtures. Every test runs with its own TIT_HOME and strict telemetry."""

from __future__ import annotations

import os

import pytest

# Undeclared events and parameters fail loudly in tests (issue 2, strict mode).
os.environ["TIT_TELEMETRY_STRICT"] = "1"


@pytest.fixture
def telemetry_home(tmp_path):
    """An isolated telemetry engine with consent not yet asked."""
    from tit_app.telemetry.testing import isolated_telemetry

    with isolated_telemetry(tmp_path) as engine:
        yield engine


@pytest.fixture
def consented(tmp_path):
    """An isolated telemetry engine whose user said yes (usage level)."""
    from tit_app.telemetry.testing import isolated_telemetry

    with isolated_telemetry(tmp_path, consent=True) as engine:
        yield engine
