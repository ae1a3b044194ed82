"""The time tab: live timer, manual entry, void with reason, and the month so far.

Reference, "Monthly codes and time thresholds" and "What a time entry records": the month's
codes come from ``wb.month_bill`` (workbench.rules.billing), which also gives a reason for
every unbilled minute; this tab only shows them. Note text is never logged.
"""

from __future__ import annotations

import ipywidgets as w

from workbench import records as r
from workbench.errors import WorkbenchError
from workbench.rules.minutes import whole_minutes
from workbench.service import Workbench

from .dates import IsoDate
from .feedback import FormMessages, on_click
from .unsaved import watch
from .html import esc, message, progress_bar, table
from .names import staff_name, staff_names
from .timer_bar import TimerBar

ACTIVITY_OPTIONS = [(label, a.value) for a, label in r.ACTIVITY_LABELS.items()]


class TimeTab(w.VBox):
    def __init__(self, wb: Workbench, pid: str, timer_bar: TimerBar, consent_ok: bool = True,
                 consent_reason: str = ""):
        self.wb = wb
        self.pid = pid
        self.timer_bar = timer_bar
        self.banner = w.HTML(message(f"No valid CCM consent: {consent_reason} Time recorded now will not be "
                                     "billable until consent is on record.", "warn") if not consent_ok else "")
        self.banner.add_class("ccm-consent-missing" if not consent_ok else "ccm-consent-ok")
        # live timer
        self.activity = w.Dropdown(options=ACTIVITY_OPTIONS, value=timer_bar.default_activity(pid),
                                   description="Activity", layout=w.Layout(width="380px"))
        self.activity.add_class("ccm-timer-activity")
        self.note = w.Text(placeholder="What you are doing (kept with the entry)", description="Note",
                           layout=w.Layout(width="420px"))
        self.note.add_class("ccm-timer-note")
        self.start_button = w.Button(description="Start timer", button_style="success", icon="play")
        self.start_button.add_class("ccm-timer-start")
        self.msg = FormMessages("ccm-time-msg", "timer", "manual", "void")
        self._enabled = {"start": True, "stop": False}  # as the last refresh left them
        on_click(self.start_button, self.start, self.msg, "timer", enabled=lambda: self._enabled["start"])
        self.stop_button = w.Button(description="Stop timer", button_style="danger", icon="stop")
        self.stop_button.add_class("ccm-timer-stop")
        on_click(self.stop_button, self.stop, self.msg, "timer", enabled=lambda: self._enabled["stop"])
        # manual entry
        self.m_minutes = w.BoundedFloatText(value=0, min=0, max=720, step=1, description="Minutes",
                                            layout=w.Layout(width="180px"))
        self.m_minutes.add_class("ccm-manual-minutes")
        self.m_activity = w.Dropdown(options=ACTIVITY_OPTIONS, value=r.Activity.CARE_PLAN.value,
                                     description="Activity", layout=w.Layout(width="380px"))
        self.m_activity.add_class("ccm-manual-activity")
        self.m_date = IsoDate(wb.today(), what="service date", description="Date", layout=w.Layout(width="200px"))
        self.m_date.add_class("ccm-manual-date")
        self.m_note = w.Text(placeholder="What was done (required)", description="Note",
                             layout=w.Layout(width="420px"))
        self.m_note.add_class("ccm-manual-note")
        self.m_button = w.Button(description="Log time", icon="plus")
        self.m_button.add_class("ccm-manual-log")
        on_click(self.m_button, self.log_manual, self.msg, "manual")
        # void
        self.v_entry = w.Dropdown(description="Entry", layout=w.Layout(width="420px"))
        self.v_entry.add_class("ccm-void-entry")
        self.v_reason = w.Text(placeholder="Why this entry is wrong (required)", description="Reason",
                               layout=w.Layout(width="380px"))
        self.v_reason.add_class("ccm-void-reason")
        self.v_button = w.Button(description="Void entry", button_style="warning", icon="ban")
        self.v_button.add_class("ccm-void-button")
        on_click(self.v_button, self.void, self.msg, "void")
        self.summary = w.HTML()
        self.summary.add_class("ccm-month-summary")
        self.entries = w.HTML()
        self.entries.add_class("ccm-time-entries")
        title = lambda t: w.HTML(f'<div class="ccm-section-title">{esc(t)}</div>')  # noqa: E731
        super().__init__([
            self.banner, title("Month so far"), self.summary,
            title("Live timer"), w.HBox([self.activity, self.note]), w.HBox([self.start_button, self.stop_button]),
            self.msg.slot("timer"),
            title("Manual entry"), w.HBox([self.m_minutes, self.m_activity, self.m_date]),
            w.HBox([self.m_note, self.m_button]), self.msg.slot("manual"),
            title("Entries this month"), self.entries,
            title("Void an entry"), w.HBox([self.v_entry, self.v_reason, self.v_button]), self.msg.slot("void"),
        ])
        self.add_class("ccm-time-tab")
        self.unsaved = watch(self, self.m_note, self.v_reason)
        timer_bar.listeners.append(self.refresh)
        self.refresh()

    @property
    def month(self) -> str:
        return self.wb.today().strftime("%Y-%m")

    def start(self):
        self.msg.using("timer")
        try:
            timer = self.wb.start_timer(self.pid, self.activity.value, note=self.note.value.strip())
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.msg.value = message("Timer started. It shows at the top of every screen until you stop it.", "ok")
        self.timer_bar.changed()
        return timer

    def stop(self):
        self.msg.using("timer")
        note = self.note.value.strip() or None
        try:
            entry = self.wb.stop_timer(note=note)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.note.value = ""
        self.msg.value = message(f"Timer stopped: {entry.seconds // 60} min {entry.seconds % 60} s recorded.", "ok")
        self.timer_bar.changed()
        return entry

    def log_manual(self):
        self.msg.using("manual")
        try:
            entry = self.wb.log_time(self.pid, self.m_minutes.value, self.m_activity.value, self.m_note.value,
                                     service_date=self.m_date.date)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        late = " (entered late: it is marked as such)" if entry.mode == r.EntryMode.LATE else ""
        self.msg.value = message(f"Logged {entry.seconds // 60} min{late}.", "ok")
        self.m_minutes.value = 0
        self.m_note.value = ""
        self.timer_bar.changed()  # the work bar's month minutes too
        return entry

    def void(self) -> bool:
        if self.v_entry.value is None:
            self.msg.value = message("Choose the entry to void.", "warn")
            return False
        try:
            self.wb.void_time(self.v_entry.value, self.v_reason.value)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return False
        self.msg.value = message("The entry is marked entered-in-error; the original stays in the record.", "ok")
        self.v_reason.value = ""
        self.timer_bar.changed()
        return True

    def refresh(self) -> None:
        running = self.wb.running_timer()
        mine = running is not None and running.patient_id == self.pid
        self._enabled = {"start": running is None, "stop": bool(mine)}
        self.start_button.disabled = running is not None
        self.stop_button.disabled = not mine
        bill = self.wb.month_bill(self.pid, self.month)
        entries = self.wb.time_entries(self.pid, self.month)
        total = sum(e.seconds for e in entries)
        codes = bill.codes_text or "nothing billable yet"
        unbilled = "".join(f"<li>{esc(u)}</li>" for u in bill.unbilled)
        alt = (f"<div>Alternative: {esc(bill.alternative.label)} ({esc(bill.alternative.codes_text)}, "
               f"${bill.alternative.amount})</div>") if bill.alternative else ""
        self.summary.value = (
            f'<div class="ccm-card"><div class="ccm-row ccm-row-wide">'
            f'{progress_bar(whole_minutes(bill.counted_seconds))}'
            f'<div>Total recorded: <b class="ccm-month-total">{total // 60} min {total % 60:02d} s</b> &middot; counted '
            f'{bill.counted_minutes} min &middot; billable {bill.billable_minutes} min</div>'
            f'<div>Codes: <b class="ccm-month-codes">{esc(codes)}</b> &middot; ${bill.amount}</div></div>'
            f'<div class="ccm-gap-above">{esc(bill.reason)}</div>{alt}'
            + (f'<div class="ccm-gap-above"><b>Minutes not billed, and why:</b><ul>{unbilled}</ul></div>'
               if unbilled else "") + "</div>")
        rows = []
        names = staff_names(self.wb)
        for e in reversed(entries):
            when = (e.started_at.astimezone(self.wb.tz).strftime("%H:%M") if e.started_at else "")
            rows.append((e.id, str(e.service_date), when, f"{e.seconds // 60}:{e.seconds % 60:02d}",
                         r.ACTIVITY_LABELS.get(e.activity, e.activity), e.mode.value, staff_name(names, e.staff_id), e.note))
        self.entries.value = (table(("#", "Date", "Start", "Min:s", "Activity", "How", "Staff", "Note"), rows)
                              if rows else message("No time recorded this month.", "info"))
        self.v_entry.options = [(f"#{e.id} {e.service_date} {e.seconds // 60} min "
                                 f"{r.ACTIVITY_LABELS.get(e.activity, '')}", e.id) for e in reversed(entries)]
        self.bill = bill
