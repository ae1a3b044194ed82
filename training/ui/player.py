"""Working an attempt: the shift's worklist, the real chart with the call pane docked beside
it, and, once the shift is over, the reflection questions and (when released) the feedback.

Everything here is the real workbench on the trainee's own Workbench (the attempt's clock):

- the shift's panel is the real worklist (``workbench.ui.worklist.WorklistView`` over
  ``wb.worklist(scope=attempt.scope)``), in priority order, with its search and filters; a
  row opens that patient's chart inside the shift (``handle_nav``), never the live chart;
- the chart is ``workbench.ui.chart.ChartView``: consent, care plan, PHQ, escalation, contacts
  and the timer are the real tabs, and what is saved there is what is graded;
- the work bar (``work_bar``) is a real ``TimerBar`` on the attempt's Workbench; the app pins
  it in place of its own while the training page is shown, so the trainee's running timer is
  always in sight;
- world events (a discharge summary, a pharmacy message) arrive in the shift's inbox.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.ui.feedback import Feedback, FormMessages, announced, clear_all
from workbench.ui.unsaved import watch
from workbench.ui.html import esc, message, table
from workbench.ui.lifecycle import close_tree

from training.engine import Attempt
from training.grading import grade_attempt
from training.views import trainee_view

from .callpane import CallDock, CallPane
from .common import shift_scene, sim_time
from .extras import FollowUpEditor, MedicationEditor

#: The nav target prefix of a practice patient's row (``practice:T123-1``).
NAV = "practice"
#: What an ended attempt's chart says above its header.
ENDED = "This attempt has ended: its charts are read-only, as you left them. Nothing more is recorded or graded."


def feedback_html(view: dict) -> str:
    """Released feedback per criterion; before release only a notice (nothing of the rubric)."""
    if not view["released"]:
        return message("Your supervisor has not released feedback for this attempt yet.", "info")
    points, possible = view["score"]
    verdict = "Passed" if view["passed"] else "Not passed"
    rows = [(f'<span class="{"trn-met" if f["met"] else "trn-not-met"}">{"Met" if f["met"] else "Not met"}</span>',
             esc(f["title"]), esc(f["objective"]), f'{f["points"]:g} / {f["possible"]:g}',
             esc(f["feedback"]) + (f'<div class="trn-override-comment"><b>Your supervisor:</b> '
                                   f'{esc(f["comment"])}</div>' if f.get("comment") else ""),
             esc(f["reason"])) for f in view["feedback"]]
    decided = (f'<div class="trn-decided">{esc(view["decided_by"])}</div>'
               if view.get("decided_by") else "")
    return (f'<div class="ccm-section-title">Feedback: {esc(verdict)}, {points:g} of {possible:g} points</div>'
            + decided + table(["", "Criterion", "Objective", "Points", "Feedback", "What the record shows"],
                              rows, css="ccm-table trn-feedback", raw=True))


def inbox_html(attempt: Attempt) -> str:
    """The world events that have arrived so far (newest first), with whom they concern."""
    tw = attempt.workbench
    names = {}
    rows = []
    for ln in reversed(attempt.record.transcript):
        if ln.event is None or ln.speaker != "narrator":
            continue
        if ln.patient_id not in names:
            try:
                names[ln.patient_id] = tw.get_patient(ln.patient_id).name
            except WorkbenchError:
                names[ln.patient_id] = ln.patient_id
        rows.append((sim_time(ln.at, tw.tz), f"{names[ln.patient_id]} ({ln.patient_id})", ln.text))
    if not rows:
        return message("Nothing has come in yet. Messages, results and notices arrive here as the "
                       "shift goes on.", "info")
    return table(["Arrived", "About", "Message"], rows, css="ccm-table trn-inbox-table")


class AttemptView(w.VBox):
    """One attempt: the shift's worklist and inbox, or the open chart with its call pane."""

    def __init__(self, wb, attempt: Attempt, on_back: Callable[[], None] | None = None,
                 live: bool = False):
        from workbench.ui.timer_bar import TimerBar

        self.wb = wb
        self.attempt = attempt
        self.on_back = on_back
        tw = attempt.workbench
        #: the trainee's work bar on the attempt's clock (the app pins it while this is shown)
        self.work_bar = TimerBar(tw, live=live, on_open_chart=self.open_patient)
        self.work_bar.add_class("trn-work-bar")
        self.work_bar.listeners.append(self._timer_changed)
        self.header = w.HTML()
        self.header.add_class("trn-header")
        # over the shift's buttons (wait, end) it answers for: announced, cleared on the next screen
        self.msg = FormMessages("trn-msg", "act")
        wait = w.Button(description="Let 15 minutes pass", icon="clock", layout=w.Layout(width="auto"))
        wait.add_class("trn-wait")
        wait.on_click(lambda _: self._act(lambda: self.attempt.advance(15)))
        self.end_button = w.Button(description="End the shift", icon="flag-checkered",
                                   layout=w.Layout(width="auto"))
        self.end_button.add_class("trn-end")
        self.end_button.on_click(lambda _: self.ask_end())
        self.confirm_text = w.HTML()
        self.confirm_text.add_class("trn-end-confirm-text")
        yes = w.Button(description="Yes, end the shift", icon="flag-checkered", button_style="danger",
                       layout=w.Layout(width="auto"))
        yes.add_class("trn-end-confirm")
        yes.on_click(lambda _: self.confirm_end())
        keep = w.Button(description="Keep working", icon="arrow-left", layout=w.Layout(width="auto"))
        keep.add_class("trn-end-cancel")
        keep.on_click(lambda _: self._hide_confirm())
        self.confirm = w.VBox([self.confirm_text, w.HBox([yes, keep])])
        self.confirm.add_class("trn-end-confirm-box")
        self.confirm.layout.display = "none"
        self.to_list = w.Button(description="Shift worklist", icon="list", layout=w.Layout(width="auto"))
        self.to_list.add_class("trn-to-worklist")
        self.to_list.on_click(lambda _: self.show_worklist())
        self.controls = w.HBox([self.to_list, wait, self.end_button])
        self.is_shift = len(attempt.patient_ids) > 1
        self.worklist = None
        self.inbox = w.HTML()
        self.inbox.add_class("trn-inbox")
        self.list_screen = w.VBox()
        self.list_screen.add_class("trn-shift-worklist")
        self.work = w.VBox()
        self.work.add_class("trn-work")
        self.after = w.VBox()
        self.after.add_class("trn-after")
        back = w.Button(description="Back to my practice", icon="arrow-left",
                        layout=w.Layout(width="auto", align_self="flex-start"))
        back.add_class("trn-back")
        back.on_click(lambda _: self.leave())
        self.pane: CallPane | None = None
        self.chart = None
        self.open_pid: str | None = None
        super().__init__([back, self.header, self.msg.slot("act"), self.controls, self.confirm, self.list_screen,
                          self.work, self.after])
        self.add_class("trn-player")
        if self.is_shift:
            self._build_worklist()
        if not self.is_shift or attempt.record.active:
            self.open_patient(attempt.record.active or attempt.patient_id)
        else:
            self.show_worklist()
        self.refresh()

    # ------------------------------------------------------------------ screens
    def _build_worklist(self) -> None:
        from workbench.ui import session
        from workbench.ui.worklist import WorklistView

        tw = self.attempt.workbench
        home = session.link("trainee.ipynb", self.wb.user)
        self.worklist = WorklistView(tw, frame=tw.worklist(scope=self.attempt.scope), page_size=25,
                                     on_open=self.open_patient, nav=NAV, href=lambda _pid: home,
                                     scope=self.attempt.scope)
        self.worklist.add_class("trn-worklist")
        self.list_screen.children = [
            w.HTML('<div class="ccm-section-title">Your shift\'s panel</div><div>The real worklist, '
                   'in priority order: choose whom to call first. Each name opens the chart.</div>'),
            self.worklist,
            w.HTML('<div class="ccm-section-title">Inbox</div>'), self.inbox]

    def show_worklist(self) -> None:
        if not self.is_shift:
            return
        clear_all()  # another screen of the shift: the last one's messages go with it
        self.list_screen.layout.display = None
        self.work.layout.display = "none"
        self.work_bar.set_patient(None)
        if self.worklist is not None:
            self.worklist.reload(self.attempt.workbench.worklist(scope=self.attempt.scope))
        self.refresh()

    def handle_nav(self, target: str) -> bool:
        """A worklist row of this shift (``practice:PID``, or ``chart:PID`` of one of its
        patients) opens here, and the browser's Back on a chart returns to the shift's worklist;
        anything else is the app's."""
        if target == "back":
            if self.is_shift and self.work.layout.display != "none":
                self.show_worklist()
                return True
            return False
        view, _, pid = target.partition(":")
        if view == NAV or (view == "chart" and pid in self.attempt.patient_ids):
            self.open_patient(pid)  # says so when the patient is not on this shift
            return True  # a stale practice link never reaches the live app
        return False

    def open_patient(self, pid: str) -> None:
        """Open a patient's real chart (as the trainee) with the call pane beside it."""
        from workbench.ui.chart import ChartView

        if pid not in self.attempt.patient_ids:
            self.msg.value = message("That patient is not on this shift.", "error")
            return
        tw = self.attempt.workbench
        clear_all()  # another screen of the shift: the last one's messages go with it
        if self.chart is not None:
            self.chart.detach()
        for old in self.work.children:
            close_tree(old)  # the chart, the call pane and the editors, every widget inside
        self.open_pid = pid
        self.work_bar.set_patient(pid)
        ended = self.attempt.finished
        self.chart = ChartView(tw, pid, timer_bar=self.work_bar, read_only=ended,
                               read_only_note=ENDED if ended else None)
        self.pane = CallPane(self.attempt, pid, on_change=self.refresh)
        extras = w.VBox([MedicationEditor(tw, pid), FollowUpEditor(tw, pid)])
        extras.add_class("trn-extras")
        if ended:
            from workbench.ui.lifecycle import freeze

            freeze(extras)
        self.work.children = [CallDock(self.chart, self.pane), extras]
        self.list_screen.layout.display = "none"
        self.work.layout.display = None
        self.msg.value = ""
        self.refresh()

    # ------------------------------------------------------------------ ending
    def never_called(self) -> list[str]:
        """'Name (id)' of each patient of the shift nobody called."""
        tw = self.attempt.workbench
        out = []
        for case in self.attempt.record.cases:
            if not case.calls:
                try:
                    out.append(f"{tw.get_patient(case.patient_id).name} ({case.patient_id})")
                except WorkbenchError:
                    out.append(case.patient_id)
        return out

    def ask_end(self) -> None:
        """Ending is final: say so, naming the patients never called, and ask to confirm."""
        missed = self.never_called()
        text = ("<b>End the shift?</b> Nothing more can be recorded afterwards; a timer still running "
                "is closed without its time.")
        if missed:
            text += (f' <div class="trn-never-called">Not called yet ({len(missed)}): '
                     + esc(", ".join(missed)) + "</div>")
        self.confirm_text.value = f'<div class="ccm-msg ccm-msg-warn">{text}</div>'
        self.confirm.layout.display = None

    def _hide_confirm(self) -> None:
        self.confirm.layout.display = "none"

    def confirm_end(self) -> None:
        self._hide_confirm()
        self._act(self.attempt.end)

    def _freeze(self) -> None:
        """The attempt has ended: the open chart, its editors and the work bar become read-only."""
        from workbench.ui.chart import ChartView
        from workbench.ui.lifecycle import freeze

        if self.open_pid is not None and self.chart is not None and not self.chart.read_only:
            shown = self.chart.tabs.selected_index or 0
            self.chart.detach()
            self.chart = ChartView(self.attempt.workbench, self.open_pid, timer_bar=self.work_bar,
                                   read_only=True, first_tab=False, read_only_note=ENDED)
            self.chart.tabs.selected_index = shown  # the tab on screen stays, now read-only
            self.chart.ensure_tab()
            extras = self.work.children[1] if len(self.work.children) > 1 else w.VBox()
            freeze(extras)
            self.work.children = [CallDock(self.chart, self.pane), extras]
        freeze(self.work_bar)
        self.work_bar.stop_ticking()

    def leave(self) -> None:
        self.work_bar.stop_ticking()
        if self.on_back:
            self.on_back()

    # ------------------------------------------------------------------ state
    def view(self) -> dict:
        rec = self.attempt.record
        grade = grade_attempt(self.wb, self.attempt.scenarios, rec) if rec.released else None
        return trainee_view(self.attempt, self.wb.user.id, grade).to_dict()

    def refresh(self) -> None:
        view = self.view()
        status = "ended" if view["finished"] else "in progress"
        arrived = sum(1 for ln in self.attempt.record.transcript if ln.event is not None)
        # a shift's header sets the scene; its summary would say what each patient needs
        situation = shift_scene(self.attempt.shift) if self.attempt.shift is not None else view["situation"]
        self.header.value = (f'<div class="ccm-section-title">{esc(view["scenario_title"])}</div>'
                             f'<div>{esc(situation)}</div><div>Attempt <b class="trn-attempt-id">'
                             f'{esc(view["attempt_id"])}</b> &middot; {esc(status)} &middot; clock '
                             f'<span class="trn-shift-clock">{esc(sim_time(self.attempt.clock.peek(), self.wb.tz))}'
                             f'</span>' + (f' &middot; inbox: {arrived} message(s)' if self.is_shift else "")
                             + '</div>')
        self.inbox.value = inbox_html(self.attempt)
        on_list = self.is_shift and self.work.layout.display == "none"
        self.to_list.layout.display = None if self.is_shift and not on_list else "none"
        self.controls.layout.display = "none" if view["finished"] else None
        if view["finished"]:
            self._freeze()
        if self.pane is not None:
            self.pane.refresh()
        self.after.children = self._after(view) if view["finished"] else []

    def _timer_changed(self) -> None:
        """A timer started or stopped, or time was logged: the world catches up, lists refresh."""
        self._act(self.attempt.tick)

    def _act(self, fn) -> None:
        try:
            fn()
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return
        self.msg.value = ""
        if self.worklist is not None and self.work.layout.display == "none":
            self.worklist.reload(self.attempt.workbench.worklist(scope=self.attempt.scope))
        self.refresh()

    def _after(self, view: dict) -> list[w.Widget]:
        # announced and scrolled into sight (the ccm template): it appears far below the End button
        items: list[w.Widget] = [w.HTML(announced(message("This attempt has ended.", "ok")))]
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
            items[1:1] = [w.HTML('<div class="ccm-section-title">Reflection</div>')]
            self._reflection_msg = Feedback("trn-reflection-msg")  # the result beside the button
            items += [save, self._reflection_msg]
            self._unsaved = watch(self.after, *(box for _q, box in self._reflection))
        fb = w.HTML(feedback_html(view))
        fb.add_class("trn-feedback-box")
        items.append(fb)
        return items

    def save_reflection(self) -> None:
        answers = {q: box.value for q, box in getattr(self, "_reflection", []) if box.value.strip()}
        try:
            self.attempt.answer_reflection(answers)
        except WorkbenchError as exc:
            self._reflection_msg.show(message(str(exc), "error"))
            return
        self._reflection_msg.show(message("Your answers are saved.", "ok"))
        self._unsaved.saved()
