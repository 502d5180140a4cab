"""`tit-app telemetry ...`: see, control and debug telemetry from the command line.

Exit codes follow git and pip: 0 done, 1 the operation failed, 2 usage error.
Errors go to stderr as `tit-app: error: ...`. No command ever prints a secret.
"""

from __future__ import annotations

import argparse
import sys
import time

from tit_app import telemetry
from tit_app.commands import telemetry_views as views

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    _say(f"tit-app: error: {message}", file=sys.stderr)
    return code


def _say(text: str, file=None) -> None:
    """_say(), with control characters escaped: the text may hold a server's or a file's words."""
    print(views.terminal_text(text), file=file)


# -- consent and local data ---------------------------------------------------------------


def cmd_status(args) -> int:
    status = telemetry.status()
    rows = views.destination_rows(telemetry.describe_destinations(), status.destinations)
    if args.json:
        keys = ("enabled", "level", "reason", "client_id", "pending", "dropped", "problems", "receipt", "preview",
                "hold", "changes")
        data = {k: getattr(status, k) for k in keys}
        _say(views.json_text({**data, "destinations": rows}))
    else:
        _say(views.status_text(status, rows, telemetry.loss_report()))
    return EXIT_OK


def cmd_enable(args) -> int:
    saved = telemetry.set_enabled(True, args.level, via="cli")
    status = telemetry.status()
    _say(f"Telemetry: {status.reason}")
    if status.hold:
        _say(f"Nothing leaves yet: {status.hold}.")
    if not saved:
        return _fail("your choice could not be saved and applies to this session only")
    return EXIT_OK if status.enabled else EXIT_FAILED


def cmd_disable(args) -> int:
    pending = telemetry.status().pending
    saved = telemetry.set_enabled(False, via="cli")
    _say(f"Telemetry is off. {pending} pending event(s), the history of sent events and the anonymous id "
          "were deleted; a new id is made only if you turn it on again.")
    _say_deletion_request()
    return EXIT_OK if saved else _fail("your choice could not be saved and applies to this session only")


def _say_deletion_request() -> None:
    takers = telemetry.deletion_destinations()
    if takers:
        _say(f"A request to delete the old id's data is queued for {', '.join(takers)}.")


def cmd_show(args) -> int:
    pending = telemetry.pending(args.limit)
    exporters = telemetry.exporters()
    render = views.show_json if args.json else views.show_text
    _say(render(pending, exporters, time.time()))
    return EXIT_OK


def cmd_flush(args) -> int:
    if not telemetry.exporters():
        # Nothing failed: there is nowhere to send to, so waiting and retrying would not help either.
        pending = telemetry.status().pending
        _say(f"No destination is configured, so nothing is sent; {pending} pending event(s) stay on this "
             "computer. Add one with `tit-app telemetry destination add`.")
        return EXIT_OK
    if telemetry.flush(args.timeout):
        _say("Nothing left to send.")
        return EXIT_OK
    left = telemetry.status()
    return _fail(f"{left.pending} event(s) still pending; they are kept and retried later")


def cmd_purge(args) -> int:
    _say(f"Deleted {telemetry.purge()} pending event(s).")
    return EXIT_OK


def cmd_export(args) -> int:
    if args.file == "-":
        sys.stdout.write(views.json_text(telemetry.local_data()) + "\n")
        return EXIT_OK
    try:
        count = telemetry.export_local_data(args.file)
    except OSError as exc:
        return _fail(f"cannot write {args.file}: {exc.strerror or exc}")
    _say(f"Wrote {args.file} ({count} pending event(s) and the send history).")
    return EXIT_OK


def cmd_reset_id(args) -> int:
    new_id = telemetry.reset_client_id()
    if new_id is None:
        _say("There is no anonymous id to reset: sharing is off. A new id is made if you turn it on.")
        return EXIT_OK
    _say(f"New anonymous id: {new_id}. Pending events under the old id were deleted.")
    _say_deletion_request()
    return EXIT_OK


def cmd_preview(args) -> int:
    saved = telemetry.set_preview(args.state == "on")
    if args.state == "on":
        _say("Preview only: events are recorded and visible (`tit-app telemetry show`); nothing is sent.")
    else:
        _say("Preview off: pending events leave at the next send round.")
    return EXIT_OK if saved else _fail("your choice could not be saved and applies to this session only")


