"""Damaged settings files (not UTF-8, 1,000 nested brackets, huge): defaults, one message, and the CLI repairs.

The CLI runs as the user runs it: a fresh interpreter per command, each against a freshly
damaged file. All commands run at once (they are independent), so the suite stays quick.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tit_app import telemetry
from tit_app.atomicfile import MAX_SETTINGS_BYTES, FileDamaged, read_settings_text
from tit_app.telemetry.config import ConfigStore, config_path
from tit_app.telemetry.consent import load_policy
from tit_app.telemetry.destinations.settings import read_user_file
from tit_app.telemetry.transport import ConfigError

HUGE = 20_000_000  # 20 MB of valid JSON/TOML: damaged because it is over the 1 MB limit


def damage(kind: str, toml: bool = False) -> bytes:
    if kind == "non-utf8":
        return b'telemetry = "\xff"' if toml else b'{"enabled": true, "consent_shown": true, "x": "\xff"}'
    if kind == "nested":
        return b"telemetry = " + b"[" * 1000 + b"]" * 1000 if toml else b"[" * 1000 + b"]" * 1000
    return b'x = "' + b"a" * HUGE + b'"' if toml else b'{"enabled": true, "x": "' + b"a" * HUGE + b'"}'


KINDS = ("non-utf8", "nested", "huge")
COMMANDS = (("status",), ("enable",), ("disable",), ("reset-id",))
FILES = {"telemetry.json": "config/telemetry.json", "policy.toml": "policy.toml",
         "destinations.json": "config/destinations.json"}


def _env(home: Path) -> dict[str, str]:
    from tit_app.telemetry.testing import controlled_env

    env = {k: v for k, v in os.environ.items() if k not in controlled_env() and k != "TIT_TELEMETRY_STRICT"}
    return {**env, "TIT_HOME": str(home), "TIT_POLICY_FILE": str(home / "policy.toml")}


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    """(file, damage, command) -> (exit code, stdout, stderr, the damaged file's bytes afterwards)."""
    started = {}
    for name, relative in FILES.items():
        for kind in KINDS:
            for command in COMMANDS:
                home = tmp_path_factory.mktemp("home")
                target = home / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(damage(kind, toml=name.endswith(".toml")))
                proc = subprocess.Popen([sys.executable, "-m", "tit_app.cli", "telemetry", *command], env=_env(home),
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                started[name, kind, command[0]] = (proc, target)
    results = {}
    for key, (proc, target) in started.items():
        out, err = proc.communicate(timeout=300)
        results[key] = (proc.returncode, out, err, target.read_bytes())
    return results


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", [c[0] for c in COMMANDS])
def test_cli_repairs_a_damaged_telemetry_json(cli_runs, kind, command):
    """Per command and damage: exit 0 (base: exit 1 with a traceback for non-UTF-8 and nesting),
    0 tracebacks, and telemetry.json is valid JSON afterwards, off unless the command enabled it."""
    code, out, err, after = cli_runs["telemetry.json", kind, command]
    assert code == 0, err
    assert "Traceback" not in err
    saved = json.loads(after.decode("utf-8"))
    assert saved["enabled"] is (command == "enable")
    if command == "status":
        assert "telemetry.json" in out and "Telemetry: Off" in out


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", [c[0] for c in COMMANDS])
def test_cli_works_with_a_damaged_policy_that_fails_closed(cli_runs, kind, command):
    """0 tracebacks (base: 4 of 4 commands exit 1 with a traceback on 1,000 nested brackets); the
    policy counts as "off": enable exits 1 naming the administrator's policy, the others exit 0."""
    code, out, err, after = cli_runs["policy.toml", kind, command]
    assert "Traceback" not in err
    assert code == (1 if command == "enable" else 0), err
    if command in ("status", "enable"):
        assert "administrator's policy" in out
    assert after == damage(kind, toml=True)  # the administrator's file is never rewritten


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", [c[0] for c in COMMANDS])
def test_cli_works_with_a_damaged_destinations_json(cli_runs, kind, command):
    """Exit 0 and 0 tracebacks for every command (base: tracebacks on 1,000 nested brackets);
    status names destinations.json among the problems."""
    code, out, err, _after = cli_runs["destinations.json", kind, command]
    assert code == 0, err
    assert "Traceback" not in err
    if command == "status":
        assert "destinations.json" in out


# -- in process -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_damaged_telemetry_json_reads_as_off_with_one_message_naming_it(telemetry_home, kind, caplog):
    """Damaged and loaded 3 times: telemetry off, 1 warning naming telemetry.json, repair asked for."""
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_bytes(damage(kind))
    store = ConfigStore()
    with caplog.at_level(logging.WARNING):
        loaded = [store.load() for _ in range(3)]
    assert all(not cfg.enabled and cfg.repair_needed for cfg in loaded)
    assert "telemetry.json" in store.last_error
    assert len([r for r in caplog.records if "telemetry.json" in r.getMessage()]) == 1


def test_saving_over_a_damaged_telemetry_json_repairs_it_and_clears_the_message(telemetry_home):
    """1 damaged file; after set_enabled(True): valid, enabled, and 0 problems name telemetry.json."""
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_bytes(damage("nested"))
    telemetry_home.invalidate()
    assert telemetry.is_enabled() is False
    assert telemetry.set_enabled(True) is True
    assert json.loads(config_path().read_text("utf-8"))["enabled"] is True
    assert not [p for p in telemetry.status().problems if "telemetry.json" in p]


def test_a_2_gb_sparse_settings_file_reads_as_damaged(tmp_path):
    """A 2 GB file (sparse, so it costs no disk): FileDamaged after reading at most 1 MB + 1 byte."""
    path = tmp_path / "telemetry.json"
    with open(path, "wb") as handle:
        handle.truncate(2 * 1024**3)
    with pytest.raises(FileDamaged, match="larger than 1 MB"):
        read_settings_text(path)
    path.write_bytes(b"a" * MAX_SETTINGS_BYTES)
    assert len(read_settings_text(path)) == MAX_SETTINGS_BYTES


@pytest.mark.parametrize("kind", KINDS)
def test_damaged_policy_is_off_and_says_why(tmp_path, kind):
    """Ceiling "off" with a problem, for each damage (fails closed as for invalid TOML)."""
    path = tmp_path / "policy.toml"
    path.write_bytes(damage(kind, toml=True))
    policy = load_policy(path)
    assert policy.ceiling == "off" and policy.problem and len(policy.problem) < 200


@pytest.mark.parametrize("kind", KINDS)
def test_damaged_destinations_json_is_a_config_error_naming_it(telemetry_home, kind):
    """ConfigError naming destinations.json, for each damage (base: RecursionError on nesting)."""
    path = Path(os.environ["TIT_HOME"]) / "config" / "destinations.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(damage(kind))
    with pytest.raises(ConfigError, match="destinations.json"):
        read_user_file()
