"""What a trainee may see of an attempt: lines, options, reflection questions, released feedback.

The rubric, the model and failing paths and the checks stay on the server. A widget builds
its state only from a ``TraineeView`` (or its ``to_dict()``), so no answer key can reach the
browser (architecture, "Identity and roles").
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.errors import PermissionDenied

from training.engine import Attempt
from training.grading import Grade


@dataclass(frozen=True)
class FeedbackItem:
    title: str
    objective: str  #: the objective's text
    met: bool
    points: float
    possible: float
    feedback: str
    reason: str
    comment: str = ""  #: the supervisor's comment when they overrode this criterion


def worked(record, case) -> bool:
    """Whether the trainee worked this patient of the attempt: called them, or recorded something
    in their chart (the attempt's transcript or a case reference)."""
    return bool(case.calls) or bool(case.refs) or any(
        ln.patient_id == case.patient_id and ln.speaker == "trainee" for ln in record.transcript)


def objective_text(record, scenarios, result) -> str:
    """The text of a result's objective, read in the scenario of the result's patient (objective
    ids are only unique within a scenario)."""
    sid = next((c.scenario_id for c in record.cases if c.patient_id == result.patient_id), None)
    sc = scenarios.get(sid) if sid else None
    if sc is None and len(scenarios) == 1:
        sc = next(iter(scenarios.values()))
    return next((o.text for o in sc.objectives if o.id == result.objective), result.objective) if sc else result.objective


@dataclass(frozen=True)
class TraineeView:
    attempt_id: str
    scenario_title: str
    situation: str
    lines: tuple[tuple[str, str], ...]  #: (speaker, text)
    options: tuple[tuple[str, str], ...]  #: (action id, label)
    finished: bool
    reflection_questions: tuple[str, ...]  #: shown once finished
    released: bool
    feedback: tuple[FeedbackItem, ...]  #: empty until a supervisor releases it
    score: tuple[float, float] | None  #: (points, possible) once released
    passed: bool | None
    decided_by: str = ""  #: released: the sentence saying a critical criterion decided

    def to_dict(self) -> dict:
        """Plain data for a widget: only what the trainee may see."""
        return {
            "attempt_id": self.attempt_id, "scenario_title": self.scenario_title,
            "situation": self.situation,
            "lines": [{"speaker": s, "text": t} for s, t in self.lines],
            "options": [{"id": i, "label": lbl} for i, lbl in self.options],
            "finished": self.finished, "reflection_questions": list(self.reflection_questions),
            "released": self.released,
            "feedback": [item.__dict__ for item in self.feedback],
            "score": list(self.score) if self.score else None, "passed": self.passed,
            "decided_by": self.decided_by,
        }


def trainee_view(attempt: Attempt, viewer_id: str, grade: Grade | None = None) -> TraineeView:
    """The trainee's own view of their attempt; ``grade`` is used only once feedback is released."""
    rec = attempt.record
    if viewer_id != rec.trainee_id:
        raise PermissionDenied("You can only open your own training attempts.")
    scenarios = attempt.scenarios
    released = rec.released and grade is not None
    titles = {c.id: (c.title or c.id) for sc in scenarios.values() for c in sc.criteria}
    feedback = tuple(
        FeedbackItem(title=r.title or titles.get(r.criterion_id, r.criterion_id),
                     objective=objective_text(rec, scenarios, r), met=r.met,
                     points=r.points, possible=r.possible, feedback=r.feedback, reason=r.reason,
                     comment=r.override_comment if r.overridden else "")
        for r in grade.results) if released else ()
    title = (attempt.shift.title if attempt.shift is not None
             else next(iter(scenarios.values())).title)
    situation = (attempt.shift.summary if attempt.shift is not None
                 else next(iter(scenarios.values())).situation)
    # reflection only on the patients the trainee worked
    used = {c.scenario_id for c in rec.cases if c.scenario_id and worked(rec, c)}
    questions = tuple(dict.fromkeys(q for sid, sc in scenarios.items() if sid in used for q in sc.reflection))
    return TraineeView(
        attempt_id=rec.id, scenario_title=title, situation=situation,
        lines=tuple((ln.speaker, ln.text) for ln in rec.transcript),
        options=tuple((o.id, o.label) for o in attempt.options()),
        finished=attempt.finished,
        reflection_questions=questions if attempt.finished else (),
        released=released, feedback=feedback,
        score=(grade.points, grade.possible) if released else None,
        passed=grade.passed if released else None,
        decided_by=grade.decided_by if released else "")
