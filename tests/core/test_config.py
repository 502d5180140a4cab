"""Settings file: corruption never turns telemetry on, writes are atomic and owner-only."""

from __future__ import annotations

import json
import logging
import os
import stat

import pytest

from tit_app import telemetry
from tit_app.telemetry.config import TelemetryConfig, config_path, new_client_id


def write_config(text: str) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_defaults(telemetry_home):
    cfg = telemetry.load_config()
    assert (cfg.enabled, cfg.consent_shown, cfg.level, cfg.consent_at) == (False, False, "usage", None)
    assert cfg.client_id is None  # no anonymous id exists before the user agrees


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[1, 2, 3]",
        '"enabled"',
        "null",
        '{"enabled": "true", "consent_shown": "yes"}',
        '{"enabled": 1, "consent_shown": 1}',
        '{"enabled": true, "consent_shown": true, "level": "everything"}',
        '{"enabled": "false"}',
        "\x00\x01garbage",
    ],
)
def test_corrupt_file_never_turns_telemetry_on(telemetry_home, text):
    write_config(text)
    telemetry_home.invalidate()
    cfg = telemetry.load_config()
    if cfg.enabled:
        # Only a well-typed true survives, and only with a valid level.
        assert cfg.level in ("usage", "errors")
        assert '"enabled": true' in text
    else:
        assert telemetry.is_enabled() is False


def test_wrongly_typed_values_fall_back_one_by_one(telemetry_home):
    write_config('{"enabled": "false", "consent_shown": true, "level": "errors", "client_id": 42}')
    cfg = telemetry.load_config()
    assert cfg.enabled is False and cfg.consent_shown is True and cfg.level == "errors"
    assert cfg.client_id is None and cfg.repair_needed


def test_unknown_keys_are_kept(telemetry_home):
    write_config('{"enabled": false, "consent_shown": true, "future_option": {"a": 1}}')
    cfg = telemetry.load_config()
    cfg.level = "errors"
    assert telemetry.save_config(cfg)
    saved = json.loads(config_path().read_text())
    assert saved["future_option"] == {"a": 1} and saved["level"] == "errors"


def test_save_is_owner_only_and_atomic(telemetry_home):
    cfg = TelemetryConfig(enabled=True, consent_shown=True)
    assert telemetry.save_config(cfg)
    mode = stat.S_IMODE(os.stat(config_path()).st_mode)
    assert mode == 0o600
    leftovers = [p.name for p in config_path().parent.iterdir() if p.name != "telemetry.json"]
    assert leftovers == []  # the temp file was renamed, not left behind
    assert json.loads(config_path().read_text())["enabled"] is True


def test_replacing_keeps_old_file_intact_until_rename(telemetry_home):
    telemetry.save_config(TelemetryConfig(enabled=False, consent_shown=True))
    inode_before = os.stat(config_path()).st_ino
    telemetry.save_config(TelemetryConfig(enabled=True, consent_shown=True, client_id=new_client_id()))
    assert os.stat(config_path()).st_ino != inode_before  # a new file replaced the old one


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_directory_keeps_choice_for_session(telemetry_home, tmp_path, caplog):
    config_dir = config_path().parent
    config_dir.mkdir(parents=True, exist_ok=True)
    config_dir.chmod(0o500)
    try:
        _check_session_fallback(caplog)
    finally:
        config_dir.chmod(0o700)


def test_config_path_that_is_not_a_directory_keeps_choice_for_session(telemetry_home, tmp_path, caplog):
    # Works as root too: a file where the config folder should be cannot be written into.
    (tmp_path / "config").write_text("not a folder")
    _check_session_fallback(caplog)


def _check_session_fallback(caplog):
    with caplog.at_level(logging.WARNING):
        assert telemetry.set_enabled(True) is False  # could not be saved
        assert telemetry.set_enabled(False) is False
    cfg = telemetry.load_config()
    assert cfg.consent_shown is True and cfg.enabled is False  # not asked again this session
    warnings = [r for r in caplog.records if "kept for this session" in r.getMessage()]
    assert len(warnings) == 1  # one warning, not one per attempt
    assert telemetry.status().problems  # the reason is visible to the user


def test_unreadable_file_yields_defaults(telemetry_home, tmp_path):
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().mkdir()  # a directory where the file should be: reading raises OSError
    cfg = telemetry.load_config()
    assert cfg.enabled is False and cfg.consent_shown is False
