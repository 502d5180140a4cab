"""The consent decision (docs/architecture.md): one pure function from its inputs to a state and a reason.

Precedence: a kill switch in the environment (`envflags`), then the administrator's
policy, then the user's stored choice (`config`), then the default (off until the user
says yes). A policy caps what the user may share; it never keeps a user in: under
"errors" the user can still turn sharing off and on. A "yes" whose receipt does not cover
what can leave now is paused until the user answers again (`paused_for_review`).

The policy file (lab or enterprise machines), `policy.toml`, holds
`telemetry = "off" | "errors" | "usage"`: the most that is allowed on this machine. A
policy file that exists but cannot be understood fails closed (off), because an
administrator who wrote one clearly meant to restrict something.
"""

from __future__ import annotations

import logging
import reprlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tit_app import paths
from tit_app.atomicfile import FileDamaged, read_settings_text

log = logging.getLogger(__name__)

# -- the administrator's policy ----------------------------------------------------------------

ALLOWED = ("off", "errors", "usage")


@dataclass(frozen=True)
class Policy:
    ceiling: str | None  # None: no policy file; else one of ALLOWED
    source: Path | None = None
    problem: str | None = None  # why a present file was treated as "off"


NO_POLICY = Policy(ceiling=None)


def load_policy(path: Path | None = None) -> Policy:
    """The administrator's policy; a file that exists but cannot be understood is "off" (fails closed)."""
    path = path or paths.policy_file()
    try:
        text = read_settings_text(path)
    except FileNotFoundError:
        return NO_POLICY
    except OSError as exc:
        return _broken(path, f"cannot be read ({exc.strerror or exc})")
    except FileDamaged as exc:
        return _broken(path, str(exc))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return _broken(path, f"is not valid TOML ({exc})")
    except RecursionError:  # tomllib recurses into nested arrays and tables
        return _broken(path, "is nested too deeply")
    value = data.get("telemetry")
    if value is None:
        return NO_POLICY
    if not isinstance(value, str) or value.strip().lower() not in ALLOWED:
        shown = reprlib.repr(value)  # a huge or deeply nested value must not become a huge message
        return _broken(path, f'sets telemetry = {shown}; expected "off", "errors" or "usage"')
    return Policy(ceiling=value.strip().lower(), source=path)


def _broken(path: Path, problem: str) -> Policy:
    log.warning("telemetry policy file %s %s; telemetry is off", path, problem)
    return Policy(ceiling="off", source=path, problem=problem)


# -- the decision ------------------------------------------------------------------------------

LEVEL_RANK = {"off": 0, "errors": 1, "usage": 2}
LEVEL_WORDS = {"errors": "errors only", "usage": "usage statistics and errors"}


@dataclass(frozen=True)
class Decision:
    enabled: bool
    level: str | None  # "errors" | "usage" when enabled
    reason: str
    decided_by: str  # "environment" | "policy" | "user" | "default" | "review"
    user_can_change: bool = True  # False only under a kill switch or a policy of "off"
    ceiling: str | None = None  # the most the policy allows, when there is one


def paused_for_review(ceiling: str | None = None) -> Decision:
    return Decision(False, None, "Paused: tit_app can now send more than you agreed to; nothing new is "
                    "recorded or sent until you answer again.", "review", True, ceiling)


def decide(
    kill_switch: str | None,
    policy: Policy,
    user_enabled: bool,
    user_level: str,
    consent_given: bool,
) -> Decision:
    if kill_switch:
        return Decision(False, None, f"Off: {kill_switch} is set in the environment.", "environment", False)
    if policy.ceiling == "off":
        why = f" ({policy.problem})" if policy.problem else ""
        return Decision(False, None, f"Off: turned off by your administrator's policy{why}.", "policy", False, "off")
    if not consent_given:
        return Decision(False, None, "Off: you have not been asked yet; nothing is collected until you agree.",
                        "default", True, policy.ceiling)
    if not user_enabled:
        return Decision(False, None, "Off: you chose not to share usage data.", "user", True, policy.ceiling)
    return _capped_by_policy(user_level, policy)


def _capped_by_policy(user_level: str, policy: Policy) -> Decision:
    if policy.ceiling and LEVEL_RANK[policy.ceiling] < LEVEL_RANK[user_level]:
        return Decision(
            True,
            policy.ceiling,
            f"On ({LEVEL_WORDS[policy.ceiling]}): your administrator's policy allows no more than this.",
            "policy", True, policy.ceiling,
        )
    return Decision(True, user_level, f"On ({LEVEL_WORDS[user_level]}): you agreed to share them.", "user",
                    True, policy.ceiling)
