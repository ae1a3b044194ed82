"""The supervisor dashboard: cohort gradebook, statistics per criterion and objective,
behaviour per trainee, attempt detail (timeline, transcript, model path), overrides, release,
CSV downloads and a plot.

Role-gated to supervisors. Grades are derived from the records every
time (architecture, "Derived, never stored twice"); an override keeps the supervisor's
comment with the attempt (``training.grading.override_criterion``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import ipywidgets as w

from workbench.errors import InvalidInput, WorkbenchError
from workbench.service import Workbench
from workbench.ui.unsaved import watch
from workbench.ui.feedback import FormMessages, on_click
from workbench.ui.html import data_link, esc, figure_png, message, table

from training.attempts import AttemptRecord, AttemptRepository, default_repository
from training.gradebook import (GradebookRow, behaviour, cohort_stats, gradebook, objective_rows,
                                write_csv, write_rows)
from training.grading import Grade, grade_attempt, override_criterion, release_feedback
from training.model import Scenario

from .common import TRAINING_STYLE, check_training_role, library
from .detail import attempt_timeline_html, model_path_html, scores_html


def gradebook_csv(rows: list[GradebookRow]) -> bytes:
    """The gradebook as CSV bytes (the same file ``workbench gradebook export`` writes)."""
    with tempfile.TemporaryDirectory() as tmp:
        return write_csv(rows, Path(tmp) / "gradebook.csv").read_bytes()


def rows_csv(rows: list[dict], name: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return write_rows(rows, Path(tmp) / name).read_bytes()


def objective_figure(rows: list[dict]):
    """A bar chart of the cohort's mean percent per learning objective (one bar per objective)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    totals: dict[str, list[float]] = {}
    for row in rows:
        if row["possible"]:
            totals.setdefault(row["objective_text"], []).append(100 * row["points"] / row["possible"])
    labels = sorted(totals)
    means = [sum(totals[k]) / len(totals[k]) for k in labels]
    fig = Figure(figsize=(9, max(2.2, 0.42 * len(labels) + 1)))
    ax = fig.subplots()
    ax.barh([k if len(k) < 60 else k[:57] + "..." for k in labels], means, color="#1d4e89")
    ax.set_xlim(0, 100)
    ax.set_xlabel("Mean score across attempts (%)")
    ax.set_title("Cohort results per learning objective")
    ax.invert_yaxis()
    fig.tight_layout()
    return fig


