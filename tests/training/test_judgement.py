"""The rubric grades judgement: the educator's near-misses fail, over-escalation costs marks,
an escalation is judged by its severity, a call-back can still be same day, consent is tied
to what was said, typed speech is graded like the spoken choices, time is judged against the
time worked on the patient."""

from __future__ import annotations

import pytest

from training.checks import evaluate
from training.checks_model import Check
from training.engine import play_path, start_attempt
from training.evidence import scope_facts
from training.grading import case_context
from training.library import load_library
from training.model import PathStep

from .conftest import TRAINEE

LIBRARY = load_library()


def _step(value) -> PathStep:
    return PathStep.model_validate(value)


def _play(wb, scenario_id: str, path, seed: int = 1):
    sc = LIBRARY[scenario_id]
    return play_path(start_attempt(wb, sc, TRAINEE.id, seed=seed), path).grade()


def _play_as_far_as_offered(wb, scenario_id: str, path, seed: int = 1):
    """Play a path, leaving out what the call no longer offers (the world moved on)."""
    a = start_attempt(wb, LIBRARY[scenario_id], TRAINEE.id, seed=seed)
    a.record.scripted = True  # a variant of the model path: its notes are the key's own
    for s in path:
        if s.say is not None:
            if s.say in {o.id for o in a.options()}:
                a.say(s.say)
        elif s.do is not None:
            a.do(s.do)
        elif s.advance is not None:
            a.advance(s.advance)
        elif s.text is not None:
            a.say_text(s.text)
        else:
            a.hang_up()
    a.end()
    return a.grade()


def _without(path, *, say=(), steps=(), types=()):
    """The path minus the options said, the escalation steps and the chart actions named."""
    out = []
    for s in path:
        if s.say in say:
            continue
        if s.do is not None and (getattr(s.do, "step", None) in steps or s.do.type in types):
            continue
        out.append(s)
    return out


def _replace(path, pick, new):
    return [new if pick(s) else s for s in path]


def _fails(grade, sc) -> bool:
    return not grade.passed or grade.percent < sc.pass_percent


# ---------------------------------------------------------------- the educator's near-misses
def test_ending_a_low_sugar_call_before_the_recheck_fails(wb):
    sc = LIBRARY["after-hours-low-blood-sugar"]
    path = []
    for s in sc.model_path:
        if s.say == "stay-recheck":
            path.append(_step("call-back-if"))
            continue
        if s.say in ("ask-why", "snack-now", "insulin-rn-decides", "next-day", "goodbye"):
            continue  # the call has ended: nothing more is said
        path.append(s)
    grade = _play(wb, sc.id, path)
    assert not grade.passed and "stayed" in grade.failed_critical


def test_item_9_without_988_lethal_means_or_follow_up_fails(wb):
    sc = LIBRARY["phq9-item9-positive"]
    path = _without(sc.model_path, say=("give-988", "lethal-means"),
                    steps=("crisis_line_given", "follow_up_scheduled"),
                    types=("schedule_follow_up",))
    grade = _play(wb, sc.id, path)
    assert not grade.passed
    assert {"crisis-line", "lethal-means", "follow-up"} <= set(grade.failed_critical)


@pytest.mark.parametrize("unsaid", [("cost-sharing",), ("cost-sharing", "one-practitioner")])
def test_consent_ticked_for_what_was_never_said_fails(wb, unsaid):
    sc = LIBRARY["consent-conversation"]
    grade = _play(wb, sc.id, _without(sc.model_path, say=unsaid))
    assert not grade.passed and "consent-recorded" in grade.failed_critical
    assert "not said" in grade.result("consent-recorded").reason


def test_ems_recorded_with_the_consent_she_could_not_give_fails(wb):
    sc = LIBRARY["overdose-confusion"]
    path = [_step({"do": {**s.do.model_dump(exclude_none=True), "patient_consent": True}})
            if s.do is not None and getattr(s.do, "step", None) in ("ems_called",
                                                                    "emergency_contact_called")
            else s for s in sc.model_path]
    grade = _play(wb, sc.id, path)
    assert not grade.passed and "no-false-consent" in grade.failed_critical


def test_the_head_strike_practitioner_left_untold_costs_its_points(wb):
    """The ED takes her today; her practitioner (who prescribes the apixaban) hears the same
    morning. Left out, the call still passes on its safety, but loses the points."""
    sc = LIBRARY["fall-risk-home"]
    grade = _play(wb, sc.id, _without(sc.model_path, steps=("provider_notified",)))
    assert not grade.result("pcp-told").met and grade.percent < 100 and not grade.failed_critical
    assert _play(wb, sc.id, sc.model_path, seed=2).result("pcp-told").met


