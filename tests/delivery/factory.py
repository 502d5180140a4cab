"""Fixed StoredEvents with fixed times, so payloads are deterministic."""

from __future__ import annotations

from tit_app.telemetry.model import StoredEvent

NOW = 1_767_614_400.0  # 2026-01-05T12:00:00Z
CLIENT = "0123456789abcdef0123456789abcdef"
SESSION = "1767610800"
SYSTEM = {
    "tit_version": "0.1.0",
    "os_name": "linux",
    "os_version": "6.1",
    "arch": "x86_64",
    "interface": "gui",
    "python_version": "3.11",
    "internal": False,
}
FRAMES = (
    {"module": "tit_app.ops.ti", "function": "run_simulation", "lineno": 42, "in_app": True},
    {"module": "tit_app.ops.field", "function": "solve", "lineno": 7, "in_app": True},
)


def event(n: int = 1, name: str = "sim_ti", level: str = "usage", params: dict | None = None, *,
          age_s: float = 60.0, client: str = CLIENT, frames: tuple = (), system: dict | None = None) -> StoredEvent:
    return StoredEvent(
        event_id=f"{n:032x}",
        name=name,
        level=level,
        time_us=int((NOW - age_s) * 1e6),
        client_id=client,
        session_id=SESSION,
        seq=n,
        params=dict(params if params is not None else {"status": "success", "run_id": "r1", "duration_s": 1.5, "grid_size": 64}),
        system=dict(system or SYSTEM),
        frames=frames,
    )


def error_event(n: int = 1, **kwargs) -> StoredEvent:
    return event(n, level="errors", frames=FRAMES, **kwargs, params={
        "status": "error", "run_id": "r1", "duration_s": 0.25, "error_type": "ValueError",
        "error_detail": "grid size must be positive", "error_fingerprint": "abc123def4567890",
    })


def events(count: int, start: int = 1, **kwargs) -> list[StoredEvent]:
    return [event(n, **kwargs) for n in range(start, start + count)]
