"""A canary secret through every path (issue 11, "Secrets"): set-secret, status, show,
export, destination list and add, DEBUG logs, a broken keyring. It appears in no output,
no log line and no file except the keyring's own. Insecure keyrings are refused.
"""

from __future__ import annotations

import io
import json
import logging
import time

import pytest

from tit_app.cli import main
from tit_app.telemetry.destinations import registry, secrets

from .keyring_backend import BrokenKeyring
from .sink import Reply

CANARY = "tit-canary-5e1f0c2d9b7a4e33"
GA4 = registry.secrets()["ga4_api_secret"]


@pytest.fixture
def tele(isolated_env):
    from tit_app.telemetry.testing import isolated_telemetry

    with isolated_telemetry(isolated_env) as engine:
        yield engine


def run(capsys, monkeypatch, *argv, stdin: str = "") -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["telemetry", *argv])
    out, err = capsys.readouterr()
    return code, out + err


def files_holding(root, needle: str, except_file=None) -> list[str]:
    return [str(p) for p in root.rglob("*")
            if p.is_file() and p != except_file and needle.encode() in p.read_bytes()]


def test_the_canary_appears_in_no_output_log_or_file(tele, capsys, monkeypatch, sink, tmp_path, caplog,
                                                      file_keyring):
    """Every path: 0 occurrences of the canary outside the keyring's own file (before: DEBUG log 1, URL paths 3)."""
    caplog.set_level(logging.DEBUG)
    outputs = []
    code, out = run(capsys, monkeypatch, "set-secret", "ga4_api_secret", stdin=CANARY + "\n")
    assert code == 0 and file_keyring.get_password("tit-app", "ga4_api_secret") == CANARY
    outputs.append(out)
    monkeypatch.setenv("TIT_GA4_MEASUREMENT_ID", "G-TEST12345")
    monkeypatch.setenv("TIT_GA4_ENDPOINT", sink.url)
    outputs.append(run(capsys, monkeypatch, "enable")[1])
    from tit_app import telemetry

    telemetry.track_event("app_launch", _blocking=True)
    for argv in (("status",), ("status", "--json"), ("show",), ("show", "--json"), ("export", "-"),
                 ("export", str(tmp_path / "export.json")), ("destination", "list"), ("destination", "list", "--json")):
        outputs.append(run(capsys, monkeypatch, *argv)[1])
    sink.default = Reply(400, body=f"bad api_secret={CANARY} from {CANARY}".encode())  # a server echoing it
    outputs.append(run(capsys, monkeypatch, "flush", "--timeout", "2")[1])
    outputs.append(run(capsys, monkeypatch, "status")[1])
    for credentials in (f"http://u:{CANARY}@127.0.0.1:9/ingest", f"https://collector.example.com/?token={CANARY}"):
        code, out = run(capsys, monkeypatch, "destination", "add", "json", credentials)
        assert code == 2 and "credentials" in out
        outputs.append(out)
    assert len(sink.requests) == 1 and sink.requests[0].query["api_secret"] == [CANARY]  # it did go where it belongs
    assert [o for o in outputs if CANARY in o] == []
    assert [r.getMessage() for r in caplog.records if CANARY in r.getMessage()] == []
    assert any("/mp/collect" in r.getMessage() for r in caplog.records)  # urllib3 did log the request line
    assert files_holding(tmp_path, CANARY, except_file=file_keyring.path) == []


def test_a_broken_keyring_never_echoes_the_value(tele, capsys, monkeypatch, tmp_path, caplog):
    """A backend whose errors quote the value: set-secret exit 1, 0 canaries in output, hint or logs."""
    import keyring

    caplog.set_level(logging.DEBUG)
    keyring.set_keyring(BrokenKeyring(tmp_path / "broken.json"))  # file_keyring restores the previous one
    code, out = run(capsys, monkeypatch, "set-secret", "ga4_api_secret", stdin=CANARY + "\n")
    assert code == 1 and "TIT_GA4_API_SECRET" in out and CANARY not in out
    assert secrets.get_secret(GA4) is None and "RuntimeError" in secrets.last_hint
    assert [r for r in caplog.records if CANARY in r.getMessage()] == []


