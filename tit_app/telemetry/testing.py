"""A test kit for code that uses tit_app telemetry (our tests use it too).

    with isolated_telemetry(tmp_path, consent=True) as eng:
        track_event("sim_ti", {"status": "start"})
        assert [e.name for e in stored_events()] == ["sim_ti"]

Everything is real: a real config file and SQLite store under `tmp_path`.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from . import api
from .destinations.registry import environment_variables
from .engine import Engine
from .model import StoredEvent

# The core's own variables; every destination kind's are added from the registry.
CORE_ENV = ("TIT_HOME", "DO_NOT_TRACK", "TIT_NO_TELEMETRY", "TIT_POLICY_FILE", "TIT_TELEMETRY_DEBUG")


def controlled_env() -> tuple[str, ...]:
    """Every variable isolated_telemetry clears and restores."""
    return CORE_ENV + environment_variables()


@contextmanager
def isolated_telemetry(home: Path, consent: bool | None = None, level: str = "usage",
                       env: dict[str, str] | None = None, review_delay_s: float = 0.0) -> Iterator[Engine]:
    """A fresh engine with its own TIT_HOME; the environment is restored afterwards.

    consent=True/False answers the consent question first; None leaves it unasked.
    The policy file points inside `home`, so the machine's own policy never leaks in.
    `review_delay_s` is the wait after Enable before anything leaves: the app's is 60 s,
    here it is 0 unless a test is about that wait.
    """
    controlled = controlled_env()
    saved = {name: os.environ.get(name) for name in controlled}
    for name in controlled:
        os.environ.pop(name, None)
    os.environ["TIT_HOME"] = str(home)
    os.environ["TIT_POLICY_FILE"] = str(Path(home) / "policy.toml")
    os.environ.update(env or {})
    engine = api.reset_engine(Engine(review_delay_s=review_delay_s))
    engine.attach_driver(None)  # tests drive persist/send themselves
    try:
        if consent is not None:
            api.set_enabled(consent, level)
        yield engine
    finally:
        api.reset_engine()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def stored_events() -> list[StoredEvent]:
    """Persist whatever is buffered and return the pending events, oldest first."""
    return [p.event for p in reversed(api.pending())]
