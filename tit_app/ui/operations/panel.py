"""One operation's place in the window: its form, Run and Cancel, progress, and results.

Run checks the parameters first (ops' own validation, on the GUI thread, in
microseconds): an invalid field is reported beside it and nothing starts, so a typo
never becomes an error event. A valid run goes to a worker thread via run_in_thread.
"""

from __future__ import annotations

from PyQt5.QtCore import Qt, pyqtSignal
from PyQt5.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from tit_app.operations import Operation
from tit_app.ops.params import ParamError
from tit_app.ui.formatting import seconds
from tit_app.ui.operations.field_rows import fields_for
from tit_app.ui.operations.form import ParamForm
from tit_app.ui.operations.map_picture import with_picture
from tit_app.ui.operations.result_view import ResultView
from tit_app.ui.operations.runner import OperationHandle, run_in_thread
from tit_app.ui.widgets import hint_label, make_button, restyle

FORM_WIDTH = 300  # at least; wider where a form's fields need it (form_width_needed)


class OperationPanel(QWidget):
    run_ended = pyqtSignal(str)  # a one-line outcome for the status bar
    simulation_requested = pyqtSignal(dict)  # form values for Simulate TI
    running_changed = pyqtSignal(bool)

    def __init__(self, spec: Operation, parent=None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"panel_{spec.name}")
        self.handle: OperationHandle | None = None
        self.form = ParamForm(fields_for(spec))
        self.run_button = make_button("Run", None, f"Run {spec.title}")
        self.run_button.setObjectName("runButton")
        self.run_button.setToolTip("Run (Ctrl+R)")
        self.cancel_button = make_button("Cancel", None, f"Cancel {spec.title}")
        self.cancel_button.setToolTip("Cancel (Esc)")
        self.progress = QProgressBar()
        self.progress.setAccessibleName(f"{spec.title} progress")
        self.progress.setTextVisible(False)  # the percentage is in the state line below
        self.state = QLabel("Ready")
        self.state.setObjectName("stateLabel")
        self.state.setWordWrap(True)
        self.stale_note = hint_label("Previous result: a new run is in progress.")
        self.stale_note.setObjectName("staleNote")
        self.stale_note.hide()
        self.results = ResultView(with_ranking=spec.name == "ex_search")
        self.results.montage_opened.connect(self._open_montage)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self._params = None
        self._shown_params = None  # the parameters of the result on show (a new run may be under way)
        self._refusal: str | None = None
        self._announced_running = False
        self._build_layout()
        self._set_running(False)

    def _build_layout(self) -> None:
        title = QLabel(self.spec.title)
        title.setObjectName("panelTitle")
        summary = hint_label(self.spec.summary)
        form_box = QWidget()
        form_layout = QVBoxLayout(form_box)
        form_layout.setContentsMargins(0, 0, 6, 0)
        form_layout.addWidget(title)
        form_layout.addWidget(summary)
        form_layout.addSpacing(8)
        form_layout.addWidget(self.form)
        form_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(form_box)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.NoFocus)  # the fields inside take focus; the area itself is no Tab stop
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.run_button)
        column = QFrame()
        column.setObjectName("formPanel")
        self._form_column, self._form_scroll = column, scroll
        column.setFixedWidth(FORM_WIDTH)
        column.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Expanding)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(16, 16, 16, 16)
        column_layout.addWidget(scroll, 1)
        column_layout.addWidget(self.progress)
        column_layout.addWidget(self.state)
        column_layout.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(column)
        results = QVBoxLayout()
        results.setContentsMargins(8, 12, 8, 8)
        results.addWidget(self.stale_note)
        results.addWidget(self.results)
        layout.addLayout(results, 1)

    def hasHeightForWidth(self) -> bool:
        """No: the window's page area would then size the page to its preferred height (the whole
        form, a tall map) and scroll, which also takes a scroll bar's width from the page. The page
        takes the height it is given; its form and results wrap and scroll within it."""
        return False

    def form_width_needed(self) -> int:
        """The form column's width that shows every field without clipping (fonts differ per system)."""
        margins = self._form_column.layout().contentsMargins()
        content = self._form_scroll.widget().minimumSizeHint().width()
        scroll_bar = self._form_scroll.verticalScrollBar().sizeHint().width()  # a short screen shows it
        return max(FORM_WIDTH, content + margins.left() + margins.right() + scroll_bar)

    def set_form_width(self, width: int) -> None:
        """The window gives every page's form the same width, so the results do not jump between pages."""
        self._form_column.setFixedWidth(width)

    # -- running -------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self.handle is not None

    def set_refusal(self, reason: str | None) -> None:
        """While `reason` is set (another operation runs), Run is refused and says why."""
        self._refusal = reason
        self.run_button.setToolTip(reason or "Run (Ctrl+R)")
        self._set_running(self.is_running())

    def run(self) -> bool:
        """Validate, then start in a worker thread; False when a field is invalid or a run is on."""
        if self.is_running():
            return False
        if self._refusal:
            self.state.setText(self._refusal)
            return False
        self.form.clear_errors()
        try:
            params = self.spec.build(self.form.values())
        except ParamError as error:
            self.form.show_error(error.field, error.message)
            self.state.setText("Check the highlighted field.")
            return False
        self._params = params
        job = with_picture(self.spec.run, self.results.heatmap.display_side())
        self.handle = run_in_thread(job, params, op_name=self.spec.name, safe_params=self.spec.safe_params(params),
                                    parent=self)
        self.handle.progress.connect(self._progressed)
        self.handle.finished.connect(self._finished)
        self.handle.failed.connect(self._failed)
        self.handle.cancelled.connect(self._cancelled)
        self.handle.ended.connect(self._ended)
        self.progress.setValue(0)
        self.state.setText("Running…")
        self._set_running(True)
        return True

    def _progressed(self, percent: int) -> None:
        self.progress.setValue(percent)
        if self.handle is not None and not self.handle.token.cancelled:
            self.state.setText(f"Running… {percent}%")

    def cancel(self) -> None:
        if self.handle is not None:
            self.state.setText("Cancelling…")
            self.handle.cancel()

    def stop(self, timeout_s: float) -> bool:
        """Cancel and wait (at quit); a run that stopped counts as ended at once, not when its signal arrives."""
        if self.handle is None:
            return True
        stopped = self.handle.stop(timeout_s)
        if stopped:
            self._ended()
        return stopped

    def _finished(self, shown) -> None:
        self._shown_params = self._params
        self.results.show_result(shown)
        # The duration telemetry recorded for this run, so "Your usage" shows the same figure.
        self._report(f"Finished in {seconds(self.handle.duration_s)}.")

    def _failed(self, message: str) -> None:
        self._report(f"Failed: {message}", error=True)

    def _cancelled(self) -> None:
        self.progress.setValue(0)
        self._report("Cancelled.")

    def _report(self, text: str, error: bool = False) -> None:
        self.state.setText(text)
        self.state.setProperty("error", error)
        restyle(self.state)
        self.run_ended.emit(f"{self.spec.title}: {text}")

    def _ended(self) -> None:
        handle, self.handle = self.handle, None
        if handle is not None:
            # `finished` arrives while the thread is still winding down. Destroying a QThread then
            # makes Qt wait for it while we hold the GIL it may need: wait here (GIL released) first.
            handle.wait(5000)
            handle.deleteLater()  # later, because we are inside its signal
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running and not self._refusal)
        self.cancel_button.setEnabled(running)
        self.form.setEnabled(not running)
        stale = running and self.results.result is not None
        self.stale_note.setVisible(stale)
        if self.results.ranking is not None:
            self.results.ranking.set_stale(stale)
        if running != self._announced_running:
            self._announced_running = running
            self.running_changed.emit(running)

    def _open_montage(self, montage) -> None:
        params = self._shown_params
        values = {"pair1": montage.pair1, "pair2": montage.pair2}
        if params is not None:
            values.update(current1=params.current1_ma, current2=params.current2_ma,
                          target=params.target.centre_mm, target_radius=params.target.radius_mm,
                          plane=params.slice.plane, size=params.slice.size, head_model=params.head.model)
        self.simulation_requested.emit(values)
