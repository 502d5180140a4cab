"""The notice of what is collected: the catalog as a table, or the whole docs/telemetry.md.

Everything here is generated from the catalog, the store's bounds and the real
exporters, so the documentation cannot drift from what the app does
(`tit-app telemetry schema [--markdown]`, `make docs`).
"""

from __future__ import annotations

from typing import Any

from .model import StoredEvent

EXAMPLE_NOW = 1_767_614_400.0  # 2026-01-05T12:00:00Z: a fixed time keeps the examples stable
EXAMPLE_SYSTEM = {"tit_version": "0.1.0", "os_name": "linux", "os_version": "6.1", "arch": "x86_64",
                  "interface": "gui", "python_version": "3.11", "internal": False}


def example_event(error: bool = False, at: float = EXAMPLE_NOW) -> StoredEvent:
    params: dict[str, Any] = {"status": "success", "run_id": "5f2c9a1e", "duration_s": 12.5, "plane": "axial",
                              "grid_size": 128}
    frames: tuple = ()
    if error:
        params.update(status="error", error_type="ValueError", error_detail="grid size must be positive",
                      error_fingerprint="1a2b3c4d5e6f7a8b")
        frames = ({"module": "tit_app.ops.ti", "function": "sim_ti", "lineno": 88, "in_app": True},)
    return StoredEvent(
        event_id="9c1d4e7f0a2b4c6d8e0f1a3b5c7d9e1f", name="sim_ti", level="errors" if error else "usage",
        time_us=int((at - 30) * 1e6), client_id="3f6a0c9b2e5d48a1b7c4e0f2a9d6b3c8",
        session_id="1767612600", seq=7, params=params, system=dict(EXAMPLE_SYSTEM), frames=frames,
    )


def schema_rows(catalog) -> list[tuple[str, str, str]]:
    rows = []
    for spec in catalog.events.values():
        params = ", ".join(spec.params) or "-"
        rows.append((spec.name, spec.level, params))
    return rows


def schema_table(catalog) -> str:
    rows = [("EVENT", "LEVEL", "PARAMETERS"), *schema_rows(catalog)]
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    return "\n".join(f"{r[0]:<{width[0]}}  {r[1]:<{width[1]}}  {r[2]}" for r in rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _param_type(param) -> str:
    if param.type == "enum":
        return "one of " + ", ".join(f"`{v}`" for v in param.values)
    return f"{param.type} (≤ {param.max_length} chars)" if param.type == "str" else param.type


def _events_section(catalog) -> list[str]:
    lines = ["## Events", ""]
    for spec in catalog.events.values():
        level = "errors (sent at both levels)" if spec.level == "errors" else "usage"
        lines += [f"### `{spec.name}`", "", _cell(spec.description), "", f"Level: {level}."]
        if spec.error_status:
            lines.append(f"An occurrence with `status = {spec.error_status}` counts as error-level.")
        if spec.params:
            lines += ["", "| parameter | type | description |", "|---|---|---|"]
            lines += [f"| `{p.name}` | {_param_type(p)} | {_cell(p.description)} |" for p in spec.params.values()]
        lines.append("")
    return lines


def _system_section(catalog) -> list[str]:
    lines = ["## Added to every event", "", "| parameter | type | description |", "|---|---|---|"]
    lines += [f"| `{p.name}` | {_param_type(p)} | {_cell(p.description)} |" for p in catalog.system_params.values()]
    lines += ["", "Every event also carries an anonymous random installation id (reset with "
              "`tit-app telemetry reset-id`, and replaced whenever telemetry is turned off), the start time of "
              "the app session, a sequence number and a random event id.", ""]
    return lines + ["## Never collected", "", *[f"- {item}" for item in catalog.never_collected], ""]


def _examples_section() -> list[str]:
    from .destinations.ga4 import Ga4Exporter
    from .destinations.jsonapi import JsonExporter
    from .destinations.otlp import OtlpExporter
    from .destinations.sentry import SentryExporter, parse_dsn

    dsn = parse_dsn("https://00000000000000000000000000000000@glitchtip.example.com/1", "example")
    examples = [
        ("Google Analytics 4 (Measurement Protocol)", Ga4Exporter("https://www.google-analytics.com", "G-XXXXXXXXXX", "x"), "json"),
        ("OpenTelemetry collector (OTLP/HTTP, JSON)", OtlpExporter("https://collector.example.com/v1/logs"), "json"),
        ("GlitchTip / Sentry (error-level events only)", SentryExporter(dsn), "text"),
        ("JSON endpoint", JsonExporter("https://collector.example.com/events"), "json"),
    ]
    lines = ["## Example payloads", "", "Exactly what each destination receives for one `sim_ti` event "
             "(`tit-app telemetry show` prints the same for your own pending events).", ""]
    for title, exporter, fence in examples:
        event = example_event(error=exporter.levels == frozenset({"errors"}))
        lines += [f"### {title}", "", f"```{fence}", exporter.preview(event, EXAMPLE_NOW).rstrip("\n"), "```", ""]
    return lines


def _local_data_section() -> list[str]:
    from .store import Bounds

    bounds = Bounds()
    return [
        "## Local queue: retention and bounds", "",
        "Events wait in a local SQLite file (in the app's data folder) until every configured destination has "
        "them. The queue is bounded:", "",
        f"- at most {bounds.max_events:,} events and {bounds.max_bytes / 1e6:g} MB (the oldest go first);",
        f"- at most {bounds.max_age_s / 86400:g} days old (GA4 takes events up to 72 hours old);",
        f"- sent and dropped events stay visible in a history of at most {bounds.history_events} entries "
        f"for {bounds.history_age_s / 86400:g} days.", "",
        "Every drop is counted by cause and reported in the `telemetry_health` event.", "",
        "## Seeing, exporting and deleting your data", "",
        "- `tit-app telemetry status`: on or off, and why; pending and dropped counts; destinations.",
        "- `tit-app telemetry show`: each pending event with the exact payload per destination.",
        "- `tit-app telemetry export FILE`: pending events and the recent history as JSON.",
        "- `tit-app telemetry purge`: delete every pending event now.",
        "- `tit-app telemetry disable`: turn telemetry off; this also purges and replaces the anonymous id.",
        "- The Privacy page in the app shows the same table and payloads.", "",
        "`DO_NOT_TRACK=1` or `TIT_NO_TELEMETRY=1` in the environment switch telemetry off whatever else is set.", "",
    ]


def markdown(catalog) -> str:
    head = ["# What tit-app collects", "",
            "<!-- Generated by `tit-app telemetry schema --markdown`; edit tit_app/resources/events.toml instead. -->", "",
            "Telemetry is off until you agree. Two levels: **errors only**, or **usage statistics and errors**. "
            "Nothing outside this list is ever recorded.", ""]
    body = head + _events_section(catalog) + _system_section(catalog) + _examples_section() + _local_data_section()
    return "\n".join(body).rstrip("\n") + "\n"
