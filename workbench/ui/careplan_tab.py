"""The care-plan tab: structured editor, versions, diff, completeness, patient copy.

Reference, "The comprehensive care plan": every CMS element in ``records.CARE_PLAN_ELEMENTS``
has a field; goals carry a target and a due date; interventions name who is responsible.
Saving asks for a reason and makes a NEW version (``wb.revise_care_plan``) based on the
version opened; a stale base is refused (StaleRevision) and shown in plain words.
"""

from __future__ import annotations

import ipywidgets as w
from ipywidgets.widgets.widget_string import TextStyle

from workbench import records as r
from workbench.errors import StaleRevision, WorkbenchError
from workbench.rules import diff_plans, missing_elements
from workbench.service import Workbench

from .feedback import KEEP, FormMessages, on_click
from .careplan_rows import GoalRow, InterventionRow, heading
from .html import data_link, esc, message, table
from .lifecycle import layout, style

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


#: The index of the "Patient copy" sub-tab: its PDF is made only when it is shown (making it
#: takes most of a chart's opening time otherwise).
COPY_SECTION = 3


class CarePlanTab(w.VBox):
    def __init__(self, wb: Workbench, pid: str, consent_ok: bool = True, consent_reason: str = "",
                 on_saved=None):
        self.wb = wb
        self.on_saved = on_saved
        self.pid = pid
        self.patient = wb.get_patient(pid)
        self.banner = w.HTML(message(f"No valid CCM consent: {consent_reason} Record consent in the Consent tab "
                                     "before care-plan work counts.", "warn") if not consent_ok else "")
        self.banner.add_class("ccm-consent-missing" if not consent_ok else "ccm-consent-ok")
        self.version_label = w.HTML()
        self.version_label.add_class("ccm-cp-version")
        self.fields: dict[str, w.Textarea] = {}
        for key, _label in TEXT_ELEMENTS.items():
            box = w.Textarea(layout=layout(width="98%", height="52px"), style=style(TextStyle))
            box.add_class(f"ccm-cp-{key.replace('_', '-')}")
            box.observe(lambda _: self._edited(), "value")
            self.fields[key] = box
        self.goals = w.VBox()
        self.goals.add_class("ccm-goals")
        self.interventions = w.VBox()
        self.interventions.add_class("ccm-interventions")
        add_goal = w.Button(description="Add goal", icon="plus", layout=w.Layout(width="auto"))
        add_goal.add_class("ccm-add-goal")
        add_goal.on_click(lambda _: self.add_goal())
        add_int = w.Button(description="Add intervention", icon="plus", layout=w.Layout(width="auto"))
        add_int.add_class("ccm-add-intervention")
        add_int.on_click(lambda _: self.add_intervention())
        structured = {"goals": [w.HTML(f"<b>{esc(r.CARE_PLAN_ELEMENTS['goals'])}</b> (each with a target and a "
                                       "due date; past-due goals are marked)"), self.goals, add_goal],
                      "interventions": [w.HTML(f"<b>{esc(r.CARE_PLAN_ELEMENTS['interventions'])}</b>"),
                                        self.interventions, add_int]}
        self.section_boxes = []
        for _title, keys in SECTIONS:
            rows: list[w.Widget] = []
            for key in keys:
                if key in structured:
                    rows.extend(structured[key])
                    continue
                extra = "" if key in r.CARE_PLAN_ELEMENTS else " (kept by the care team)"
                rows += [heading(f"<b>{esc(TEXT_ELEMENTS[key])}</b>{esc(extra)}"), self.fields[key]]
            box = w.VBox(rows)
            box.add_class(f"ccm-cp-section-{keys[0].replace('_', '-')}")
            self.section_boxes.append(box)
        self.editor_sections = w.Accordion(self.section_boxes, selected_index=0)
        for i, (title, _keys) in enumerate(SECTIONS):
            self.editor_sections.set_title(i, title)
        self.editor_sections.add_class("ccm-cp-editor-sections")
        self.reason = w.Text(placeholder="Why this revision (required)", description="Reason",
                             layout=w.Layout(width="50%"))
        self.reason.add_class("ccm-cp-reason")
        self.save_button = w.Button(description="Save new version", button_style="primary", icon="save",
                                    layout=w.Layout(width="auto"))
        self.save_button.add_class("ccm-cp-save")
        self.msg = FormMessages("ccm-cp-msg", "save")
        on_click(self.save_button, self.save, self.msg, "save")
        self.reload_button = w.Button(description="Reload latest version", icon="sync", layout=w.Layout(width="auto"))
        self.reload_button.add_class("ccm-cp-reload")
        on_click(self.reload_button, self.reload_latest, self.msg, "save")
        self.reapply_button = w.Button(description="Re-apply my edits", icon="redo", layout=w.Layout(width="auto"))
        self.reapply_button.add_class("ccm-cp-reapply")
        on_click(self.reapply_button, self.reapply, self.msg, "save", enabled=lambda: self.set_aside is not None)
        self.reapply_button.layout.display = "none"
        self.set_aside: r.CarePlan | None = None  #: the person's edits kept aside by "Reload latest version"
        self._just_saved = False
        savebar = w.HBox([self.reason, self.save_button, self.reload_button, self.reapply_button])
        savebar.add_class("ccm-cp-savebar")
        editor = w.VBox([self.version_label, savebar, self.msg.slot("save"), self.editor_sections])
        # completeness, history, copy
        self.checklist = w.HTML()
        self.checklist.add_class("ccm-cp-checklist")
        self.history = w.HTML()
        self.history.add_class("ccm-cp-history")
        self.diff_a = w.Dropdown(description="Compare", layout=w.Layout(width="200px"))
        self.diff_b = w.Dropdown(description="with", layout=w.Layout(width="200px"))
        self.diff_a.add_class("ccm-diff-a")
        self.diff_b.add_class("ccm-diff-b")
        self.diff_button = w.Button(description="Show differences", icon="exchange-alt", layout=w.Layout(width="auto"))
        self.diff_button.add_class("ccm-diff-button")
        self.diff_button.on_click(lambda _: self.show_diff())
        self.diff = w.HTML()
        self.diff.add_class("ccm-cp-diff")
        self.copy = w.HTML()
        self.copy.add_class("ccm-cp-copy")
        self.sections = w.Tab([editor, self.checklist,
                               w.VBox([self.history, w.HBox([self.diff_a, self.diff_b, self.diff_button]), self.diff]),
                               self.copy])
        for i, title in enumerate(("Edit", "Completeness", "History", "Patient copy")):
            self.sections.set_title(i, title)
        self.sections.add_class("ccm-cp-sections")
        self.sections.observe(lambda _: self._copy_if_shown(), "selected_index")
        self._copy_stale = True
        super().__init__([self.banner, self.sections])
        self.add_class("ccm-careplan-tab")
        self.reload()

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
            for key, box in self.fields.items():
                box.value = getattr(plan, key)
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
        same = all(box.value == getattr(loaded, key) for key, box in self.fields.items())
        (self.remove_class if same else self.add_class)("ccm-dirty")

    def plan(self) -> r.CarePlan:
        """The plan as typed in the editor (blank goals and interventions are left out)."""
        values = {k: box.value for k, box in self.fields.items()}
        goals = tuple(g.value() for g in self.goals.children if g.value().description)
        items = tuple(i.value() for i in self.interventions.children if i.value().description)
        return r.CarePlan(goals=goals, interventions=items, **values)

    def reload(self) -> None:
        self.history_list = self.wb.care_plan_history(self.pid)
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
        self._show_checklist()
        self._show_history()
        self._copy_stale = True  # the patient copy (HTML and PDF) is made when its sub-tab is shown
        self._copy_if_shown()

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
            self.diff_a.value = self.history_list[-2].version
            self.diff_b.value = rev.version
            self.show_diff()
        if self.on_saved:
            self.on_saved()
        return rev

    # ------------------------------------------------------------------ views
    def _show_checklist(self) -> None:
        plan = self.revision.plan if self.revision else None
        missing = dict(missing_elements(plan, revised=self.version > 1))
        items = []
        for key, label in r.CARE_PLAN_ELEMENTS.items():
            if key == "revision_notes" and self.version <= 1:
                continue
            ok = key not in missing
            icon = "fa-check-circle" if ok else "fa-times-circle"
            items.append(f'<li class="{"ccm-check-ok" if ok else "ccm-check-missing"}" data-element="{esc(key)}">'
                         f'<i class="fa {icon}"></i> {esc(label)}</li>')
        head = (message("Every CMS element is present.", "ok") if not missing else
                message(f"{len(missing)} CMS element(s) missing or incomplete (goals need a target and a "
                        "due date; interventions need who is responsible).", "warn"))
        self.checklist.value = head + f'<ul class="ccm-checklist">{"".join(items)}</ul>'

    def _show_history(self) -> None:
        rows = [(f"Version {x.version}", x.recorded_at.astimezone(self.wb.tz).strftime("%Y-%m-%d %H:%M"),
                 x.author_name, x.reason) for x in reversed(self.history_list)]
        self.history.value = (table(("Version", "Saved", "By", "Reason"), rows) if rows
                              else message("No versions yet.", "info"))
        options = [(f"version {x.version}", x.version) for x in self.history_list]
        self.diff_a.options = options
        self.diff_b.options = options
        if len(options) >= 2:
            self.diff_a.value, self.diff_b.value = options[-2][1], options[-1][1]
        self.diff.value = ""

    def show_diff(self) -> list:
        by_version = {x.version: x.plan for x in self.history_list}
        a, b = self.diff_a.value, self.diff_b.value
        if a is None or b is None:
            self.diff.value = message("Two versions are needed to compare.", "info")
            return []
        changes = diff_plans(by_version[a], by_version[b])
        if not changes:
            self.diff.value = message(f"Version {a} and version {b} are the same.", "info")
            return changes
        body = "".join(f'<tr class="ccm-diff-{esc(c.kind)}"><td>{esc(c.label)}</td><td>{esc(c.kind)}</td>'
                       f'<td>{esc(c.old)}</td><td>{esc(c.new)}</td></tr>' for c in changes)
        self.diff.value = (f'<div class="ccm-section-title">Version {a} &rarr; version {b}: {len(changes)} '
                           f'change(s)</div><table class="ccm-table ccm-diff-table"><thead><tr><th>Field</th>'
                           f'<th>Change</th><th>Version {a}</th><th>Version {b}</th></tr></thead>'
                           f'<tbody>{body}</tbody></table>')
        return changes

    def _copy_if_shown(self) -> None:
        if self._copy_stale and self.sections.selected_index == COPY_SECTION:
            self._show_copy()

    def _show_copy(self) -> None:
        self._copy_stale = False
        from workbench.export.patient_copy import patient_copy, to_html, to_pdf  # the patient's plain-words copy

        from workbench.errors import WorkbenchError

        try:
            copy = patient_copy(self.wb, self.pid)
        except WorkbenchError as exc:  # e.g. the practice's numbers are not set yet: say where to set them
            self.copy.value = f'<div class="ccm-msg ccm-msg-error ccm-cp-refused" role="alert">{esc(str(exc))}</div>'
            return
        page = to_html(copy)
        link = data_link(page.encode("utf-8"), f"care-plan-{self.pid}.html", "text/html",
                         "Download printable copy (HTML)", "ccm-download ccm-cp-print") + " " + \
            data_link(to_pdf(copy), f"care-plan-{self.pid}.pdf", "application/pdf",
                      "Download PDF", "ccm-download ccm-cp-pdf")
        self.copy.value = (f"<div>{link} Open the file and print it from the browser.</div>"
                           f'<iframe class="ccm-cp-preview" sandbox="" srcdoc="{esc(page)}"></iframe>')
