"""What one export attempt came to: the sender acts on this, exporters never raise."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Verdict(enum.Enum):
    SENT = "sent"  # the destination took the batch: acknowledge it
    RETRY = "retry"  # transient trouble: keep the batch and back off
    DROP = "drop"  # final refusal: remove the batch and count it


SENT, RETRY, DROP = Verdict.SENT, Verdict.RETRY, Verdict.DROP


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    reason: str = ""
    retry_after: float | None = None  # seconds the server asked us to wait (Retry-After, rate limits)
    cause: str = ""  # a model.DROP_CAUSES entry when verdict is DROP
    # Events refused one by one (event_id -> reason) while the rest get the main verdict.
    rejected: dict[str, str] = field(default_factory=dict)
    # Records the server refused without naming them (OTLP partialSuccess): counted, not retried.
    rejected_count: int = 0
    # Our own shortest wait before the next try (a refused credential: no point asking soon),
    # unlike `retry_after` this holds only these events, not the whole destination.
    min_wait: float | None = None
    status: int | None = None  # the HTTP status when there was an answer (413 makes exporters split)

    @classmethod
    def sent(cls, reason: str = "") -> "Outcome":
        return cls(SENT, reason)

    @classmethod
    def retry(cls, reason: str, retry_after: float | None = None, *, min_wait: float | None = None,
              status: int | None = None) -> "Outcome":
        return cls(RETRY, reason, retry_after, min_wait=min_wait, status=status)

    @classmethod
    def drop(cls, reason: str, cause: str = "rejected", retry_after: float | None = None, *,
             status: int | None = None) -> "Outcome":
        return cls(DROP, reason, retry_after, cause, status=status)

    def with_rejected(self, rejected: dict[str, str], rejected_count: int = 0) -> "Outcome":
        merged = {**self.rejected, **rejected}
        return Outcome(self.verdict, self.reason, self.retry_after, self.cause, merged,
                       self.rejected_count + max(0, int(rejected_count)), self.min_wait, self.status)
