"""The consent decision (DESIGN §3): one pure function from its inputs to a state and a reason.

Precedence: a kill switch in the environment, then the administrator's policy, then the
user's stored choice, then the default (off until the user says yes).
"""

from __future__ import annotations

from dataclasses import dataclass

from .policy import Policy

LEVEL_RANK = {"off": 0, "errors": 1, "usage": 2}
LEVEL_WORDS = {"errors": "errors only", "usage": "usage statistics and errors"}


@dataclass(frozen=True)
class Decision:
    enabled: bool
    level: str | None  # "errors" | "usage" when enabled
    reason: str
    decided_by: str  # "environment" | "policy" | "user" | "default"

    @property
    def user_can_change(self) -> bool:
        return self.decided_by in ("user", "default")


def decide(
    kill_switch: str | None,
    policy: Policy,
    user_enabled: bool,
    user_level: str,
    consent_given: bool,
) -> Decision:
    if kill_switch:
        return Decision(False, None, f"Off: {kill_switch} is set in the environment.", "environment")
    if policy.ceiling == "off":
        why = f" ({policy.problem})" if policy.problem else ""
        return Decision(False, None, f"Off: turned off by your administrator's policy{why}.", "policy")
    if not consent_given:
        return Decision(False, None, "Off: you have not been asked yet; nothing is collected until you agree.", "default")
    if not user_enabled:
        return Decision(False, None, "Off: you chose not to share usage data.", "user")
    return _capped_by_policy(user_level, policy)


def _capped_by_policy(user_level: str, policy: Policy) -> Decision:
    if policy.ceiling and LEVEL_RANK[policy.ceiling] < LEVEL_RANK[user_level]:
        return Decision(
            True,
            policy.ceiling,
            f"On ({LEVEL_WORDS[policy.ceiling]}): your administrator's policy allows no more than this.",
            "policy",
        )
    return Decision(True, user_level, f"On ({LEVEL_WORDS[user_level]}): you agreed to share them.", "user")
