"""Golden payload files in tests/payloads. Regenerate with `UPDATE_GOLDEN=1 pytest tests/delivery`."""

from __future__ import annotations

import os
from pathlib import Path

from tit_app.telemetry.outcome import SENT

from .factory import NOW

PAYLOADS = Path(__file__).resolve().parent.parent / "payloads"


def check_golden(name: str, data: bytes) -> None:
    path = PAYLOADS / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.exists(), f"{path} is missing; run the tests once with UPDATE_GOLDEN=1 and review the file"
    assert data == path.read_bytes(), f"payload differs from {path.name}; if intended, regenerate with UPDATE_GOLDEN=1"


def golden_request(exporter, sink, events, name: str):
    """Export `events` at NOW as one accepted request and compare its body with golden file `name`; the request."""
    assert exporter.export(events, NOW).verdict is SENT
    (request,) = sink.requests
    check_golden(name, request.body)
    return request
