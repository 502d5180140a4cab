"""Independent checkers for what the exporters produce, written from docs/protocols.md.

They deliberately do not reuse the exporters' own rule code, so a shared mistake
cannot pass unnoticed.
"""

from __future__ import annotations

import base64
import json
import re

# -- GA4 Measurement Protocol (docs/protocols.md §1) ------------------------------------------

_GA_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_GA_RESERVED_EVENTS = set(
    "ad_activeview ad_click ad_exposure ad_impression ad_query ad_reward adunit_exposure app_background "
    "app_clear_data app_exception app_install app_remove app_store_refund app_store_subscription_cancel "
    "app_store_subscription_convert app_store_subscription_renew app_update app_upgrade dynamic_link_app_open "
    "dynamic_link_app_update dynamic_link_first_open error firebase_campaign firebase_in_app_message_action "
    "firebase_in_app_message_dismiss firebase_in_app_message_impression first_open first_visit in_app_purchase "
    "notification_dismiss notification_foreground notification_open notification_receive os_update "
    "session_start session_start_with_rollout user_engagement".split()
)
_GA_WARN_EVENTS = set("click file_download form_start form_submit page_view scroll video_complete "
                      "video_progress video_start view_search_results view_complete".split())


def ga4_problems(body: bytes, now: float) -> list[str]:
    """Every GA-* rule the request body breaks (empty = valid)."""
    found = []
    if len(body) >= 130_000:
        found.append("GA-L9 body too large")
    data = json.loads(body)
    if not isinstance(data.get("client_id"), str) or not data["client_id"]:
        found.append("GA-B1 client_id missing")
    events = data.get("events")
    if not isinstance(events, list) or not 1 <= len(events) <= 25:
        return found + ["GA-B3/GA-L1 events must hold 1..25 items"]
    for index, event in enumerate(events):
        found += [f"events[{index}]: {p}" for p in _ga4_event_problems(event, now)]
    return found


def _ga4_event_problems(event: dict, now: float) -> list[str]:
    found = []
    name = event.get("name", "")
    if not _GA_NAME.match(name) or len(name) > 40:
        found.append("GA-L4 bad event name")
    if name in _GA_RESERVED_EVENTS or name in _GA_WARN_EVENTS:
        found.append("GA-R1/R2 reserved event name")
    if name.startswith(("_", "firebase_", "ga_", "google_")):
        found.append("GA-R3 reserved event prefix")
    params = event.get("params", {})
    if len(params) > 25:
        found.append("GA-L2 too many params")
    for key, value in params.items():
        if not _GA_NAME.match(key) or len(key) > 40:
            found.append(f"GA-L5 bad param name {key}")
        if key.startswith(("_", "firebase_", "ga_", "google_", "gtag.")):
            found.append(f"GA-R4 reserved param prefix {key}")
        if isinstance(value, str) and len(value) > 100:
            found.append(f"GA-L6 value too long {key}")
        if isinstance(value, (bool, dict, list)) or value is None:
            found.append(f"param {key} must be a string or number")
    if "session_id" not in params:
        found.append("GA-P1 session_id missing")
    engagement = params.get("engagement_time_msec")
    if not isinstance(engagement, int) or isinstance(engagement, bool) or engagement <= 0:
        found.append("GA-P1/P3 engagement_time_msec must be a positive integer")
    stamp = event.get("timestamp_micros")
    if not isinstance(stamp, int) or not 1e15 <= stamp <= 1e17:
        found.append("GA-TS1 timestamp_micros must be integer microseconds")
    elif stamp > (now + 60) * 1e6:
        found.append("GA-TS2 timestamp in the future")
    elif stamp < (now - 72 * 3600) * 1e6:
        found.append("GA-TS3 older than 72 h")
    return found


# -- OTLP/JSON (docs/protocols.md §2.2-2.4, §2.8) ---------------------------------------------

_SNAKE = re.compile(r"_[a-z]")
_INT64_KEYS = {"timeUnixNano", "observedTimeUnixNano", "intValue", "rejectedLogRecords"}


def otlp_problems(obj, path: str = "") -> list[str]:
    """OT-J1 (lowerCamelCase keys), OT-J2 (int64 as strings), OT-J3 (hex ids), OT-J4 (integer enums), OT-A1."""
    found = []
    if isinstance(obj, list):
        for index, item in enumerate(obj):
            found += otlp_problems(item, f"{path}[{index}]")
        return found
    if not isinstance(obj, dict):
        return found
    is_key_value = set(obj) == {"key", "value"}
    for key, value in obj.items():
        where = f"{path}.{key}"
        if _SNAKE.search(key) and not is_key_value:
            found.append(f"OT-J1 snake_case key {where}")
        if key in _INT64_KEYS and not (isinstance(value, str) and re.fullmatch(r"-?\d+", value)):
            found.append(f"OT-J2 {where} must be a decimal string")
        if key == "severityNumber" and not (isinstance(value, int) and 0 <= value <= 24):
            found.append(f"OT-J4/OT-S2 {where} must be an integer 0..24")
        if key in ("traceId", "spanId") and value:
            size = 32 if key == "traceId" else 16
            if not re.fullmatch(f"[0-9a-fA-F]{{{size}}}", value) or set(value) == {"0"}:
                found.append(f"OT-J3 {where} must be {size} hex characters")
        if key == "value" and is_key_value and isinstance(value, dict) and len(value) != 1:
            found.append(f"OT-A1 {where} must hold exactly one variant")
        if isinstance(value, (dict, list)) and not (is_key_value and key == "key"):
            found += otlp_problems(value, where)
    return found


def otlp_parse(obj: dict):
    """Round-trip through the official protobuf classes (hex ids converted first, §2.8)."""
    from google.protobuf.json_format import ParseDict
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

    converted = json.loads(json.dumps(obj))
    for resource in converted.get("resourceLogs", []):
        for scope in resource.get("scopeLogs", []):
            for record in scope.get("logRecords", []):
                for key in ("traceId", "spanId"):
                    if record.get(key):
                        record[key] = base64.b64encode(bytes.fromhex(record[key])).decode()
    return ParseDict(converted, ExportLogsServiceRequest())


def attributes(key_values: list[dict]) -> dict:
    """[{key, value: {xValue: v}}] -> {key: v} for assertions."""
    return {kv["key"]: next(iter(kv["value"].values())) for kv in key_values}


# -- Sentry envelopes (docs/protocols.md §3.3) ------------------------------------------------


def parse_envelope(data: bytes) -> tuple[dict, list[tuple[dict, bytes]]]:
    """(envelope header, [(item header, payload)]) checking SE-E1, SE-E2 and SE-E4 on the way."""
    header_line, _, rest = data.partition(b"\n")
    header = _compact_json_line(header_line)
    items = []
    while rest:
        item_line, _, rest = rest.partition(b"\n")
        item = _compact_json_line(item_line)
        assert "type" in item, "SE-E4 item header needs a type"
        length = item["length"]
        payload, rest = rest[:length], rest[length:]
        assert len(payload) == length, "SE-E4 payload shorter than its length"
        assert rest[:1] in (b"\n", b""), "SE-E4 payload must be followed by a newline or the end"
        rest = rest[1:]
        items.append((item, payload))
    return header, items


def _compact_json_line(line: bytes) -> dict:
    assert line == line.strip(), "SE-E2 headers have no surrounding whitespace"
    value = json.loads(line)
    assert line.decode() == json.dumps(value, separators=(",", ":"), ensure_ascii=False), "SE-E2 compact JSON"
    return value
