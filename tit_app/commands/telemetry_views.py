"""Plain-text and JSON views for `tit-app telemetry` (status, show, destination list).

Nothing here prints a secret: destination URLs come from `telemetry.describe_destinations()`,
which masks them, and payloads from `Exporter.preview`, which holds bodies only.
"""

from __future__ import annotations

import datetime
import json

from tit_app import telemetry


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
        f"Telemetry: {status.reason}",
        *[f"  new since you agreed: {change}" for change in status.changes],
        f"Your answer: {status.receipt or 'none recorded yet'}",
        f"Anonymous id: {status.client_id or 'none yet (made only when you agree)'}",
        f"Preview only: {'on (nothing is sent)' if status.preview else 'off'}",
        *([f"Not sending yet: {status.hold}"] if status.hold else []),
        f"Pending events: {status.pending}",
        "Dropped so far: " + ("none" if not any(n for _c, n, _w in losses) else ""),
        *[f"  {cause}: {n} ({why})" for cause, n, why in losses if n],
        "Destinations:",
    ]
    lines += [f"  {line}" for line in destination_lines(rows)] or ["  (none)"]
    if status.problems:
        lines += ["Problems:", *[f"  {p}" for p in status.problems]]
    return "\n".join(lines)


def destination_lines(rows: list[dict]) -> list[str]:
    lines = []
    for row in rows:
        state = "on" if row["enabled"] else "off"
        line = f"{row['name']:<7} {state:<3} ({row['source']}) {row['url'] or '-'}  secret: {row['secret']}"
        if row.get("recipient"):
            line += f"  run by: {row['recipient']}"
        if row["enabled"] and (row.get("last_success") or row.get("last_error")):
            line += f"\n          last success {when(row.get('last_success'))}"
            if row.get("last_error"):
                line += f"; last error {when(row.get('last_error_at'))}: {row['last_error']}"
        lines.append(line)
    return lines


def show_json(pending: list, exporters, now: float) -> str:
    items = [{**p.to_dict(), "payloads": telemetry.payload_previews(p.event, exporters, now)} for p in pending]
    return json.dumps(items, indent=2, ensure_ascii=False)


def show_text(pending: list, exporters, now: float) -> str:
    if not pending:
        return "No pending events."
    lines = [f"{len(pending)} pending event(s), newest first."]
    for item in pending:
        event = item.event
        lines += ["", f"{event.name}  {when(event.time_us / 1e6)}  level={event.level}  id={event.event_id}"]
        for delivery in item.deliveries:
            state = "done" if delivery.state == "done" else f"pending, {delivery.attempts} failed attempt(s)"
            error = f", last error: {delivery.last_error}" if delivery.last_error else ""
            lines.append(f"  {delivery.destination}: {state}{error}")
        bodies = telemetry.payload_previews(event, exporters, now)
        if not bodies:
            lines.append("  (no configured destination takes this event; stored as:)")
            bodies = {"stored": event.to_json()}
        for name, body in bodies.items():
            lines += [f"  payload for {name}:", *[f"    {line}" for line in body.rstrip("\n").splitlines()]]
    return "\n".join(lines)
