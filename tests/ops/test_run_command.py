"""``tit-app run ...`` driven in-process through argparse."""

import argparse
import io
import json
import os
import signal
import tomllib
from pathlib import Path

import numpy as np
import pytest

import tit_app.resources
from tit_app.commands import run
from tit_app.operations import OPERATIONS
from tit_app.ops import figures, load
from tit_app.ops.summary import NAME_WIDTH

SIGNATURE = b"\x89PNG\r\n\x1a\n"

CATALOG = Path(tit_app.resources.__file__).parent / "events.toml"


@pytest.fixture(autouse=True)
def quiet_telemetry(tmp_path, monkeypatch):
    monkeypatch.setenv("TIT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TIT_NO_TELEMETRY", "1")


def _run(*argv):
    parser = argparse.ArgumentParser(prog="tit-app")
    run.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["run", *argv])
    return args.func(args)


def test_defaults_alone_are_enough(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert _run("sim-ti", "--out", "result") == 0
    assert (tmp_path / "result.png").read_bytes()[:8] == SIGNATURE
    assert load(tmp_path / "result")["envelope_v_per_m"].shape == (128, 128)
    captured = capsys.readouterr()
    assert "Envelope at target centre" in captured.out and "result.png" in captured.out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json", "result.npz", "result.png"]
    # stderr is not a terminal here: a few plain progress lines.
    assert captured.err.splitlines()[0] == "sim-ti: 0%"
    assert captured.err.splitlines()[-1] == "sim-ti: 100%"


@pytest.mark.parametrize("argv", [
    ("sim-ti", "--pair1", "FT7,TP7", "--pair2", "ft8,tp8", "--current2", "2",
     "--plane", "coronal", "--size", "32"),
    ("sim-mti", "--target", "10,0,20", "--target-radius", "8", "--size", "32"),
    ("flex-search", "--budget", "60", "--restarts", "2", "--seed", "3",
     "--size", "32"),
    ("ex-search", "--electrodes", "F7,F8,P7,P8,Cz", "--top", "2", "--size", "32"),
])
def test_each_operation_writes_its_files(tmp_path, capsys, argv):
    out = tmp_path / "out"
    assert _run(*argv, "--out", str(out)) == 0
    assert (tmp_path / "out.png").read_bytes()[:8] == SIGNATURE
    data = load(out)
    assert data["envelope_v_per_m"].shape == (32, 32)
    assert np.isfinite(data["target_centre_v_per_m"])
    sidecar = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert sidecar["parameters"]["slice"]["size"] == 32
    assert (tmp_path / "out.csv").exists() == (argv[0] == "ex-search")
    printed = capsys.readouterr().out
    assert str(data["kind"]) in printed
    for key, figure in ((k, f) for k, f in figures.BY_KEY.items() if k in data):
        if figure.count or np.isnan(data[key]):
            continue
        assert f"{figure.name:<{NAME_WIDTH}}{figure.text(float(data[key]))}" in printed   # printed = saved


def test_bad_parameter_exits_2_naming_flag_and_field(capsys):
    assert _run("sim-ti", "--pair2", "F8,NOPE") == 2
    error = capsys.readouterr().err
    assert "--pair2" in error and "pair2.cathode" in error and "NOPE" in error
    assert _run("flex-search", "--budget", "0") == 2
    assert "--budget" in capsys.readouterr().err
    assert _run("sim-ti", "--target", "0,0,200") == 2
    assert "outside the head" in capsys.readouterr().err


def test_malformed_option_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as caught:
        _run("sim-ti", "--pair1", "F7")
    assert caught.value.code == 2
    assert "ANODE,CATHODE" in capsys.readouterr().err


def test_missing_output_folder_is_refused_before_running(tmp_path, capsys):
    assert _run("sim-ti", "--out", str(tmp_path / "no" / "such" / "x")) == 2
    captured = capsys.readouterr()
    assert "--out" in captured.err and "%" not in captured.err


class _InterruptingProgress(run.TerminalProgress):
    """Presses Ctrl-C (sends SIGINT to this process) as work starts."""

    def __call__(self, percent):
        super().__call__(percent)
        if not getattr(self, "_sent", False):
            self._sent = True
            os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_cancels_and_exits_130(monkeypatch, capsys):
    monkeypatch.setattr(run, "TerminalProgress", _InterruptingProgress)
    # A budget that would take minutes: only the cancel can end it quickly.
    assert _run("flex-search", "--budget", "2000000") == 130
    assert "cancelled" in capsys.readouterr().err


def test_worker_errors_reach_the_caller():
    def broken(params, progress, token):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run.run_in_worker(broken, None, None, run.CancelToken())


class _FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal():
    stream = _FakeTerminal()
    bar = run.TerminalProgress("sim-ti", stream)
    for percent in (0, 40, 100):
        bar(percent)
    bar.close()
    text = stream.getvalue()
    assert text.count("\r") == 3
    assert "[############------------------]  40%" in text
    assert text.endswith("100%\n")


def test_recorded_parameters_are_in_the_catalog_and_identify_nothing():
    # No catalog is a failure, not a skip: this is the privacy check of every run.
    assert CATALOG.is_file(), f"the telemetry catalog is missing: {CATALOG}"
    events = tomllib.loads(CATALOG.read_text())["events"]
    for operation in OPERATIONS:
        name, event = operation.cli_name, operation.name
        params = operation.build({})
        recorded = operation.safe_params(params)
        assert set(recorded) <= set(events[event]["params"]), name
        assert all(isinstance(v, (int, str)) for v in recorded.values())
        assert not any(isinstance(v, str) and v[:1].isupper()
                       for v in recorded.values())   # no electrode names
