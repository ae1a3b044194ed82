"""The worklist's "Eligible, not enrolled" view: live patients eligible for care management who
are not enrolled, with their outreach attempts (``wb.outreach_list()``), and a form to record the
next attempt; the message appears next to the button that caused it, and the button cannot write
twice (it is disabled while the write runs). Docs: docs/reference.md, "Enrolment and programmes".
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from workbench import records as r
from workbench.errors import WorkbenchError

from .feedback import KEEP, FormMessages, on_click
from .html import esc, message

OUTCOMES = [("No answer", "no_answer"), ("Left a message", "left_message"), ("Reached", "reached"),
            ("Sent (letter, text, email, portal)", "sent"), ("Wrong number", "wrong_number"),
            ("Declined", "declined")]


def render_outreach(df, names: dict[str, str], href: Callable[[str], str]) -> str:
    """One escaped HTML table of the outreach list."""
    head = ("<tr><th>Patient</th><th>ID</th><th>Eligible for</th><th>Status</th><th>Since</th>"
            "<th>Attempts</th><th>Last attempt</th><th>Outcome</th></tr>")
    body = []
    for row in df.itertuples(index=False):
        pid = str(row.patient_id)
        last = f"{row.last_attempt} ({row.last_channel})" if row.last_attempt else ""
        body.append(f'<tr data-patient="{esc(pid)}"><td><a href="{esc(href(pid))}">{esc(names.get(pid, pid))}</a></td>'
                    f"<td>{esc(pid)}</td><td>{esc(row.eligible_for)}</td><td>{esc(row.status)}</td>"
                    f"<td>{esc(row.status_since)}</td><td class='ccm-num'>{int(row.attempts)}</td>"
                    f"<td>{esc(last)}</td><td>{esc(str(row.last_outcome).replace('_', ' '))}</td></tr>")
    return f'<table class="ccm-table ccm-outreach-table"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'


class OutreachView(w.VBox):
    """Eligible, not enrolled: the list and the "record an attempt" form."""

    def __init__(self, wb, href: Callable[[str], str]):
        self.wb, self.href = wb, href
        self.count = w.HTML()
        self.count.add_class("ccm-outreach-count")
        # sized inline: the worklist's controls are one line high (ui/html.py), the list and the message are not
        self.table = w.HTML(layout=w.Layout(height="auto", flex="0 0 auto", max_height="calc(100vh - 300px)",
                                            overflow="auto"))
        self.table.add_class("ccm-outreach")
        self.patient = w.Text(placeholder="P00001", description="Patient", layout=w.Layout(width="200px"),
                              style={"description_width": "56px"})
        self.channel = w.Dropdown(options=[(c.value.capitalize(), c.value) for c in r.Channel], value="phone",
                                  description="By", layout=w.Layout(width="160px"), style={"description_width": "24px"})
        self.outcome = w.Dropdown(options=OUTCOMES, value="no_answer", description="Outcome",
                                  layout=w.Layout(width="300px"), style={"description_width": "60px"})
        self.record = w.Button(description="Record attempt", icon="phone", button_style="primary",
                               layout=w.Layout(width="150px"))
        for widget, cls in ((self.patient, "ccm-outreach-id"), (self.channel, "ccm-outreach-channel"),
                            (self.outcome, "ccm-outreach-outcome"), (self.record, "ccm-outreach-record")):
            widget.add_class(cls)
        # the result beside the button, announced; cleared by the next action or another view
        self.msg = FormMessages("ccm-outreach-msg", "record")
        self.msg.slot("record").layout.height = "auto"
        on_click(self.record, self.save, self.msg, "record")  # disabled while it writes
        self._just_recorded = False  #: the patient box was emptied by the last success
        self.patient.observe(lambda ch: ch["new"] and setattr(self, "_just_recorded", False), "value")
        form = w.HBox([self.patient, self.channel, self.outcome, self.record, self.msg.slot("record")],
                      layout=w.Layout(flex_flow="row wrap", align_items="center"))
        super().__init__([self.count, form, self.table])
        self.add_class("ccm-outreach-view")
        self.refresh()

    def refresh(self) -> None:
        df = self.wb.outreach_list()
        names = {p.id: p.name for p in self.wb.patients()} if len(df) else {}
        self.count.value = (f"<span>{len(df):,} eligible patient{'s' if len(df) != 1 else ''} not enrolled, "
                            "fewest outreach attempts first</span>")
        self.table.value = render_outreach(df, names, self.href) if len(df) else message(
            "Every eligible patient is enrolled or has answered.", "info")

    def save(self):
        """Record the attempt typed; the patient box is emptied after it, so the second half of a
        double click finds nothing to write and keeps the result (:data:`KEEP`)."""
        pid = self.patient.value.strip()
        if not pid and self._just_recorded:
            return KEEP
        try:
            attempt = self.wb.record_outreach(pid, self.channel.value, self.outcome.value)
            status = self.wb.enrolment_status(pid)
        except WorkbenchError as err:
            self.msg.value = message(str(err), "error")
            return None
        label = r.ENROLMENT_STATUS_LABELS[status.status] if status else "not recorded"
        self.msg.value = message(f"Recorded for {attempt.patient_id}: {self.outcome.label.lower()} by "
                                 f"{attempt.channel}. Status: {label}.", "ok")
        self.patient.value = ""
        self._just_recorded = True
        self.refresh()
        return attempt
