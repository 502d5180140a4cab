"""`tit-app`: the desktop app by default, subcommands for headless use.

Qt is imported only when a window is needed, so `tit-app run` and `tit-app telemetry`
work on machines without a display (and without PyQt5). Exit codes: 0 done, 1 failed,
2 usage error or no display for the window, 70 an internal error (a crash); output cut short by a closed pipe
(`tit-app telemetry status | head`) ends quietly with 141, as a shell tool killed by SIGPIPE.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from tit_app import __version__

SUBCOMMANDS = ("tit_app.commands.run", "tit_app.commands.telemetry")
EXIT_CRASH = 70  # EX_SOFTWARE (sysexits.h): an internal error
EXIT_NO_DISPLAY = 2
EXIT_BROKEN_PIPE = 128 + 13  # 128 + SIGPIPE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tit-app",
        description="Temporal-interference stimulation planning. Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"tit-app {__version__}")
    parser.add_argument("--self-test", action="store_true", help="check the installation and exit")
    parser.add_argument("--screenshot", metavar="DIR", help="render the main windows to PNG files in DIR and exit")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module_name in SUBCOMMANDS:
        importlib.import_module(module_name).add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        try:
            return _run(argv)
        finally:
            sys.stdout.flush()  # a closed pipe shows here for output still in the buffer (even after --help)
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say to it, and no traceback. Point stdout
        # at /dev/null so the interpreter's own flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is not None:
        return _run_command(args)
    if args.self_test:
        from tit_app.selftest import run_self_test

        return run_self_test()
    return _launch_gui(args)


def _run_command(args: argparse.Namespace) -> int:
    """Run a subcommand; an exception nobody caught is recorded (as consent allows) and exits 70."""
    from tit_app import telemetry

    telemetry.install_crash_handler("cli")
    try:
        return args.func(args)
    except BrokenPipeError:
        raise  # the reader left (`| head`): main() ends quietly, this is no crash
    except Exception as exc:
        record = telemetry.report_crash(exc, "cli")
        print(f"tit-app: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"tit-app: {_crash_fate(record)}", file=sys.stderr)
        return EXIT_CRASH
    finally:
        telemetry.uninstall_crash_handler()  # main() may be called in-process (tests, scripts): leave no hook behind


def _crash_fate(record) -> str:
    if record is None:
        return "the error could not be recorded"
    if record.shared:
        report_id = f" (id {record.event.event_id})" if record.event is not None else ""
        return f"a scrubbed error report{report_id} was queued; see it with `tit-app telemetry show`"
    if record.repeat:
        return "the same error was reported before in this run; it was counted, not queued again"
    return "no error report was kept (error reporting is off)"


def _launch_gui(args: argparse.Namespace) -> int:
    from tit_app.display_check import display_problem

    problem = display_problem()
    if problem:
        print(f"tit-app: error: {problem}", file=sys.stderr)
        return EXIT_NO_DISPLAY
    try:
        from tit_app.ui.app import run_app
    except ImportError as exc:
        print(f"tit-app: error: the desktop app needs PyQt5 ({exc}); headless commands: tit-app --help",
              file=sys.stderr)
        return 1
    return run_app(screenshot_dir=args.screenshot)


if __name__ == "__main__":
    raise SystemExit(main())
