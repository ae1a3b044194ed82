"""Chart panels the chart does not have yet: the medication list editor and a follow-up
scheduler. They write through the signed-in Workbench (for a trainee, their own Workbench on
the attempt's clock), exactly as a chart tab does."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.records import Channel, Medication
from workbench.ui.feedback import KEEP, FormMessages, on_click
from workbench.ui.html import esc, message, table
from workbench.ui.unsaved import watch


class MedicationEditor(w.VBox):
    """The medication list: change a dose or frequency, stop a medicine, add one (with its dose
    and frequency); a reason is required for every change."""

    def __init__(self, wb, pid: str):
        self.wb, self.pid = wb, pid
        self.list = w.HTML()
        self.pick = w.Dropdown(description="Medicine", layout=w.Layout(width="320px"))
        self.pick.add_class("trn-med-pick")
        self.dose = w.Text(description="New dose", layout=w.Layout(width="260px"))
        self.dose.add_class("trn-med-dose")
        self.frequency = w.Text(description="Frequency", placeholder="e.g. twice daily",
                                layout=w.Layout(width="260px"))
        self.frequency.add_class("trn-med-frequency")
        self.stop = w.Checkbox(description="Stop it", indent=False)
        self.stop.add_class("trn-med-stop")
        self.name = w.Text(description="Add", placeholder="name", layout=w.Layout(width="260px"))
        self.name.add_class("trn-med-name")
        self.reason = w.Text(description="Reason", layout=w.Layout(width="520px"))
        self.reason.add_class("trn-med-reason")
        self.save_button = save = w.Button(description="Save medicine list change", icon="save",
                                           button_style="primary", layout=w.Layout(width="auto"))
        save.add_class("trn-med-save")
        # the result under the button, announced; cleared by the next action or another view
        self.msg = FormMessages("trn-med-msg", "save")
        on_click(save, self.save, self.msg, "save")  # disabled while it writes
        self._just_saved = False  #: the form was emptied by the last success
        for x in (self.pick, self.name, self.dose, self.frequency, self.stop, self.reason):
            x.observe(self._edited, "value")
        super().__init__([w.HTML('<div class="ccm-section-title">Medication list</div>'), self.list,
                          w.HBox([self.pick, self.stop]), self.name, w.HBox([self.dose, self.frequency]),
                          self.reason, save, self.msg.slot("save")])
        self.add_class("trn-medications")
        self.unsaved = watch(self, self.name, self.dose, self.frequency, self.reason)
        self.refresh()

    def refresh(self) -> None:
        meds = self.wb.medications(self.pid)
        self.list.value = table(["Medicine", "Dose", "Frequency", "Status"],
                                [(m.name, m.dose, m.frequency, m.status) for m in meds],
                                css="ccm-table trn-med-table")
        self.pick.options = [("(none)", None)] + [(f"{m.name} {m.dose}", m.id) for m in meds
                                                  if m.status == "active"]

    def _edited(self, change) -> None:
        if change["new"]:
            self._just_saved = False

    def save(self):
        if self._just_saved and not (self.name.value.strip() or self.reason.value.strip()):
            return KEEP  # a double click's second half: the change was saved once
        try:
            if self.name.value.strip():
                self.wb.add_medication(self.pid, Medication(self.name.value.strip(),
                                                            dose=self.dose.value.strip(),
                                                            frequency=self.frequency.value.strip()),
                                       reason=self.reason.value)
            elif self.pick.value is not None:
                self.wb.change_medication(self.pick.value, dose=self.dose.value.strip() or None,
                                          frequency=self.frequency.value.strip() or None,
                                          stop=self.stop.value, reason=self.reason.value)
            else:
                self.msg.value = message("Choose a medicine to change, or type one to add.", "error")
                return None
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.name.value = self.dose.value = self.frequency.value = self.reason.value = ""
        self.stop.value = False
        self.msg.value = message("Saved.", "ok")
        self.refresh()
        self._just_saved = True
        return True


class FollowUpEditor(w.VBox):
    """Schedule the next contact: when (days from now and a time), how, and what for."""

    def __init__(self, wb, pid: str):
        self.wb, self.pid = wb, pid
        self.days = w.BoundedIntText(value=1, min=0, max=90, description="In days",
                                     layout=w.Layout(width="180px"))
        self.days.add_class("trn-fu-days")
        self.at = w.Text(value="10:00", description="At", layout=w.Layout(width="160px"))
        self.at.add_class("trn-fu-time")
        self.channel = w.Dropdown(options=[c.value for c in Channel], value="phone",
                                  description="By", layout=w.Layout(width="200px"))
        self.reason = w.Text(description="For", layout=w.Layout(width="520px"))
        self.reason.add_class("trn-fu-reason")
        save = w.Button(description="Schedule follow-up", icon="calendar", button_style="primary",
                        layout=w.Layout(width="auto"))
        save.add_class("trn-fu-save")
        # the result under the button, announced; cleared by the next action or another view
        self.msg = FormMessages("trn-fu-msg", "save")
        on_click(save, self.save, self.msg, "save")  # disabled while it writes
        self._just_saved = False  #: the reason was emptied by the last success
        self.reason.observe(lambda ch: ch["new"] and setattr(self, "_just_saved", False), "value")
        self.list = w.HTML()
        super().__init__([w.HTML('<div class="ccm-section-title">Follow-up</div>'), self.list,
                          w.HBox([self.days, self.at, self.channel]), self.reason, save, self.msg.slot("save")])
        self.add_class("trn-follow-up")
        self.unsaved = watch(self, self.reason)
        self.refresh()

    def refresh(self) -> None:
        tz = self.wb.tz
        rows = [(f.due_at.astimezone(tz).strftime("%a %d %b %H:%M"), f.channel.value, f.reason)
                for f in self.wb.follow_ups(self.pid)]
        self.list.value = table(["Due", "By", "For"], rows, css="ccm-table") if rows else ""

    def save(self):
        if self._just_saved and not self.reason.value.strip():
            return KEEP  # a double click's second half: scheduled once
        try:
            hh, mm = (int(x) for x in self.at.value.strip().split(":"))
            day = self.wb.today() + timedelta(days=int(self.days.value))
            due = datetime.combine(day, time(hh, mm), tzinfo=self.wb.tz)
        except ValueError:
            self.msg.value = message(f"'{esc(self.at.value)}' is not a time like 10:00.", "error")
            return None
        try:
            follow_up = self.wb.schedule_follow_up(self.pid, due, self.reason.value, channel=self.channel.value)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.reason.value = ""
        self._just_saved = True
        self.msg.value = message("Follow-up scheduled.", "ok")
        self.refresh()
        return follow_up
