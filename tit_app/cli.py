"""`tit-app`: the desktop app by default, subcommands for headless use.

Qt is imported only when a window is needed, so `tit-app run` and `tit-app telemetry`
work on machines without a display (and without PyQt5).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from tit_app import __version__

SUBCOMMANDS = ("tit_app.commands.run", "tit_app.commands.telemetry")


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
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is not None:
        return args.func(args)
    if args.self_test:
        from tit_app.selftest import run_self_test

        return run_self_test()
    return _launch_gui(args)


def _launch_gui(args: argparse.Namespace) -> int:
    try:
        from tit_app.ui.app import run_app
    except ImportError as exc:
        print(f"tit-app: error: the desktop app needs PyQt5 ({exc}); headless commands: tit-app --help",
              file=sys.stderr)
        return 1
    return run_app(screenshot_dir=args.screenshot)


if __name__ == "__main__":
    raise SystemExit(main())
