"""The kinds of destination tit-app can send to.

Adding a kind: its module (ending in `KIND = DestinationKind(...)`), its name in NAMES and
its import in `kinds()`, a section (off) in `tit_app/resources/destinations.toml`, and an
example payload in `notice._examples_section` for docs/telemetry.md.
"""

from __future__ import annotations

from .kind import DestinationKind

NAMES = ("ga4", "otlp", "sentry", "json")  # the order `status` lists them in


def kinds() -> dict[str, DestinationKind]:
    """name -> kind, in the order of NAMES. Imported on first use: the app may never need them."""
    from . import ga4, jsonapi, otlp, sentry

    found = {kind.name: kind for kind in (ga4.KIND, otlp.KIND, sentry.KIND, jsonapi.KIND)}
    return {name: found[name] for name in NAMES}


def secrets() -> dict:
    """secret name -> Secret, for every kind that has one (`tit-app telemetry set-secret NAME`)."""
    return {kind.secret.name: kind.secret for kind in kinds().values() if kind.secret is not None}


def environment_variables() -> tuple[str, ...]:
    """Every variable any kind reads, its secrets' included (the test kit clears them all)."""
    names: list[str] = []
    for kind in kinds().values():
        names += kind.variables
        names += kind.secret.variables if kind.secret else ()
    return tuple(dict.fromkeys(names))