def test_ems_45_minutes_after_the_rn_on_a_head_strike_fails(wb):
    sc = LIBRARY["fall-risk-home"]
    path = []
    for s in sc.model_path:
        if s.do is not None and getattr(s.do, "step", None) == "ems_called":
            path.append(_step({"advance": 45}))
        path.append(s)
    grade = _play_as_far_as_offered(wb, sc.id, path)
    assert not grade.passed and "same-day-ed" in grade.failed_critical
    assert "after rn_triage" in grade.result("same-day-ed").reason


def test_heart_failure_without_breathlessness_at_rest_or_911_advice_fails(wb):
    sc = LIBRARY["heart-failure-weight-gain"]
    grade = _play(wb, sc.id, _without(sc.model_path, say=("ask-rest", "red-flags-911")))
    assert not grade.passed and "asked-rest" in grade.failed_critical
    assert not grade.result("told-911").met
    # the 911 advice alone left out costs its points, and the call still passes
    grade = _play(wb, sc.id, _without(sc.model_path, say=("red-flags-911",)))
    assert grade.passed and not grade.result("told-911").met


def test_fall_without_screen_home_safety_or_goal_drops_below_the_pass_mark(wb):
    sc = LIBRARY["fall-risk-home"]
    path = _without(sc.model_path, say=("three-questions", "home-safety"), types=("revise_care_plan",))
    grade = _play_as_far_as_offered(wb, sc.id, path)
    assert _fails(grade, sc), grade.percent
    assert not any(grade.result(c).met for c in ("fall-screen", "home-safety", "plan-goal"))


def test_conflicting_instructions_without_telling_the_biopsy_team_lose_the_criterion(wb):
    sc = LIBRARY["conflicting-specialists-caregiver"]
    path = [s for s in _without(sc.model_path, say=("biopsy-team",))
            if not (s.do is not None and getattr(s.do, "with_whom", None) == "biopsy team")]
    grade = _play(wb, sc.id, path)
    assert not grade.result("biopsy-team").met and grade.percent < 100
    # the provider's message mentions the biopsy: it is not a contact with the biopsy team
    assert "biopsy" in next(s.do.note for s in path if getattr(s.do, "with_whom", None) == "provider").lower()


def test_check_in_without_home_readings_or_the_date_loses_both_criteria(wb):
    sc = LIBRARY["checkin-hypertension-arthritis"]
    grade = _play(wb, sc.id, _without(sc.model_path, say=("ask-bp-readings", "tell-date")))
    assert not grade.result("bp-readings").met and not grade.result("told-date").met
    assert grade.percent < 100
    # a date given before anything was booked is not the booked date
    early = [s for s in sc.model_path if s.say != "tell-date"]
    at = next(i for i, s in enumerate(early) if s.say == "overdue-visits")
    grade = _play(wb, sc.id, early[:at] + [_step({"say": "tell-date"})] + early[at:])
    assert not grade.result("told-date").met and grade.result("knee-follow-up").met


REPRESENTATIVE = "consent-by-representative"


def test_a_representatives_consent_recorded_with_who_and_authority_passes(wb):
    sc = LIBRARY[REPRESENTATIVE]
    grade = _play(wb, sc.id, sc.model_path)
    assert grade.passed and grade.percent == 100


def test_consent_taken_from_a_patient_who_cannot_decide_fails(wb):
    sc = LIBRARY[REPRESENTATIVE]
    path = []
    for s in sc.model_path:
        path.append(s)
        if s.say == "identify-both":  # then asks Eleanor herself to say yes
            path.append(_step({"say": "eleanor-says-yes"}))
    grade = _play(wb, sc.id, path)
    assert not grade.passed and not grade.result("no-patient-consent").met


@pytest.mark.parametrize("who", [
    {"given_by": "patient", "representative": ""},                        # reads as Eleanor's own
    {"given_by": "power_of_attorney", "representative": "Rosa Voss, daughter"},  # the wrong authority
    {"given_by": "health_care_proxy", "representative": "Daughter"},      # no name
])
def test_consent_without_who_and_on_what_authority_fails(wb, who):
    """The consent itself says who agreed and as what: a contact note saying so is not enough."""
    sc = LIBRARY[REPRESENTATIVE]
    path = [_step({"do": {**s.do.model_dump(exclude_none=True), **who}})
            if s.do is not None and s.do.type == "record_consent" else s for s in sc.model_path]
    grade = _play(wb, sc.id, path)
    assert not grade.passed and "who-and-authority" in grade.failed_critical
    assert grade.result("authority-first").met  # the rest of the call was the model's


