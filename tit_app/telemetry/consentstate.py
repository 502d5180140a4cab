"""The Engine's consent side: the cached settings and policy, the decision, the user's choice.

The decision is cached without the environment switches (`_accepting`), so the caller's
fast path only has to re-read the kill switches; every change of settings invalidates it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from . import consent, envflags
from .config import TelemetryConfig, new_client_id
from .policy import Policy, load_policy


class ConsentState:
    """Mixed into Engine, which provides config_store, record() and purge()."""

    _cfg: TelemetryConfig | None = None  # cached settings file
    _policy: Policy | None = None  # cached administrator policy
    _accepting: bool | None = None  # consent without the env switches; None = not known yet

    def config(self) -> TelemetryConfig:
        if self._cfg is None:
            self._cfg = self.config_store.load()
        return self._cfg

    def policy(self) -> Policy:
        if self._policy is None:
            self._policy = load_policy()
        return self._policy

    def decision(self) -> consent.Decision:
        cfg, policy = self.config(), self.policy()
        asked = cfg.consent_shown or cfg.enabled
        self._accepting = consent.decide(None, policy, cfg.enabled, cfg.level, asked).enabled
        return consent.decide(envflags.active_kill_switch(), policy, cfg.enabled, cfg.level, asked)

    def invalidate(self) -> None:
        self._cfg = self._policy = None
        self._accepting = None

    def set_enabled(self, enabled: bool, level: str | None = None) -> bool:
        """Save the user's choice; returns False when it could only be kept for this session."""
        cfg = self.config()
        first_opt_in = enabled and not cfg.first_run_recorded
        cfg.enabled, cfg.consent_shown = bool(enabled), True
        cfg.level = level or cfg.level
        cfg.consent_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        if not enabled:
            cfg.client_id = new_client_id()
        saved = self.config_store.save(cfg)
        self.invalidate()
        if not enabled:
            self.purge()
        elif first_opt_in and self.decision().enabled:
            self.record("first_run", None, blocking=True)
            cfg = self.config()
            cfg.first_run_recorded = True
            saved = self.config_store.save(cfg) and saved
        return saved

    def reset_client_id(self) -> str:
        cfg = self.config()
        cfg.client_id = new_client_id()
        self.config_store.save(cfg)
        self.invalidate()
        return cfg.client_id
