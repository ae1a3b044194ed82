"""The practice pages: an ended attempt is read-only, a call's clock moves with what is said,
waiting is offered when the world is about to move the call on, ending asks first and names the
patients never called, reflection only for patients worked, the supervisor's override comment
reaches the trainee, objectives are read in their own scenario, the Training page's cards set
the scene only, and practice ids do not say which patients are scripted."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_ui_helpers import SUPERVISOR, TRAINEE  # noqa: E402

from workbench.errors import PermissionDenied  # noqa: E402
from workbench.service import Workbench  # noqa: E402

from training.attempts import StoreAttempts  # noqa: E402
from training.ui.common import scene  # noqa: E402
from training.ui.trainee import TraineeHome, objective_progress  # noqa: E402

SHIFT = "wednesday-morning"


def home(db, user=TRAINEE) -> TraineeHome:
    wb = Workbench.open(db).as_user(user.id)
    return TraineeHome(wb, StoreAttempts(wb), live=False)


def click(view, option_id: str) -> None:
    sc = view.attempt.scenario
    label = sc.option(option_id).label
    button = next(b for b in view.pane.options.children if b.description == label)
    button.click()


def test_an_ended_attempt_is_read_only_and_nothing_more_is_recorded(db, library):
    view = home(db).start("checkin-hypertension-arthritis")
    tw, pid = view.attempt.workbench, view.attempt.patient_id
    view.end_button.click()
    assert view.confirm.layout.display is None  # asks first
    assert view.attempt.record.status != "finished"
    view.confirm_end()
    assert view.attempt.finished
    assert view.chart.read_only and all(b.disabled for b in (view.chart.contacts.button,))
    assert "This attempt has ended" in view.chart.header.value
    assert view.work_bar.start_button.disabled
    with pytest.raises(PermissionDenied, match="ended"):
        tw.start_timer(pid)
    with pytest.raises(PermissionDenied):
        tw.log_contact(pid, "phone", "reached", "late note")
    supervisor = Workbench.open(db).as_user(SUPERVISOR.id)
    assert supervisor.contacts(pid) == []  # reading is still fine


def test_what_is_said_takes_its_minutes_on_a_wall_clock_call(db, library):
    view = home(db).start("phq9-item9-positive")
    sc = view.attempt.scenario
    before = view.attempt.clock.peek()
    click(view, "identify")
    click(view, "ask-phq9")
    minutes = sc.option("identify").minutes + sc.option("ask-phq9").minutes
    assert minutes >= 2
    elapsed = (view.attempt.clock.peek() - before).total_seconds() / 60
    assert minutes <= elapsed < minutes + 2  # the options' minutes, plus the real seconds


def test_waiting_is_offered_only_when_the_world_will_move_the_call_on(db, library):
    view = home(db).start("overdose-confusion")
    assert view.pane.waiting.layout.display == "none"
    for step in view.attempt.scenario.model_path:
        if view.pane.waiting.layout.display is None:
            break
        if step.say is not None:
            click(view, step.say)
        elif step.do is not None:
            view.attempt.do(step.do)
            view.refresh()
        elif step.advance is not None:
            break
    assert view.attempt.waiting_helps() and view.pane.waiting.layout.display is None
    line = view.attempt.clock.peek()
    view.pane.wait.click()
    assert (view.attempt.clock.peek() - line).total_seconds() >= 120


def test_ending_a_shift_names_who_was_never_called_and_reflection_covers_only_them_worked(db, library):
    view = home(db).start_shift(SHIFT)
    case = next(c for c in view.attempt.record.cases if c.scenario_id == "consent-conversation")
    view.open_patient(case.patient_id)
    view.pane.call_button.click()
    click(view, "identify-explain")
    view.pane.hang_button.click()
    view.end_button.click()
    names = view.confirm_text.value
    others = [c for c in view.attempt.record.cases if c.patient_id != case.patient_id]
    assert all(c.patient_id in names for c in others) and case.patient_id not in names
    view.confirm_end()
    questions = view.view()["reflection_questions"]
    assert questions == list(library["consent-conversation"].reflection)


def test_practice_ids_do_not_say_which_patients_are_scripted(db, library):
    view = home(db).start_shift(SHIFT)
    ids = [c.patient_id for c in view.attempt.record.cases]
    assert all(re.fullmatch(r"T[0-9A-F]+-\d+", pid) for pid in ids)
    numbers = [int(pid.rsplit("-", 1)[1]) for pid in ids]
    assert sorted(numbers) == list(range(1, len(ids) + 1))
    scripted = [int(c.patient_id.rsplit("-", 1)[1]) for c in view.attempt.record.cases if c.scenario_id]
    assert scripted != list(range(1, len(scripted) + 1))  # not simply the first numbers (seeded shuffle)


def test_cards_set_the_scene_without_the_answer(db, library):
    page = home(db)
    def texts(widget):
        value = getattr(widget, "value", "")
        if isinstance(value, str):
            yield value
        for child in getattr(widget, "children", ()):
            yield from texts(child)

    text = " ".join(texts(page.home))
    for sc in library.values():
        assert scene(sc.summary) in text or scene(sc.summary).replace("'", "&#x27;") in text
    assert "Arrange the ride" not in text and "same-day escalation" not in text
    assert scene("One thing happens. Do this and that.") == "One thing happens."


def test_released_feedback_shows_the_override_comment_and_objectives_in_their_scenario(db, library):
    from training.grading import grade_attempt, override_criterion, release_feedback

    view = home(db).start_shift(SHIFT)
    view.end_button.click()
    view.confirm_end()
    rec = view.attempt.record
    supervisor = Workbench.open(db).as_user(SUPERVISOR.id)
    repo = StoreAttempts(supervisor)
    consent_case = next(c for c in rec.cases if c.scenario_id == "consent-conversation")
    crit = library["consent-conversation"].criteria[0]
    override_criterion(repo, library["consent-conversation"], rec.id, crit.id, points=crit.points, met=True,
                       comment="Good instinct, recorded late", supervisor=supervisor.user,
                       patient_id=consent_case.patient_id)
    release_feedback(repo, rec.id, supervisor.user)
    again = home(db).open_attempt(rec.id)
    fb = again.after.children[-1].value
    assert "Good instinct, recorded late" in fb and "trn-override-comment" in fb
    grade = grade_attempt(supervisor, library, repo.get_attempt(rec.id))
    rows = objective_progress([(repo.get_attempt(rec.id), grade)], library)
    texts = {(o.text) for sid in {c.scenario_id for c in rec.cases if c.scenario_id}
             for o in library[sid].objectives}
    shift_level = {r.objective for r in grade.results if r.criterion_id.startswith("called-first:")}  # the shift's own
    assert {r["objective"] for r in rows} <= texts | shift_level
    # one row per scenario objective: objectives sharing an id across scenarios are not merged
    n = sum(len({r.objective for r in grade.results if r.patient_id == c.patient_id})
            for c in rec.cases if c.scenario_id)
    assert len(rows) == n


def test_cohort_views_keep_objectives_of_different_scenarios_apart(db, library):
    from collections import Counter

    from training.gradebook import GradebookRow, cohort_stats, objective_rows
    from training.grading import grade_attempt

    view = home(db).start_shift(SHIFT)
    view.end_button.click()
    view.confirm_end()
    rec = view.attempt.record
    grade = grade_attempt(Workbench.open(db).as_user(SUPERVISOR.id), library, rec)
    sids = [c.scenario_id for c in rec.cases if c.scenario_id]
    shared = [o for o, n in Counter(o.id for sid in sids for o in library[sid].objectives).items() if n > 1]
    assert shared  # the shift's scenarios do reuse objective ids
    row = GradebookRow(attempt_id=rec.id, trainee_id=TRAINEE.id, trainee_name="", scenario_id=rec.scenario_id,
                       scenario_title="", started_at="", status="finished", points=grade.points,
                       possible=grade.possible, percent=grade.percent, passed=grade.passed, failed_critical="",
                       overridden=0, released=False)
    objectives = {o["objective"] for o in cohort_stats([(row, grade)])["objectives"]}
    for oid in shared:
        assert len({o for o in objectives if o.endswith(f"/{oid}")}) > 1
    rows = objective_rows([(row, grade)], library)
    assert len({r["objective_text"] for r in rows}) == len(rows)  # one bar per scenario objective
