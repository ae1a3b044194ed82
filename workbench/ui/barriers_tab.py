"""The barriers tab: social needs and other barriers to care, with what was arranged.

A barrier has a domain (the AHC HRSN core domains first), a description, a status (open, in
progress, resolved), the action arranged and, once resolved, how. Adding writes a new row
(``wb.add_barrier``); updating or resolving writes a new row superseding the old one
(``wb.update_barrier``): the record is append-only, the latest row stands for the barrier.
The SDOH screen in the Screening tab opens barriers too; they are worked here.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from workbench import records as r
from workbench.errors import WorkbenchError
from workbench.service import Workbench

from .feedback import KEEP, FormMessages, on_click
from .html import message, table
from .unsaved import watch

DOMAIN_LABELS = {d: d.value.replace("_", " ").capitalize() for d in r.BarrierDomain}
STATUS_LABELS = {r.BarrierStatus.OPEN: "Open", r.BarrierStatus.IN_PROGRESS: "In progress",
                 r.BarrierStatus.RESOLVED: "Resolved"}


def _status_dropdown(css: str) -> w.Dropdown:
    box = w.Dropdown(options=[(label, s.value) for s, label in STATUS_LABELS.items()],
                     value=r.BarrierStatus.OPEN.value, description="Status", layout=w.Layout(width="260px"))
    box.add_class(css)
    return box


def _text(description: str, placeholder: str, css: str, area: bool = False) -> w.Widget:
    kind = w.Textarea if area else w.Text
    box = kind(description=description, placeholder=placeholder,
               layout=w.Layout(width="640px", height="54px" if area else None))
    box.add_class(css)
    return box


class BarriersTab(w.VBox):
    """List, add, update and resolve the patient's barriers."""

    def __init__(self, wb: Workbench, pid: str, on_change: Callable[[], None] | None = None):
        self.wb = wb
        self.pid = pid
        self.on_change = on_change
        self.list = w.HTML()
        self.list.add_class("ccm-barrier-list")
        # ---- add
        self.domain = w.Dropdown(options=[(label, d.value) for d, label in DOMAIN_LABELS.items()],
                                 value=r.BarrierDomain.TRANSPORTATION.value, description="Domain",
                                 layout=w.Layout(width="300px"))
        self.domain.add_class("ccm-barrier-domain")
        self.status = _status_dropdown("ccm-barrier-status")
        self.description = _text("Description", "What stands in the way (in your words)", "ccm-barrier-description", True)
        self.action = _text("Action", "What was arranged (a ride booked, a referral sent...)", "ccm-barrier-action")
        self.resolution = _text("Resolution", "How it was resolved (when resolved)", "ccm-barrier-resolution")
        self.add_button = w.Button(description="Add barrier", icon="plus", button_style="primary",
                                   layout=w.Layout(width="auto"))
        self.add_button.add_class("ccm-barrier-add")
        # each form's result beside its button, announced, cleared by the next action or view
        self.msg = FormMessages("ccm-barrier-msg", "add", "update")
        self.add_msg, self.update_msg = self.msg.slot("add"), self.msg.slot("update")
        self.add_msg.add_class("ccm-barrier-add-msg")
        self.update_msg.add_class("ccm-barrier-update-msg")
        on_click(self.add_button, self.add, self.msg, "add")  # disabled while it writes
        # ---- update / resolve
        self.pick = w.Dropdown(description="Barrier", layout=w.Layout(width="640px"))
        self.pick.add_class("ccm-barrier-pick")
        self.pick.observe(lambda _: self._load_picked(), "value")
        self.new_status = _status_dropdown("ccm-barrier-new-status")
        self.new_description = _text("Description", "", "ccm-barrier-new-description", True)
        self.new_action = _text("Action", "What was arranged", "ccm-barrier-new-action")
        self.new_resolution = _text("Resolution", "How it was resolved", "ccm-barrier-new-resolution")
        self.update_button = w.Button(description="Save barrier update", icon="save", button_style="primary",
                                      layout=w.Layout(width="auto"))
        self.update_button.add_class("ccm-barrier-update")
        on_click(self.update_button, self.update, self.msg, "update")
        self.update_box = w.VBox([w.HTML('<div class="ccm-section-title">Update or resolve a barrier</div>'),
                                  self.pick, self.new_status, self.new_description, self.new_action,
                                  self.new_resolution, self.update_button, self.update_msg])
        self.update_box.add_class("ccm-barrier-update-box")
        self._barriers: dict[int, r.Barrier] = {}
        self._just_added = False  #: the add form was emptied by a success (a double click's second half)
        self.description.observe(lambda ch: ch["new"] and setattr(self, "_just_added", False), "value")
        super().__init__([self.list,
                          w.HTML('<div class="ccm-section-title">Add a barrier</div>'),
                          w.HBox([self.domain, self.status]), self.description, self.action, self.resolution,
                          self.add_button, self.add_msg, self.update_box])
        self.add_class("ccm-barriers-tab")
        self.unsaved = watch(self, self.description, self.action, self.resolution, self.new_description,
                             self.new_action, self.new_resolution)
        self.refresh()

    # ------------------------------------------------------------------ writes
    def add(self) -> r.Barrier | None:
        self.msg.using("add")
        if self._just_added and not self.description.value.strip():
            return KEEP  # nothing new typed since the barrier was added: one click, one row
        try:
            barrier = self.wb.add_barrier(self.pid, self.domain.value, self.description.value,
                                          status=self.status.value, action=self.action.value,
                                          resolution=self.resolution.value)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.description.value = self.action.value = self.resolution.value = ""
        self.status.value = r.BarrierStatus.OPEN.value
        self._just_added = True
        self.msg.value = message(f"Barrier added ({DOMAIN_LABELS[barrier.domain].lower()}).", "ok")
        self.refresh()
        if self.on_change:
            self.on_change()
        return barrier

    def update(self) -> r.Barrier | None:
        self.msg.using("update")
        if self.pick.value is None:
            self.msg.value = message("Choose the barrier to update.", "error")
            return None
        try:
            barrier = self.wb.update_barrier(self.pick.value, self.new_status.value, action=self.new_action.value,
                                             description=self.new_description.value,
                                             resolution=self.new_resolution.value)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.msg.value = message(f"Barrier updated: {STATUS_LABELS[barrier.status].lower()}.", "ok")
        self.refresh(select=barrier.id)
        if self.on_change:
            self.on_change()
        return barrier

    # ------------------------------------------------------------------ reading
    def refresh(self, select: int | None = None) -> None:
        barriers = self.wb.barriers(self.pid)
        self._barriers = {b.id: b for b in barriers}
        rows = [(DOMAIN_LABELS[b.domain], b.description, STATUS_LABELS[b.status], b.action, b.resolution)
                for b in barriers]
        self.list.value = (table(("Domain", "Barrier", "Status", "Action", "Resolution"), rows,
                                 css="ccm-table ccm-barrier-table") if rows
                           else message("No barriers recorded.", "info"))
        options = [("(choose)", None)] + [
            (f"{DOMAIN_LABELS[b.domain]}: {b.description[:60]} ({STATUS_LABELS[b.status].lower()})", b.id)
            for b in barriers]
        keep = select if select in self._barriers else self.pick.value if self.pick.value in self._barriers else None
        self.pick.options = options
        self.pick.value = keep
        self._load_picked()

    def _load_picked(self) -> None:
        b = self._barriers.get(self.pick.value)
        self.new_status.value = (b.status if b else r.BarrierStatus.OPEN).value
        self.new_description.value = b.description if b else ""
        self.new_action.value = b.action if b else ""
        self.new_resolution.value = b.resolution if b else ""
        self.unsaved.saved(self.new_description, self.new_action, self.new_resolution)  # as recorded
