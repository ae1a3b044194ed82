"""Working an attempt: the shift's panel, the real chart with the call pane docked beside it,
and, once the shift is over, the reflection questions and (when released) the feedback.

The chart is ``workbench.ui.chart.ChartView`` on the trainee's own Workbench (the attempt's
clock): consent, care plan, PHQ, escalation, contacts and the timer are the real tabs, and
what is saved there is what is graded.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.ui.html import esc, message, table

from training.engine import Attempt
from training.grading import grade_attempt
from training.views import trainee_view

from .callpane import CallDock, CallPane
from .common import sim_time
from .extras import FollowUpEditor, MedicationEditor


def feedback_html(view: dict) -> str:
    """Released feedback per criterion; before release only a notice (nothing of the rubric)."""
    if not view["released"]:
        return message("Your supervisor has not released feedback for this attempt yet.", "info")
    points, possible = view["score"]
    verdict = "Passed" if view["passed"] else "Not passed"
    rows = [(f'<span class="{"trn-met" if f["met"] else "trn-not-met"}">{"Met" if f["met"] else "Not met"}</span>',
             esc(f["title"]), esc(f["objective"]), f'{f["points"]:g} / {f["possible"]:g}', esc(f["feedback"]),
             esc(f["reason"])) for f in view["feedback"]]
    decided = (f'<div class="trn-decided">{esc(view["decided_by"])}</div>'
               if view.get("decided_by") else "")
    return (f'<div class="ccm-section-title">Feedback: {esc(verdict)}, {points:g} of {possible:g} points</div>'
            + decided + table(["", "Criterion", "Objective", "Points", "Feedback", "What the record shows"],
                              rows, css="ccm-table trn-feedback", raw=True))


class AttemptView(w.VBox):
    """One attempt: patients on the left, the open chart with its call pane, shift controls."""

    def __init__(self, wb, attempt: Attempt, on_back: Callable[[], None] | None = None):
        self.wb = wb
        self.attempt = attempt
        self.on_back = on_back
        self.header = w.HTML()
        self.header.add_class("trn-header")
        self.panel = w.VBox()
        self.panel.add_class("trn-panel")
        self.work = w.VBox()
        self.work.add_class("trn-work")
        self.msg = w.HTML()
        self.msg.add_class("trn-msg")
        wait = w.Button(description="Let 15 minutes pass", icon="clock", layout=w.Layout(width="auto"))
        wait.add_class("trn-wait")
        wait.on_click(lambda _: self._act(lambda: self.attempt.advance(15)))
        self.end_button = w.Button(description="End the shift", icon="flag-checkered",
                                   layout=w.Layout(width="auto"))
        self.end_button.add_class("trn-end")
        self.end_button.on_click(lambda _: self._act(self.attempt.end))
        self.controls = w.HBox([wait, self.end_button])
        self.after = w.VBox()
        self.after.add_class("trn-after")
        back = w.Button(description="Back to my practice", icon="arrow-left",
                        layout=w.Layout(width="auto", align_self="flex-start"))
        back.add_class("trn-back")
        back.on_click(lambda _: self.on_back() if self.on_back else None)
        self.pane: CallPane | None = None
        self.open_pid: str | None = None
        super().__init__([back, self.header, self.msg, self.controls, self.panel, self.work,
                          self.after])
        self.add_class("trn-player")
        if len(attempt.patient_ids) == 1 or attempt.record.active:
            self.open_patient(attempt.record.active or attempt.patient_id)
        self.refresh()

    def view(self) -> dict:
        rec = self.attempt.record
        grade = grade_attempt(self.wb, self.attempt.scenarios, rec) if rec.released else None
        return trainee_view(self.attempt, self.wb.user.id, grade).to_dict()

    def refresh(self) -> None:
        view = self.view()
        rec = self.attempt.record
        status = "ended" if view["finished"] else "in progress"
        self.header.value = (f'<div class="ccm-section-title">{esc(view["scenario_title"])}</div>'
                             f'<div>{esc(view["situation"])}</div><div>Attempt <b class="trn-attempt-id">'
                             f'{esc(view["attempt_id"])}</b> &middot; {esc(status)} &middot; clock '
                             f'<span class="trn-shift-clock">{esc(sim_time(self.attempt.clock.peek(), self.wb.tz))}'
                             f'</span></div>')
        rows = []
        tw = self.attempt.workbench
        for case in rec.cases:
            p = tw.get_patient(case.patient_id)
            label = w.HTML(f'<div><b>{esc(p.name)}</b> <span style="color:#52606d">{esc(p.id)}</span> '
                           f'&middot; <i>{esc(case.status.replace("_", " "))}</i></div>',
                           layout=w.Layout(width="420px"))
            b = w.Button(description="Open chart", icon="folder-open", layout=w.Layout(width="auto"))
            b.add_class("trn-open-patient")
            b.on_click(lambda _, pid=case.patient_id: self.open_patient(pid))
            rows.append(w.HBox([label, b], layout=w.Layout(align_items="center")))
        self.panel.children = [w.HTML('<div class="ccm-section-title">Your patients</div>'), *rows]
        self.panel.layout.display = None if len(rec.cases) > 1 else "none"
        self.controls.layout.display = "none" if view["finished"] else None
        if self.pane is not None:
            self.pane.refresh()
        self.after.children = self._after(view) if view["finished"] else []

    def open_patient(self, pid: str) -> None:
        """Open a patient's real chart (as the trainee) with the call pane beside it."""
        from workbench.ui.chart import ChartView
        from workbench.ui.timer_bar import TimerBar

        tw = self.attempt.workbench
        self.open_pid = pid
        chart = ChartView(tw, pid, timer_bar=TimerBar(tw, live=False))
        self.pane = CallPane(self.attempt, pid, on_change=self.refresh)
        extras = w.VBox([MedicationEditor(tw, pid), FollowUpEditor(tw, pid)])
        extras.add_class("trn-extras")
        self.work.children = [CallDock(chart, self.pane), extras]

    def _act(self, fn) -> None:
        try:
            fn()
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return
        self.msg.value = ""
        self.refresh()

    def _after(self, view: dict) -> list[w.Widget]:
        items: list[w.Widget] = [w.HTML(message("This attempt has ended.", "ok"))]
        questions = view["reflection_questions"]
        if questions:
            rec = self.attempt.record
            self._reflection = []
            for i, q in enumerate(questions, start=1):
                box = w.Textarea(value=rec.reflection.get(q, ""), layout=w.Layout(width="640px", height="54px"))
                box.add_class(f"trn-reflection-{i}")
                self._reflection.append((q, box))
                items += [w.HTML(f"<div><b>{i}.</b> {esc(q)}</div>"), box]
            save = w.Button(description="Save my answers", icon="save", button_style="primary")
            save.add_class("trn-reflection-save")
            save.on_click(lambda _: self.save_reflection())
            items.insert(1, w.HTML('<div class="ccm-section-title">Reflection</div>'))
            items.append(save)
        fb = w.HTML(feedback_html(view))
        fb.add_class("trn-feedback-box")
        items.append(fb)
        return items

    def save_reflection(self) -> None:
        answers = {q: box.value for q, box in getattr(self, "_reflection", []) if box.value.strip()}
        try:
            self.attempt.answer_reflection(answers)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return
        self.msg.value = message("Your answers are saved.", "ok")
