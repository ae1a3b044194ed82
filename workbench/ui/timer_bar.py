"""The work bar, pinned at the top of every view (``.ccm-pinned`` in the one app).

- The running timer (architecture, "Time": the timer is a record, not a widget; starting writes
  a row, stopping writes the entry): whose patient, since when, elapsed, and Stop with a note
  and the activity. A daemon thread ticks the elapsed time once a second (``live=False`` in tests).
- On a chart (``set_patient``): that patient's minutes this month on the 20/40/60 bar (green once
  the first threshold is met, reference "Monthly codes and time thresholds"), the codes so far,
  and Start timer.
- A timer belongs to its patient: Stop pressed on another patient's chart names the timer's
  patient and asks first.
- :meth:`offer`: after work recorded with no timer running (consent, a contact, a screen, an
  escalation step, a care-plan save), one click starts a timer or logs the minutes just spent.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

import ipywidgets as w

from workbench import records as r
from workbench.errors import WorkbenchError
from workbench.rules.minutes import minutes_text, whole_minutes
from workbench.service import Workbench

from .feedback import FormMessages, on_click
from .html import esc, message, progress_bar

ACTIVITY_OPTIONS = [(label, a.value) for a, label in r.ACTIVITY_LABELS.items()]
#: What a timer started off a chart records unless the person picks another activity (on a chart:
#: the patient's default, :meth:`workbench.service.Workbench.default_activity`).
DEFAULT_ACTIVITY = r.Activity.PATIENT_CALL


def elapsed_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600:d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def codes_html(bill) -> str:
    """The month's codes so far, each with its units (``99490``, ``99439 x2``)."""
    if not bill.lines:
        return '<span class="ccm-workbar-codes ccm-workbar-nocodes">no code yet</span>'
    return '<span class="ccm-workbar-codes">' + " ".join(
        f'<span class="ccm-badge ccm-badge-ok">{esc(ln.code)}{" x" + str(ln.units) if ln.units != 1 else ""}</span>'
        for ln in bill.lines) + "</span>"


