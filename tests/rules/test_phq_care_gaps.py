"""PHQ-2/PHQ-9 (reference, "Screening instruments") and care gaps (reference, "Care gaps
commonly tracked")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rules_builders import d

from workbench.errors import InvalidInput
from workbench.records import Condition, Immunization, Screening
from workbench.rules import care_gaps, phq_due, score_phq2, score_phq9, severity_band


@pytest.mark.parametrize("answers, total, positive", [
    ([0, 0], 0, False), ([1, 1], 2, False), ([2, 1], 3, True), ([3, 3], 6, True), ({"q1": 0, "q2": 3}, 3, True),
])
def test_phq2(answers, total, positive) -> None:
    result = score_phq2(answers)
    assert (result.total, result.positive, result.severity, result.escalation_required) == (total, positive, None,
                                                                                             False)


@pytest.mark.parametrize("answers, total, band, positive, escalate", [
    ([0] * 9, 0, "none", False, False),
    ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "none", False, False),
    ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild", False, False),
    ([1] * 9, 9, "mild", False, True),  # item 9 = 1: escalate whatever the total
    ([2, 2, 2, 2, 2, 0, 0, 0, 0], 10, "moderate", True, False),
    ([2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "moderate", True, False),
    ([3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "moderately severe", True, False),
    ([3, 3, 3, 3, 3, 3, 1, 0, 0], 19, "moderately severe", True, False),
    ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe", True, False),
    ([3] * 9, 27, "severe", True, True),
    ([0, 0, 0, 0, 0, 0, 0, 0, 1], 1, "none", False, True),
    ({f"item{n}": 0 for n in range(1, 10)} | {"item9": 2}, 2, "none", False, True),
])
def test_phq9(answers, total, band, positive, escalate) -> None:
    result = score_phq9(answers)
    assert (result.total, result.severity, result.positive, result.escalation_required) == (total, band, positive,
                                                                                             escalate)


@pytest.mark.parametrize("scorer, answers", [
    (score_phq2, [1]), (score_phq2, [1, 1, 1]), (score_phq2, [1, 4]), (score_phq2, [-1, 0]),
    (score_phq2, [1, "2"]), (score_phq2, [True, 0]), (score_phq9, [0] * 8), (score_phq9, [0] * 10),
    (score_phq9, [0] * 8 + [1.5]), (score_phq9, {"q1": 0}), (score_phq2, {"a": 1, "b": 2}),
])
def test_phq_refuses_bad_answers(scorer, answers) -> None:
    with pytest.raises(InvalidInput):
        scorer(answers)


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_properties(answers) -> None:
    result = score_phq9(answers)
    assert result.total == sum(answers)
    assert result.positive == (result.total >= 10)
    assert result.escalation_required == (answers[8] > 0)
    assert result.severity == severity_band(result.total)


@pytest.mark.parametrize("last, today, due", [
    (None, "2026-11-23", True), ("2025-11-23", "2026-11-23", True), ("2025-11-24", "2026-11-23", False),
    ("2026-06-01", "2026-11-23", False), ("2024-02-29", "2025-02-28", True), ("2024-02-29", "2025-02-27", False),
])
def test_phq_due_yearly(last, today, due) -> None:
    assert phq_due(d(last) if last else None, d(today)) is due


DM = (Condition("E11.9"),)
ON = d("2026-11-23")


def gaps(age=60, sex="M", conditions=(), screenings=(), immunizations=(), on=ON):
    return {g.kind: g for g in care_gaps(age=age, sex=sex, conditions=conditions, screenings=screenings,
                                        immunizations=immunizations, on=on)}


FLU = (Immunization("influenza", d("2026-09-15")),)
PNEUMO = (Immunization("pneumococcal", d("2020-01-01")),)
UP_TO_DATE = FLU + PNEUMO
COLO = (Screening("colorectal", d("2020-01-01"), "colonoscopy"),)


@pytest.mark.parametrize("kwargs, kinds", [
    (dict(age=30), {"influenza"}),
    (dict(age=30, immunizations=FLU), set()),
    (dict(age=44, immunizations=FLU), set()),
    (dict(age=45, immunizations=FLU), {"colorectal"}),
    (dict(age=75, immunizations=FLU + PNEUMO), {"colorectal"}),
    (dict(age=76, immunizations=FLU + PNEUMO), set()),
    (dict(age=49, immunizations=FLU, screenings=COLO), set()),
    (dict(age=50, immunizations=FLU, screenings=COLO), {"pneumococcal"}),
    (dict(age=60, immunizations=UP_TO_DATE, screenings=(Screening("colorectal", d("2016-01-01"), "colonoscopy"),)),
     {"colorectal"}),
    (dict(age=60, immunizations=UP_TO_DATE, screenings=(Screening("colorectal", d("2025-10-01"), "FIT"),)),
     {"colorectal"}),
    (dict(age=60, immunizations=UP_TO_DATE, screenings=(Screening("colorectal", d("2025-12-01"), "FIT"),)), set()),
    (dict(age=39, sex="F", immunizations=FLU), set()),
    (dict(age=40, sex="F", immunizations=FLU), {"mammography"}),
    (dict(age=74, sex="F", immunizations=UP_TO_DATE, screenings=COLO), {"mammography"}),
    (dict(age=75, sex="F", immunizations=UP_TO_DATE, screenings=COLO), set()),
    (dict(age=42, sex="F", immunizations=FLU, screenings=(Screening("mammography", d("2024-11-24")),)), set()),
    (dict(age=42, sex="F", immunizations=FLU, screenings=(Screening("mammography", d("2024-11-23")),)),
     {"mammography"}),
    (dict(age=42, sex="M", immunizations=FLU), set()),
    (dict(age=30, immunizations=(Immunization("influenza", d("2026-07-31")),)), {"influenza"}),  # last season
    (dict(age=30, conditions=DM, immunizations=FLU), {"a1c", "eye_exam", "foot_exam", "kidney", "lipids"}),
    (dict(age=30, conditions=(Condition("E11.9", chronic=False),), immunizations=FLU), set()),
])
def test_care_gap_table(kwargs, kinds) -> None:
    assert set(gaps(**kwargs)) == kinds


@pytest.mark.parametrize("a1c_date, result, open_gap, due", [
    ("2026-06-01", "7.1 %", False, "2026-12-01"),   # at goal: 6 months
    ("2026-05-23", "7.1", True, "2026-11-23"),      # at goal, exactly 6 months: due today
    ("2026-08-01", "8.0 %", True, "2026-11-01"),    # not at goal (8 % or more): 3 months
    ("2026-09-01", "9.4%", False, "2026-12-01"),
    ("2026-06-01", "", False, "2026-12-01"),        # no value recorded: counted as at goal
])
def test_a1c_interval_depends_on_last_value(a1c_date, result, open_gap, due) -> None:
    from workbench.rules import care_schedule
    schedule = {g.kind: g for g in care_schedule(age=30, sex="F", conditions=DM, immunizations=FLU, on=ON,
                                                 screenings=(Screening("a1c", d(a1c_date), result),))}
    assert schedule["a1c"].due == d(due)
    assert schedule["a1c"].last_done == d(a1c_date)
    assert ("a1c" in gaps(age=30, sex="F", conditions=DM, immunizations=FLU,
                          screenings=(Screening("a1c", d(a1c_date), result),))) is open_gap


def test_diabetes_yearly_items_and_kidney_aliases() -> None:
    done = (Screening("eye_exam", d("2026-01-10")), Screening("foot_exam", d("2025-11-22")),
            Screening("uacr", d("2026-02-01")), Screening("lipids", d("2025-12-01")),
            Screening("a1c", d("2026-10-01"), "6.8"))
    result = gaps(age=30, conditions=DM, immunizations=FLU, screenings=done)
    assert set(result) == {"foot_exam"}
    assert result["foot_exam"].last_done == d("2025-11-22")
    assert result["foot_exam"].due == d("2026-11-22")


def test_never_done_is_due_now_with_a_reason() -> None:
    gap = gaps(age=55)["pneumococcal"]
    assert (gap.last_done, gap.due) == (None, ON)
    assert "pneumococcal" in gap.reason.lower()


def test_future_dated_screening_is_ignored() -> None:
    result = gaps(age=50, sex="F", immunizations=UP_TO_DATE, screenings=COLO + (Screening("mammography", d("2027-01-01")),))
    assert result["mammography"].last_done is None
