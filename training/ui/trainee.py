"""The trainee's pages: the scenario and shift library, their own attempts and progress.

Security (docs/architecture.md, "Identity and roles"): every widget here is built from
``training.views.trainee_view(...).to_dict()``, the scenario's public fields (title, summary,
category) and the trainee's own attempts. The rubric, its feedback texts and the model and
failing paths are never put into any widget, visible or hidden: a grade is computed only for
an attempt whose feedback a supervisor has released.
"""

from __future__ import annotations

import ipywidgets as w

from workbench.errors import InvalidInput, WorkbenchError
from workbench.service import Workbench
from workbench.ui.feedback import FormMessages
from workbench.ui.html import esc, message, table

from training.attempts import AttemptRecord, AttemptRepository, default_repository
from training.engine import Attempt, resume_attempt, start_attempt
from training.grading import Grade, grade_attempt
from training.model import Scenario

from .common import TRAINING_STYLE, check_training_role, library, scene, shift_scene
from .player import AttemptView

def _title(rec: AttemptRecord, scenarios: dict[str, Scenario]) -> str:
    if rec.is_shift:
        from training.shifts import get_shift

        try:
            return get_shift(rec.scenario_id.removeprefix("shift:"), scenarios).title
        except WorkbenchError:
            return "(shift removed)"
    sc = scenarios.get(rec.scenario_id)
    return sc.title if sc else "(scenario removed)"


def objective_progress(graded: list[tuple[AttemptRecord, Grade]], scenarios: dict[str, Scenario]) -> list[dict]:
    """Points per learning objective over released attempts: objective text, attempts, points.
    An objective id is only unique within its scenario: each result counts under the objective of
    the scenario its patient played (a shift's cases never mix)."""
    out: dict[tuple[str, str, str], dict] = {}
    for rec, grade in graded:
        title = _title(rec, scenarios)
        case_of = {c.patient_id: c.scenario_id for c in rec.cases}
        per: dict[tuple[str, str], tuple[float, float]] = {}
        for r in grade.results:
            sid = case_of.get(r.patient_id) or rec.scenario_id
            p, q = per.get((sid, r.objective), (0.0, 0.0))
            per[(sid, r.objective)] = (p + r.points, q + r.possible)
        for (sid, objective), (points, possible) in per.items():
            sc = scenarios.get(sid)
            text = next((o.text for o in sc.objectives if o.id == objective), objective) if sc else objective
            row = out.setdefault((title, sid, objective), {"scenario": title, "objective": text, "attempts": 0,
                                                          "points": 0.0, "possible": 0.0, "latest": 0.0})
            row["attempts"] += 1
            row["points"] += points
            row["possible"] += possible
            row["latest"] = round(100 * points / possible, 1) if possible else 0.0
    return list(out.values())


