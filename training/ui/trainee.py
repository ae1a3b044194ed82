"""The trainee's pages: the scenario list, the player, their own attempts and progress.

Security (architecture, "Identity and roles"; issue 6, section 7): every widget here is built
from ``training.views.trainee_view(...).to_dict()``, the scenario's public fields (title,
summary, category, objectives) and the trainee's own attempts. The rubric, its feedback texts
and the model and failing paths are never put into any widget, visible or hidden: a grade is
computed only for an attempt whose feedback a supervisor has released.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from workbench.errors import InvalidInput, WorkbenchError
from workbench.service import Workbench
from workbench.ui.html import esc, message, table

from training.attempts import AttemptRecord, AttemptRepository, default_repository
from training.engine import Attempt, resume_attempt, start_attempt
from training.grading import Grade, grade_attempt
from training.scenario import Scenario
from training.views import trainee_view

from .common import TRAINING_STYLE, check_training_role, library, sim_time

SPEAKERS = {"patient": "Patient", "trainee": "You", "narrator": "Narrator"}


def transcript_html(lines: list[dict]) -> str:
    """The conversation so far (speaker and text only), escaped."""
    body = "".join(f'<div class="trn-line trn-{esc(ln["speaker"])}"><b>{esc(SPEAKERS.get(ln["speaker"], ln["speaker"]))}'
                   f'</b>{esc(ln["text"])}</div>' for ln in lines)
    return f'<div class="trn-transcript"><div>{body}</div></div>'


def feedback_html(view: dict) -> str:
    """Released feedback per criterion; before release only a notice (nothing of the rubric)."""
    if not view["released"]:
        return message("Your supervisor has not released feedback for this attempt yet.", "info")
    points, possible = view["score"]
    verdict = "Passed" if view["passed"] else "Not passed"
    rows = [(f'<span class="{"trn-met" if f["met"] else "trn-not-met"}">{"Met" if f["met"] else "Not met"}</span>',
             esc(f["title"]), esc(f["objective"]), f'{f["points"]:g} / {f["possible"]:g}', esc(f["feedback"]),
             esc(f["reason"])) for f in view["feedback"]]
    return (f'<div class="ccm-section-title">Feedback: {esc(verdict)}, {points:g} of {possible:g} points</div>'
            + table(["", "Criterion", "Objective", "Points", "Feedback", "What the record shows"], rows,
                    css="ccm-table trn-feedback", raw=True))


class PlayerView(w.VBox):
    """Play one attempt: transcript, the options as buttons, a note box, the simulated clock;
    at the end the reflection questions and (once released) the feedback."""

    def __init__(self, wb: Workbench, attempt: Attempt, on_back: Callable[[], None] | None = None):
        self.wb = wb
        self.attempt = attempt
        self.on_back = on_back
        self.header = w.HTML()
        self.header.add_class("trn-header")
        self.clock = w.HTML()
        self.clock.add_class("trn-clock-box")
        self.transcript = w.HTML()
        self.transcript.add_class("trn-transcript-box")
        self.options = w.VBox()
        self.options.add_class("trn-options")
        self.note = w.Textarea(placeholder="Your own words (optional): what you say or write down with this choice",
                               layout=w.Layout(width="640px", height="60px"))
        self.note.add_class("trn-note")
        self.end_button = w.Button(description="End the conversation", icon="phone-slash",
                                   layout=w.Layout(width="auto", align_self="flex-start"))
        self.end_button.add_class("trn-end")
        self.end_button.on_click(lambda _: self.end())
        self.msg = w.HTML()
        self.msg.add_class("trn-msg")
        self.after = w.VBox()
        self.after.add_class("trn-after")
        back = w.Button(description="Back to my scenarios", icon="arrow-left", layout=w.Layout(width="auto", align_self="flex-start"))
        back.add_class("trn-back")
        back.on_click(lambda _: self.on_back() if self.on_back else None)
        self.play_box = w.VBox([w.HTML('<div class="ccm-section-title">Your choices</div>'), self.options,
                                self.note, self.end_button])
        super().__init__([back, self.header, self.clock, self.transcript, self.msg, self.play_box, self.after])
        self.add_class("trn-player")
        self.refresh()

    # ------------------------------------------------------------------ what is shown
    def view(self) -> dict:
        """The trainee's view of the attempt as plain data (``trainee_view(...).to_dict()``)."""
        rec = self.attempt.record
        grade = grade_attempt(self.wb, self.attempt.scenario, rec) if rec.released else None
        return trainee_view(self.attempt, self.wb.user.id, grade).to_dict()

    def refresh(self) -> None:
        view = self.view()
        rec = self.attempt.record
        status = "ended" if view["finished"] else "in progress"
        self.header.value = (f'<div class="ccm-section-title">{esc(view["scenario_title"])}</div>'
                             f'<div>Attempt <b class="trn-attempt-id">{esc(view["attempt_id"])}</b> &middot; '
                             f'{esc(status)}</div>')
        self.clock.value = (f'<div>Simulated clock: <span class="trn-clock">{esc(sim_time(self.attempt.clock.now(), self.wb.tz))}'
                            f'</span> &middot; {self.attempt.elapsed_minutes:g} min into the call</div>')
        self.transcript.value = transcript_html(view["lines"])
        buttons = []
        for opt in view["options"]:
            b = w.Button(description=opt["label"], tooltip=opt["label"], layout=w.Layout(width="640px"))
            b.add_class("trn-option")
            b.add_class(f"trn-option-{opt['id']}")
            b.on_click(lambda _, aid=opt["id"]: self.choose(aid))
            buttons.append(b)
        stale = self.options.children
        self.options.children = buttons
        for b in stale:
            b.close()
        self.play_box.layout.display = "none" if view["finished"] else None
        self.after.children = self._after(view, rec) if view["finished"] else []

    def _after(self, view: dict, rec: AttemptRecord) -> list[w.Widget]:
        items: list[w.Widget] = [w.HTML(message("The conversation has ended.", "ok"))]
        questions = view["reflection_questions"]
        if questions:
            boxes = []
            for i, q in enumerate(questions, start=1):
                box = w.Textarea(value=rec.reflection.get(q, ""), layout=w.Layout(width="640px", height="54px"))
                box.add_class(f"trn-reflection-{i}")
                boxes.append((q, box))
            save = w.Button(description="Save my answers", icon="save", button_style="primary")
            save.add_class("trn-reflection-save")
            self._reflection = boxes
            save.on_click(lambda _: self.save_reflection())
            items.append(w.HTML('<div class="ccm-section-title">Reflection</div>'))
            for i, (q, box) in enumerate(boxes, start=1):
                items += [w.HTML(f"<div><b>{i}.</b> {esc(q)}</div>"), box]
            items.append(save)
        fb = w.HTML(feedback_html(view))
        fb.add_class("trn-feedback-box")
        items.append(fb)
        return items

    # ------------------------------------------------------------------ acting
    def choose(self, action_id: str) -> None:
        """Take one option (the note box, if filled, goes with it and is then cleared)."""
        try:
            self.attempt.choose(action_id, note=self.note.value or None)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return
        self.note.value = ""
        self.msg.value = ""
        self.refresh()

    def end(self) -> None:
        try:
            self.attempt.end()
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return
        self.refresh()

    def save_reflection(self) -> None:
        answers = {q: box.value for q, box in getattr(self, "_reflection", []) if box.value.strip()}
        try:
            self.attempt.answer_reflection(answers)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return
        self.msg.value = message("Your answers are saved.", "ok")


