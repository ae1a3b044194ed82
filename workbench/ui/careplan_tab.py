"""The care-plan tab: structured editor, versions, diff, completeness, patient copy.

Reference, "The comprehensive care plan": every CMS element in ``records.CARE_PLAN_ELEMENTS``
has a field; goals carry a target and a due date; interventions name who is responsible.
Saving asks for a reason and makes a NEW version (``wb.revise_care_plan``) based on the
version opened; a stale base is refused (StaleRevision) and shown in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as w
from ipywidgets.widgets.widget_button import ButtonStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from workbench import records as r
from workbench.errors import StaleRevision, WorkbenchError
from workbench.service import Workbench

from .feedback import KEEP, FormMessages, on_click
from .careplan_rows import GoalRow, InterventionRow, heading
from .careplan_views import PARTS, PlanViews
from .html import esc, message
from .lifecycle import freeze, layout, style

TEXT_ELEMENTS = {k: v for k, v in {**r.CARE_PLAN_ELEMENTS, **r.CARE_PLAN_EXTRA_ELEMENTS}.items()
                 if k not in ("goals", "interventions")}
#: The editor's sections (every element of TEXT_ELEMENTS, goals and interventions, once).
SECTIONS = (
    ("Problems, goals and interventions", ("problem_list", "expected_outcome_prognosis", "goals", "interventions")),
    ("Symptoms, function and medicines", ("symptom_management", "cognitive_functional_assessment",
                                          "medication_management")),
    ("Home, caregiver and coordination", ("environmental_evaluation", "caregiver_assessment", "coordination",
                                          "periodic_review", "revision_notes")),
    ("Kept by the care team", ("allergies", "immunizations", "preventive_screenings", "surgical_history",
                               "family_history", "sdoh_needs")),
)


class _Fields(Mapping):
    """The editor's text boxes by element key; ``fields[key]`` builds the folded section that
    holds ``key`` (iterating names the keys without building anything)."""

    def __init__(self, tab: CarePlanTab):
        self._tab = tab

    def __getitem__(self, key: str) -> w.Textarea:
        if key not in TEXT_ELEMENTS:
            raise KeyError(key)
        self._tab._build_section(SECTION_OF[key])
        return self._tab._boxes[key]

    def __iter__(self):
        return iter(TEXT_ELEMENTS)

    def __len__(self) -> int:
        return len(TEXT_ELEMENTS)


#: element key -> index of the folded section that holds it
SECTION_OF = {key: i for i, (_title, keys) in enumerate(SECTIONS) for key in keys}


def _button(description: str, icon: str, css: str, **kw) -> w.Button:
    return w.Button(description=description, icon=icon, layout=layout(width="auto"), style=style(ButtonStyle),
                    _dom_classes=(css,), **kw)


class CarePlanTab(PlanViews, w.VBox):
    """The editor opens with its first folded section; the others, and the sub-tabs after
    "Edit", are built when first shown (opening a chart sends a third of the widgets)."""

    def __init__(self, wb: Workbench, pid: str, consent_ok: bool = True, consent_reason: str = "",
                 on_saved=None, patient: r.Patient | None = None,
                 history: list[r.CarePlanRevision] | None = None):
        self.wb = wb
        self.on_saved = on_saved
        self.pid = pid
        self.patient = patient or wb.get_patient(pid)
        self.read_only = False  #: set by a read-only chart: parts built later are frozen as they are built
        self.banner = w.HTML(message(f"No valid CCM consent: {consent_reason} Record consent in the Consent tab "
                                     "before care-plan work counts.", "warn") if not consent_ok else "",
                             _dom_classes=("ccm-consent-missing" if not consent_ok else "ccm-consent-ok",))
        self.version_label = w.HTML(layout=layout(), style=style(HTMLStyle), _dom_classes=("ccm-cp-version",))
        self._boxes: dict[str, w.Textarea] = {}  #: the text boxes built so far
        self._values = {key: "" for key in TEXT_ELEMENTS}  #: the loaded version's text, for boxes not built
        self.fields = _Fields(self)
        self.goals = w.VBox(layout=layout(), _dom_classes=("ccm-goals",))
        self.interventions = w.VBox(layout=layout(), _dom_classes=("ccm-interventions",))
        self.section_boxes = [w.VBox(layout=layout(), _dom_classes=(f"ccm-cp-section-{keys[0].replace('_', '-')}",))
                              for _title, keys in SECTIONS]
        self._built_sections: set[int] = set()
        self.editor_sections = w.Accordion(self.section_boxes, selected_index=0, titles=[t for t, _ in SECTIONS],
                                           _dom_classes=("ccm-cp-editor-sections",))
        self.editor_sections.observe(self._section_shown, "selected_index")
        self.reason = w.Text(placeholder="Why this revision (required)", description="Reason",
                             layout=layout(width="50%"), style=style(TextStyle), _dom_classes=("ccm-cp-reason",))
        self.save_button = _button("Save new version", "save", "ccm-cp-save", button_style="primary")
        self.msg = FormMessages("ccm-cp-msg", "save")
        on_click(self.save_button, self.save, self.msg, "save")
        self.reload_button = _button("Reload latest version", "sync", "ccm-cp-reload")
        on_click(self.reload_button, self.reload_latest, self.msg, "save")
        self.reapply_button = w.Button(description="Re-apply my edits", icon="redo", layout=w.Layout(width="auto"),
                                       style=style(ButtonStyle), _dom_classes=("ccm-cp-reapply",))
        on_click(self.reapply_button, self.reapply, self.msg, "save", enabled=lambda: self.set_aside is not None)
        self.reapply_button.layout.display = "none"
        self.set_aside: r.CarePlan | None = None  #: the person's edits kept aside by "Reload latest version"
        self._just_saved = False
        savebar = w.HBox([self.reason, self.save_button, self.reload_button, self.reapply_button],
                         layout=layout(), _dom_classes=("ccm-cp-savebar",))
        editor = w.VBox([self.version_label, savebar, self.msg.slot("save"), self.editor_sections], layout=layout())
        self.sections = w.Tab([editor, *(w.VBox(layout=layout()) for _ in PARTS[1:])],
                              titles=PARTS, _dom_classes=("ccm-cp-sections",))
        self._init_views()
        super().__init__([self.banner, self.sections], _dom_classes=("ccm-careplan-tab",))
        self.reload(history)
        self._build_section(0)

    def _section_shown(self, _change=None) -> None:
        if self.editor_sections.selected_index is not None:
            self._build_section(self.editor_sections.selected_index)

    def _build_section(self, index: int) -> None:
        """Fill the folded section ``index`` (its headings and text boxes, with the loaded or typed
        text; the first one also holds the goals and interventions)."""
        if index in self._built_sections:
            return
        self._built_sections.add(index)
        rows: list[w.Widget] = []
        for key in SECTIONS[index][1]:
            if key == "goals":
                add_goal = _button("Add goal", "plus", "ccm-add-goal")
                add_goal.on_click(lambda _: self.add_goal())
                rows += [heading(f"<b>{esc(r.CARE_PLAN_ELEMENTS['goals'])}</b> (each with a target and a due date; "
                                 "past-due goals are marked)"), self.goals, add_goal]
            elif key == "interventions":
                add_int = _button("Add intervention", "plus", "ccm-add-intervention")
                add_int.on_click(lambda _: self.add_intervention())
                rows += [heading(f"<b>{esc(r.CARE_PLAN_ELEMENTS['interventions'])}</b>"), self.interventions, add_int]
            else:
                box = w.Textarea(value=self._values[key], layout=layout(width="98%", height="52px"),
                                 style=style(TextStyle), _dom_classes=(f"ccm-cp-{key.replace('_', '-')}",))
                box.observe(lambda _: self._edited(), "value")
                self._boxes[key] = box
                extra = "" if key in r.CARE_PLAN_ELEMENTS else " (kept by the care team)"
                rows += [heading(f"<b>{esc(TEXT_ELEMENTS[key])}</b>{esc(extra)}"), box]
        self.section_boxes[index].children = rows
        if self.read_only:
            freeze(self.section_boxes[index])

    def _text(self, key: str) -> str:
        """Element ``key`` as typed (its box) or as loaded (a section never opened)."""
        box = self._boxes.get(key)
        return box.value if box is not None else self._values[key]

    # ------------------------------------------------------------------ editing
    def add_goal(self, goal: r.Goal | None = None) -> GoalRow:
        row = GoalRow(goal, self._remove_goal, self.wb.today())
        self.goals.children = (*self.goals.children, row)
        return row

    def _remove_goal(self, row) -> None:
        self.goals.children = tuple(x for x in self.goals.children if x is not row)

    def add_intervention(self, item: r.Intervention | None = None) -> InterventionRow:
        row = InterventionRow(item, self._remove_intervention)
        self.interventions.children = (*self.interventions.children, row)
        return row

    def _remove_intervention(self, row) -> None:
        self.interventions.children = tuple(x for x in self.interventions.children if x is not row)

    def load(self, plan: r.CarePlan) -> None:
        self._loading = True
        try:
            for key in TEXT_ELEMENTS:
                self._values[key] = getattr(plan, key)
                if key in self._boxes:
                    self._boxes[key].value = self._values[key]
        finally:
            self._loading = False
        self.goals.children = ()
        self.interventions.children = ()
        for g in plan.goals:
            self.add_goal(g)
        for i in plan.interventions:
            self.add_intervention(i)

    def _edited(self) -> None:
        """Typing in the editor: the tab is marked ``ccm-dirty`` while it differs from the version
        loaded (the page asks before leaving it: the ``ccm`` template)."""
        self._just_saved = False
        if getattr(self, "_loading", False):
            return
        loaded = self.revision.plan if getattr(self, "revision", None) else r.CarePlan()
        same = all(self._text(key) == getattr(loaded, key) for key in TEXT_ELEMENTS)
        (self.remove_class if same else self.add_class)("ccm-dirty")

    def plan(self) -> r.CarePlan:
        """The plan as typed in the editor (blank goals and interventions are left out)."""
        values = {k: self._text(k) for k in TEXT_ELEMENTS}
        goals = tuple(g.value() for g in self.goals.children if g.value().description)
        items = tuple(i.value() for i in self.interventions.children if i.value().description)
        return r.CarePlan(goals=goals, interventions=items, **values)

    def reload(self, history: list[r.CarePlanRevision] | None = None) -> None:
        """Show the latest version (``history``: the versions just read with the chart, oldest first)."""
        self.history_list = self.wb.care_plan_history(self.pid) if history is None else list(history)
        self.revision = self.history_list[-1] if self.history_list else None
        self.version = self.revision.version if self.revision else 0
        self.load(self.revision.plan if self.revision else r.CarePlan())
        self.remove_class("ccm-dirty")
        if self.revision:
            when = self.revision.recorded_at.astimezone(self.wb.tz).strftime("%Y-%m-%d %H:%M")
            self.version_label.value = (f'<div class="ccm-msg ccm-msg-info">Editing <b>version '
                                        f'{self.version}</b> saved {esc(when)} by '
                                        f'{esc(self.revision.author_name)}.</div>')
        else:
            self.version_label.value = message("No care plan yet: this will be version 1.", "info")
        self._views_reloaded()

    def reload_latest(self):
        """Load the latest version; edits typed here that differ from the version they started
        from are kept aside, and "Re-apply my edits" puts them back over the latest version."""
        started = self.revision.plan if self.revision else r.CarePlan()
        try:
            mine = self.plan()
        except WorkbenchError:
            mine = None
        self.reload()
        if mine is not None and mine != started:
            self.set_aside = mine
            self.reapply_button.layout.display = None
            self.reapply_button.disabled = False
            self.msg.value = message(f"Loaded version {self.version}. Your edits are kept aside: "
                                     "“Re-apply my edits” puts them back over this version.", "info")
        else:
            self.msg.value = message(f"Loaded version {self.version}.", "info")

    def reapply(self):
        """Put the edits kept aside back in the editor, over the latest version (saved on Save)."""
        if self.set_aside is None:
            return None
        self.load(self.set_aside)
        self.set_aside = None
        self.reapply_button.layout.display = "none"
        self.add_class("ccm-dirty")
        self.msg.value = message(f"Your edits are back, over version {self.version}: check them, say why, "
                                 "and save.", "info")
        return True

    def save(self):
        self.msg.using("save")
        reason = self.reason.value.strip()
        if not reason and self._just_saved:
            return KEEP  # the second half of a double click: the version was saved once
        if not reason:
            self.msg.value = message("Say why you are revising the care plan (the reason is kept "
                                     "with the version).", "error")
            return None
        try:
            rev = self.wb.revise_care_plan(self.pid, self.plan(), based_on=self.version, reason=reason)
        except StaleRevision as exc:
            self.msg.value = message(str(exc), "error")
            return None
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.reason.value = ""
        self.reload()
        self.set_aside = None
        self.reapply_button.layout.display = "none"
        self._just_saved = True
        self.msg.value = message(f"Saved version {rev.version}.", "ok")
        if len(self.history_list) >= 2:
            self._saved_versions(self.history_list[-2].version, rev.version)
        if self.on_saved:
            self.on_saved()
        return rev
