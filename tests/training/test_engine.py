"""The engine: what is said writes nothing; what is done is done through the trainee's own
Workbench; world events are the system's; timed events fire after the action, goto wins."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from workbench.errors import InvalidInput
from workbench.records import CarePlan, Goal

from training.engine import resume_attempt, start_attempt
from training.evidence import scope_facts, trainee_facts
from training.scenario import load_scenario

from .conftest import TRAINEE

MINI = Path(__file__).parent / "data" / "mini.yaml"


@pytest.fixture(scope="module")
def mini():
    return load_scenario(MINI)


def _result(grade, cid):
    return grade.result(cid)


def test_options_are_shuffled_per_attempt_and_carry_no_answer(wb, repo, library):
    sc = library["overdose-confusion"]
    orders = set()
    for n in range(8):
        a = start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo, attempt_id=f"S{n}")
        opts = a.options()
        assert all(set(vars(o)) == {"id", "label"} for o in opts)
        assert {o.id for o in opts} == set(sc.node("opening").options)
        orders.add(tuple(o.id for o in opts))
        assert [o.id for o in resume_attempt(wb, sc, repo, a.id).options()] == [o.id for o in opts]
    assert len(orders) > 1  # the order depends on the attempt, not on the file


def test_saying_writes_nothing_to_the_chart(wb, repo, library):
    sc = library["overdose-confusion"]
    a = start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo)
    for step in ("identify", "ask-what-taken", "bring-in-rn", "reassure-ems"):
        a.say(step)
    assert trainee_facts(scope_facts(wb, a.patient_ids), TRAINEE.id) == []
    with pytest.raises(InvalidInput):
        a.say("goodbye")  # not offered at this point


def test_escalation_step_without_an_opened_escalation_is_refused(wb, repo, mini):
    a = start_attempt(wb, mini, TRAINEE.id, repo=repo)
    with pytest.raises(InvalidInput, match="Open an escalation"):
        a.do({"type": "escalation_step", "step": "rn_triage", "note": "x"})
    assert wb.escalations(a.patient_id) == []


def test_refused_write_neither_counts_nor_suppresses_an_unless_event(wb, repo, mini):
    a = start_attempt(wb, mini, TRAINEE.id, repo=repo)
    with pytest.raises(InvalidInput):
        a.do({"type": "escalation_step", "step": "rn_triage", "note": "x"})
    a.advance(4)
    assert any(ln.event == "bleed" for ln in a.transcript)
    a.end()
    assert not a.grade().result("steps").met


def test_timed_event_fires_after_the_action_and_its_goto_wins(wb, repo, mini):
    a = start_attempt(wb, mini, TRAINEE.id, repo=repo)
    lines = a.say("go-b")  # 5 minutes: the event (at 4) comes due while it is said
    assert [(ln.speaker, ln.node or ln.event) for ln in lines] == [
        ("trainee", None), ("patient", "b"), ("narrator", "bleed"), ("patient", "c")]
    assert a.record.case(a.patient_id).node == "c"


def test_world_events_are_written_by_the_system_and_never_count_for_the_trainee(wb, repo, mini):
    a = start_attempt(wb, mini, TRAINEE.id, repo=repo)
    a.advance(5)
    a.end()
    (contact,) = [f for f in scope_facts(wb, a.patient_ids) if f.type == "contact"]
    assert contact.by == "system"
    assert not a.grade().result("gi-contact").met


def test_order_is_right_within_one_simulated_minute(wb, repo, mini):
    a = start_attempt(wb, mini, TRAINEE.id, repo=repo)
    a.say("x")  # 0 minutes: the escalation below is in the same simulated minute
    a.do({"type": "open_escalation", "ref": "e", "reason": "Test"})
    a.end()
    g = a.grade()
    assert g.result("x-then-esc").met and not g.result("esc-then-x").met


def test_supervisor_edits_and_voided_entries_are_not_the_trainees(wb, repo, mini):
    from .conftest import SUPERVISOR

    a = start_attempt(wb, mini, TRAINEE.id, repo=repo)
    sv = wb.as_user(SUPERVISOR.id, clock=a.clock)
    goal = Goal("Walk daily", "days", "5 a week", a.clock.peek().date() + timedelta(days=30))
    sv.revise_care_plan(a.patient_id, CarePlan(goals=(goal,)), based_on=0, reason="Supervisor")
    entry = a.workbench.log_time(a.patient_id, 3, "patient_call", "Talked about her knee and walking")
    a.workbench.void_time(entry.id, "Wrong patient")
    a.end()
    g = a.grade()
    assert not g.result("goal").met and "no time_entry" in g.result("note").reason


@pytest.mark.parametrize("note,met", [
    (".", False), ("", False), ("Say x", False), ("knee", False),
    ("Talked about her knee pain and walking plan", True),
    ("Talked about her blood pressure readings today", False),  # none of the terms
])
def test_note_quality_reads_the_trainees_own_words(wb, repo, mini, note, met):
    a = start_attempt(wb, mini, TRAINEE.id, repo=repo)
    a.do({"type": "start_timer"})
    a.advance(2)
    a.hang_up()
    try:
        a.do({"type": "stop_timer", "note": note})
    except InvalidInput:
        assert not met  # the service itself refuses an empty note
    a.end()
    assert a.grade().result("note").met is met


@pytest.mark.parametrize("logged,met", [(5, True), (6.5, True), (8, False), (25, False), (2, False)])
def test_time_honesty_compares_logged_minutes_with_the_call(wb, repo, mini, logged, met):
    a = start_attempt(wb, mini, TRAINEE.id, repo=repo)
    a.advance(5)
    a.hang_up()
    a.do({"type": "log_time", "minutes": logged, "activity": "patient_call",
          "note": "Knee and walking talked through"})
    a.end()
    assert a.grade().result("honest").met is met


def test_overlapping_entries_are_seen(wb, repo, mini):
    a = start_attempt(wb, mini, TRAINEE.id, repo=repo)
    a.advance(10)
    a.do({"type": "log_time", "minutes": 6, "activity": "patient_call", "note": "First part of it"})
    a.do({"type": "log_time", "minutes": 4, "activity": "care_plan", "note": "Second part of it"})
    a.end()
    assert "overlap" in a.grade().result("no-overlap").reason


def test_phq_must_match_what_the_patient_said(wb, repo, mini):
    for answers, met in (([1, 1, 1, 1, 1, 1, 1, 1, 0], True), ([0, 1, 1, 1, 1, 1, 1, 1, 0], False)):
        a = start_attempt(wb, mini, TRAINEE.id, repo=repo)
        a.do({"type": "record_phq", "instrument": "PHQ-9", "answers": answers})
        a.end()
        assert a.grade().result("phq").met is met


def test_consent_before_care_plan(wb, repo, library):
    sc = library["consent-conversation"]
    a = start_attempt(wb, sc, TRAINEE.id, repo=repo)
    goal = {"description": "Walk after lunch", "target": "3 days a week", "due_in_days": 30}
    a.do({"type": "revise_care_plan", "reason": "First plan", "add_goals": [goal]})
    a.do({"type": "record_consent", "method": "verbal"})
    a.end()
    g = a.grade()
    assert not g.result("consent-before-plan").met and g.result("goal").met
    assert "consent-before-plan" in g.failed_critical


def test_medication_list_changes_through_the_service(wb, repo, mini):
    a = start_attempt(wb, mini, TRAINEE.id, repo=repo)
    a.do({"type": "change_medication", "name": "lisinopril", "stop": True,
          "reason": "Stopped at discharge"})
    (med,) = a.workbench.medications(a.patient_id)
    assert med.status == "stopped"
    with pytest.raises(InvalidInput):
        a.workbench.change_medication(med.id - 1, dose="20 mg", reason="again")  # superseded
    a.end()
    assert a.grade().result("med").met


def test_follow_up_due_within_hours(wb, repo, mini):
    for hours, met in ((20, True), (30, False)):
        a = start_attempt(wb, mini, TRAINEE.id, repo=repo)
        a.do({"type": "schedule_follow_up", "due_in_hours": hours, "reason": "Check on her"})
        a.end()
        assert a.grade().result("fu").met is met


def test_escalation_steps_in_order_and_in_time(wb, repo, mini):
    def run(steps, wait):
        a = start_attempt(wb, mini, TRAINEE.id, repo=repo)
        a.do({"type": "open_escalation", "ref": "e", "reason": "Test"})
        a.advance(wait)
        for step in steps:
            a.do({"type": "escalation_step", "ref": "e", "step": step, "patient_consent": True,
                  "note": "A note for it"})
        a.end()
        return a.grade().result("steps")
    assert run(["rn_triage", "ems_called"], 1).met
    assert not run(["ems_called", "rn_triage"], 1).met
    assert not run(["rn_triage", "ems_called"], 3.5).met


def test_clock_readings_stay_strictly_increasing_when_two_threads_read_it():
    """The work bar ticks from its own thread while the page records: no two readings equal."""
    import threading
    from datetime import UTC, datetime

    from training.clock import AttemptClock

    clock = AttemptClock(datetime(2026, 11, 23, 14, tzinfo=UTC), wall=True)
    clock.run()
    seen: list[list] = [[], []]

    def read(out):
        for _ in range(20_000):
            out.append(clock.now())

    threads = [threading.Thread(target=read, args=(seen[i],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = seen[0] + seen[1]
    assert len(set(every)) == len(every) == 40_000
    assert all(a < b for a, b in zip(seen[0], seen[0][1:]))
