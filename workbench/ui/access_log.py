"""The access log page (supervisors): who opened which chart, ran which report, exported or
imported which patients, when and from where, filtered by person, patient and practice days.
The service decides who may read it (``read_access_log``); this page only shows it."""

from __future__ import annotations

import ipywidgets as w

from ..errors import WorkbenchError
from .html import esc, message

SHOWN = 500  #: rows shown at most (the newest); `workbench audit` prints them all


class AccessLogView(w.VBox):
    def __init__(self, wb):
        self.wb = wb
        self.person = w.Text(description="Person", placeholder="staff id")
        self.patient = w.Text(description="Patient", placeholder="patient id")
        self.since = w.DatePicker(description="From")
        self.until = w.DatePicker(description="To")
        self.show = w.Button(description="Show", icon="search")
        self.show.add_class("ccm-access-show")
        self.note = w.HTML()
        self.note.add_class("ccm-access-note")
        self.table = w.HTML()
        self.table.add_class("ccm-access-table")
        for x, css in ((self.person, "ccm-access-person"), (self.patient, "ccm-access-patient")):
            x.add_class(css)
        self.show.on_click(lambda _b: self.refresh())
        filters = w.HBox([self.person, self.patient, self.since, self.until, self.show])
        super().__init__([w.HTML("<h3>Access log</h3>"), filters, self.note, self.table])
        self.add_class("ccm-access-view")
        self.refresh()

    def refresh(self) -> None:
        try:
            rows = self.wb.access_log(person=self.person.value.strip() or None,
                                      patient=self.patient.value.strip() or None,
                                      since=self.since.value, until=self.until.value)
        except WorkbenchError as err:
            self.note.value, self.table.value = message(str(err), "error"), ""
            return
        tz = self.wb.tz
        shown = rows[-SHOWN:][::-1]
        self.note.value = message(f"{len(rows)} access(es); newest first"
                                  + (f", the latest {SHOWN} shown" if len(rows) > SHOWN else "") + ".", "info")
        body = "".join(
            f'<tr class="ccm-access-row"><td>{esc(a.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"))}</td>'
            f'<td>{esc(a.user_id)}</td><td>{esc(a.user_name)}</td><td>{esc(a.user_role.replace("_", " "))}</td>'
            f'<td>{esc(a.action)}</td><td>{esc(a.place)}</td>'
            f'<td>{esc(", ".join(a.patient_ids[:12]) + (" ..." if len(a.patient_ids) > 12 else ""))}</td>'
            f'<td>{esc(a.detail)}</td></tr>' for a in shown)
        self.table.value = ('<table class="ccm-table"><tr><th>When</th><th>Staff id</th><th>Name</th><th>Role</th>'
                            f'<th>What</th><th>From</th><th>Patients</th><th>Detail</th></tr>{body}</table>')
