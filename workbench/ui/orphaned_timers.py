"""Orphaned timers, pinned under the work bar: a timer left running (the page that ran it gave no
sign of life for ``timer_heartbeat_minutes``, or it ran past ``timer_limit_minutes``; see
workbench/service/timers.py) is never stopped at "now". Its owner records the minutes really
worked (a late entry) or discards it, with a reason; a supervisor may close anyone's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.service import Workbench
from workbench.service.timers import TimerHealth

from .feedback import FormMessages, on_click
from .html import message


class OrphanedTimer(w.VBox):
    """One orphaned timer: what happened, the real minutes, Record or Discard."""

    def __init__(self, wb: Workbench, health: TimerHealth, on_closed: Callable[[str], None]):
        self.wb, self.health, self.on_closed = wb, health, on_closed
        t = health.timer
        try:
            name = wb.get_patient(t.patient_id).name
        except WorkbenchError:
            name = t.patient_id
        since = t.started_at.astimezone(wb.tz).strftime("%Y-%m-%d %H:%M")
        whose = "Your timer" if t.staff_id == wb.user.id else f"The timer of {t.staff_id}"
        self.text = w.HTML(message(
            f"{whose} for {name} ({t.patient_id}), started {since}, was left running: {health.why}. "
            "It is not stopped at now: record the minutes really worked, or discard it.", "warn"))
        self.text.add_class("ccm-orphan-text")
        seen = health.last_beat or t.started_at
        guess = max(1, int((seen - t.started_at).total_seconds() // 60))
        self.minutes = w.BoundedIntText(value=min(guess, 720), min=1, max=720, description="Minutes",
                                        layout=w.Layout(width="170px"))
        self.minutes.add_class("ccm-orphan-minutes")
        self.reason = w.Text(placeholder="Why (e.g. the laptop went to sleep)", layout=w.Layout(width="280px"))
        self.reason.add_class("ccm-orphan-reason")
        self.record_button = w.Button(description="Record these minutes", icon="check", button_style="warning",
                                      layout=w.Layout(width="auto"))
        self.record_button.add_class("ccm-orphan-record")
        self.discard_button = w.Button(description="Discard (no time)", icon="trash", layout=w.Layout(width="auto"))
        self.discard_button.add_class("ccm-orphan-discard")
        # a refusal under the row's buttons, announced, cleared by the next action or another view
        self.msg = FormMessages("ccm-orphan-msg", "row")
        on_click(self.record_button, self.record, self.msg, "row")  # disabled while it writes
        on_click(self.discard_button, self.discard, self.msg, "row")
        super().__init__([self.text, w.HBox([self.minutes, self.reason, self.record_button, self.discard_button]),
                          self.msg.slot("row")])
        self.add_class("ccm-orphan")

    def record(self):
        """Close with the minutes typed (from the start): a late entry."""
        t = self.health.timer

        reason = self.reason.value.strip() or f"Left running ({self.health.why}); real minutes given"
        try:
            entry = self.wb.close_abandoned_timer(t.id, reason, ended_at=t.started_at + timedelta(
                minutes=int(self.minutes.value)))
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.on_closed(f"Recorded {entry.seconds // 60} min for {t.patient_id} from the timer left running.")
        return entry

    def discard(self) -> bool:
        """Close with no time; the reason is required and kept."""
        try:
            self.wb.close_abandoned_timer(self.health.timer.id, self.reason.value)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return False
        self.on_closed(f"Discarded the timer left running for {self.health.timer.patient_id}: no time recorded.")
        return True


class OrphanedTimers(w.VBox):
    """The signed-in user's orphaned timers (a supervisor's: everyone's); hidden when none.
    ``on_change`` is called after one is closed (the work bar refreshes)."""

    def __init__(self, wb: Workbench, on_change: Callable[[], None] | None = None):
        self.wb, self.on_change = wb, on_change
        self.rows: list[OrphanedTimer] = []
        # what was closed, where the row was (the rows are gone); cleared like every result
        self.feedback = FormMessages("ccm-orphans-msg", "done")
        self.done = self.feedback.slot("done")
        self.done.observe(lambda _: self._display(), "value")
        super().__init__()
        self.add_class("ccm-orphans")
        self.refresh()

    def refresh(self) -> None:
        try:
            found = self.wb.orphaned_timers(mine_only=not self.wb.may("close_others_timer", "live"))
        except WorkbenchError as exc:
            found = []
            self.feedback.value = message(str(exc), "error")
        self.rows = [OrphanedTimer(self.wb, h, self._closed) for h in found]
        self.children = [*self.rows, self.done]
        self._display()

    def _display(self) -> None:
        self.layout.display = None if self.rows or self.done.value else "none"

    def _closed(self, text: str) -> None:
        self.feedback.value = message(text, "ok")
        self.refresh()
        if self.on_change:
            self.on_change()

