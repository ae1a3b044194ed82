"""The care-plan editor's rows: a goal (description, measure, target, due date, status; past-due
goals marked) and an intervention (what, who, how often). Every row's text boxes, headings and
buttons share one layout and style model per kind (workbench/ui/lifecycle.py)."""

from __future__ import annotations

import ipywidgets as w
from ipywidgets.widgets.widget_button import ButtonStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from workbench import records as r

from .dates import IsoDate
from .lifecycle import layout, style

#: FHIR Goal.lifecycleStatus words the editor offers
GOAL_STATUSES = ("proposed", "active", "completed", "cancelled")


def _text(value: str, placeholder: str, width: str) -> w.Text:
    """A row's text box: its layout and style shared by every row (workbench/ui/lifecycle.py)."""
    return w.Text(value=value, placeholder=placeholder, layout=layout(width=width), style=style(TextStyle))


def heading(html: str) -> w.HTML:
    return w.HTML(html, layout=layout(), style=style(HTMLStyle))


def _remove_button(tooltip: str) -> w.Button:
    return w.Button(icon="trash", tooltip=tooltip, layout=layout(width="40px"), style=style(ButtonStyle))


class GoalRow(w.HBox):
    def __init__(self, goal: r.Goal | None, on_remove, today=None):
        g = goal or r.Goal("")
        self.description = _text(g.description, "Goal", "30%")
        self.measure = _text(g.measure, "Measure (e.g. A1c)", "14%")
        self.target = _text(g.target, "Target (e.g. < 8 %)", "14%")
        self.due = IsoDate(g.due_date, what="goal due date", layout=layout(width="16%"), style=style(TextStyle))
        self.status = w.Dropdown(options=GOAL_STATUSES, value=g.status if g.status in GOAL_STATUSES else "active",
                                 layout=layout(width="12%"), style=style(DescriptionStyle))
        self.remove = _remove_button("Remove this goal")
        self.remove.on_click(lambda _: on_remove(self))
        for x, c in ((self.description, "ccm-goal-description"), (self.measure, "ccm-goal-measure"),
                     (self.target, "ccm-goal-target"), (self.due, "ccm-goal-due"), (self.status, "ccm-goal-status")):
            x.add_class(c)
        self.flag = heading("")
        super().__init__([self.description, self.measure, self.target, self.due, self.status, self.remove, self.flag],
                         layout=layout())
        self.add_class("ccm-goal-row")
        self.today = today
        self.due.observe(lambda _: self.mark(), "value")
        self.status.observe(lambda _: self.mark(), "value")
        self.mark()

    @property
    def overdue(self) -> bool:
        due = self.due.date_or_none()
        return (self.today is not None and due is not None and due < self.today
                and self.status.value in ("proposed", "active"))

    def mark(self) -> None:
        """Past its due date and still open: highlighted, with the number of days."""
        if self.overdue:
            self.add_class("ccm-goal-overdue")
            days = (self.today - self.due.date_or_none()).days
            self.flag.value = f'<span class="ccm-badge ccm-badge-danger">overdue {days} d</span>'
        else:
            self.remove_class("ccm-goal-overdue")
            self.flag.value = ""

    def value(self) -> r.Goal:
        return r.Goal(self.description.value.strip(), self.measure.value.strip(), self.target.value.strip(),
                      self.due.date, self.status.value)


class InterventionRow(w.HBox):
    def __init__(self, item: r.Intervention | None, on_remove):
        i = item or r.Intervention("")
        self.description = _text(i.description, "Intervention", "45%")
        self.responsible = _text(i.responsible, "Who is responsible", "22%")
        self.frequency = _text(i.frequency, "How often", "20%")
        self.remove = _remove_button("Remove this intervention")
        self.remove.on_click(lambda _: on_remove(self))
        self.description.add_class("ccm-intervention-description")
        self.responsible.add_class("ccm-intervention-responsible")
        self.frequency.add_class("ccm-intervention-frequency")
        super().__init__([self.description, self.responsible, self.frequency, self.remove], layout=layout())
        self.add_class("ccm-intervention-row")

    def value(self) -> r.Intervention:
        return r.Intervention(self.description.value.strip(), self.responsible.value.strip(),
                              self.frequency.value.strip())
