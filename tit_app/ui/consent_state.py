"""Everything the window shows about consent, read in one go: the decision, the answer, the hold, the id.

The SendWorker reads it for every snapshot (so a change made by another process reaches
the Privacy page and the status bar with the next snapshot); a widget reads it itself
right after the user changed something on it. `read_at` lets a widget ignore a snapshot
that was taken before the state it already shows.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from tit_app import telemetry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsentState:
    decision: Any  # telemetry.decision(): enabled, level, reason, decided_by, user_can_change, ceiling
    level: str  # the level the user chose, whether or not sharing is on
    asked: bool  # the user has answered at least once (either way)
    receipt: Any  # telemetry.consent_receipt(), or None
    preview: bool  # "Keep events on this computer (preview only)"
    client_id: str | None  # None before consent and after opting out
    hold: Any  # telemetry.sending_hold(): why events may not leave yet, and until when
    read_at: float  # time.monotonic() when this was read

    @property
    def capped_to_errors(self) -> bool:
        """The administrator's policy allows error reports only."""
        return self.decision.ceiling == "errors"

    @property
    def paused_for_answer(self) -> bool:
        """A "yes" that no longer covers what can leave: nothing new is recorded until the user answers."""
        return self.decision.decided_by == "review"

    def is_newer_than(self, other: ConsentState | None) -> bool:
        return other is None or self.read_at >= other.read_at


def read_consent_state() -> ConsentState | None:
    """The consent state now, or None when it cannot be read (a broken settings file, say)."""
    try:
        return ConsentState(
            decision=telemetry.decision(),
            level=telemetry.level(),
            asked=telemetry.consent_asked(),
            receipt=telemetry.consent_receipt(),
            preview=telemetry.preview_only(),
            client_id=telemetry.client_id(),
            hold=telemetry.sending_hold(),
            read_at=time.monotonic(),
        )
    except Exception:
        log.exception("could not read the telemetry consent state")
        return None


def answer_text(state: ConsentState | None) -> str:
    """The receipt line of the Privacy page: what the user answered, when, and how."""
    if state is None:
        return "Your answer could not be read."
    if state.receipt is not None:
        return f"Your answer: {state.receipt.summary()}"  # a yes or a no, the notice, when and where
    if not state.asked:
        return "No answer recorded yet"
    return "Your answer was recorded by an earlier version of tit_app, without a receipt"
