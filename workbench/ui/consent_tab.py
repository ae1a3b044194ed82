"""The consent tab: capture with the four disclosures as required checkboxes; revoke.

Reference, "Consent (before any billable time)": verbal or written consent, on or before the
date of service, recording that the patient was told the four things in
``records.CONSENT_DISCLOSURES``; the patient may stop at any time, effective at the end of
that calendar month.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from workbench import records as r
from workbench.errors import WorkbenchError
from workbench.service import Workbench

from .dates import IsoDate
from .feedback import FormMessages, on_click
from .unsaved import watch
from .html import esc, message, table
from .names import staff_name, staff_names


class ConsentTab(w.VBox):
    def __init__(self, wb: Workbench, pid: str, on_change: Callable[[], None] | None = None):
        self.wb = wb
        self.pid = pid
        self.on_change = on_change
        self.status = w.HTML()
        self.status.add_class("ccm-consent-status")
        self.method = w.Dropdown(options=[("Verbal", "verbal"), ("Written", "written")], value="verbal",
                                 description="Method")
        self.method.add_class("ccm-consent-method")
        self.date = IsoDate(wb.today(), what="consent date", description="Date")
        self.date.add_class("ccm-consent-date")
        # who agreed: the patient, or a legal representative for a patient who cannot decide
        self.given_by = w.Dropdown(options=[(label[0].upper() + label[1:], k.value)
                                            for k, label in r.CONSENT_GIVEN_BY.items()],
                                   value=r.ConsentGivenBy.PATIENT.value, description="Agreed by",
                                   layout=w.Layout(width="360px"), style={"description_width": "80px"})
        self.given_by.add_class("ccm-consent-given-by")
        self.representative = w.Text(placeholder="Representative's name and relation (e.g. daughter)",
                                     layout=w.Layout(width="360px", display="none"))
        self.representative.add_class("ccm-consent-representative")
        self.given_by.observe(lambda _: self._who(), "value")
        self.checks: dict[str, w.Checkbox] = {}
        for key, label in r.CONSENT_DISCLOSURES.items():
            box = w.Checkbox(value=False, description=label, indent=False, layout=w.Layout(width="640px"))
            box.add_class(f"ccm-disclosure-{key.replace('_', '-')}")
            box.observe(lambda _: self._enable(), "value")
            self.checks[key] = box
        self.record_button = w.Button(description="Record consent", button_style="primary", icon="check",
                                      disabled=True)
        self.record_button.add_class("ccm-consent-record")
        self.msg = FormMessages("ccm-consent-msg", "record", "revoke")
        on_click(self.record_button, self.record, self.msg, "record",
                 enabled=lambda: all(b.value for b in self.checks.values()))
        self.revoke_date = IsoDate(wb.today(), what="stop date", description="Stop date")
        self.revoke_date.add_class("ccm-revoke-date")
        self.revoke_reason = w.Text(placeholder="Why the patient is stopping (required)", description="Reason",
                                    layout=w.Layout(width="420px"))
        self.revoke_reason.add_class("ccm-revoke-reason")
        self.revoke_button = w.Button(description="Revoke consent", button_style="warning", icon="times")
        self.revoke_button.add_class("ccm-revoke-button")
        on_click(self.revoke_button, self.revoke, self.msg, "revoke")
        self.history = w.HTML()
        title = lambda t: w.HTML(f'<div class="ccm-section-title">{esc(t)}</div>')  # noqa: E731
        super().__init__([
            self.status, title("Record consent"),
            w.HTML("All four must have been told to the patient (required):"),
            *self.checks.values(), w.HBox([self.method, self.date]), w.HBox([self.given_by, self.representative]),
            self.record_button, self.msg.slot("record"),
            title("The patient asks to stop"),
            w.HTML("Stopping takes effect at the end of the calendar month of the stop date."),
            w.HBox([self.revoke_date, self.revoke_reason, self.revoke_button]), self.msg.slot("revoke"),
            title("Consent history"), self.history])
        self.add_class("ccm-consent-tab")
        self.unsaved = watch(self, self.revoke_reason, self.representative)
        self.refresh()

    def _who(self) -> None:
        """The representative's name is asked for only when someone else agreed."""
        patient = self.given_by.value == r.ConsentGivenBy.PATIENT.value
        self.representative.layout.display = "none" if patient else None
        if patient:
            self.representative.value = ""

    def _enable(self) -> None:
        self.record_button.disabled = not all(b.value for b in self.checks.values())

    def record(self):
        self.msg.using("record")
        try:
            consent = self.wb.record_consent(self.pid, self.method.value, self.date.date,
                                             {k: b.value for k, b in self.checks.items()},
                                             given_by=self.given_by.value, representative=self.representative.value)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        by = "" if not consent.by_representative else f", given by {consent.agreed_by}"
        self.msg.value = message(f"Consent recorded ({consent.method.value}, {consent.consent_date}{by}).", "ok")
        for b in self.checks.values():
            b.value = False
        self.given_by.value = r.ConsentGivenBy.PATIENT.value
        self._changed()
        return consent

    def revoke(self):
        self.msg.using("revoke")
        try:
            consent = self.wb.revoke_consent(self.pid, self.revoke_date.date, self.revoke_reason.value)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.msg.value = message(f"Consent revoked on {consent.revoked_on}; it ends with that month.", "ok")
        self.revoke_reason.value = ""
        self._changed()
        return consent

    def _changed(self) -> None:
        self.refresh()
        if self.on_change:
            self.on_change()

    def refresh(self) -> None:
        from workbench.rules import consent_status

        consents = self.wb.consents(self.pid)
        today = self.wb.today()
        st = consent_status(consents, today, today=today)
        self.status.value = message(("Consent valid today. " if st.valid else "No valid consent today. ")
                                    + st.reason, "ok" if st.valid else "warn")
        names = staff_names(self.wb)
        rows = [(str(c.consent_date), c.method.value, c.agreed_by, staff_name(names, c.obtained_by),
                 f"{c.revoked_on} ({c.revocation_reason})" if c.revoked_on else "") for c in reversed(consents)]
        self.history.value = (table(("Date", "Method", "Agreed by", "Obtained by", "Revoked"), rows) if rows
                              else message("No consent on record.", "info"))
        self.valid = st.valid
