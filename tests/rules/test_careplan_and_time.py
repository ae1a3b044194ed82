"""Care-plan completeness and diffs (reference, "The comprehensive care plan") and stage 1 of
billing, the month's countable time (reference, "Monthly codes and time thresholds")."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rules_builders import PID, STAFF, consent, d, entry

from workbench.errors import InvalidInput
from workbench.records import CARE_PLAN_ELEMENTS, CarePlan, Goal, Intervention
from workbench.rules import diff_plans, missing_elements, summarize_month, union_seconds

GOAL = Goal("Lower A1c", "A1c", "< 8 %", d("2027-03-01"))
STEP = Intervention("Weekly call", "RN care manager", "weekly")
FULL = CarePlan(**{k: "text" for k in CARE_PLAN_ELEMENTS if k not in ("goals", "interventions")},
                goals=(GOAL,), interventions=(STEP,))


@pytest.mark.parametrize("plan, revised, missing", [
    (FULL, True, []),
    (replace(FULL, revision_notes=""), False, []),  # revision only "when applicable"
    (replace(FULL, revision_notes=""), True, ["revision_notes"]),
    (replace(FULL, problem_list="   "), False, ["problem_list"]),
    (replace(FULL, goals=()), False, ["goals"]),
    (replace(FULL, goals=(replace(GOAL, target=""),)), False, ["goals"]),
    (replace(FULL, goals=(GOAL, replace(GOAL, due_date=None))), False, ["goals"]),
    (replace(FULL, goals=(GOAL, replace(GOAL, due_date=None, status="cancelled"))), False, []),
    (replace(FULL, interventions=(replace(STEP, responsible=""),)), False, ["interventions"]),
    (replace(FULL, interventions=(), caregiver_assessment=""), False, ["interventions", "caregiver_assessment"]),
])
def test_missing_elements(plan, revised, missing) -> None:
    assert [k for k, _ in missing_elements(plan, revised=revised)] == missing


def test_no_plan_misses_every_required_element_with_labels() -> None:
    result = missing_elements(None)
    assert [k for k, _ in result] == [k for k in CARE_PLAN_ELEMENTS if k != "revision_notes"]
    assert ("goals", "Measurable treatment goals") in result
    assert len(missing_elements(None, revised=True)) == len(CARE_PLAN_ELEMENTS)


def test_diff_text_fields() -> None:
    new = replace(FULL, problem_list="HTN, T2DM", caregiver_assessment="", sdoh_needs="food")
    changes = {c.key: c for c in diff_plans(FULL, new)}
    assert set(changes) == {"problem_list", "caregiver_assessment", "sdoh_needs"}
    assert (changes["problem_list"].kind, changes["problem_list"].old, changes["problem_list"].new) == (
        "changed", "text", "HTN, T2DM")
    assert changes["caregiver_assessment"].kind == "removed"
    assert changes["sdoh_needs"].kind == "added" and changes["sdoh_needs"].label == "Social needs (SDOH)"


def test_diff_goals_item_by_item() -> None:
    second = Goal("Walk daily", "minutes walked", "30 min", d("2027-01-01"))
    old = replace(FULL, goals=(GOAL, second))
    new = replace(FULL, goals=(replace(GOAL, target="< 7.5 %"), Goal("Quit smoking", "cigarettes", "0",
                                                                     d("2027-06-01")), second))
    changes = diff_plans(old, new)
    assert [(c.label, c.kind) for c in changes] == [
        ("Measurable treatment goals: goal 1", "changed"),
        ("Measurable treatment goals: goal 2", "added"),
    ]
    assert "target: < 8 %" in changes[0].old and "target: < 7.5 %" in changes[0].new


def test_diff_interventions_removed_and_identical_plans() -> None:
    new = replace(FULL, interventions=())
    changes = diff_plans(FULL, new)
    assert [(c.key, c.kind) for c in changes] == [("interventions", "removed")]
    assert "responsible: RN care manager" in changes[0].old
    assert diff_plans(FULL, FULL) == []


@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 100)), max_size=10))
def test_union_seconds_matches_a_set_of_seconds(raw) -> None:
    intervals = [(s, s + n) for s, n in raw]
    covered = set()
    for s, e in intervals:
        covered.update(range(s, e))
    assert union_seconds(intervals) == len(covered)


def month(entries, **kw):
    kw.setdefault("consents", [consent()])
    return summarize_month(entries, patient_id=PID, month="2025-10", staff=STAFF, **kw)


def test_staff_and_practitioner_pools() -> None:
    t = month([entry("MD1", minutes=30, start="10:00"), entry("RN1", minutes=30, start="10:15"),
               entry("RN2", minutes=5)])
    assert (t.ccm.staff_seconds, t.ccm.practitioner_seconds, t.ccm.all_seconds) == (35 * 60, 30 * 60, 50 * 60)
    assert t.ccm.staff_only_seconds == 20 * 60
    assert [e.text for e in t.excluded] == ["15 min overlap counted once (CCM)"]
    assert t.logged_seconds == 65 * 60
    assert dict(t.seconds_by_staff) == {"MD1": 1800, "RN1": 1800, "RN2": 300}


def test_naive_and_aware_timestamps_agree() -> None:
    aware = entry("RN1", minutes=20, start="10:00")
    naive = replace(entry("RN2", minutes=20, start="10:00"),
                    started_at=aware.started_at.replace(tzinfo=None))
    assert month([aware, naive]).ccm.all_seconds == 20 * 60


def test_stage_one_refuses_bad_input() -> None:
    with pytest.raises(InvalidInput):
        month([replace(entry(minutes=5), patient_id="P99999")])
    with pytest.raises(InvalidInput):
        month([entry(seconds=-1)])
    with pytest.raises(InvalidInput):
        summarize_month([], patient_id=PID, month="October", consents=[], staff=STAFF)


def test_entry_credential_snapshot_wins_over_current_staff_record() -> None:
    # BILL has no credential today, but the entry recorded RN at the time
    from workbench.records import Credential
    t = month([replace(entry("BILL", minutes=20), staff_credential=Credential.RN)])
    assert t.ccm.all_seconds == 1200 and t.excluded == ()
