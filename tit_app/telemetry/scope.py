"""The scope of a consent: everything that can leave this computer at one level, and who receives it.

A scope is a set of plain items (`event:sim_ti`, `param:sim_ti.plane`, `system:arch`,
`field:otlp.session.id`, `recipient:otlp collector.example.com (Example Lab)`), built from
the catalog, the fields each configured destination adds, and the configured recipients.
A consent receipt stores the items the user agreed to; when an update adds an item the
app asks again, and removing items never does (docs/architecture.md, "The consent decision").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable, Mapping

from .catalog import Catalog


@dataclass(frozen=True)
class Recipient:
    """One configured destination: its kind, the host it sends to, and who runs it (if stated)."""

    kind: str
    host: str
    organisation: str = ""

    def __str__(self) -> str:
        runner = self.organisation or "operator not stated"
        return f"{self.kind} {self.host or '(no host)'} ({runner})"


def leaves_at(spec, level: str) -> bool:
    """Whether occurrences of this catalog event can leave at `level` ("usage" or "errors")."""
    return level == "usage" or spec.level == "errors" or spec.error_status is not None


def scope_items(catalog: Catalog, level: str, fields: Mapping[str, Iterable[str]],
                recipients: Iterable[Recipient]) -> frozenset[str]:
    """Every item that can leave at `level`; `fields` maps each configured kind to the keys it adds."""
    items = {f"system:{name}" for name in catalog.system_params}
    for spec in catalog.events.values():
        if leaves_at(spec, level):
            items.add(f"event:{spec.name}")
            items.update(f"param:{spec.name}.{param}" for param in spec.params)
    for kind, keys in fields.items():
        items.update(f"field:{kind}.{key}" for key in keys)
    items.update(f"recipient:{recipient}" for recipient in recipients)
    return frozenset(items)


def scope_hash(items: Iterable[str]) -> str:
    """A short, stable digest of a scope (shown in receipts; equal scopes give equal hashes)."""
    return hashlib.sha256("\n".join(sorted(items)).encode("utf-8")).hexdigest()[:16]


def added(agreed: Iterable[str], current: Iterable[str]) -> list[str]:
    """Items in `current` that the user did not agree to, sorted: what widened the scope."""
    return sorted(set(current) - set(agreed))


def describe(item: str, catalog: Catalog) -> str:
    """One item in words, for the dialog that asks again."""
    kind, _, name = item.partition(":")
    if kind == "event":
        spec = catalog.events.get(name)
        return f"a new event, {name}: {spec.description}" if spec else f"a new event, {name}"
    if kind == "param":
        event, _, param = name.partition(".")
        spec = catalog.events.get(event)
        about = spec.params.get(param) if spec else None
        return f"a new detail of {event}, {param}: {about.description}" if about else f"a new detail of {event}, {param}"
    if kind == "system":
        about = catalog.system_params.get(name)
        return f"a new detail of every event, {name}: {about.description}" if about else f"a new detail, {name}"
    if kind == "field":
        destination, _, key = name.partition(".")
        return f"a new field {key} in what {destination} receives"
    if kind == "recipient":
        return f"a new recipient: {name}"
    return item
