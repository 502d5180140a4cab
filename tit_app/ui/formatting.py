"""Small text helpers shared by the tables: times and durations."""

from __future__ import annotations

import time
from datetime import datetime


def clock_time(epoch_s: float, now: float | None = None) -> str:
    """'14:03:12' for today, '2024-05-02 14:03' otherwise (local time)."""
    moment = datetime.fromtimestamp(epoch_s)
    today = datetime.fromtimestamp(time.time() if now is None else now).date()
    return moment.strftime("%H:%M:%S") if moment.date() == today else moment.strftime("%Y-%m-%d %H:%M")


def relative_future(epoch_s: float, now: float) -> str:
    """How long until `epoch_s`, in words a person reads at a glance ('in 12 s', 'in 3 min')."""
    seconds = epoch_s - now
    if seconds < 1:
        return "now"
    if seconds < 90:
        return f"in {int(seconds)} s"
    if seconds < 90 * 60:
        return f"in {round(seconds / 60)} min"
    if seconds < 36 * 3600:
        return f"in {round(seconds / 3600)} h"
    return clock_time(epoch_s, now)


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 120:
        return f"{value:.2f} s"
    return f"{value / 60:.1f} min"
