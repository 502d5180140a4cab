"""`tit-app telemetry test-crash`: crash a child process on purpose and say where its report went.

For administrators checking their error destination end to end: the child is the real
`tit-app` command line, which meets an exception nobody catches inside the app's own code,
records it as `app_crash` (as consent allows) and exits 70. This process then sends what
is pending and reads, from the local history, what each destination made of that report.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tit_app import telemetry

CHILD_TIMEOUT_S = 60
EXIT_CRASH = 70
_REPORT_ID = re.compile(r"\(id ([0-9a-f]{32})\)")


class TestCrashError(RuntimeError):
    """Raised on purpose by `tit-app telemetry test-crash`."""

    __test__ = False  # not a test class, whatever pytest thinks of the name


def crash_on_purpose() -> None:
    raise TestCrashError("tit-app telemetry test-crash: a crash on purpose, to test error reporting")


def run_check(timeout: float) -> tuple[bool, list[str]]:
    """(whether the child crashed as expected, the lines to print)."""
    child = subprocess.run([sys.executable, "-m", "tit_app", "telemetry", "test-crash", "--in-child"],
                           env=dict(os.environ), capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
    if child.returncode != EXIT_CRASH:
        return False, [f"the child process exited with {child.returncode}, not {EXIT_CRASH}: {child.stderr.strip()[-300:]}"]
    found = _REPORT_ID.search(child.stderr)
    lines = [f"The child process crashed on purpose and exited with {EXIT_CRASH}."]
    if found is None:
        return True, lines + ["No report was recorded: error reporting is off "
                              "(turn it on with `tit-app telemetry enable --level errors`)."]
    event_id = found.group(1)
    lines.append(f"It recorded the report app_crash {event_id}.")
    telemetry.flush(timeout)
    return True, lines + _destinations(event_id)


def _destinations(event_id: str) -> list[str]:
    outcomes = {h.destination: f"{h.outcome}{': ' + h.detail if h.detail else ''}"
                for h in telemetry.history(200) if h.event_id == event_id}
    for pending in telemetry.pending(200):
        if pending.event.event_id == event_id:
            for delivery in pending.deliveries:
                if delivery.state == "pending":
                    outcomes[delivery.destination] = f"still pending{': ' + delivery.last_error if delivery.last_error else ''}"
    if not outcomes:
        return ["No destination is configured for error reports; it stays on this computer (`tit-app telemetry show`)."]
    return ["Where it went:"] + [f"  {name}: {what}" for name, what in sorted(outcomes.items())]
