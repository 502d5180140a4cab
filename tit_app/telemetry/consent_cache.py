"""What this process knows of the consent: the settings, the policy, the decision, the scope and the hold.

Read once and kept, because `persist` asks every 250 ms; re-read when `telemetry.json`,
`policy.toml` or `destinations.json` changes (`filewatch`, one stat each). Acting on a
change (purging, re-keying the session) is the engine's job; this module only knows
(docs/architecture.md, "The consent decision").
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

from tit_app import paths

from . import consent, envflags
from .catalog import Catalog
from .config import ConfigStore, TelemetryConfig, config_path, new_client_id
from .consent import Decision, Policy, load_policy
from .filewatch import FileWatch
from .receipt import NOTICE_VERSION, Receipt
from .receipt import from_mapping as receipt_from

REVIEW_DELAY_S = 60.0  # after an Enable, the first events wait this long so the user can look at them
NO_RECEIPT = ("you agreed under an earlier notice, which did not list every field that is sent; "
              "the notice now lists them all")


@dataclass(frozen=True)
class Hold:
    """Usage and error events may not leave before `until` (epoch seconds; inf: until switched off)."""

    until: float
    reason: str  # "preview", "review", or "" when nothing holds them


class ConsentCache:
    def __init__(self, config_store: ConfigStore, catalog: Callable[[], Catalog],
                 review_delay_s: float = REVIEW_DELAY_S) -> None:
        self.config_store = config_store
        self.review_delay_s = review_delay_s
        self._catalog = catalog  # the engine's catalog, built on first use
        self._cfg: TelemetryConfig | None = None
        self._policy: Policy | None = None
        self._decision: Decision | None = None  # without the environment's kill switches
        self._scope: tuple[str, frozenset[str]] | None = None  # (level, items)
        self._watch = FileWatch({"settings": config_path, "policy": paths.policy_file,
                                 "destinations": paths.destinations_file})

    # -- reading -----------------------------------------------------------------------------

    def config(self) -> TelemetryConfig:
        if self._cfg is None:
            self._cfg = self._load_config()
        return self._cfg

    def _load_config(self) -> TelemetryConfig:
        cfg = self.config_store.load()
        if cfg.repair_needed or (cfg.enabled and cfg.client_id is None):
            # An invalid id is replaced once, and saved, so every process uses the same new one.
            cfg.client_id = new_client_id() if cfg.enabled else None
            self.config_store.save(cfg)
            self._watch.changed()  # our own write is not news
        return cfg

    def policy(self) -> Policy:
        if self._policy is None:
            self._policy = load_policy()
        return self._policy

    def decision(self) -> Decision:
        """The decision as last read, with the kill switches (re-read every call) on top."""
        kill_switch = envflags.active_kill_switch()
        if kill_switch:
            return consent.decide(kill_switch, self.policy(), False, "usage", False)
        return self.known()

    def known(self) -> Decision:
        """The decision without the kill switches, deciding first if it is not known yet."""
        if self._decision is None:
            self.reread()
        return self._decision

    def changed_files(self) -> set[str]:
        """Which watched files changed since the last look (all of them at the first look)."""
        return self._watch.changed()

    def reread(self) -> Decision:
        """Forget the settings and the policy (the scope stays: it follows the catalog and destinations)."""
        self._cfg = self._policy = None
        cfg, policy = self.config(), self.policy()
        decision = consent.decide(None, policy, cfg.enabled, cfg.level, cfg.consent_shown or cfg.enabled)
        if decision.enabled and self.changes():
            decision = consent.paused_for_review(policy.ceiling)
        self._decision = decision
        return decision

    # -- the scope and the receipt -----------------------------------------------------------

    def changes(self) -> list[str]:
        """What can leave now that the user has not agreed to, in words (empty: nothing).

        Only meaningful while the user's answer is yes; a narrower scope is never a change.
        """
        cfg = self.config()
        if not cfg.enabled:
            return []
        agreed = receipt_from(cfg.receipt)
        if agreed is None:
            return [NO_RECEIPT]
        from .scope import added, describe

        return [describe(item, self._catalog()) for item in added(agreed.scope, self.scope(agreed.level))]

    def scope(self, level: str) -> frozenset[str]:
        """Everything that can leave at `level` (capped by the policy), with the configured recipients."""
        if self.policy().ceiling in ("errors", "off"):
            level = "errors"
        if self._scope is None or self._scope[0] != level:
            from .destinations.settings import payload_fields, recipients
            from .scope import scope_items

            self._scope = (level, scope_items(self._catalog(), level, payload_fields(), recipients()))
        return self._scope[1]

    def forget_scope(self) -> None:
        """The catalog or the destinations changed: the scope is built again when next needed."""
        self._scope = None

    def receipt(self) -> Receipt | None:
        return receipt_from(self.config().receipt)

    def new_receipt(self, level: str, via: str) -> Receipt:
        """A receipt for an answer given now: `level` "usage", "errors", or "off" for a no."""
        from .scope import scope_hash

        items = tuple(sorted(self.scope(level))) if level != "off" else ()
        effective = "errors" if level == "usage" and self.policy().ceiling == "errors" else level
        earlier = self.receipt()  # one-time consents stay on record whatever the new answer
        return Receipt(NOTICE_VERSION, scope_hash(items), items, effective, time.time(), via,
                       earlier.once if earlier else ())

    def note_one_time(self, event: str, event_id: str, via: str) -> bool:
        """Record in the receipt a consent to send the one report `event_id` now; False if not saved.

        The answer itself stays as it was; without any answer yet, the receipt says "no"
        (sharing is off) and holds only this.
        """
        cfg = self.config()
        base = self.receipt() or self.new_receipt("off", via)
        cfg.receipt = base.with_once(event, event_id, via).to_mapping()
        return self.config_store.save(cfg)

    def hold(self, now: float | None = None) -> Hold:
        """Why usage and error events may not leave yet, and until when."""
        now = time.time() if now is None else now
        cfg = self.config()
        if cfg.preview:
            return Hold(math.inf, "preview")
        agreed = receipt_from(cfg.receipt)
        if agreed is not None and cfg.enabled and now < agreed.at + self.review_delay_s:
            return Hold(agreed.at + self.review_delay_s, "review")
        return Hold(0.0, "")
