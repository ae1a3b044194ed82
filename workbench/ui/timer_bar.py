"""The running timer, shown on every screen while it runs (issue 5, section 3, "Time").

The timer is a record, not a widget (architecture, "Time"): starting writes a row, stopping
writes the entry. This bar only shows ``wb.running_timer()`` and offers Stop. A daemon thread
ticks the elapsed time once a second while a timer runs (``live=False`` in tests).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.service import Workbench

from .html import esc, message


def elapsed_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600:d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class TimerBar(w.VBox):
    """Shows the signed-in user's running timer with a Stop button; ``listeners`` are called
    after the timer starts or stops so the screens below can refresh."""

    def __init__(self, wb: Workbench, live: bool = True, on_open_chart: Callable[[str], None] | None = None):
        self.wb = wb
        self.live = live
        self.on_open_chart = on_open_chart
        self.patient_id: str | None = None  #: the chart on screen, if any
        self.listeners: list[Callable[[], None]] = []
        self.label = w.HTML()
        self.label.add_class("ccm-timer-label")
        self.note = w.Text(placeholder="What was done (required to stop if empty)",
                           layout=w.Layout(width="320px"))
        self.note.add_class("ccm-timerbar-note")
        self.stop_button = w.Button(description="Stop timer", button_style="danger", icon="stop")
        self.stop_button.add_class("ccm-timerbar-stop")
        self.stop_button.on_click(lambda _: self.stop())
        self.msg = w.HTML()
        self.row = w.HBox([self.label, self.note, self.stop_button])
        super().__init__([self.row, self.msg])
        self.add_class("ccm-timerbar-box")
        self._thread: threading.Thread | None = None
        self._stop_event = threading.Event()
        self.timer = None
        self.patient_name = ""
        self.refresh()

    def refresh(self) -> None:
        self.timer = self.wb.running_timer()
        if self.timer is None:
            self.label.value = '<div class="ccm-timerbar ccm-timerbar-idle">No timer running.</div>'
            self.note.layout.display = "none"
            self.stop_button.layout.display = "none"
            self._stop_event.set()
            return
        try:
            self.patient_name = self.wb.get_patient(self.timer.patient_id).name
        except WorkbenchError:
            self.patient_name = self.timer.patient_id
        self.note.layout.display = None
        self.stop_button.layout.display = None
        self.note.value = self.timer.note
        self.tick()
        if self.live and (self._thread is None or not self._thread.is_alive()):
            self._stop_event = threading.Event()
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def tick(self) -> None:
        t = self.timer
        if t is None:
            return
        secs = (self.wb.now() - t.started_at).total_seconds()
        since = t.started_at.astimezone(self.wb.tz).strftime("%H:%M")
        self.label.value = (f'<div class="ccm-timerbar"><i class="fa fa-stopwatch"></i> Timer running for '
                            f'{esc(self.patient_name)} ({esc(t.patient_id)}) since {esc(since)}: '
                            f'<span class="ccm-timer-elapsed">{elapsed_text(secs)}</span> &middot; '
                            f'{esc(t.activity.value.replace("_", " "))}</div>')

    def _run(self) -> None:
        while not self._stop_event.wait(1.0):
            try:
                self.tick()
            except Exception:  # the kernel is going away; never crash the thread loudly
                return

    def stop(self):
        """Stop the running timer with the note typed here (or the one given at start)."""
        try:
            entry = self.wb.stop_timer(note=self.note.value.strip() or None)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.msg.value = message(f"Stopped: {entry.seconds // 60} min {entry.seconds % 60} s recorded.", "ok")
        self.changed()
        return entry

    def set_patient(self, pid: str | None) -> None:
        """The chart now on screen (None: no chart)."""
        self.patient_id = pid
        self.refresh()

    def changed(self) -> None:
        """Call after a timer started or stopped anywhere on the page."""
        self.refresh()
        for fn in list(self.listeners):
            fn()

    def close(self) -> None:
        self._stop_event.set()
        super().close()