def test_plaintext_keyrings_alt_is_refused(tele, capsys, monkeypatch, tmp_path):
    """keyrings.alt's PlaintextKeyring (what `make run` got): exit 1, the message names the variable, 0 files written."""
    import keyring

    plaintext = pytest.importorskip("keyrings.alt.file").PlaintextKeyring()
    plaintext.file_path = str(tmp_path / "plain" / "keyring_pass.cfg")
    keyring.set_keyring(plaintext)
    code, out = run(capsys, monkeypatch, "set-secret", "ga4_api_secret", stdin=CANARY + "\n")
    assert code == 1 and "unencrypted" in out and "TIT_GA4_API_SECRET" in out
    assert not (tmp_path / "plain").exists()


@pytest.mark.parametrize("backend", ["fail", "null", "low-priority"])
def test_insecure_backends_are_refused_for_reading_and_writing(backend, tmp_path):
    """fail, null and any backend below priority 1: set refused, get None with a hint naming the variable."""
    import keyring
    from keyring.backends import fail, null

    from .keyring_backend import SuiteKeyring

    def low_priority():
        backend = SuiteKeyring(tmp_path / "k.json")
        backend.priority = 0.5  # an instance attribute: no new backend class registered with keyring
        return backend

    chosen = {"fail": fail.Keyring, "null": null.Keyring, "low-priority": low_priority}
    keyring.set_keyring(chosen[backend]())
    with pytest.raises(secrets.SecretStoreError, match="TIT_GA4_API_SECRET"):
        secrets.set_secret(GA4, CANARY)
    assert secrets.get_secret(GA4) is None and "TIT_GA4_API_SECRET" in secrets.last_hint
    assert not (tmp_path / "k.json").exists()


def test_the_chainer_uses_only_its_secure_members(tmp_path, file_keyring, monkeypatch):
    """keyring's chainer over [plaintext, suite keyring]: the secret lands in the secure one only."""
    import keyring
    from keyring.backends import chainer

    plaintext = pytest.importorskip("keyrings.alt.file").PlaintextKeyring()
    plaintext.file_path = str(tmp_path / "plain" / "keyring_pass.cfg")
    # Plaintext first, as a worst case; the chainer's own pick would write there.
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [plaintext, file_keyring])
    keyring.set_keyring(chainer.ChainerBackend())
    secrets.set_secret(GA4, CANARY)
    assert file_keyring.get_password("tit-app", "ga4_api_secret") == CANARY
    assert not (tmp_path / "plain").exists()


def test_the_suite_keyring_is_selected_only_inside_tests():
    """No keyring.backends entry point and no keyringrc in the project selects the suite's backend."""
    from importlib.metadata import entry_points
    from pathlib import Path

    assert not any("tests" in ep.value for ep in entry_points(group="keyring.backends"))
    root = Path(__file__).resolve().parents[2]
    assert not [p for p in root.glob("*keyringrc*")] and not (root / "keyringrc.cfg").exists()


def test_ga4_debug_logs_hide_the_api_secret(sink, caplog):
    """urllib3's DEBUG request line for GA4: 1 line logged, 0 holding the secret (before: 1)."""
    from tit_app.telemetry.destinations.ga4 import Ga4Exporter

    from .factory import NOW, events

    caplog.set_level(logging.DEBUG)
    exporter = Ga4Exporter(sink.url, "G-TEST12345", CANARY)
    try:
        assert exporter.export(events(1, age_s=NOW - time.time() + 60), time.time()).verdict.value == "sent"
    finally:
        exporter.close()
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("urllib3")]
    assert any("api_secret=<hidden>" in line for line in lines)
    assert [line for line in lines if CANARY in line] == []
    assert json.loads(sink.requests[0].body)["events"][0]["name"] == "sim_ti"


def test_credentials_written_into_the_settings_file_by_hand_are_never_shown(tele, capsys, monkeypatch, isolated_env):
    """destinations.json edited by hand with user:CANARY@ and token=CANARY: 0 canaries printed, a problem named."""
    from tit_app.telemetry.destinations.settings import user_file

    user_file().parent.mkdir(parents=True, exist_ok=True)
    user_file().write_text(json.dumps({"version": 1, "destinations": {"json": {
        "enabled": True, "url": f"http://user:{CANARY}@127.0.0.1:9/ingest?token={CANARY}"}}}))
    printed = "".join(run(capsys, monkeypatch, *argv)[1] for argv in (
        ("status",), ("status", "--json"), ("destination", "list"), ("destination", "list", "--json"), ("notice",)))
    assert CANARY not in printed
    assert "destinations.json json.url: the URL holds credentials" in printed
