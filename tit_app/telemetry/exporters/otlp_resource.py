"""OTLP/JSON building blocks: typed attributes and the resource (protocols.md §2.2-2.4, §2.7)."""

from __future__ import annotations

import sys
from typing import Any, Mapping

# Our system params use the app's own spellings; semconv has its own enums.
_OS_TYPE = {"windows": "windows", "linux": "linux", "darwin": "darwin"}
_HOST_ARCH = {"x86_64": "amd64", "arm64": "arm64", "x86": "x86", "armv7": "arm32"}
# Keys that say who produced the data; OTEL_RESOURCE_ATTRIBUTES may not change them.
IDENTITY_KEYS = frozenset({"service.instance.id", "telemetry.sdk.name", "telemetry.sdk.language", "telemetry.sdk.version"})


def any_value(value: Any) -> dict[str, Any]:
    """An AnyValue with exactly one variant (OT-A1); int64 as a decimal string (OT-J2)."""
    kind = type(value)  # exact types first: this runs for every attribute of every record
    if kind is str:
        return {"stringValue": value}
    if kind is bool:
        return {"boolValue": value}
    if kind is int or isinstance(value, int) and not isinstance(value, bool):
        return {"intValue": str(value)}
    if kind is float or isinstance(value, float):
        return {"doubleValue": value}
    return {"stringValue": str(value)}


def key_values(mapping: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Attributes in a stable order; a dict already guarantees unique keys (OT-S3)."""
    return [{"key": k, "value": any_value(v)} for k, v in mapping.items() if v is not None]


def resource_attributes(
    client_id: str, system: Mapping[str, Any], service_name: str | None, extra: Mapping[str, str]
) -> dict[str, Any]:
    """Semconv resource attributes built from the event's own system params.

    Only what the catalog's system params already say is described, so OTLP reveals
    nothing about the machine that GA4 or the Privacy page would not show.
    """
    from tit_app import __version__

    attrs: dict[str, Any] = {
        "service.name": "tit-app",
        "service.version": system.get("tit_version") or __version__,
        "service.instance.id": client_id,
        "deployment.environment.name": "development" if system.get("internal") else "production",
        "os.type": _OS_TYPE.get(str(system.get("os_name"))),
        "os.version": system.get("os_version"),
        "host.arch": _HOST_ARCH.get(str(system.get("arch"))),
        "process.runtime.name": sys.implementation.name,
        "process.runtime.version": system.get("python_version"),
        "telemetry.sdk.name": "tit-app",
        "telemetry.sdk.language": "python",
        "telemetry.sdk.version": __version__,
    }
    attrs.update({k: v for k, v in extra.items() if k not in IDENTITY_KEYS})
    if service_name:  # OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES
        attrs["service.name"] = service_name
    return {k: v for k, v in attrs.items() if v is not None}


def resource_key(event: Any) -> tuple:
    """Events that share a resource can share one ResourceLogs entry."""
    system = event.system
    return (event.client_id, *(str(system.get(k)) for k in ("tit_version", "os_name", "os_version", "arch", "python_version", "internal")))
