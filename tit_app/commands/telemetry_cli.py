"""The argparse tree of `tit-app telemetry`; the handlers live in telemetry.py, passed in by command name."""

from __future__ import annotations

import argparse
from typing import Callable, Mapping

from tit_app import telemetry

Handlers = Mapping[str, Callable[[argparse.Namespace], int]]


class _Choices:
    """Choices looked up only when argparse checks or lists them.

    Every `tit-app` start, the window's included, builds this parser; listing the
    destination kinds and their secrets up front would load their modules each time.
    Arguments using it name their metavar, so building never iterates it.
    """

    def __init__(self, load: Callable[[], tuple[str, ...]]) -> None:
        self._load = load

    def __contains__(self, value: object) -> bool:
        return value in self._load()

    def __iter__(self):
        return iter(self._load())


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 600:
        raise argparse.ArgumentTypeError(f"expected seconds between 0 and 600, got {text!r}")
    return value


def build(subparsers, handlers: Handlers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("telemetry", help="see and control usage and error reporting",
                                   description="See and control what tit-app collects and where it goes.")
    parser.set_defaults(func=handlers["status"], json=False)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    status = commands.add_parser("status", help="on or off and why; pending events; destinations")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(func=handlers["status"])

    enable = commands.add_parser("enable", help="turn telemetry on")
    enable.add_argument("--level", choices=("usage", "errors"), default=None,
                        help="usage: usage statistics and errors (default); errors: errors only")
    enable.set_defaults(func=handlers["enable"])
    commands.add_parser("disable", help="turn telemetry off and delete pending events").set_defaults(func=handlers["disable"])

    show = commands.add_parser("show", help="pending events with the exact payload per destination")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.add_argument("--limit", type=_positive_int, default=20, help="at most N events, newest first (default 20)")
    show.set_defaults(func=handlers["show"])

    flush = commands.add_parser("flush", help="send pending events now")
    flush.add_argument("--timeout", type=_seconds, default=10.0, help="give up after S seconds (default 10)")
    flush.set_defaults(func=handlers["flush"])

    commands.add_parser("purge", help="delete every pending event").set_defaults(func=handlers["purge"])
    export = commands.add_parser("export", help="write pending events and recent history as JSON")
    export.add_argument("file", metavar="FILE", help="output file, or - for standard output")
    export.set_defaults(func=handlers["export"])
    commands.add_parser("reset-id", help="use a new anonymous id from now on (deletes pending events)").set_defaults(
        func=handlers["reset-id"])
    preview = commands.add_parser("preview", help="keep events on this computer (on) or let them leave (off)")
    preview.add_argument("state", metavar="on|off", choices=("on", "off"), help="on: record and show, send nothing")
    preview.set_defaults(func=handlers["preview"])
    notice = commands.add_parser("notice", help="the consent notice as the app shows it, with your destinations")
    notice.add_argument("--markdown", action="store_true", help="Markdown instead of plain text")
    notice.set_defaults(func=handlers["notice"])

    schema = commands.add_parser("schema", help="every event that can be recorded")
    schema.add_argument("--markdown", action="store_true", help="the full docs/telemetry.md")
    schema.set_defaults(func=handlers["schema"])

    _destination_parsers(commands, handlers)

    secret = commands.add_parser("set-secret", help="store a destination secret in the system keyring (read without echo)")
    secret.add_argument("name", metavar="NAME", choices=_Choices(lambda: telemetry.secret_names()),
                        help="one of %(choices)s")
    secret.set_defaults(func=handlers["set-secret"])

    validate = commands.add_parser("validate-ga4", help="check pending events with GA4's validation server")
    validate.add_argument("--limit", type=_positive_int, default=5, help="check at most N pending events (default 5)")
    validate.set_defaults(func=handlers["validate-ga4"])

    crash = commands.add_parser("test-crash", help="crash a child process on purpose and show where its error report went")
    crash.add_argument("--timeout", type=_seconds, default=10.0, help="time for sending the report (default 10)")
    crash.add_argument("--in-child", action="store_true", help=argparse.SUPPRESS)
    crash.set_defaults(func=handlers["test-crash"])
    return parser


def _destination_parsers(commands, handlers: Handlers) -> None:
    kinds = _Choices(lambda: telemetry.destination_kinds())
    destination = commands.add_parser("destination", help="add, remove or list destinations")
    actions = destination.add_subparsers(title="actions", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="enable a destination in your settings")
    add.add_argument("kind", metavar="KIND", choices=kinds, help="one of %(choices)s")
    add.add_argument("url", nargs="?", default=None,
                     help="otlp/json: the endpoint; ga4: optional base URL; sentry: omit to type the DSN hidden")
    add.add_argument("--measurement-id", help="ga4: the G-XXXXXXXXXX id of the web stream")
    add.add_argument("--compression", choices=("gzip", "none"), help="otlp: compress requests")
    add.add_argument("--timeout-ms", type=_positive_int, help="otlp: time limit per request in milliseconds")
    add.add_argument("--recipient", help="who runs this destination (a lab, a company); the consent notice names it")
    add.set_defaults(func=handlers["destination add"])
    remove = actions.add_parser("remove", help="turn a destination off and forget its keyring secret")
    remove.add_argument("name", metavar="KIND", choices=kinds, help="one of %(choices)s")
    remove.set_defaults(func=handlers["destination remove"])
    listing = actions.add_parser("list", help="every destination, on or off, with its source")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=handlers["destination list"])