def test_a_carer_assumed_to_have_authority_fails(wb):
    sc = LIBRARY[REPRESENTATIVE]
    grade = _play(wb, sc.id, sc.failing_path)
    assert not grade.passed and {"authority-first", "consent-recorded"} <= set(grade.failed_critical)
    assert not grade.result("no-assumed-authority").met


# ---------------------------------------------------------------- over-escalation
def _routine(sc) -> bool:
    """A scenario whose model path calls no emergency (no emergent escalation, no 911)."""
    for s in sc.model_path:
        if s.do is None:
            continue
        if s.do.type == "open_escalation" and s.do.severity == "emergent":
            return False
        if getattr(s.do, "step", None) == "ems_called":
            return False
    return True


ROUTINE = sorted(sid for sid, sc in LIBRARY.items() if _routine(sc))


def test_most_of_the_library_is_routine():
    assert len(ROUTINE) >= 10, ROUTINE


@pytest.mark.parametrize("scenario_id", ROUTINE)
def test_over_escalation_loses_marks_and_911_fails_in_every_routine_scenario(wb, scenario_id):
    """An emergent escalation on a routine call costs marks; a 911 call recorded on it (a
    needless ambulance, or a call that was never made) fails the attempt."""
    sc = LIBRARY[scenario_id]
    extra = [_step({"do": {"type": "open_escalation", "ref": "over", "severity": "emergent",
                           "reason": "Emergency escalation to be safe"}}),
             _step({"do": {"type": "escalation_step", "ref": "over", "step": "rn_triage",
                           "note": "RN asked to triage on the phone"}}),
             _step({"do": {"type": "escalation_step", "ref": "over", "step": "ems_called",
                           "patient_consent": True, "note": "Ambulance requested by the RN"}})]
    model = _play(wb, scenario_id, sc.model_path)
    emergent = _play(wb, scenario_id, list(sc.model_path) + extra[:2], seed=2)
    over = _play(wb, scenario_id, list(sc.model_path) + extra, seed=3)
    assert model.percent == 100
    assert emergent.percent < model.percent and not emergent.failed_critical, emergent.percent
    assert not emergent.result("no-emergency-overreach").met and emergent.result("no-needless-911").met
    assert not over.passed and over.failed_critical == ("no-needless-911",), over.failed_critical


# ---------------------------------------------------------------- escalation type and timing
def test_a_routine_escalation_does_not_meet_a_same_day_criterion(wb):
    sc = LIBRARY["heart-failure-weight-gain"]
    path = [_step({"do": {**s.do.model_dump(exclude_none=True), "severity": "routine",
                          "reason": "Appointment question"}})
            if s.do is not None and s.do.type == "open_escalation" else s for s in sc.model_path]
    grade = _play(wb, sc.id, path)
    assert not grade.result("rn-same-day").met and not grade.passed
    assert "urgent or emergent escalation" in grade.result("rn-same-day").reason


def _context(wb, attempt):
    case = attempt.record.cases[0]
    return case_context(attempt.record, case, attempt.scenario,
                        scope_facts(wb, attempt.patient_ids))


def test_a_call_back_meets_a_same_day_criterion_counted_from_the_latest_call(wb):
    sc = LIBRARY["heart-failure-weight-gain"]
    a = start_attempt(wb, sc, TRAINEE.id, seed=1)
    a.hang_up()
    a.advance(180)  # three hours later he is called back
    a.call(a.patient_id)
    a.do({"type": "open_escalation", "ref": "hf", "severity": "urgent",
          "reason": "Weight up 5 lb in 3 days"})
    a.do({"type": "escalation_step", "ref": "hf", "step": "rn_triage",
          "note": "RN to ring him within the hour"})
    ctx = _context(wb, a)
    latest = Check.model_validate({"escalation_steps": {"steps": ["rn_triage"],
                                                        "within_minutes": 30,
                                                        "since": "latest_call"}})
    first = Check.model_validate({"escalation_steps": {"steps": ["rn_triage"],
                                                       "within_minutes": 30}})
    assert evaluate(latest, ctx).met
    assert not evaluate(first, ctx).met
    within = Check.model_validate({"within_minutes": 30, "since": "latest_call",
                                   "of": {"record": {"type": "escalation"}}})
    assert evaluate(within, ctx).met