def objective_progress(graded: list[tuple[AttemptRecord, Grade]], scenarios: dict[str, Scenario]) -> list[dict]:
    """Points per learning objective over released attempts: objective text, attempts, points."""
    out: dict[tuple[str, str], dict] = {}
    for rec, grade in graded:
        sc = scenarios[rec.scenario_id]
        for objective, (points, possible) in grade.by_objective().items():
            row = out.setdefault((sc.title, objective), {"scenario": sc.title, "objective": sc.objective_text(objective),
                                                         "attempts": 0, "points": 0.0, "possible": 0.0,
                                                         "latest": 0.0})
            row["attempts"] += 1
            row["points"] += points
            row["possible"] += possible
            row["latest"] = round(100 * points / possible, 1) if possible else 0.0
    return list(out.values())


class TraineeHome(w.VBox):
    """The library (all scenarios are assigned to everyone), the trainee's own attempts, their
    progress per objective (from released feedback only) and the player."""

    def __init__(self, wb: Workbench, repo: AttemptRepository | None = None,
                 scenarios: dict[str, Scenario] | None = None):
        check_training_role(wb.user, "trainee")
        self.wb = wb
        self.repo = repo if repo is not None else default_repository(wb)
        self.scenarios = scenarios if scenarios is not None else library()
        self.player: PlayerView | None = None
        self.msg = w.HTML()
        self.msg.add_class("trn-home-msg")
        self.mine = w.VBox()
        self.mine.add_class("trn-mine")
        self.progress = w.HTML()
        self.progress.add_class("trn-progress")
        rows = []
        for sc in sorted(self.scenarios.values(), key=lambda s: (s.category, s.title)):
            card = w.HTML(f'<div><b>{esc(sc.title)}</b> <span class="ccm-badge ccm-badge-info">{esc(sc.category)}</span>'
                          f'<div style="font-size:13px;color:#52606d">{esc(sc.summary)}</div></div>',
                          layout=w.Layout(width="820px"))
            start = w.Button(description="Practise", icon="play", button_style="primary", layout=w.Layout(width="120px"))
            start.add_class("trn-start")
            start.add_class(f"trn-start-{sc.id}")
            start.on_click(lambda _, sid=sc.id: self.start(sid))
            rows.append(w.HBox([card, start], layout=w.Layout(align_items="center")))
        self.home = w.VBox([
            w.HTML(TRAINING_STYLE),
            w.HTML('<div class="ccm-section-title">Assigned scenarios</div><div>Every scenario in the library '
                   'is assigned to you. Choices write practice records for a patient who exists only for your '
                   'attempt.</div>'), *rows,
            self.msg,
            w.HTML('<div class="ccm-section-title">My attempts</div>'), self.mine,
            w.HTML('<div class="ccm-section-title">Progress per objective</div>'), self.progress])
        super().__init__([self.home])
        self.add_class("trn-home")
        self.refresh()

    # ------------------------------------------------------------------ lists
    def my_attempts(self) -> list[AttemptRecord]:
        """Only the signed-in trainee's attempts (issue 6, section 7)."""
        return self.repo.find_attempts(trainee_id=self.wb.user.id)

    def refresh(self) -> None:
        attempts = self.my_attempts()
        rows: list[w.Widget] = []
        released: list[tuple[AttemptRecord, Grade]] = []
        for rec in reversed(attempts):
            sc = self.scenarios.get(rec.scenario_id)
            title = sc.title if sc else "(scenario removed)"
            state = "in progress" if rec.status != "finished" else (
                "feedback released" if rec.released else "ended, waiting for feedback")
            score = ""
            if rec.released and sc is not None:
                grade = grade_attempt(self.wb, sc, rec)
                released.append((rec, grade))
                score = f" &middot; {grade.points:g} of {grade.possible:g} points"
            label = w.HTML(f'<div>{esc(title)} &middot; attempt {esc(rec.id)} &middot; '
                           f'{esc(rec.started_at.astimezone(self.wb.tz).strftime("%d %b %H:%M"))} &middot; '
                           f'<i>{esc(state)}</i>{score}</div>', layout=w.Layout(width="820px"))
            button = w.Button(description="Continue" if rec.status != "finished" else "Open",
                              layout=w.Layout(width="120px"), disabled=sc is None)
            button.add_class("trn-open")
            button.add_class(f"trn-open-{rec.id}")
            button.on_click(lambda _, aid=rec.id: self.open_attempt(aid))
            rows.append(w.HBox([label, button], layout=w.Layout(align_items="center")))
        self.mine.children = rows or [w.HTML(message("No attempts yet: choose a scenario above.", "info"))]
        progress = objective_progress(list(reversed(released)), self.scenarios)
        self.progress.value = table(
            ["Scenario", "Objective", "Attempts", "Points (all attempts)", "Latest %"],
            [(p["scenario"], p["objective"], p["attempts"], f'{p["points"]:g} / {p["possible"]:g}', f'{p["latest"]:g}')
             for p in progress], css="ccm-table trn-progress-table") if progress else message(
            "Progress appears here once a supervisor releases feedback on an attempt.", "info")

    # ------------------------------------------------------------------ playing
    def start(self, scenario_id: str) -> PlayerView | None:
        """A new attempt (seed: the number of this trainee's attempts at the scenario, plus one).
        One attempt at a time: an unfinished one is ended first."""
        sc = self.scenarios[scenario_id]
        mine = self.my_attempts()
        try:
            for rec in mine:
                if rec.status != "finished" and rec.scenario_id in self.scenarios:
                    resume_attempt(self.wb, self.scenarios[rec.scenario_id], self.repo, rec.id).end()
            timer = self.wb.running_timer()
            if timer is not None:
                raise InvalidInput("Your work timer is running for a patient. Stop it in the chart before "
                                   "practising, so practice time is never mixed with care time.")
            seed = 1 + sum(rec.scenario_id == scenario_id for rec in mine)
            attempt = start_attempt(self.wb, sc, self.wb.user.id, seed=seed, repo=self.repo)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.msg.value = ""
        return self._play(attempt)

    def open_attempt(self, attempt_id: str) -> PlayerView | None:
        """Open one of the trainee's own attempts (to continue it or read its feedback)."""
        try:
            rec = self.repo.get_attempt(attempt_id)
            if rec.trainee_id != self.wb.user.id:
                raise InvalidInput("You can only open your own training attempts.")
            attempt = resume_attempt(self.wb, self.scenarios[rec.scenario_id], self.repo, attempt_id)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        return self._play(attempt)

    def _play(self, attempt: Attempt) -> PlayerView:
        self.player = PlayerView(self.wb, attempt, on_back=self.back)
        self.children = [w.HTML(TRAINING_STYLE), self.player]
        return self.player

    def back(self) -> None:
        self.player = None
        self.refresh()
        self.children = [self.home]
