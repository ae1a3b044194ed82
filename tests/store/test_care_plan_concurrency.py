"""Optimistic concurrency on care plans: a stale base is refused, nothing is lost."""

import pytest

from workbench import records as r
from workbench.errors import InvalidInput, StaleRevision


def test_second_session_is_refused_and_first_is_kept(wb, clock):
    v1 = wb.revise_care_plan("P00001", r.CarePlan(problem_list="HTN; T2DM"), 0, "Initial plan")
    rita, lee = wb, wb.as_user("S002")
    base_rita = rita.care_plan("P00001").version
    base_lee = lee.care_plan("P00001").version
    assert base_rita == base_lee == v1.version == 1
    clock.advance(minutes=2)
    rita.revise_care_plan("P00001", r.CarePlan(problem_list="HTN; T2DM; OA knee"), base_rita, "Added OA")
    with pytest.raises(StaleRevision) as err:
        lee.revise_care_plan("P00001", r.CarePlan(problem_list="HTN; T2DM", symptom_management="x"),
                             base_lee, "Symptoms")
    assert "Rita Nurse" in str(err.value) and "version 2" in str(err.value)
    assert err.value.current_version == 2
    history = wb.care_plan_history("P00001")
    assert [h.version for h in history] == [1, 2]
    assert history[-1].plan.problem_list == "HTN; T2DM; OA knee"
    assert history[-1].based_on == 1 and history[-1].author_name == "Rita Nurse"


def test_first_version_must_start_from_zero(wb):
    with pytest.raises(InvalidInput, match="version 0"):
        wb.revise_care_plan("P00001", r.CarePlan(), 3, "x")
    assert wb.care_plan("P00001") is None


def test_goals_and_interventions_round_trip(wb):
    from datetime import date

    plan = r.CarePlan(goals=(r.Goal("A1c below 8%", "A1c", "< 8 %", date(2027, 5, 1)),),
                      interventions=(r.Intervention("Monthly call", "Rita Nurse, RN", "monthly"),))
    wb.revise_care_plan("P00001", plan, 0, "Initial")
    assert wb.care_plan("P00001").plan == plan
