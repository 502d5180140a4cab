"""Reading the queue again and again (the desktop's snapshots) decodes only the events it has not seen."""

from __future__ import annotations

from tests.core.test_store import NOW, event
from tit_app.telemetry.store import Store


def test_a_kept_cache_decodes_only_new_events_and_forgets_deleted_ones(tmp_path):
    store = Store(tmp_path / "q.db")
    first = [event(i, age_s=100 - i) for i in range(5)]
    store.add(first, now=NOW)
    parsed: dict = {}
    assert store.pending(parsed=parsed) == store.pending()  # the same answer as without a cache
    seen = dict(parsed)
    assert len(seen) == 5

    store.add([event(5, age_s=1)], now=NOW)
    store.delete([first[0].event_id])
    again = store.pending(parsed=parsed)
    assert again == store.pending()
    assert [p.event.seq for p in again] == [5, 4, 3, 2, 1]
    kept = set(seen) & set(parsed)
    assert len(kept) == 4 and all(parsed[row] is seen[row] for row in kept)  # reused, not decoded again
    assert len(parsed) == 5  # the deleted event is forgotten