class TraineeHome(w.VBox):
    """The library (all scenarios are assigned to everyone), the trainee's own attempts, their
    progress per objective (from released feedback only) and the player."""

    def __init__(self, wb: Workbench, repo: AttemptRepository | None = None,
                 scenarios: dict[str, Scenario] | None = None, live: bool = True):
        check_training_role(wb.user, "trainee")
        self.wb = wb
        self.live = live
        #: pinned by the app in place of its own work bar: the open attempt's bar (its clock)
        self.work_bar = w.VBox()
        self.work_bar.add_class("trn-work-bar-slot")
        self.repo = repo if repo is not None else default_repository(wb)
        self.scenarios = scenarios if scenarios is not None else library()
        self.player: AttemptView | None = None
        from training.shifts import load_shifts

        self.shifts = load_shifts(self.scenarios)
        # each start button's refusal under its own row, and the "open" one over my attempts:
        # announced, cleared by the next action or another view
        self.msg = FormMessages("trn-home-msg", "open", *(f"shift:{k}" for k in self.shifts), *self.scenarios)
        self.mine = w.VBox()
        self.mine.add_class("trn-mine")
        self.progress = w.HTML()
        self.progress.add_class("trn-progress")
        rows = []
        for sc in sorted(self.scenarios.values(), key=lambda s: (s.category, s.title)):
            card = w.HTML(f'<div><b>{esc(sc.title)}</b> <span class="ccm-badge ccm-badge-info">{esc(sc.category)}</span>'
                          f'<div class="trn-scene">{esc(scene(sc.summary))}</div></div>',
                          layout=w.Layout(width="820px"))
            start = w.Button(description="Practise", icon="play", button_style="primary", layout=w.Layout(width="120px"))
            start.add_class("trn-start")
            start.add_class(f"trn-start-{sc.id}")
            start.on_click(lambda _, sid=sc.id: self.start(sid))
            rows.append(w.VBox([w.HBox([card, start], layout=w.Layout(align_items="center")),
                                self.msg.slot(sc.id)]))
        shift_rows = []
        for sh in self.shifts.values():
            card = w.HTML(f'<div><b>{esc(sh.title)}</b><div class="trn-scene">'
                          f'{esc(shift_scene(sh))}</div></div>', layout=w.Layout(width="820px"))
            start = w.Button(description="Start shift", icon="play", button_style="primary",
                             layout=w.Layout(width="120px"))
            start.add_class("trn-start-shift")
            start.add_class(f"trn-start-shift-{sh.id}")
            start.on_click(lambda _, sid=sh.id: self.start_shift(sid))
            shift_rows.append(w.VBox([w.HBox([card, start], layout=w.Layout(align_items="center")),
                                      self.msg.slot(f"shift:{sh.id}")]))
        self.home = w.VBox([
            w.HTML(TRAINING_STYLE),
            w.HTML('<div class="ccm-section-title">Practice shifts</div><div>A panel of practice '
                   'patients in the real worklist and chart: you decide whom to call, and everything '
                   'you record is graded.</div>'), *shift_rows,
            w.HTML('<div class="ccm-section-title">Single scenarios</div><div>One patient, one '
                   'call. What you say is in the call pane; what you do, you do in the chart.</div>'),
            *rows,
            w.HTML('<div class="ccm-section-title">My attempts</div>'), self.msg.slot("open"), self.mine,
            w.HTML('<div class="ccm-section-title">Progress per objective</div>'), self.progress])
        super().__init__([self.home])
        self.add_class("trn-home")
        self.refresh()

    # ------------------------------------------------------------------ lists
    def my_attempts(self) -> list[AttemptRecord]:
        """Only the signed-in trainee's attempts."""
        return self.repo.find_attempts(trainee_id=self.wb.user.id)

    def refresh(self) -> None:
        attempts = self.my_attempts()
        rows: list[w.Widget] = []
        released: list[tuple[AttemptRecord, Grade]] = []
        for rec in reversed(attempts):
            known = all(c.scenario_id in self.scenarios for c in rec.cases if c.scenario_id)
            title = _title(rec, self.scenarios)
            state = "in progress" if rec.status != "finished" else (
                "feedback released" if rec.released else "ended, waiting for feedback")
            score = ""
            if rec.released and known:
                grade = grade_attempt(self.wb, self.scenarios, rec)
                released.append((rec, grade))
                score = f" &middot; {grade.points:g} of {grade.possible:g} points"
            label = w.HTML(f'<div>{esc(title)} &middot; attempt {esc(rec.id)} &middot; '
                           f'{esc(rec.started_at.astimezone(self.wb.tz).strftime("%d %b %H:%M"))} &middot; '
                           f'<i>{esc(state)}</i>{score}</div>', layout=w.Layout(width="820px"))
            button = w.Button(description="Continue" if rec.status != "finished" else "Open",
                              layout=w.Layout(width="120px"), disabled=not known)
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
    def _begin(self, key: str, make) -> AttemptView | None:
        """One attempt at a time: an unfinished one is ended first; the seed counts attempts."""
        self.msg.using(key)
        mine = self.my_attempts()
        try:
            for rec in mine:
                if rec.status != "finished":
                    resume_attempt(self.wb, self.scenarios, self.repo, rec.id).end()
            timer = self.wb.running_timer()
            if timer is not None:
                raise InvalidInput("Your work timer is running for a patient. Stop it in the chart before "
                                   "practising, so practice time is never mixed with care time.")
            attempt = make(1 + sum(rec.scenario_id == key for rec in mine))
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        self.msg.value = ""
        return self._play(attempt)

    def start(self, scenario_id: str) -> AttemptView | None:
        """A new single-scenario attempt, at wall-clock speed."""
        sc = self.scenarios[scenario_id]
        return self._begin(scenario_id, lambda seed: start_attempt(
            self.wb, sc, self.wb.user.id, seed=seed, repo=self.repo, wall=True))

    def start_shift(self, shift_id: str) -> AttemptView | None:
        """A new practice shift: its panel is created in the attempt's scope; no call yet."""
        from training.shift_play import start_shift

        shift = self.shifts[shift_id]
        return self._begin(f"shift:{shift_id}", lambda seed: start_shift(
            self.wb, shift, self.wb.user.id, self.scenarios, seed=seed, repo=self.repo, wall=True))

    def open_attempt(self, attempt_id: str) -> AttemptView | None:
        """Open one of the trainee's own attempts (to continue it or read its feedback)."""
        self.msg.using("open")
        try:
            rec = self.repo.get_attempt(attempt_id)
            if rec.trainee_id != self.wb.user.id:
                raise InvalidInput("You can only open your own training attempts.")
            attempt = resume_attempt(self.wb, self.scenarios, self.repo, attempt_id, wall=True)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return None
        return self._play(attempt)

    def _play(self, attempt: Attempt) -> AttemptView:
        if self.player is not None:
            self.player.work_bar.stop_ticking()
        self.player = AttemptView(self.wb, attempt, on_back=self.back, live=self.live)
        self.work_bar.children = [self.player.work_bar]
        self.children = [w.HTML(TRAINING_STYLE), self.player]
        return self.player

    def handle_nav(self, target: str) -> bool:
        """Links inside an open attempt (its worklist rows) stay in the attempt."""
        return self.player is not None and self.player.handle_nav(target)

    def back(self) -> None:
        if self.player is not None:
            self.player.work_bar.stop_ticking()
        self.work_bar.children = []
        self.player = None
        self.refresh()
        self.children = [self.home]
