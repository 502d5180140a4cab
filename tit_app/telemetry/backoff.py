"""How long to wait before trying a destination again: an immutable value with pure methods.

Exponential backoff with "full jitter" (the delay is drawn uniformly below an exponential
ceiling), so many installations that lost the network together do not come back in
lockstep. The random draw is passed in, which keeps every method testable without a
clock or a random generator.
"""

from __future__ import annotations

import datetime
import email.utils
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    base_s: float = 5.0
    cap_s: float = 3600.0
    # Full jitter can draw a delay near zero; a floor keeps a dead server from being polled
    # on every worker tick.
    floor_s: float = 1.0

    def ceiling(self, attempt: int) -> float:
        """The largest delay after the `attempt`-th failure (1 = the first failure)."""
        exponent = max(0, attempt - 1)
        if exponent >= 64:  # 2**64 * base is far past any cap; avoids float overflow
            return self.cap_s
        return min(self.cap_s, self.base_s * 2.0**exponent)

    def delay(self, attempt: int, rand: float) -> float:
        """Seconds to wait after the `attempt`-th failure; `rand` is uniform in [0, 1)."""
        rand = min(max(rand, 0.0), 1.0)
        return max(self.floor_s, rand * self.ceiling(attempt))

    def wait(self, attempt: int, rand: float, retry_after: float | None) -> float:
        """Our own delay, but never shorter than what the server asked for."""
        return max(self.delay(attempt, rand), retry_after or 0.0)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After value: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).

    Garbage, negative or non-finite values give None (the caller then uses its own backoff);
    a date in the past gives 0.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text[0].isdigit() or text[0] in "+-.":
        return _delta_seconds(text)
    return _http_date(text, now)


def _delta_seconds(text: str) -> float | None:
    try:
        seconds = float(text)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _http_date(text: str, now: float) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" zones parse as naive; HTTP dates are always UTC
        when = when.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, when.timestamp() - now)
