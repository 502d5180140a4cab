"""The window stays responsive while an operation computes and the sender waits on a slow server.

How late the GUI thread's timers come is a speed: bench/gui_responsiveness.py measures it.
Here, the behaviour: while an operation computes on its thread and the sender is held
inside a POST on its own, the GUI thread still takes input and acts on it.
"""

from __future__ import annotations

from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtWidgets import QLineEdit

from tests.ui.conftest import set_slice_size
from tit_app import telemetry
from tit_app.operations import BY_NAME
from tit_app.ui.operations.panel import OperationPanel

HELD_S = 3.0  # the server holds each request this long: the GUI must act well before it answers


def test_the_window_takes_input_while_computing_and_sending(telemetry_env, service_factory, http_collector, qtbot):
    collector, url = http_collector
    collector.delay_s = HELD_S
    telemetry_env(consent=True, env={"TIT_JSON_ENDPOINT": url})
    service = service_factory()
    panel = OperationPanel(BY_NAME["sim_mti"])
    qtbot.addWidget(panel)
    panel.show()
    set_slice_size(panel, 1024)
    assert panel.run()
    qtbot.waitUntil(lambda: panel.progress.value() >= 1, timeout=10_000)
    telemetry.track_event("app_launch")
    sent = []
    service.send_finished.connect(sent.append)
    service.send_now()
    qtbot.waitUntil(lambda: collector.requests_started >= 1, timeout=5000)  # the sender now sits in a POST
    ran = []
    QTimer.singleShot(0, lambda: ran.append("timer"))
    note = QLineEdit()  # the form is locked during a run; any other field must still take typing
    qtbot.addWidget(note)
    note.show()
    qtbot.keyClicks(note, "12 mm")
    qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=int(HELD_S * 1000))
    # All of that happened on the GUI thread while the POST was still held and nothing answered.
    assert ran == ["timer"] and note.text() == "12 mm"
    assert not collector.bodies and not sent
    qtbot.waitUntil(lambda: bool(sent), timeout=int(HELD_S * 1000) + 5000)  # then the send completes
    assert "app_launch" in collector.event_names()
