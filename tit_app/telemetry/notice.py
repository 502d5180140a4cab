"""The notice of what is collected, in every form the user meets it.

- `consent_markdown`: the consent dialog, the CLI prompt (`consent_plain`), the Privacy
  page's "What we collect" and the README's privacy section;
- `changes_markdown`: what the dialog that asks again shows;
- `markdown`: the whole docs/telemetry.md, with each destination's fields and an example payload.

All of it is generated from the catalog, the fields each destination kind declares, the
configured recipients and the store's bounds, so no form can drift from what the app
sends (`tit-app telemetry notice`, `tit-app telemetry schema --markdown`, `make docs`).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from .model import DELETION, StoredEvent
from .receipt import NOTICE_VERSION
from .scope import Recipient, leaves_at

REVIEW_WORDS = "the first minute"  # must match consent_cache.REVIEW_DELAY_S (a test checks it)
IP_CAVEAT = ("Like any web server, a destination sees the internet address your computer connects from; "
             "tit_app never puts it in an event.")
IDENTIFIERS = ("a random anonymous id for this installation (none exists until you agree; it is deleted "
               "when you turn sharing off and replaced when you reset it), a random session number, a random id and a "
               "sequence number for each event, and the time it happened")

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


# -- the consent notice --------------------------------------------------------------------------


def human(name: str) -> str:
    """A parameter name as words: n_electrodes -> number of electrodes, duration_s -> duration."""
    words = re.sub(r"_(s|h|ms)$", "", name)
    words = re.sub(r"^n_", "number of ", words)
    words = re.sub(r"^tit_", "tit_app_", re.sub(r"^os_", "OS_", words))
    return words.replace("_", " ").replace("tit app", "tit_app")


def _events_at(catalog, level: str) -> list:
    return [spec for spec in catalog.events.values() if leaves_at(spec, level)]


def _details(specs: Iterable) -> list[str]:
    words = [[spec.notice] if spec.notice else [human(p) for p in spec.params] for spec in specs]
    return list(dict.fromkeys(word for group in words for word in group))


def _recipient_lines(recipients: list[Recipient], bounds) -> list[str]:
    if not recipients:
        return [f"No destination is set up in this copy of tit_app, so events stay on this computer, for "
                f"*Your usage* under Settings → Privacy only (at most {bounds.max_events:,} events, "
                f"{bounds.max_age_s / 86400:g} days)."]
    lines = [f"- {r.organisation or 'an operator who is not named'}, through {KIND_WORDS.get(r.kind, r.kind)}"
             f" at {r.host or 'an address in its settings'}" for r in recipients]
    return lines + ["", IP_CAVEAT]


def _receivers_in_brief(recipients: list[Recipient]) -> str:
    """One sentence for the first paragraph, so nobody has to scroll to see who receives the data."""
    if not recipients:
        return "In this copy of tit_app no destination is set up, so they would stay on this computer."
    names = ", ".join(dict.fromkeys(r.organisation or f"an unnamed operator at {r.host or 'an unknown host'}"
                                    for r in recipients))
    return f"They go to: {names} (details below)."


KIND_WORDS = {"ga4": "Google Analytics 4", "otlp": "an OpenTelemetry collector",
              "sentry": "a GlitchTip/Sentry server (error reports only)", "json": "a JSON endpoint"}


def consent_markdown(catalog, ceiling: str | None, recipients: list[Recipient]) -> str:
    """The consent notice for this installation: what can leave (capped by the policy), to whom, when."""
    from .store import Bounds

    level = "errors" if ceiling == "errors" else "usage"
    what = "anonymous error reports" if level == "errors" else "anonymous usage statistics and error reports"
    specs = _events_at(catalog, level)
    lines = [
        "### Help improve tit_app", "",
        f"tit_app can send {what} to its maintainers. They show which features are used and where the app "
        "fails, so the maintainers know what to fix first."
        + (" Your administrator allows error reports only." if level == "errors" else "")
        + " " + _receivers_in_brief(recipients), "",
        "**What would be sent**", "",
        "- **Events:** " + ", ".join(spec.name for spec in specs)
        + (" (for operations, only the runs that fail)" if level == "errors" else ""),
        "- **Their details:** " + ", ".join(_details(specs)),
        "- **With every event:** " + ", ".join(human(p) for p in catalog.system_params),
        f"- **Identifiers:** {IDENTIFIERS}", "",
        "**Never collected**", "",
        *[f"- {item}" for item in catalog.never_collected], "",
        "**Who receives it**", "",
        *_recipient_lines(recipients, Bounds()), "",
        f"Nothing is sent unless you choose **Enable**. After that, nothing leaves for {REVIEW_WORDS} "
        "unless you choose *Send now*: "
        "under *Settings → Privacy* you can see every pending event with its exact payload, delete any "
        "of them, keep everything on this computer (preview only), or turn sharing off at any time.",
    ]
    return "\n".join(lines) + "\n"


def consent_plain(markdown_text: str) -> str:
    """The notice for a terminal: the same text without Markdown marks."""
    text = re.sub(r"^#+ ", "", markdown_text, flags=re.MULTILINE)
    return text.replace("**", "").replace("*", "")


def changes_markdown(changes: list[str], agreed_at: str | None) -> str:
    """What the dialog that asks again says before the notice itself."""
    since = f" on {agreed_at}" if agreed_at else ""
    items = [f"- {change}" for change in changes]
    return "\n".join([
        "### tit_app can now send more than you agreed to", "",
        f"Since you agreed{since}, this version of tit_app can send:", "", *items, "",
        "Nothing new is recorded or sent until you answer. **Enable** agrees to the notice below; "
        "**No Thanks** turns sharing off and deletes your anonymous id.", "",
    ]) + "\n"


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
    lines += ["", f"Every event also carries {IDENTIFIERS}. Each destination names these in its own way; "
              "the next section lists every key.", ""]
    return lines + ["## Never collected", "", *[f"- {item}" for item in catalog.never_collected], ""]


def _fields_section() -> list[str]:
    from .destinations.registry import kinds

    takes_deletion = {exporter.name for _title, exporter, _fence in example_exporters() if DELETION in exporter.levels}
    lines = ["## What each destination receives", "",
             "Besides the event and parameter names above, a destination's payload holds only these keys.", ""]
    for kind in kinds().values():
        lines += [f"### {kind.name}: {KIND_WORDS.get(kind.name, kind.name)}", "", "| key | what it holds |", "|---|---|"]
        lines += [f"| `{key}` | {_cell(about)} |" for key, about in kind.fields.items()]
        if kind.name in takes_deletion:
            lines += ["", "Also receives deletion requests (see below)."]
        lines.append("")
    return lines


def _consent_section() -> list[str]:
    return [
        "## Consent, receipts and deletion", "",
        f"This is notice version {NOTICE_VERSION}. Each answer is saved with a receipt: the notice version, a hash "
        "and the list of everything that can leave at the chosen level (events, parameters, destination fields "
        "and recipients), the level, the time, and where it was given (dialog, command line, Privacy page). "
        "`tit-app telemetry status` and the Privacy page show it; `export` includes it.", "",
        "When an update adds an event, a parameter, a field or a recipient, tit_app asks again on the next "
        "start, shows what is new, and records and sends nothing new until you answer. Removing something "
        "never asks.", "",
        f"After every **Enable**, nothing leaves for {REVIEW_WORDS} (unless you choose *Send now* or "
        "`tit-app telemetry flush`), so you can look at the pending events first. "
        "*Keep events on this computer (preview only)* on the Privacy page, or `tit-app telemetry preview on`, "
        "keeps recording them for you to see and sends nothing until you switch it off.", "",
        "Turning sharing off deletes the pending events, the history of sent events and the anonymous id. "
        "Resetting the id deletes the pending events (re-labelling them would still let their run ids and times "
        "join them to what was sent before) and removes the old id from the local history.", "",
        "When you turn sharing off or reset the id, and an OpenTelemetry or JSON destination is configured, one "
        "`deletion_request` event is queued and sent like any other (retried until delivered). It holds only "
        "the old anonymous id, its own random id and the time. A receiver acts on it by deleting everything "
        "stored under that id (OpenTelemetry: `service.instance.id` of records whose `eventName` is "
        "`tit_app.deletion_request`; JSON: `client_id` of events whose `level` is `deletion`). Google "
        "Analytics and GlitchTip/Sentry do not take such events: their operators delete a user's data with "
        "GA4's User Deletion API or by deleting the issues in GlitchTip/Sentry.", "",
    ]


def example_exporters() -> list[tuple[str, Any, str]]:
    """(title, a real exporter of each kind with example settings, code-fence language)."""
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
    return examples


def example_deletion_request() -> StoredEvent:
    from .model import deletion_request

    return deletion_request("3f6a0c9b2e5d48a1b7c4e0f2a9d6b3c8", "0b7e2d9c4a1f4e8b9c3d6a2f5e8b1c4d", EXAMPLE_NOW)


def _examples_section() -> list[str]:
    examples = example_exporters()
    lines = ["## Example payloads", "", "Exactly what each destination receives for one `sim_ti` event "
             "(`tit-app telemetry show` prints the same for your own pending events).", ""]
    for title, exporter, fence in examples:
        event = example_event(error=exporter.levels == frozenset({"errors"}))
        lines += [f"### {title}", "", f"```{fence}", exporter.preview(event, EXAMPLE_NOW).rstrip("\n"), "```", ""]
        if DELETION in exporter.levels:
            body = exporter.preview(example_deletion_request(), EXAMPLE_NOW).rstrip("\n")
            lines += ["A deletion request to the same destination:", "", f"```{fence}", body, "```", ""]
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
        "Every drop is counted by cause (the `telemetry_health` parameters above say what each cause means), "
        "shown by `tit-app telemetry status` and on the Privacy page, and reported in the `telemetry_health` event.", "",
        "## Seeing, exporting and deleting your data", "",
        "- `tit-app telemetry status`: on or off, and why; pending and dropped counts; destinations.",
        "- `tit-app telemetry show`: each pending event with the exact payload per destination.",
        "- `tit-app telemetry export FILE`: pending events and the recent history as JSON.",
        "- `tit-app telemetry purge`: delete every pending event now.",
        "- `tit-app telemetry disable`: turn telemetry off; this also deletes the pending events, the history "
        "and the anonymous id.",
        "- `tit-app telemetry reset-id`: use a new anonymous id; pending events are deleted.",
        "- `tit-app telemetry preview on|off`: keep events on this computer, or let them leave.",
        "- `tit-app telemetry notice`: the consent notice exactly as the app shows it, with your destinations.",
        "- The Privacy page in the app shows the same table and payloads.", "",
        "`DO_NOT_TRACK=1` or `TIT_NO_TELEMETRY=1` in the environment switch telemetry off whatever else is set.", "",
    ]


def markdown(catalog) -> str:
    head = ["# What tit-app collects", "",
            "<!-- Generated by `tit-app telemetry schema --markdown`; edit tit_app/resources/events.toml instead. -->", "",
            "Telemetry is off until you agree. Two levels: **errors only**, or **usage statistics and errors**. "
            "Nothing outside this list is ever recorded.", ""]
    body = (head + _events_section(catalog) + _system_section(catalog) + _fields_section() + _consent_section()
            + _examples_section() + _local_data_section())
    return "\n".join(body).rstrip("\n") + "\n"
