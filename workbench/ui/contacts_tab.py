"""The contacts tab: log a call, text, email or portal message with its outcome."""

from __future__ import annotations

import time
from collections.abc import Callable

import ipywidgets as w

from workbench import records as r
from workbench.errors import WorkbenchError
from workbench.service import Workbench

from .feedback import KEEP, FormMessages, on_click
from .html import message, table
from .unsaved import watch
from .names import staff_name, staff_names

#: Suggestions for "With": anyone may be typed (a niece, rheumatology, the GI unit...).
#: A second click this soon after a logged contact, with nothing changed, is the same click.
DOUBLE_CLICK_SECONDS = 5.0
WITH_WHOM = ("patient", "caregiver", "provider", "pharmacy", "community", "interpreter")


class ContactsTab(w.VBox):
    def __init__(self, wb: Workbench, pid: str, on_change: Callable[[], None] | None = None):
        self.wb = wb
        self.pid = pid
        self.on_change = on_change
        self.channel = w.Dropdown(options=[(c.value.title(), c.value) for c in r.Channel],
                                  value=r.Channel.PHONE.value, description="Channel")
        self.outcome = w.Dropdown(options=[(o.value.replace("_", " ").capitalize(), o.value) for o in r.ContactOutcome],
                                  value=r.ContactOutcome.REACHED.value, description="Outcome")
        self.with_whom = w.Combobox(options=WITH_WHOM, value="patient", description="With", ensure_option=False,
                                    placeholder="patient, niece, rheumatology...")
        self.note = w.Textarea(placeholder="What was said or sent", description="Note",
                               layout=w.Layout(width="640px", height="60px"))
        self.button = w.Button(description="Log contact", button_style="primary", icon="phone")
        for x, c in ((self.channel, "ccm-contact-channel"), (self.outcome, "ccm-contact-outcome"),
                     (self.with_whom, "ccm-contact-with"), (self.note, "ccm-contact-note"),
                     (self.button, "ccm-contact-log")):
            x.add_class(c)
        self._logged_at: float | None = None  #: when the last contact was logged, if nothing changed since
        for x in (self.channel, self.outcome, self.with_whom, self.note):
            x.observe(lambda _: setattr(self, "_logged_at", None), "value")
        self.msg = FormMessages("ccm-contact-msg", "log")  # beside the button, announced, cleared
        on_click(self.button, self.log_contact, self.msg, "log")  # disabled while it writes
        self.list = w.HTML()
        self.list.add_class("ccm-contact-list")
        super().__init__([w.HBox([self.channel, self.outcome, self.with_whom]), self.note, self.button,
                          self.msg.slot("log"), self.list])
        self.add_class("ccm-contacts-tab")
        self.unsaved = watch(self, self.note)
        self.refresh()

    def log_contact(self):
        if self._logged_at is not None and time.monotonic() - self._logged_at < DOUBLE_CLICK_SECONDS:
            return KEEP  # a double click's second half, nothing changed since: one click, one contact
        if not self.with_whom.value.strip():
            self.msg.value = message("Say whom the contact was with (type anyone, or pick a suggestion).", "error")
            return None
        try:
            contact = self.wb.log_contact(self.pid, self.channel.value, self.outcome.value, self.note.value,
                                          with_whom=self.with_whom.value)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.msg.value = message("Contact logged.", "ok")
        self.note.value = ""
        self._logged_at = time.monotonic()
        self.refresh()
        if self.on_change:
            self.on_change()
        return contact

    def refresh(self) -> None:
        names = staff_names(self.wb)
        rows = [(c.contacted_at.astimezone(self.wb.tz).strftime("%Y-%m-%d %H:%M"), c.channel.value,
                 c.with_whom, c.outcome.value.replace("_", " "), staff_name(names, c.staff_id), c.note)
                for c in reversed(self.wb.contacts(self.pid))]
        self.list.value = (table(("When", "Channel", "With", "Outcome", "Staff", "Note"), rows) if rows
                           else message("No contacts logged yet.", "info"))