def cmd_notice(args) -> int:
    sys.stdout.write(views.terminal_text(telemetry.consent_notice(plain=not args.markdown)))
    return EXIT_OK


def cmd_schema(args) -> int:
    sys.stdout.write(telemetry.catalog_markdown() if args.markdown else telemetry.catalog_table() + "\n")
    return EXIT_OK


# -- destinations and secrets -------------------------------------------------------------


def _read_secret(prompt: str) -> str:
    """No echo on a terminal; from a pipe, the first line (e.g. `echo $S | tit-app ...`)."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt).strip()
    return (sys.stdin.readline() if sys.stdin is not None else "").strip()


def cmd_destination_add(args) -> int:
    url = args.url
    if args.kind == "sentry" and not url:
        url = _read_secret("Sentry/GlitchTip DSN: ")  # a DSN on the command line would land in shell history
    options = {"measurement_id": args.measurement_id, "compression": args.compression, "timeout_ms": args.timeout_ms,
               "recipient": args.recipient}
    try:
        telemetry.add_destination(args.kind, url, **options)
    except telemetry.ConfigError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except telemetry.SecretStoreError as exc:
        return _fail(str(exc))
    telemetry.reload_destinations()
    _say(f"Added {args.kind}.")
    if telemetry.consent_changes():
        _say("Users who agreed before are asked again, since events now go somewhere new "
              "(`tit-app telemetry enable` agrees here).")
    hint = telemetry.missing_secret_hint(args.kind)
    if hint:
        _say(f"If it needs a secret: {hint}")
    return EXIT_OK


def cmd_destination_remove(args) -> int:
    try:
        notes = telemetry.remove_destination(args.name)
    except telemetry.ConfigError as exc:
        return _fail(str(exc), EXIT_USAGE)
    telemetry.reload_destinations()
    _say(f"Removed {args.name}.")
    for note in notes:
        _say(f"Note: {note}.")
    return EXIT_OK


def cmd_destination_list(args) -> int:
    rows = views.destination_rows(telemetry.describe_destinations(), telemetry.status().destinations)
    _say(views.json_text(rows) if args.json else "\n".join(views.destination_lines(rows)))
    return EXIT_OK


def cmd_set_secret(args) -> int:
    value = _read_secret(f"{args.name} (input hidden): ")
    if not value:
        return _fail("no value given; nothing stored", EXIT_USAGE)
    try:
        masked = telemetry.set_secret(args.name, value)
    except telemetry.SecretStoreError as exc:
        return _fail(str(exc))
    telemetry.reload_destinations()
    _say(f"Stored {args.name} in the system keyring ({masked}).")
    return EXIT_OK


def cmd_validate_ga4(args) -> int:
    try:
        messages, checked = telemetry.validate_ga4(args.limit)
    except LookupError:
        return _fail("GA4 is not configured (set TIT_GA4_MEASUREMENT_ID and TIT_GA4_API_SECRET, "
                     "or `tit-app telemetry destination add ga4 --measurement-id G-...`)")
    for message in messages:
        _say(message)
    if messages:
        return EXIT_FAILED
    _say(f"GA4 validation: no problems in {checked} event(s).")
    return EXIT_OK


def cmd_test_crash(args) -> int:
    from tit_app.commands import crash_check

    if args.in_child:
        crash_check.crash_on_purpose()  # the child: nobody catches it; cli.py records it and exits 70
    crashed, lines = crash_check.run_check(args.timeout)
    for line in lines:
        _say(line)
    return EXIT_OK if crashed else _fail("the test crash did not happen as expected")


HANDLERS = {
    "status": cmd_status, "enable": cmd_enable, "disable": cmd_disable, "show": cmd_show, "flush": cmd_flush,
    "purge": cmd_purge, "export": cmd_export, "reset-id": cmd_reset_id, "schema": cmd_schema,
    "preview": cmd_preview, "notice": cmd_notice,
    "destination add": cmd_destination_add, "destination remove": cmd_destination_remove,
    "destination list": cmd_destination_list, "set-secret": cmd_set_secret, "validate-ga4": cmd_validate_ga4,
    "test-crash": cmd_test_crash,
}


def add_parser(subparsers) -> argparse.ArgumentParser:
    from tit_app.commands.telemetry_cli import build

    return build(subparsers, HANDLERS)
