"""A goal the patient can no longer keep is closed, not left standing: the `goal` check's
`status`, the `revise_care_plan` action's `goal_status`, and the knee-pain check-in that
grades it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from workbench.errors import InvalidInput
from training.checks import Context, evaluate
from training.checks_model import Check
from training.engine import play_path, start_attempt
from training.evidence import Fact
from training.library import load_library
from training.model import PathStep

from .conftest import TRAINEE

LIBRARY = load_library()
CHECKIN = LIBRARY["checkin-hypertension-arthritis"]
AT = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)


def _goal(description: str, status: str, target: str = "5", due: date | None = date(2026, 12, 30)) -> Fact:
    return Fact("goal", f"1.{description[:4]}.{status}", "P1", AT, TRAINEE.id,
                {"target": target, "due_date": due, "measurable": bool(target and due),
                 "description": description, "status": status},
                description, f"goal ({status})")


def _ctx(*facts: Fact) -> Context:
    return Context("P1", TRAINEE.id, list(facts), list(facts), [], [(AT, None)])


CLOSED = {"any_of": ["Walk 30"], "status": ["cancelled", "completed"], "measurable": False}
OPEN = {"any_of": ["walk"]}


@pytest.mark.parametrize("check, facts, met", [
    (CLOSED, [], False),
    (CLOSED, [_goal("Walk 30 minutes a day", "active")], False),        # still standing
    (CLOSED, [_goal("Walk 30 minutes a day", "cancelled")], True),
    (CLOSED, [_goal("Walk 30 minutes a day", "completed")], True),
    (CLOSED, [_goal("Water walking 20 minutes", "cancelled")], False),  # another goal closed
    (OPEN, [_goal("Walk 30 minutes a day", "cancelled")], False),       # a closed goal is no new goal
    (OPEN, [_goal("Walk 30 minutes a day", "proposed")], True),
    (OPEN, [_goal("Walk 30 minutes a day", "active", target="")], False),  # not measurable
    (OPEN, [_goal("Walk 30 minutes a day", "cancelled"), _goal("Walk 10 minutes", "active")], True),
])
def test_the_goal_check_reads_the_goal_status(check, facts, met):
    assert evaluate(Check.model_validate({"goal": check}), _ctx(*facts)).met is met


def test_a_goal_check_names_only_goal_statuses():
    with pytest.raises(ValueError):
        Check.model_validate({"goal": {"any_of": ["walk"], "status": ["retired"]}})


def _play(wb, path):
    return play_path(start_attempt(wb, CHECKIN, TRAINEE.id, seed=1), path).grade()


def _plan_step(**changes) -> PathStep:
    step = next(s for s in CHECKIN.model_path if s.do is not None and s.do.type == "revise_care_plan")
    return PathStep.model_validate({"do": {**step.do.model_dump(exclude_none=True), **changes}})


def _with_plan_step(step: PathStep) -> list[PathStep]:
    return [step if s.do is not None and s.do.type == "revise_care_plan" else s for s in CHECKIN.model_path]


def test_the_model_path_closes_the_walking_goal(wb):
    grade = _play(wb, CHECKIN.model_path)
    assert grade.percent == 100
    assert grade.result("old-goal-closed").reason.startswith("marked cancelled a goal")


def test_the_new_goal_without_closing_the_old_one_costs_its_points(wb):
    grade = _play(wb, _with_plan_step(_plan_step(goal_status={})))
    closed = grade.result("old-goal-closed")
    assert not closed.met and "was marked cancelled or completed" in closed.reason
    assert grade.result("measurable-goal").met and grade.percent < 100


def test_closing_the_old_goal_is_no_new_goal(wb):
    grade = _play(wb, _with_plan_step(_plan_step(add_goals=[])))
    assert grade.result("old-goal-closed").met and not grade.result("measurable-goal").met


@pytest.mark.parametrize("words", ["Swim", "a"])  # no goal / more than one goal holds the words
def test_goal_status_must_name_exactly_one_goal_and_writes_nothing_otherwise(wb, words):
    attempt = start_attempt(wb, CHECKIN, TRAINEE.id, seed=2)
    pid = attempt.record.patient_id
    if words == "a":  # a second goal: both hold "a"
        attempt.do({"type": "revise_care_plan", "reason": "Second goal",
                    "add_goals": [{"description": "Take a BP reading daily", "target": "7 a week",
                                   "due_in_days": 30}]})
    versions = len(wb.care_plan_history(pid))
    with pytest.raises(InvalidInput, match="name exactly one"):
        attempt.do(_plan_step(goal_status={words: "cancelled"}, add_goals=[]).do)
    assert len(wb.care_plan_history(pid)) == versions


# "due within N days" counts from the practice's day of the call, not the UTC day: a call at
# 19:30 in Chicago on 30 November is 01:30 UTC on 1 December
EVENING = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("zone, due, met", [
    ("America/Chicago", date(2026, 12, 7), True),    # 7 days after 30 Nov: within 7
    ("America/Chicago", date(2026, 12, 8), False),   # 8 days after 30 Nov
    ("UTC", date(2026, 12, 8), True),                # 7 days after 1 Dec
    ("Asia/Tokyo", date(2026, 12, 8), True),         # 10:30 on 1 Dec in Tokyo
    ("Asia/Tokyo", date(2026, 12, 9), False),
])
def test_due_within_days_counts_from_the_practice_day_of_the_call(zone, due, met):
    from zoneinfo import ZoneInfo

    goal = _goal("Walk 30 minutes a day", "active", due=due)
    ctx = Context("P1", TRAINEE.id, [goal], [goal], [], [(EVENING, None)], tz=ZoneInfo(zone))
    check = Check.model_validate({"goal": {"any_of": ["walk"], "due_within_days": 7}})
    assert evaluate(check, ctx).met is met
