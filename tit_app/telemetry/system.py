"""The system params added to every event, and nothing else about the machine."""

from __future__ import annotations

import functools
import platform
import sys
from pathlib import Path

from . import envflags

_ARCH = {
    "x86_64": "x86_64", "amd64": "x86_64",
    "arm64": "arm64", "aarch64": "arm64",
    "i386": "x86", "i686": "x86", "x86": "x86",
    "armv7l": "armv7", "armv7": "armv7",
}


def os_name() -> str:
    return {"win32": "windows", "darwin": "darwin"}.get(sys.platform, "linux" if sys.platform.startswith("linux") else "unknown")


def os_version() -> str:
    if sys.platform == "darwin":
        return platform.mac_ver()[0] or "unknown"
    if sys.platform == "win32":
        return platform.version() or "unknown"
    # Kernel major.minor only: the full release string can carry a distribution build tag.
    return ".".join(platform.release().split(".")[:2]) or "unknown"


def arch() -> str:
    return _ARCH.get(platform.machine().lower(), "unknown")


def from_source_checkout() -> bool:
    package_root = Path(__file__).resolve().parents[2]
    return (package_root / ".git").exists()


def is_internal() -> bool:
    return envflags.is_set("TIT_INTERNAL") or envflags.in_ci() or from_source_checkout()


@functools.lru_cache(maxsize=None)
def _system_params(interface: str) -> dict:
    from tit_app import __version__

    return {
        "tit_version": __version__,
        "os_name": os_name(),
        "os_version": os_version()[:40],
        "arch": arch(),
        "interface": interface,
        "python_version": f"{sys.version_info.major}.{sys.version_info.minor}",
        "internal": is_internal(),
    }


def system_params(interface: str) -> dict:
    """The same for every event of a process (per interface): computed once, copied per event."""
    return dict(_system_params(interface))
