"""Plain-text and JSON views for `tit-app telemetry` (status, show, destination list).

Nothing here prints a secret: destination URLs come from `telemetry.describe_destinations()`,
which masks them, and payloads from `Exporter.preview`, which holds bodies only.

Much of what is shown came from elsewhere: a server's error text, a settings file, an
event's parameters. `terminal_text` and `json_text` escape control and format characters
in all of it, so an escape sequence or a bell from a server cannot act on the terminal.
"""

from __future__ import annotations

import datetime
import json
import unicodedata

from tit_app import telemetry


def _is_control(char: str) -> bool:
    # Cc: C0/C1 controls (ESC, BEL, CSI); Cf: format characters such as bidi overrides.
    return unicodedata.category(char) in ("Cc", "Cf") or char in "\u2028\u2029"


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """`text` safe to print: every control character but the newline shown as an escape."""
    return "".join(_escaped(c) if c != "\n" and _is_control(c) else c for c in str(text))


def field(value) -> str:
    """One value from a server or a file, on one line: newlines are escaped too."""
    return "".join(_escaped(c) if _is_control(c) else c for c in str(value))


def json_text(value, indent: int | None = 2) -> str:
    """JSON for the terminal: json escapes C0 controls itself; the rest become \\uXXXX escapes."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if c != "\n" and _is_control(c) else c for c in text)


def when(seconds: float | None) -> str:
    if not seconds:
        return "never"
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%SZ")


def destination_rows(described: list[dict], delivered: list[dict]) -> list[dict]:
    """describe() entries (all kinds) merged with the engine's delivery status per exporter."""
    by_name = {d["name"].split(":")[-1]: d for d in delivered}
    rows = []
    for entry in described:
        status = by_name.get(entry["name"], {})
        rows.append({**entry, "last_success": status.get("last_success"), "last_error": status.get("last_error"),
                     "last_error_at": status.get("last_error_at")})
    return rows


def status_text(status, rows: list[dict], losses: list[tuple[str, int, str]]) -> str:
    lines = [
        f"Telemetry: {field(status.reason)}",
        *[f"  new since you agreed: {field(change)}" for change in status.changes],
        f"Your answer: {field(status.receipt or 'none recorded yet')}",
        f"Anonymous id: {status.client_id or 'none yet (made only when you agree)'}",
        f"Preview only: {'on (nothing is sent)' if status.preview else 'off'}",
        *([f"Not sending yet: {status.hold}"] if status.hold else []),
        f"Pending events: {status.pending}",
        "Dropped so far: " + ("none" if not any(n for _c, n, _w in losses) else ""),
        *[f"  {field(cause)}: {n} ({field(why)})" for cause, n, why in losses if n],
        "Destinations:",
    ]
    lines += [f"  {line}" for line in destination_lines(rows)] or ["  (none)"]
    if status.problems:
        lines += ["Problems:", *[f"  {field(p)}" for p in status.problems]]
    return "\n".join(lines)


def destination_lines(rows: list[dict]) -> list[str]:
    lines = []
    for row in rows:
        state = "on" if row["enabled"] else "off"
        line = f"{row['name']:<7} {state:<3} ({row['source']}) {field(row['url'] or '-')}  secret: {row['secret']}"
        if row.get("recipient"):
            line += f"  run by: {field(row['recipient'])}"
        if row["enabled"] and (row.get("last_success") or row.get("last_error")):
            line += f"\n          last success {when(row.get('last_success'))}"
            if row.get("last_error"):
                line += f"; last error {when(row.get('last_error_at'))}: {field(row['last_error'])}"
        lines.append(line)
    return lines


def show_json(pending: list, exporters, now: float) -> str:
    items = [{**p.to_dict(), "payloads": telemetry.payload_previews(p.event, exporters, now)} for p in pending]
    return json_text(items)


def show_text(pending: list, exporters, now: float) -> str:
    if not pending:
        return "No pending events."
    lines = [f"{len(pending)} pending event(s), newest first."]
    for item in pending:
        event = item.event
        lines += ["", field(f"{event.name}  {when(event.time_us / 1e6)}  level={event.level}  id={event.event_id}")]
        for delivery in item.deliveries:
            state = "done" if delivery.state == "done" else f"pending, {delivery.attempts} failed attempt(s)"
            error = f", last error: {field(delivery.last_error)}" if delivery.last_error else ""
            lines.append(f"  {field(delivery.destination)}: {state}{error}")
        bodies = telemetry.payload_previews(event, exporters, now)
        if not bodies:
            lines.append("  (no configured destination takes this event; stored as:)")
            bodies = {"stored": event.to_json()}
        for name, body in bodies.items():
            lines += [f"  payload for {field(name)}:", *[f"    {field(line)}" for line in body.rstrip("\n").splitlines()]]
    return "\n".join(lines)
