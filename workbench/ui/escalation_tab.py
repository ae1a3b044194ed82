"""The escalation tab: a guided protocol that records each step with its time.

Scenario notes (the overdose and PHQ-9 situations): warm transfer to RN triage, provider,
EMS and emergency contacts only with the patient's consent (or, when the patient cannot
respond and life is at risk, a note saying so), stay on the line, follow up, close.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from workbench import records as r
from workbench.errors import WorkbenchError
from workbench.service import Workbench

from .feedback import FormMessages, on_click
from .unsaved import watch
from .html import esc, message
from .names import staff_name, staff_names

FROM_REASON = "From the reason"

CONSENT_CHOICES = [("Not asked yet", None), ("Patient agreed", True),
                   ("No (patient cannot respond / life at risk: explain in the note)", False)]


class EscalationTab(w.VBox):
    def __init__(self, wb: Workbench, pid: str, on_change: Callable[[], None] | None = None,
                 on_opened: Callable[[r.Escalation], None] | None = None):
        from workbench.rules.escalation import protocols

        self.wb = wb
        self.pid = pid
        self.on_change = on_change
        self.on_opened = on_opened
        # the escalation's type, stored with it (escalations.kind) and validated by the service
        # against the protocol table; "" lets the service suggest it from the reason
        self.kind = w.Dropdown(options=[(FROM_REASON, "")] + [(p.label, p.key) for p in protocols().values()],
                               value="", description="Type", layout=w.Layout(width="300px"))
        self.kind.add_class("ccm-esc-kind")
        self.kind.add_class("ccm-esc-type")
        self.guide = w.HTML()
        self.guide.add_class("ccm-esc-guide")
        self.open_reason = w.Text(placeholder="Why you are escalating", description="Reason",
                                  layout=w.Layout(width="520px"))
        self.open_reason.add_class("ccm-esc-reason")
        self.severity = w.Dropdown(options=[(s.value.capitalize(), s.value) for s in r.Severity],
                                   value=r.Severity.URGENT.value, description="Severity")
        self.severity.add_class("ccm-esc-severity")
        self.open_button = w.Button(description="Open escalation", button_style="danger", icon="exclamation-triangle")
        self.open_button.add_class("ccm-esc-open")
        self.msg = FormMessages("ccm-esc-msg", "step", "open")
        on_click(self.open_button, self.open_escalation, self.msg, "open")
        self.which = w.Dropdown(description="Escalation", layout=w.Layout(width="640px"))
        self.which.add_class("ccm-esc-which")
        self.which.observe(lambda _: self._show(), "value")
        self.step = w.Dropdown(options=[(label, s.value) for s, label in r.ESCALATION_STEP_LABELS.items()],
                               description="Step", layout=w.Layout(width="460px"))
        self.step.add_class("ccm-esc-step")
        self.step.observe(lambda _: self._consent_visible(), "value")
        self.consent = w.RadioButtons(options=CONSENT_CHOICES, value=None, description="Patient consent",
                                      layout=w.Layout(width="640px"))
        self.consent.add_class("ccm-esc-consent")
        self.note = w.Text(placeholder="Note for this step", description="Note", layout=w.Layout(width="520px"))
        self.note.add_class("ccm-esc-note")
        self.step_button = w.Button(description="Record step", button_style="primary", icon="check")
        self.step_button.add_class("ccm-esc-record")
        on_click(self.step_button, self.record_step, self.msg, "step")
        self.timeline = w.HTML()
        self.timeline.add_class("ccm-esc-timeline")
        super().__init__([
            self.which, self.timeline, self.guide,
            w.HTML('<div class="ccm-section-title">Record the next step</div>'),
            self.step, self.consent, self.note, self.step_button, self.msg.slot("step"),
            w.HTML('<div class="ccm-section-title">Open a new escalation</div>'),
            w.HBox([self.kind, self.open_reason]), w.HBox([self.severity, self.open_button]), self.msg.slot("open")])
        self.add_class("ccm-escalation-tab")
        self.unsaved = watch(self, self.open_reason, self.note)
        self._consent_visible()
        self.refresh()

    def _consent_visible(self) -> None:
        gated = self.step.value in {s.value for s in r.CONSENT_GATED_STEPS}
        self.consent.layout.display = None if gated else "none"

    def refresh(self, select: int | None = None) -> None:
        self.items = self.wb.escalations(self.pid)
        labels = self.wb.escalation_kinds()
        opts = [(f"#{e.id} {'OPEN' if e.is_open else 'closed'} - {labels.get(e.kind, e.kind)} - "
                 f"{e.severity.value} - {e.reason[:60]}", e.id)
                for e in reversed(self.items)]
        current = select if select is not None else self.which.value
        self.which.options = opts
        ids = [e.id for e in self.items]
        if current in ids:
            self.which.value = current
        elif opts:
            open_ids = [e.id for e in reversed(self.items) if e.is_open]
            self.which.value = open_ids[0] if open_ids else opts[0][1]
        self._show()

    def _show(self) -> None:
        e = next((x for x in self.items if x.id == self.which.value), None)
        if e is None:
            self.timeline.value = message("No escalations for this patient.", "info")
            self.guide.value = ""
            self.step_button.disabled = True
            return
        self._guide(e)
        self.step_button.disabled = not e.is_open
        names = staff_names(self.wb)
        opened = e.opened_at.astimezone(self.wb.tz).strftime("%Y-%m-%d %H:%M:%S")
        steps = "".join(
            f"<li><b>{esc(s.at.astimezone(self.wb.tz).strftime('%H:%M:%S'))}</b> "
            f"{esc(r.ESCALATION_STEP_LABELS.get(s.step, s.step))}"
            + (f" (patient consent: {'yes' if s.patient_consent else 'no'})" if s.patient_consent is not None else "")
            + (f" &mdash; {esc(s.note)}" if s.note else "") + f" <i>by {esc(staff_name(names, s.by))}</i></li>"
            for s in e.steps)
        state = "ccm-badge-danger" if e.is_open else "ccm-badge-ok"
        kind = self.wb.escalation_kinds().get(e.kind, e.kind)
        self.timeline.value = (f'<div class="ccm-card"><span class="ccm-badge {state}">'
                               f'{"OPEN" if e.is_open else "CLOSED"}</span> <span class="ccm-badge ccm-esc-type-badge">{esc(kind)}</span> '
                               f'<b>{esc(e.severity.value)}</b> '
                               f'opened {esc(opened)} by {esc(staff_name(names, e.opened_by))} ({esc(e.source)}): {esc(e.reason)}'
                               f'<ol>{steps or "<li>No steps recorded yet: start with RN triage.</li>"}</ol></div>')

    def _guide(self, e: r.Escalation) -> None:
        """The protocol's next step, preselected, and the required steps still missing."""
        if not e.is_open:
            self.guide.value = ""
            return
        g = self.wb.escalation_guide(e.id)
        nxt = g["next"]
        self.step.value = nxt.value
        missing = (f'<div>Required before closing: <b class="ccm-esc-missing">{esc(g["missing_text"])}</b>. '
                   "Closing without them asks for the reason, which is kept.</div>" if g["missing"]
                   else '<div class="ccm-esc-complete">Every required step is done: close when ready.</div>')
        elapsed = int((self.wb.now() - e.opened_at).total_seconds() // 60)
        self.guide.value = (f'<div class="ccm-card"><b>{esc(g["protocol"].label)} protocol</b> &middot; '
                            f'open {elapsed} min &middot; next step: <b class="ccm-esc-next">'
                            f'{esc(r.ESCALATION_STEP_LABELS[nxt])}</b>{missing}</div>')

    def open_escalation(self):
        self.msg.using("open")
        reason = self.open_reason.value.strip()
        try:
            e = self.wb.open_escalation(self.pid, reason, self.severity.value, kind=self.kind.value or None)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.open_reason.value = ""
        self.kind.value = ""
        self.msg.value = message(f"Escalation #{e.id} opened.", "ok")
        self.refresh(select=e.id)
        if self.on_opened:
            self.on_opened(e)
        if self.on_change:
            self.on_change()
        return e

    def record_step(self):
        self.msg.using("step")
        if self.which.value is None:
            self.msg.value = message("Open an escalation first.", "warn")
            return None
        gated = self.step.value in {s.value for s in r.CONSENT_GATED_STEPS}
        try:
            e = self.wb.record_escalation_step(self.which.value, self.step.value, self.note.value,
                                               patient_consent=self.consent.value if gated else None)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.msg.value = message(f"Recorded: {r.ESCALATION_STEP_LABELS[r.EscalationStep(self.step.value)]}.", "ok")
        self.note.value = ""
        self.consent.value = None
        self.refresh(select=e.id)
        if self.on_change:
            self.on_change()
        return e