# ---------------------------------------------------------------- typed speech
def test_typed_dose_advice_fails_like_the_spoken_choice_and_is_flagged(wb):
    sc = LIBRARY["heart-failure-weight-gain"]
    path = list(sc.model_path)
    path.insert(2, _step({"text": "Why not take an extra water pill today, Walter?"}))
    grade = _play(wb, sc.id, path)
    assert not grade.passed
    crit = next(c.id for c in sc.criteria if c.kind == "forbidden" and c.fails_attempt
                and "extra-furosemide" in (c.check.said_any or ()))
    assert crit in grade.failed_critical
    assert any("(typed)" in e for e in grade.result(crit).evidence)
    assert any("extra-furosemide" in f for f in grade.flags)


def test_the_right_thing_typed_instead_of_clicked_earns_its_points(wb):
    sc = LIBRARY["after-hours-low-blood-sugar"]
    path = _replace(sc.model_path, lambda s: s.say == "snack-now",
                    _step({"text": "Please eat a snack with starch and protein, then check again."}))
    grade = _play(wb, sc.id, path)
    assert grade.result("snack").met and grade.passed
    assert any("snack-now" in f for f in grade.flags)


# ---------------------------------------------------------------- time worked
def _log_time_minutes(path, minutes):
    return [_step({"do": {**s.do.model_dump(exclude_none=True), "minutes": minutes}})
            if s.do is not None and s.do.type == "log_time" else s for s in path]


def test_never_answers_judges_the_time_logged(wb):
    sc = LIBRARY["never-answers"]
    honest = _play(wb, sc.id, sc.model_path)
    inflated = _play(wb, sc.id, _log_time_minutes(sc.model_path, 32), seed=2)
    assert honest.result("honest-time").met
    assert not inflated.result("honest-time").met
    assert "after it" in inflated.result("honest-time").reason


def test_after_call_care_plan_time_counts_as_worked(wb):
    """Logging the minutes of after-call chart work is honest; leaving them out, or
    inflating them, is not."""
    sc = LIBRARY["fall-risk-home"]
    assert _play(wb, sc.id, sc.model_path).result("honest-time").met
    assert not _play(wb, sc.id, _log_time_minutes(sc.model_path, 20), seed=2
                     ).result("honest-time").met


# ---------------------------------------------------------------- shift-level: whom first
def test_the_patient_home_from_hospital_is_called_before_routine_check_ins(wb):
    from training.shift_play import play_shift_path, start_shift
    from training.shifts import load_shifts

    shift = load_shifts(LIBRARY)["monday-morning"]
    assert "discharge-med-reconciliation" in shift.call_first
    good = play_shift_path(start_shift(wb, shift, TRAINEE.id, LIBRARY, seed=1), LIBRARY).grade()
    assert good.passed and good.result("called-first:discharge-med-reconciliation").met

    a = start_shift(wb, shift, TRAINEE.id, LIBRARY, seed=2)
    routine = next(c.patient_id for c in a.record.cases if c.scenario_id is None)
    a.call(routine)
    a.advance(5)
    a.hang_up()
    late = play_shift_path(a, LIBRARY).grade()
    assert all(ok for _, _, ok in late.cases)  # every case passes on its own...
    assert not late.result("called-first:discharge-med-reconciliation").met
    assert not late.passed  # ...but the shift does not


def test_escalation_checks_can_name_the_escalation_type(wb):
    sc = LIBRARY["fall-risk-home"]
    a = play_path(start_attempt(wb, sc, TRAINEE.id, seed=1), sc.model_path)
    ctx = _context(wb, a)
    fall = Check.model_validate({"escalation_steps": {"steps": ["rn_triage", "ems_called"],
                                                      "kind": "fall_head_strike"}})
    other = Check.model_validate({"escalation_steps": {"steps": ["rn_triage"],
                                                       "kind": ["overdose", "red_zone"]}})
    record = Check.model_validate({"record": {"type": "escalation", "kind": "fall_head_strike",
                                              "severity": ["urgent", "emergent"]}})
    assert evaluate(fall, ctx).met and evaluate(record, ctx).met
    assert not evaluate(other, ctx).met
