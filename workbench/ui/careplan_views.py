"""The care-plan tab's sub-tabs after "Edit": Completeness, History (with the differences between
two versions) and the Patient copy.

Each is built the first time it is shown (or first used, as ``tab.checklist``, ``tab.history``,
``tab.diff_a``...): opening a chart sends the editor only. The patient copy also makes its PDF
only when shown (it took most of a chart's opening time otherwise).
"""

from __future__ import annotations

import ipywidgets as w
from ipywidgets.widgets.widget_button import ButtonStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from workbench import records as r
from workbench.rules import diff_plans, missing_elements

from .html import data_link, esc, message, table
from .lifecycle import freeze, layout, style

#: The sub-tabs of the care-plan tab, in order ("Edit" is built with the tab).
PARTS = ("Edit", "Completeness", "History", "Patient copy")
CHECKLIST, HISTORY, COPY_SECTION = 1, 2, 3


def _html(css: str) -> w.HTML:
    return w.HTML(layout=layout(), style=style(HTMLStyle), _dom_classes=(css,))


class PlanViews:
    """Completeness, History and Patient copy of a :class:`~workbench.ui.careplan_tab.CarePlanTab`
    (which sets ``wb``, ``pid``, ``revision``, ``version``, ``history_list``, ``sections`` and
    ``read_only``)."""

    def _init_views(self) -> None:
        self._parts: dict[int, w.Widget] = {}
        self._copy_stale = True
        self._diff_pending = False  #: a save asked for the last two versions' differences
        self.sections.observe(self._part_shown, "selected_index")

    def _part_shown(self, _change=None) -> None:
        index = self.sections.selected_index
        if index in (CHECKLIST, HISTORY, COPY_SECTION):
            self._part(index)
        self._copy_if_shown()

    def _part(self, index: int) -> w.Widget:
        """Sub-tab ``index``, built and placed in its page if needed."""
        if index in self._parts:
            return self._parts[index]
        if index == CHECKLIST:
            self.checklist_html = built = _html("ccm-cp-checklist")
        elif index == HISTORY:
            self.history_html = _html("ccm-cp-history")
            self.diff_a_box = w.Dropdown(description="Compare", layout=layout(width="200px"),
                                         style=style(DescriptionStyle), _dom_classes=("ccm-diff-a",))
            self.diff_b_box = w.Dropdown(description="with", layout=layout(width="200px"),
                                         style=style(DescriptionStyle), _dom_classes=("ccm-diff-b",))
            self.diff_button_widget = button = w.Button(description="Show differences", icon="exchange-alt", layout=layout(width="auto"),
                              style=style(ButtonStyle), _dom_classes=("ccm-diff-button",))
            button.on_click(lambda _: self.show_diff())
            self.diff_html = _html("ccm-cp-diff")
            built = w.VBox([self.history_html, w.HBox([self.diff_a_box, self.diff_b_box, button], layout=layout()),
                            self.diff_html], layout=layout())
        else:
            self.copy_html = built = _html("ccm-cp-copy")
        self._parts[index] = built
        self.sections.children[index].children = [built]
        if index == CHECKLIST:
            self._show_checklist()
        elif index == HISTORY:
            self._show_history()
            if self._diff_pending:
                self._diff_pending = False
                self.show_diff()
        if self.read_only:
            freeze(built)
        return built

    checklist = property(lambda self: (self._part(CHECKLIST), self.checklist_html)[1])
    history = property(lambda self: (self._part(HISTORY), self.history_html)[1])
    diff_a = property(lambda self: (self._part(HISTORY), self.diff_a_box)[1])
    diff_b = property(lambda self: (self._part(HISTORY), self.diff_b_box)[1])
    diff = property(lambda self: (self._part(HISTORY), self.diff_html)[1])
    diff_button = property(lambda self: (self._part(HISTORY), self.diff_button_widget)[1])
    copy = property(lambda self: (self._part(COPY_SECTION), self.copy_html)[1])

    def _views_reloaded(self) -> None:
        """A version was loaded: the sub-tabs already built show it (the others will when shown)."""
        if CHECKLIST in self._parts:
            self._show_checklist()
        if HISTORY in self._parts:
            self._show_history()
        self._copy_stale = True  # the patient copy (HTML and PDF) is made when its sub-tab is shown
        self._copy_if_shown()

    def _saved_versions(self, before: int, after: int) -> None:
        """After a save: History compares the version before with the new one."""
        if HISTORY in self._parts:
            self.diff_a.value, self.diff_b.value = before, after
            self.show_diff()
        else:
            self._diff_pending = True  # _show_history picks the last two versions

    # ------------------------------------------------------------------ the sub-tabs' contents
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
        self.checklist_html.value = head + f'<ul class="ccm-checklist">{"".join(items)}</ul>'

    def _show_history(self) -> None:
        rows = [(f"Version {x.version}", x.recorded_at.astimezone(self.wb.tz).strftime("%Y-%m-%d %H:%M"),
                 x.author_name, x.reason) for x in reversed(self.history_list)]
        self.history_html.value = (table(("Version", "Saved", "By", "Reason"), rows) if rows
                                   else message("No versions yet.", "info"))
        options = [(f"version {x.version}", x.version) for x in self.history_list]
        self.diff_a_box.options = options
        self.diff_b_box.options = options
        if len(options) >= 2:
            self.diff_a_box.value, self.diff_b_box.value = options[-2][1], options[-1][1]
        self.diff_html.value = ""

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
        from workbench.errors import WorkbenchError
        from workbench.export.patient_copy import patient_copy, to_html, to_pdf  # the patient's plain-words copy

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
