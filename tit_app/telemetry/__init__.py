"""tit_app telemetry: opt-in, visible, never in the way. Qt-free.

Keeps the public names of TI-Toolbox's `tit.telemetry`, so switching is a change of import.
See docs/architecture.md for the life of an event and docs/telemetry.md for what is collected.
The functions are those of `api` (the only way in for the UI and the commands), plus
`track_operation`, the consent prompts, the settings dataclass and the crash handler.

Names are loaded on first use (PEP 562), so importing this package costs almost nothing
for an application that never turns telemetry on.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "api": (
        "Status", "attach_driver", "catalog_markdown", "catalog_table", "client_id", "config_problems",
        "consent_asked", "consent_changes", "consent_receipt", "consent_changes_notice", "consent_needed", "consent_notice", "decision",
        "delete_pending", "deletion_destinations", "destination_health", "event_catalog", "export_local_data", "exporters", "flush", "history", "hold_text",
        "is_enabled", "level", "load_config", "local_data", "loss_report", "operation_summary", "payload_previews",
        "pending", "pending_count", "persist", "preview_only", "purge", "register_events",
        "reload_destinations", "reset_client_id", "save_config", "send", "sending_hold", "set_enabled",
        "set_interface", "set_preview", "shutdown", "status", "store_location", "subscribe", "track_event",
        "unsubscribe", "validate_ga4",
    ),
    "destinations.editing": (
        "add_destination", "describe_destinations", "destination_kinds", "missing_secret_hint",
        "remove_destination", "secret_names", "set_secret",
    ),
    "config": ("TelemetryConfig",),
    "crash_hooks": ("install_crash_handler", "report_crash", "uninstall_crash_handler"),
    "crash_once": ("send_crash_once",),
    "crash_record": ("CrashRecord",),
    "destinations.secrets": ("SecretStoreError",),
    "operation": ("Cancelled", "track_operation"),
    "prompt": ("consent_prompt_cli", "consent_prompt_gui", "register_gui_prompt"),
    "transport": ("ConfigError",),
}
_HOME = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # for type checkers and IDEs; never executed
    from .api import *  # noqa: F403
    from .config import TelemetryConfig  # noqa: F401
    from .crash_hooks import install_crash_handler, report_crash, uninstall_crash_handler  # noqa: F401
    from .crash_once import send_crash_once  # noqa: F401
    from .crash_record import CrashRecord  # noqa: F401
    from .destinations.editing import (  # noqa: F401
        add_destination, describe_destinations, destination_kinds, missing_secret_hint, remove_destination,
        secret_names, set_secret,
    )
    from .destinations.secrets import SecretStoreError  # noqa: F401
    from .operation import Cancelled, track_operation  # noqa: F401
    from .prompt import consent_prompt_cli, consent_prompt_gui, register_gui_prompt  # noqa: F401
    from .transport import ConfigError  # noqa: F401
