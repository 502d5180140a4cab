"""`tit-app telemetry ...` in-process through argparse, against an isolated TIT_HOME."""

from __future__ import annotations

import io
import json

import pytest

from tit_app.cli import main

from .sink import Reply, free_port

GA4_SECRET = "Zq8wGa4ApiSecretValue-123456"
TOKEN = "json-bearer-token-abcdef-987654"
RUN = {"status": "success", "run_id": "r1", "duration_s": 2.0, "plane": "axial", "grid_size": 32}


@pytest.fixture
def tele(isolated_env):
    """A fresh engine on this test's TIT_HOME (the lead's test kit); no background thread."""
    from tit_app.telemetry.testing import isolated_telemetry

    with isolated_telemetry(isolated_env) as engine:
        yield engine


def run(capsys, *argv, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["telemetry", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def record(count=1):
    from tit_app import telemetry

    for _ in range(count):
        telemetry.track_event("sim_ti", RUN, _blocking=True)


def test_status_before_consent(tele, capsys):
    code, out, _ = run(capsys, "status")
    assert code == 0 and "Telemetry: Off: you have not been asked yet" in out
    assert "Pending events: 0" in out and "ga4" in out and "otlp" in out


def test_bare_telemetry_shows_status(tele, capsys):
    assert "Telemetry:" in run(capsys)[1]


def test_enable_disable_and_status_json(tele, capsys):
    code, out, _ = run(capsys, "enable", "--level", "errors")
    assert code == 0 and "On (errors only)" in out
    data = json.loads(run(capsys, "status", "--json")[1])
    assert data["enabled"] is True and data["level"] == "errors" and len(data["destinations"]) == 4
    code, out, _ = run(capsys, "disable")
    assert code == 0 and "Telemetry is off" in out
    assert json.loads(run(capsys, "status", "--json")[1])["enabled"] is False


def test_enable_under_do_not_track_fails_with_the_reason(tele, capsys, monkeypatch):
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    code, out, _ = run(capsys, "enable")
    assert code == 1 and "DO_NOT_TRACK" in out


def test_show_prints_the_exact_payload_per_destination(tele, capsys, sink, monkeypatch):
    monkeypatch.setenv("TIT_JSON_ENDPOINT", sink.url + "/ingest")
    monkeypatch.setenv("TIT_JSON_TOKEN", TOKEN)
    run(capsys, "enable")
    record(2)
    code, out, _ = run(capsys, "show", "--limit", "1")
    assert code == 0 and "1 pending event(s)" in out and "payload for json:" in out and '"run_id":"r1"' in out
    items = json.loads(run(capsys, "show", "--json")[1])
    assert len(items) == 3 and set(items[0]["payloads"]) == {"json"}  # first_run and two runs
    assert json.loads(items[0]["payloads"]["json"])["events"][0]["name"] == "sim_ti"
    assert TOKEN not in out


def test_show_without_destinations_shows_the_stored_form(tele, capsys):
    run(capsys, "enable")
    record()
    assert "no configured destination takes this event" in run(capsys, "show")[1]


def test_flush_delivers_and_reports(tele, capsys, sink, monkeypatch):
    monkeypatch.setenv("TIT_JSON_ENDPOINT", sink.url + "/ingest")
    run(capsys, "enable")
    record(3)
    code, out, _ = run(capsys, "flush", "--timeout", "5")
    assert code == 0 and "Nothing left to send" in out
    assert sum(len(json.loads(r.body)["events"]) for r in sink.requests) == 4  # first_run + 3


def test_flush_failure_is_exit_1_on_stderr(tele, capsys, monkeypatch):
    monkeypatch.setenv("TIT_JSON_ENDPOINT", f"http://127.0.0.1:{free_port()}/ingest")
    run(capsys, "enable")
    record()
    code, out, err = run(capsys, "flush", "--timeout", "1")
    assert code == 1 and err.startswith("tit-app: error: ") and "still pending" in err


def test_flush_without_a_destination_says_so_and_succeeds(tele, capsys):
    run(capsys, "enable")
    record(2)
    code, out, err = run(capsys, "flush", "--timeout", "1")
    assert code == 0 and not err
    assert "No destination is configured" in out and "3 pending event(s) stay on this computer" in out


def test_purge_export_and_reset_id(tele, capsys, tmp_path):
    run(capsys, "enable")
    record(2)
    target = tmp_path / "export.json"
    assert run(capsys, "export", str(target))[0] == 0
    document = json.loads(target.read_text())
    assert len(document["pending"]) == 3 and document["pending"][0]["event"]["name"] in ("sim_ti", "first_run")
    assert json.loads(run(capsys, "export", "-")[1])["client_id"] == document["client_id"]
    code, out, _ = run(capsys, "purge")
    assert code == 0 and "Deleted 3" in out
    code, out, _ = run(capsys, "reset-id")
    assert code == 0 and document["client_id"] not in out


def test_schema_table_and_markdown(tele, capsys):
    code, out, _ = run(capsys, "schema")
    assert code == 0 and out.splitlines()[0].split() == ["EVENT", "LEVEL", "PARAMETERS"] and "sim_ti" in out
    code, out, _ = run(capsys, "schema", "--markdown")
    for heading in ("# What tit-app collects", "### `sim_ti`", "## Added to every event", "## Never collected",
                    "### Google Analytics 4", "### OpenTelemetry collector", "### GlitchTip / Sentry",
                    "## Local queue: retention and bounds", "## Seeing, exporting and deleting your data"):
        assert heading in out


def test_destination_add_list_remove(tele, capsys, isolated_env):
    code, out, _ = run(capsys, "destination", "add", "otlp", "http://localhost:4318", "--compression", "gzip")
    assert code == 0 and "Added otlp" in out and "set-secret otlp_headers" in out
    rows = {r["name"]: r for r in json.loads(run(capsys, "destination", "list", "--json")[1])}
    assert rows["otlp"]["enabled"] and rows["otlp"]["source"] == "user"
    assert rows["otlp"]["url"] == "http://localhost:4318/v1/logs"
    assert [e.name for e in tele.exporters()] == ["otlp"]  # the running engine picked it up
    code, out, _ = run(capsys, "destination", "remove", "otlp")
    assert code == 0 and tele.exporters() == []


def test_destination_add_refuses_plain_http_outside_this_machine(tele, capsys):
    code, _, err = run(capsys, "destination", "add", "json", "http://ingest.example.com/e")
    assert code == 2 and err.startswith("tit-app: error: URL: plain http://")


def test_usage_errors_exit_2(tele, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["telemetry", "show", "--limit", "0"])
    assert caught.value.code == 2
    capsys.readouterr()


def test_set_secret_from_a_pipe_goes_to_the_keyring_and_is_never_printed(tele, capsys, monkeypatch, file_keyring):
    code, out, _ = run(capsys, "set-secret", "ga4_api_secret", stdin=GA4_SECRET + "\n", monkeypatch=monkeypatch)
    assert code == 0 and "Zq8w…(28 chars)" in out and GA4_SECRET not in out
    assert file_keyring.get_password("tit-app", "ga4_api_secret") == GA4_SECRET


def test_set_secret_without_a_keyring_names_the_variable(tele, capsys, monkeypatch, fail_keyring):
    code, out, err = run(capsys, "set-secret", "json_token", stdin=TOKEN + "\n", monkeypatch=monkeypatch)
    assert code == 1 and "TIT_JSON_TOKEN" in err and TOKEN not in out + err


def test_sentry_dsn_is_read_hidden_not_from_the_command_line(tele, capsys, monkeypatch, file_keyring):
    dsn = "https://fedcba9876543210fedcba9876543210@glitchtip.example.com/7"
    code, out, _ = run(capsys, "destination", "add", "sentry", stdin=dsn + "\n", monkeypatch=monkeypatch)
    assert code == 0 and file_keyring.get_password("tit-app", "sentry_dsn") == dsn
    listing = run(capsys, "destination", "list")[1]
    assert "https://glitchtip.example.com/7" in listing
    assert "fedcba9876543210" not in listing


def test_no_secret_in_any_output(tele, capsys, sink, monkeypatch):
    monkeypatch.setenv("TIT_GA4_MEASUREMENT_ID", "G-TEST12345")
    monkeypatch.setenv("TIT_GA4_API_SECRET", GA4_SECRET)
    monkeypatch.setenv("TIT_GA4_ENDPOINT", sink.url)
    monkeypatch.setenv("TIT_JSON_ENDPOINT", sink.url + "/ingest")
    monkeypatch.setenv("TIT_JSON_TOKEN", TOKEN)
    run(capsys, "enable")
    record()
    sink.script(Reply(500, body=f"echo {GA4_SECRET}".encode()), Reply(500, body=f"echo {TOKEN}".encode()))
    outputs = [run(capsys, *argv) for argv in (("flush", "--timeout", "2"), ("status",), ("status", "--json"),
                                                ("show",), ("show", "--json"), ("export", "-"),
                                                ("destination", "list"), ("destination", "list", "--json"))]
    text = "".join(out + err for _, out, err in outputs)
    assert GA4_SECRET not in text and TOKEN not in text
    assert "HTTP 500" in text  # the error itself is shown


def test_validate_ga4_against_the_debug_endpoint(tele, capsys, sink, monkeypatch):
    monkeypatch.setenv("TIT_GA4_MEASUREMENT_ID", "G-TEST12345")
    monkeypatch.setenv("TIT_GA4_API_SECRET", GA4_SECRET)
    monkeypatch.setenv("TIT_GA4_ENDPOINT", sink.url)
    sink.script(Reply(200, body=b'{"validationMessages":[]}'))
    code, out, _ = run(capsys, "validate-ga4")
    assert code == 0 and "no problems in 1 event(s)" in out
    assert sink.requests[0].path == "/debug/mp/collect"
    sink.script(Reply(200, body=b'{"validationMessages":[{"fieldPath":"events","description":"bad","validationCode":"NAME_INVALID"}]}'))
    code, out, _ = run(capsys, "validate-ga4")
    assert code == 1 and "NAME_INVALID" in out and GA4_SECRET not in out


def test_validate_ga4_without_ga4_configured(tele, capsys):
    code, _, err = run(capsys, "validate-ga4")
    assert code == 1 and "GA4 is not configured" in err



def test_building_the_parser_loads_no_destination_kind():
    """Every `tit-app` start builds the parser; the kinds' modules load only when a command needs them."""
    import subprocess
    import sys

    probe = ("import sys; from tit_app.cli import build_parser; build_parser(); "
             "print(sorted(m for m in sys.modules if m.startswith('tit_app.telemetry.destinations.')))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert loaded.stdout.strip() == "[]"


def test_kinds_and_secret_names_are_checked_and_listed(capsys):
    from tit_app.cli import build_parser

    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["telemetry", "set-secret", "password"])
    error = capsys.readouterr().err
    assert "invalid choice: 'password'" in error
    assert all(name in error for name in ("ga4_api_secret", "otlp_headers", "sentry_dsn", "json_token"))
    with pytest.raises(SystemExit):
        parser.parse_args(["telemetry", "destination", "add", "--help"])
    assert "one of ga4, otlp, sentry, json" in capsys.readouterr().out


def _tit_app(*args: str, env: dict, stdout=None):
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-m", "tit_app", *args], env=env, stdout=stdout,
                            stderr=subprocess.PIPE, text=True)


def test_a_closed_pipe_ends_quietly_without_a_traceback(isolated_env):
    """`tit-app telemetry status | head`: the reader is gone before the output is written."""
    import os
    import subprocess

    for args in (("telemetry", "status"), ("telemetry", "show"), ("--help",)):
        process = _tit_app(*args, env=dict(os.environ), stdout=subprocess.PIPE)
        process.stdout.close()
        _, err = process.communicate(timeout=60)
        assert "Traceback" not in err and "BrokenPipeError" not in err, args
        assert process.returncode in (0, 141), args


def test_without_a_display_the_app_says_what_it_needs_and_exits_2(isolated_env):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    process = _tit_app(env=env)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.startswith("tit-app: error: there is no display") and "QT_QPA_PLATFORM=offscreen" in err
    assert "Reinstalling the application" not in err and "Traceback" not in err


def test_a_wayland_only_session_is_told_to_choose_wayland(isolated_env):
    from tit_app.display_check import display_problem

    problem = display_problem({"WAYLAND_DISPLAY": "wayland-0"})
    assert problem is not None and "QT_QPA_PLATFORM=wayland" in problem
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_an_unloadable_x11_plugin_is_named_instead_of_qts_abort(isolated_env, tmp_path):
    """A PyQt5 whose xcb plugin the loader rejects (here: not a shared library at all)."""
    import os

    platforms = tmp_path / "fake" / "PyQt5" / "Qt5" / "plugins" / "platforms"
    platforms.mkdir(parents=True)
    (platforms.parent.parent.parent / "__init__.py").write_text("")
    (platforms / "libqxcb.so").write_bytes(b"not a shared library")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=":99", PYTHONPATH=os.pathsep.join([str(tmp_path / "fake"), env.get("PYTHONPATH", "")]))
    process = _tit_app(env=env)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.startswith("tit-app: error: Qt's X11 plugin cannot be loaded: ") and "libqxcb.so" in err
    assert "libxcb-icccm4" in err and "Traceback" not in err