class TimerBar(w.VBox):
    """The work bar. ``listeners`` are called after a timer starts or stops or time is logged,
    so the screens below can refresh; ``on_open_chart(pid)`` opens the timer's patient."""

    def __init__(self, wb: Workbench, live: bool = True, on_open_chart: Callable[[str], None] | None = None):
        self.wb = wb
        self.live = live
        self.on_open_chart = on_open_chart
        self.patient_id: str | None = None  #: the chart on screen, if any
        self.listeners: list[Callable[[], None]] = []
        self.timer: r.Timer | None = None
        self.patient_name = ""
        self.bill = None
        # the running timer
        self.label = w.HTML()
        self.label.add_class("ccm-timer-label")
        self.note = w.Text(placeholder="What was done (required to stop if empty)", layout=w.Layout(width="260px"))
        self.note.add_class("ccm-timerbar-note")
        self.activity = w.Dropdown(options=ACTIVITY_OPTIONS, layout=w.Layout(width="220px"))
        self.activity.add_class("ccm-timerbar-activity")
        self.stop_button = w.Button(description="Stop timer", button_style="danger", icon="stop",
                                    layout=w.Layout(width="auto"))
        self.stop_button.add_class("ccm-timerbar-stop")
        self.open_button = w.Button(description="Open its chart", icon="folder-open", layout=w.Layout(width="auto"))
        self.open_button.add_class("ccm-timerbar-open")
        self.open_button.on_click(lambda _: self.on_open_chart and self.timer and self.on_open_chart(self.timer.patient_id))
        # asking before stopping another patient's timer
        self.confirm_text = w.HTML()
        self.confirm_yes = w.Button(button_style="danger", icon="stop", layout=w.Layout(width="auto"))
        self.confirm_yes.add_class("ccm-timerbar-confirm")
        self.confirm_no = w.Button(description="Keep it running", layout=w.Layout(width="auto"))
        self.confirm_no.add_class("ccm-timerbar-cancel")
        self.confirm_no.on_click(lambda _: self._ask(False))
        self.confirm = w.HBox([self.confirm_text, self.confirm_yes, self.confirm_no])
        self.confirm.add_class("ccm-timerbar-ask")
        # the chart on screen: month so far and Start
        self.month = w.HTML()
        self.month.add_class("ccm-workbar-month")
        self.start_activity = w.Dropdown(options=ACTIVITY_OPTIONS, value=DEFAULT_ACTIVITY.value,
                                         layout=w.Layout(width="220px"))
        self.start_activity.add_class("ccm-workbar-activity")
        self.start_button = w.Button(description="Start timer", button_style="success", icon="play",
                                     layout=w.Layout(width="auto"))
        self.start_button.add_class("ccm-workbar-start")
        self.start_box = w.HBox([self.start_activity, self.start_button])
        # the offer after unrecorded work
        self.offer_text = w.HTML()
        self.offer_start = w.Button(description="Start a timer now", icon="play", button_style="success",
                                    layout=w.Layout(width="auto"))
        self.offer_start.add_class("ccm-offer-start")
        self.offer_minutes = w.BoundedIntText(value=5, min=1, max=240, layout=w.Layout(width="70px"))
        self.offer_minutes.add_class("ccm-offer-minutes")
        self.offer_log = w.Button(description="Log these minutes", icon="plus", layout=w.Layout(width="auto"))
        self.offer_log.add_class("ccm-offer-log")
        self.offer_no = w.Button(description="No time to record", layout=w.Layout(width="auto"))
        self.offer_no.add_class("ccm-offer-dismiss")
        self.offer_no.on_click(lambda _: self.dismiss_offer())
        self.offer_box = w.HBox([self.offer_text, self.offer_start, self.offer_minutes, self.offer_log, self.offer_no])
        self.offer_box.add_class("ccm-offer")
        self.pending_offer: dict | None = None
        # the bar's result under its buttons, announced; cleared by the next action or another view
        self.msg = FormMessages("ccm-timerbar-msg", "bar")
        for button, fn in ((self.stop_button, self.stop), (self.confirm_yes, lambda: self.stop(confirmed=True)),
                           (self.start_button, self.start), (self.offer_start, lambda: self.accept_offer("start")),
                           (self.offer_log, lambda: self.accept_offer("log"))):
            on_click(button, fn, self.msg, "bar")  # disabled while it writes
        self.running = w.HBox([self.label, self.note, self.activity, self.stop_button, self.open_button])
        self.running.add_class("ccm-timerbar-running")
        self.row = w.HBox([self.running, self.month, self.start_box], layout=w.Layout(flex_flow="row wrap",
                                                                                      align_items="center"))
        super().__init__([self.row, self.confirm, self.offer_box, self.msg.slot("bar")])
        self.add_class("ccm-timerbar-box")
        self._thread: threading.Thread | None = None
        self._stop_event = threading.Event()
        self._ask(False)
        self.offer_box.layout.display = "none"
        self.refresh()

    # ------------------------------------------------------------------ showing
    def set_patient(self, pid: str | None, chart=None) -> None:
        """The chart now on screen (None: no chart; ``chart``: its data, already read)."""
        if pid != self.patient_id:
            self.dismiss_offer()
            self._ask(False)
            # the activity chosen for the last patient never carries over to the next one: a new
            # chart starts with that patient's default (rules/default_activity.py)
            self.start_activity.value = self.default_activity(pid, chart)
        self.patient_id = pid
        self.refresh()

    def default_activity(self, pid: str | None, chart=None) -> str:
        """The patient's default timer activity (the general default off a chart)."""
        if not pid:
            return DEFAULT_ACTIVITY.value
        try:
            return self.wb.default_activity(pid, chart).value
        except WorkbenchError:
            return DEFAULT_ACTIVITY.value

    def refresh(self) -> None:
        self.timer = self.wb.running_timer()
        self._show_month()
        if self.timer is None:
            self.label.value = '<div class="ccm-timerbar ccm-timerbar-idle">No timer running.</div>'
            for x in (self.note, self.activity, self.stop_button, self.open_button):
                x.layout.display = "none"
            self.start_box.layout.display = None if self.patient_id else "none"
            self._stop_event.set()
            return
        self.start_box.layout.display = "none"
        try:
            self.patient_name = self.wb.get_patient(self.timer.patient_id).name
        except WorkbenchError:
            self.patient_name = self.timer.patient_id
        for x in (self.note, self.activity, self.stop_button):
            x.layout.display = None
        other = self.on_open_chart is not None and self.timer.patient_id != self.patient_id
        self.open_button.layout.display = None if other else "none"
        self.note.value = self.timer.note
        self.activity.value = self.timer.activity.value
        self.tick()
        if self.live and (self._thread is None or not self._thread.is_alive()):
            self._stop_event = threading.Event()
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def _show_month(self) -> None:
        if not self.patient_id:
            self.month.value = ""
            self.month.layout.display = "none"
            self.bill = None
            return
        self.month.layout.display = None
        self.bill = bill = self.wb.month_bill(self.patient_id, self.wb.today().strftime("%Y-%m"))
        self.month.value = (f'<div class="ccm-workbar-chart"><span>This month</span>'
                            f'{progress_bar(whole_minutes(bill.counted_seconds))}'
                            f'<span class="ccm-workbar-minutes">{minutes_text(bill.counted_seconds)}</span>'
                            f'{codes_html(bill)}</div>')

    def tick(self) -> None:
        t = self.timer
        if t is None:
            return
        secs = (self.wb.now() - t.started_at).total_seconds()
        since = t.started_at.astimezone(self.wb.tz).strftime("%H:%M")
        here = "" if t.patient_id == self.patient_id or not self.patient_id else \
            ' <span class="ccm-timerbar-elsewhere">(not the chart on screen)</span>'
        self.label.value = (f'<div class="ccm-timerbar"><i class="fa fa-stopwatch"></i> Timer running for '
                            f'<span class="ccm-timer-patient">{esc(self.patient_name)} ({esc(t.patient_id)})</span>'
                            f'{here} since {esc(since)}: <span class="ccm-timer-elapsed">{elapsed_text(secs)}</span></div>')

    def stop_ticking(self) -> None:
        """Stop the once-a-second update (the bar is leaving the screen); refresh restarts it."""
        self._stop_event.set()

    def _run(self) -> None:
        while not self._stop_event.wait(1.0):
            try:
                self.wb.timer_heartbeat()  # "this kernel is alive" (at most once a minute)
                self.tick()
            except Exception:  # the kernel is going away; never crash the thread loudly
                return

    # ------------------------------------------------------------------ start / stop
    def start(self, activity: str | None = None, note: str = "", pid: str | None = None):
        """Start a timer for ``pid`` (default: the chart on screen)."""
        pid = pid or self.patient_id
        if not pid:
            self.msg.value = message("Open a chart to start its timer.", "warn")
            return None
        try:
            timer = self.wb.start_timer(pid, activity or self.start_activity.value, note=note)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.msg.value = ""
        self.dismiss_offer()
        self.changed()
        return timer

    def _ask(self, show: bool) -> None:
        self.confirm.layout.display = None if show else "none"

    def stop(self, confirmed: bool = False):
        """Stop the running timer with the note and activity shown here. On another patient's
        chart the first press asks (naming the timer's patient); ``confirmed`` stops."""
        timer = self.wb.running_timer()
        if timer is None:
            self.refresh()
            return None
        name = self.patient_name if self.timer and self.timer.id == timer.id else timer.patient_id
        if self.patient_id and timer.patient_id != self.patient_id and not confirmed:
            self.confirm_text.value = message(f"This timer is for {name} ({timer.patient_id}), not the chart "
                                              "on screen. Stop it?", "warn")
            self.confirm_yes.description = f"Stop {name}'s timer"
            self._ask(True)
            return None
        self._ask(False)
        try:
            entry = self.wb.stop_timer(note=self.note.value.strip() or None, activity=self.activity.value)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.msg.value = message(f"Stopped the timer for {name} ({entry.patient_id}): {entry.seconds // 60} min "
                                 f"{entry.seconds % 60} s recorded.", "ok")
        self.changed()
        return entry

    def changed(self) -> None:
        """Call after a timer started or stopped, or time was logged, anywhere on the page."""
        self.refresh()
        for fn in list(self.listeners):
            fn()

    # ------------------------------------------------------------------ offering a timer
    def offer(self, pid: str, activity: r.Activity | str, what: str, minutes: int = 5) -> bool:
        """After ``what`` was recorded for ``pid``: when no timer runs, offer to start one or to
        log ``minutes`` as a manual entry. Returns whether the offer is shown."""
        if self.wb.running_timer() is not None:
            self.dismiss_offer()
            return False
        self.pending_offer = {"pid": pid, "activity": r.Activity(activity).value, "what": what}
        self.offer_minutes.value = max(1, min(240, int(minutes)))
        self.offer_text.value = message(f"{what}, and no timer is running: record the time it took?", "warn")
        self.offer_box.layout.display = None
        return True

    def accept_offer(self, how: str):
        """``how`` is ``"start"`` (a timer from now) or ``"log"`` (the minutes typed, as a manual entry)."""
        offer = self.pending_offer
        if offer is None:
            return None
        try:
            if how == "start":
                out = self.wb.start_timer(offer["pid"], offer["activity"], note=offer["what"])
                text = "Timer started."
            else:
                out = self.wb.log_time(offer["pid"], self.offer_minutes.value, offer["activity"], offer["what"])
                text = f"Logged {out.seconds // 60} min ({offer['what']})."
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.dismiss_offer()
        self.msg.value = message(text, "ok")
        self.changed()
        return out

    def dismiss_offer(self) -> None:
        self.pending_offer = None
        self.offer_box.layout.display = "none"


def minutes_since(wb: Workbench, since) -> int:
    """Whole minutes from ``since`` to now, at least 1 (the default of "log the minutes just spent")."""
    return max(1, math.ceil((wb.now() - since).total_seconds() / 60))
