"""tit_app telemetry: opt-in, visible, never in the way. Qt-free.

Keeps the public names of TI-Toolbox's `tit.telemetry`, so switching is a change of import.
See DESIGN.md for the life of an event and docs/telemetry.md for what is collected.
"""

from .api import (
    Status,
    engine,
    flush,
    history,
    is_enabled,
    load_config,
    operation_summary,
    pending,
    purge,
    register_events,
    reset_client_id,
    save_config,
    set_enabled,
    set_interface,
    status,
    track_event,
)
from .config import TelemetryConfig
from .operation import Cancelled, track_operation
from .prompt import consent_prompt_cli, consent_prompt_gui

__all__ = [
    "Cancelled",
    "Status",
    "TelemetryConfig",
    "consent_prompt_cli",
    "consent_prompt_gui",
    "engine",
    "flush",
    "history",
    "is_enabled",
    "load_config",
    "operation_summary",
    "pending",
    "purge",
    "register_events",
    "reset_client_id",
    "save_config",
    "set_enabled",
    "set_interface",
    "status",
    "track_event",
    "track_operation",
]