class SupervisorDashboard(w.VBox):
    """Gradebook, CSV download, plot per objective and the detail of one attempt."""

    def __init__(self, wb: Workbench, repo: AttemptRepository | None = None,
                 scenarios: dict[str, Scenario] | None = None, live: bool = True):
        check_training_role(wb.user, "supervisor")
        self.wb = wb
        self.repo = repo if repo is not None else default_repository(wb)
        self.scenarios = scenarios if scenarios is not None else library()
        self.graded: list[tuple[GradebookRow, Grade | None]] = []
        self.table = w.HTML()
        self.table.add_class("trn-gradebook")
        self.download = w.HTML()
        self.download.add_class("trn-download")
        self.stats = w.HTML()
        self.stats.add_class("trn-cohort-stats")
        self.behaviour = w.HTML()
        self.behaviour.add_class("trn-behaviour")
        self.plot = w.Image(format="png", layout=w.Layout(max_width="820px"))
        self.plot_box = w.VBox([self.plot])
        self.plot_box.add_class("trn-plot")
        self.picker = w.Dropdown(description="Attempt", layout=w.Layout(width="640px"))
        self.picker.add_class("trn-pick")
        self.picker.observe(lambda _: self.show_detail(), "value")
        self.detail = w.VBox()
        self.detail.add_class("trn-detail")
        # override form
        self.criterion = w.Dropdown(description="Criterion", layout=w.Layout(width="520px"))
        self.criterion.add_class("trn-ov-criterion")
        self.points = w.BoundedFloatText(description="Points", min=0, max=100, layout=w.Layout(width="200px"))
        self.points.add_class("trn-ov-points")
        self.met = w.Checkbox(description="Met", indent=False)
        self.met.add_class("trn-ov-met")
        self.comment = w.Textarea(placeholder="Why the score is changed (required)",
                                  layout=w.Layout(width="520px", height="54px"))
        self.comment.add_class("trn-ov-comment")
        self.override_button = w.Button(description="Override score", icon="edit", button_style="warning",
                                        layout=w.Layout(width="auto", align_self="flex-start"))
        self.override_button.add_class("trn-ov-save")
        self.msg = FormMessages("trn-sup-msg", "override", "release")
        on_click(self.override_button, self.override, self.msg, "override")
        self.release_button = w.Button(description="Release feedback to the trainee", icon="paper-plane",
                                       button_style="success", layout=w.Layout(width="auto", align_self="flex-start"))
        self.release_button.add_class("trn-release")
        on_click(self.release_button, self.release, self.msg, "release",
                 enabled=lambda: not getattr(self, "_released", False))
        self.criterion.observe(lambda _: self._criterion_max(), "value")
        self.form = w.VBox([w.HTML('<div class="ccm-section-title">Override one criterion</div>'),
                            self.criterion, w.HBox([self.points, self.met]), self.comment,
                            self.override_button, self.msg.slot("override"),
                            w.HTML('<div class="ccm-section-title">Release</div>'),
                            self.release_button, self.msg.slot("release")])
        self.unsaved = watch(self.form, self.comment)
        super().__init__([
            w.HTML(TRAINING_STYLE),
            w.HTML('<div class="ccm-section-title">Cohort gradebook</div>'), self.table, self.download,
            w.HTML('<div class="ccm-section-title">Per criterion and objective (% met)</div>'),
            self.stats, self.plot_box,
            w.HTML('<div class="ccm-section-title">Behaviour from the record, per trainee</div>'),
            self.behaviour,
            w.HTML('<div class="ccm-section-title">Attempt detail</div>'), self.picker, self.detail])
        self.add_class("trn-dashboard")
        self.refresh()

    # ------------------------------------------------------------------ gradebook
    def refresh(self, keep: str | None = None) -> None:
        """Re-read attempts and grades; keep the selected attempt if it is still there."""
        self.graded = gradebook(self.wb, self.repo, self.scenarios)
        rows = [row for row, _ in self.graded]
        self.table.value = table(
            ["Attempt", "Trainee", "Scenario", "Started", "Status", "Points", "%", "Passed", "Failed critical",
             "Overrides", "Released"],
            [(r.attempt_id, r.trainee_name or r.trainee_id, r.scenario_title, r.started_at.replace("T", " ")[:16],
              r.status, "" if r.points is None else f"{r.points:g} / {r.possible:g}",
              "" if r.percent is None else f"{r.percent:g}", "" if r.passed is None else ("yes" if r.passed else "no"),
              r.failed_critical, r.overridden or "", "yes" if r.released else "no") for r in rows],
            css="ccm-table trn-gradebook-table") if rows else message("No training attempts yet.", "info")
        self.download.value = data_link(gradebook_csv(rows), "training-gradebook.csv", "text/csv",
                                        "Download gradebook (CSV)", css="ccm-download trn-download-csv")
        stats = cohort_stats(self.graded)
        self.stats.value = (table(["Objective", "Results", "% met"],
                                  [(o["objective"], o["results"], f'{o["percent_met"]:g}')
                                   for o in stats["objectives"]], css="ccm-table trn-objective-stats")
                            + table(["Criterion", "Objective", "Attempts", "% met"],
                                    [(c["title"], c["objective"], c["attempts"], f'{c["percent_met"]:g}')
                                     for c in stats["criteria"]], css="ccm-table trn-criterion-stats")
                            + data_link(rows_csv(stats["criteria"], "criteria.csv"),
                                        "training-criteria.csv", "text/csv",
                                        "Download per-criterion statistics (CSV)",
                                        css="ccm-download trn-download-criteria")
                            if stats["criteria"] else "")
        beh = behaviour(self.wb, self.repo)
        self.behaviour.value = (table(
            ["Trainee", "Attempts", "Documentation lag (min)", "Minutes logged", "Minutes in call",
             "Logged / call", "Words per note"],
            [(b["trainee_id"], b["attempts"], b["documentation_lag_min"], b["minutes_logged"],
              b["minutes_in_call"], b["logged_vs_call"], b["words_per_note"]) for b in beh],
            css="ccm-table trn-behaviour-table")
            + data_link(rows_csv(beh, "behaviour.csv"), "training-behaviour.csv", "text/csv",
                        "Download behaviour (CSV)", css="ccm-download trn-download-behaviour")
            if beh else "")
        obj = objective_rows(self.graded, self.scenarios)
        if obj:
            self.plot.value = figure_png(objective_figure(obj))
            self.plot_box.layout.display = None
        else:
            self.plot_box.layout.display = "none"
        options = [(f"{r.attempt_id} · {r.trainee_name or r.trainee_id} · {r.scenario_title} · {r.status}",
                    r.attempt_id) for r in reversed(rows)]
        current = keep or self.picker.value
        self.picker.options = options
        ids = [v for _, v in options]
        self.picker.value = current if current in ids else (ids[0] if ids else None)
        self.show_detail()

    # ------------------------------------------------------------------ one attempt
    def _selected(self) -> tuple[AttemptRecord, Scenario | None, Grade | None] | None:
        aid = self.picker.value
        if aid is None:
            return None
        rec = self.repo.get_attempt(aid)
        known = all(c.scenario_id in self.scenarios for c in rec.cases if c.scenario_id)
        grade = (grade_attempt(self.wb, self.scenarios, rec)
                 if known and rec.status == "finished" else None)
        return rec, (self.scenarios if known else None), grade

    def show_detail(self) -> None:
        sel = self._selected()
        if sel is None:
            self.detail.children = []
            return
        rec, sc, grade = sel
        try:
            trainee = self.wb.get_user(rec.trainee_id).name
        except WorkbenchError:
            trainee = ""
        started = rec.started_at.astimezone(self.wb.tz).strftime("%Y-%m-%d %H:%M")
        head = (f'<div class="ccm-card"><b>{esc(rec.scenario_id)}</b> &middot; attempt '
                f'<span class="trn-detail-id">{esc(rec.id)}</span> by <b class="trn-trainee-name">{esc(trainee)}</b> '
                f'<span class="ccm-pid">{esc(rec.trainee_id)}</span> &middot; started {esc(started)} &middot; '
                f'seed {rec.seed} &middot; {esc(rec.status)} &middot; feedback '
                f'{"released" if rec.released else "not released"}</div>')
        parts: list[w.Widget] = [w.HTML(head)]
        parts.append(w.HTML('<div class="ccm-section-title">Automatic scores</div>'
                            + (scores_html(grade, compact=True) if grade else
                               message("The attempt is still in progress: it is graded once it ends.", "info"))))
        one = w.HTML('<div class="ccm-section-title">The attempt, in order: what was said and what was '
                     'written</div>' + attempt_timeline_html(self.wb, rec))
        one.add_class("trn-attempt-timeline")
        parts.append(one)
        if sc is not None:
            parts.append(w.HTML('<details class="trn-model-path-box"><summary class="ccm-section-title">'
                                'What the model path does</summary>' + model_path_html(sc, rec) + '</details>'))
        if rec.reflection:
            parts.append(w.HTML('<div class="ccm-section-title">Reflection</div>'
                                + table(["Question", "Answer"], list(rec.reflection.items()))))
        if grade is not None and sc is not None:
            self.criterion.options = [(f"{r.patient_id}: {r.title} ({r.points:g}/{r.possible:g})",
                                       f"{r.patient_id}|{r.criterion_id}") for r in grade.results]
            self._criterion_max()
            self._released = rec.released
            self.release_button.disabled = rec.released
            self.release_button.description = ("Feedback released" if rec.released
                                               else "Release feedback to the trainee")
            parts.append(self.form)
        self.detail.children = parts

    def _criterion_max(self) -> None:
        """Fill the form with the chosen criterion's current score (and its maximum)."""
        sel = self._selected() if self.picker.value else None
        grade = sel[2] if sel else None
        res = next((r for r in grade.results if f"{r.patient_id}|{r.criterion_id}" == self.criterion.value),
                   None) if grade else None
        if res is not None:
            self.points.max = res.possible
            self.points.value = res.points
            self.met.value = res.met

    def override(self) -> None:
        """Override the chosen criterion with the points, met flag and required comment."""
        self.msg.using("override")
        sel = self._selected()
        try:
            if sel is None or sel[1] is None or self.criterion.value is None:
                raise InvalidInput("Choose a finished attempt and a criterion first.")
            rec, scenarios, _ = sel
            pid, cid = self.criterion.value.split("|", 1)
            sc = scenarios[rec.case(pid).scenario_id]
            override_criterion(self.repo, sc, rec.id, cid, self.points.value, self.met.value,
                               self.comment.value, self.wb.user, at=self.wb.now(), patient_id=pid)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return
        self.comment.value = ""
        done = f"Score for '{cid}' overridden on attempt {rec.id}."
        self.refresh(keep=rec.id)
        self.msg.value = message(done, "ok")

    def release(self) -> None:
        """Let the trainee see the feedback of the selected attempt."""
        self.msg.using("release")
        try:
            if self.picker.value is None:
                raise InvalidInput("Choose an attempt first.")
            rec = release_feedback(self.repo, self.picker.value, self.wb.user, at=self.wb.now())
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return
        self.refresh(keep=rec.id)
        self.msg.value = message(f"Feedback released for attempt {rec.id}.", "ok")
