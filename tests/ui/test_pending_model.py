"""The Pending model: every pending event (no cap), changed row by row, never reset."""

from __future__ import annotations

import uuid
from dataclasses import replace

from PyQt5.QtCore import QPersistentModelIndex

from tit_app import telemetry
from tit_app.telemetry import api
from tit_app.telemetry.model import PendingEvent, StoredEvent
from tit_app.ui.delivery.snapshot import EMPTY, take_snapshot
from tit_app.ui.privacy.event_models import PendingEventsModel

NOW = 1_700_000_000.0


def pending_event(i: int) -> PendingEvent:
    """The i-th event of a queue (a larger i is newer), as the store hands it out."""
    event = StoredEvent(uuid.uuid4().hex, "app_launch", "usage", int((NOW + i) * 1e6), "c" * 32, "1", i)
    return PendingEvent(event, ())


def newest_first(events) -> tuple:
    return tuple(sorted(events, key=lambda p: p.event.time_us, reverse=True))


class Signals:
    """Which structural signals a model emitted."""

    def __init__(self, model) -> None:
        self.seen: list[tuple] = []
        model.rowsInserted.connect(lambda _parent, first, last: self.seen.append(("inserted", first, last)))
        model.rowsRemoved.connect(lambda _parent, first, last: self.seen.append(("removed", first, last)))
        model.modelReset.connect(lambda: self.seen.append(("reset",)))
        model.layoutChanged.connect(lambda: self.seen.append(("layout",)))


def test_a_model_shows_all_10000_events_and_passes_the_model_tester(qtmodeltester):
    queue = newest_first(pending_event(i) for i in range(10_000))
    model = PendingEventsModel()
    model.set_snapshot(replace(EMPTY, pending=queue, pending_total=len(queue), taken_at=NOW))
    assert model.rowCount() == 10_000
    assert model.index(9_999, 1).data() == "app_launch"
    qtmodeltester.check(model)  # Qt's own QAbstractItemModelTester (PyQt5.QtTest)


def test_changes_insert_and_remove_rows_and_never_reset():
    events = [pending_event(i) for i in range(10_000)]
    model = PendingEventsModel()
    snapshot = replace(EMPTY, pending=newest_first(events), taken_at=NOW)
    model.set_snapshot(snapshot)
    signals = Signals(model)
    reader = QPersistentModelIndex(model.index(5_000, 0))  # the row a user reads, say
    read_id = model.row_item(5_000).event.event_id

    arrived = [pending_event(10_000 + i) for i in range(3)]
    model.set_snapshot(replace(snapshot, pending=newest_first(events + arrived)))
    assert signals.seen == [("inserted", 0, 2)]  # newest first: at the top

    gone = {events[9_000].event.event_id, events[8_999].event.event_id, events[10].event.event_id}
    kept = [e for e in events + arrived if e.event.event_id not in gone]
    signals.seen.clear()
    model.set_snapshot(replace(snapshot, pending=newest_first(kept)))
    assert signals.seen == [("removed", 9_992, 9_992), ("removed", 1_002, 1_003)]

    assert model.rowCount() == 10_000
    assert model.row_item(reader.row()).event.event_id == read_id  # the persistent index followed its event
    assert [model.row_item(r).event.event_id for r in range(model.rowCount())] == \
        [e.event.event_id for e in newest_first(kept)]


def test_the_model_tester_follows_the_changes(qtmodeltester):
    events = newest_first(pending_event(i) for i in range(50))
    model = PendingEventsModel()
    model.set_snapshot(replace(EMPTY, pending=events, taken_at=NOW))
    qtmodeltester.check(model)  # Qt's tester keeps checking the changes below
    signals = Signals(model)
    model.set_snapshot(replace(EMPTY, pending=(pending_event(60), *events), taken_at=NOW))
    assert signals.seen == [("inserted", 0, 0)]
    signals.seen.clear()
    events = model.snapshot.pending
    model.set_snapshot(replace(model.snapshot, pending=events[:3] + events[5:]))
    assert signals.seen == [("removed", 3, 4)] and model.rowCount() == 49
    signals.seen.clear()
    middle = model.snapshot.pending
    model.set_snapshot(replace(model.snapshot, pending=middle[:10] + tuple(events[3:5]) + middle[10:]))
    assert signals.seen == [("inserted", 10, 11)]  # a run put back in the middle
    qtmodeltester.check(model, force_py=True)


def test_the_snapshot_holds_every_pending_event_beyond_a_thousand(telemetry_env):
    telemetry_env(consent=True)
    for _ in range(1_500):
        telemetry.track_event("app_launch")
    api.engine().persist()
    snapshot = take_snapshot()
    assert len(snapshot.pending) == snapshot.pending_total == telemetry.pending_count() >= 1_501  # and first_run


def test_a_full_queue_takes_new_events_on_top_and_drops_the_oldest_at_the_bottom(qtmodeltester):
    events = [pending_event(i) for i in range(100)]
    model = PendingEventsModel()
    model.set_snapshot(replace(EMPTY, pending=newest_first(events), taken_at=NOW))
    qtmodeltester.check(model, force_py=True)
    signals = Signals(model)
    arrived = [pending_event(100 + i) for i in range(5)]
    model.set_snapshot(replace(EMPTY, pending=newest_first(events[5:] + arrived), taken_at=NOW))
    assert signals.seen == [("removed", 95, 99), ("inserted", 0, 4)]
    assert [model.row_item(r).event.seq for r in (0, 4, 5, 99)] == [104, 100, 99, 5]
