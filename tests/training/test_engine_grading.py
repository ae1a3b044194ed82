"""The engine writes real records; grading reads them back; views hide the answer key."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.errors import InvalidInput, PermissionDenied

from training.attempts import AttemptRecord, JsonFileAttempts, TranscriptLine
from training.cli import export_gradebook
from training.engine import play_path, resume_attempt, start_attempt
from training.evidence import Fact, attempt_facts
from training.gradebook import gradebook, objective_rows
from training.library import get_scenario
from training.grading import grade_attempt, grade_facts, override_criterion, release_feedback
from training.views import trainee_view

from .conftest import OTHER_TRAINEE, SUPERVISOR, TRAINEE

OD = "overdose-confusion"


def _normalised(wb, attempt):
    """The attempt's records without ids, times relative to the simulated start."""
    start = attempt.record.sim_start
    return sorted((f.type, sorted((k, str(v)) for k, v in f.fields.items()),
                   (f.at - start).total_seconds() if f.at else None)
                  for f in attempt_facts(wb, attempt.record))


def test_attempt_writes_real_scoped_records(wb, repo, library):
    sc = library[OD]
    a = play_path(start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo), sc.model_path)
    patient = wb.get_patient(a.patient_id)
    assert patient.scope == f"training:{a.id}"
    assert a.patient_id not in {p.id for p in wb.patients()}  # not on the live panel
    (entry,) = wb.time_entries(a.patient_id, month="2026-11")
    assert entry.staff_id == TRAINEE.id and entry.activity == "escalation" and entry.note
    assert entry.minutes == pytest.approx(sum(sc.actions[s.action].minutes for s in sc.model_path[:-1]))
    (esc,) = wb.escalations(a.patient_id)
    assert [s.step for s in esc.steps][:2] == ["rn_triage", "ems_called"]
    assert esc.steps[1].patient_consent is True
    assert wb.care_plan(a.patient_id).version == 1
    assert repo.get_attempt(a.id).status == "finished"


def test_same_seed_and_choices_give_same_records_and_score(wb, repo, library):
    sc = library[OD]
    runs = []
    for _ in range(2):
        a = play_path(start_attempt(wb, sc, TRAINEE.id, seed=5, repo=repo), sc.model_path)
        g = grade_attempt(wb, sc, a.record)
        runs.append((_normalised(wb, a), [(ln.speaker, ln.text) for ln in a.transcript],
                     [(r.criterion_id, r.points, r.met) for r in g.results]))
    assert runs[0] == runs[1]


def test_seed_picks_among_alternative_lines(wb, repo, library):
    sc = library[OD]
    texts = {start_attempt(wb, sc, TRAINEE.id, seed=s, repo=repo).transcript[1].text for s in range(8)}
    assert texts == set(sc.nodes["opening"].patient)


def test_options_are_ids_and_labels_only(wb, repo, library):
    sc = library[OD]
    a = start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo)
    opts = a.options()
    assert [o.id for o in opts] == list(sc.nodes["opening"].actions)
    assert all(set(vars(o)) == {"id", "label", "kind"} for o in opts)
    with pytest.raises(InvalidInput):
        a.choose("ems-with-consent")  # not offered yet


def test_late_triage_fires_the_deterioration_event_and_loses_timing(wb, repo, library):
    sc = library[OD]
    a = start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo)
    for step in ["confirm-identity-address", "ask-what-taken"]:
        a.choose(step)
    a.clock.advance(minutes=6)
    a.choose("warm-transfer-rn")
    assert any("breathing slows" in ln.text for ln in a.transcript)
    a.end()
    g = grade_attempt(wb, sc, a.record)
    assert g.result("rn-triage").met and not g.result("rn-fast").met
    assert "limit 5" in g.result("rn-fast").reason


def test_refused_write_is_shown_not_crashed(wb, repo, library):
    sc = library["patient-wants-to-stop"]
    a = start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo)
    wb.revoke_consent(a.patient_id, "2026-11-22", "set up by the test")  # nothing left to revoke
    a.choose("record-revocation")
    assert any(ln.text.startswith("The workbench did not save this") for ln in a.transcript)


def test_undocumented_call_leaves_no_time_and_fails_documentation(wb, repo, library):
    sc = library[OD]
    a = play_path(start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo), sc.model_path[:7])
    assert wb.time_entries(a.patient_id, month="2026-11") == []
    assert wb.running_timer() is None and wb.as_user(TRAINEE.id).running_timer() is None
    g = grade_attempt(wb, sc, a.record)
    assert not g.result("documented").met and g.result("rn-triage").met


def test_evidence_names_records_and_lines(wb, repo, library):
    sc = library[OD]
    a = play_path(start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo), sc.failing_path)
    g = grade_attempt(wb, sc, a.record)
    hang_up = g.result("no-hang-up")
    assert not hang_up.met and hang_up.evidence and hang_up.evidence[0].startswith("line ")
    n = int(hang_up.evidence[0].split()[1])
    assert a.transcript[n - 1].action_id == "say-call-back"
    ok = play_path(start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo), sc.model_path)
    res = grade_attempt(wb, sc, ok.record).result("rn-triage")
    assert res.evidence[0].startswith("escalation_step:")


def test_trainee_view_hides_the_rubric_until_release(wb, repo, library):
    sc = library[OD]
    a = play_path(start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo), sc.failing_path)
    grade = grade_attempt(wb, sc, a.record)
    before = json.dumps(trainee_view(a, TRAINEE.id, grade).to_dict())
    secrets = [c.feedback_met for c in sc.criteria] + [c.feedback_not_met for c in sc.criteria]
    secrets += [c.id for c in sc.criteria if "-" in c.id] + ["model_path", "failing_path", "critical", "points"]
    assert [s for s in secrets if s in before] == []
    with pytest.raises(PermissionDenied):
        trainee_view(a, OTHER_TRAINEE.id, grade)
    with pytest.raises(PermissionDenied):
        release_feedback(repo, a.id, TRAINEE)
    release_feedback(repo, a.id, SUPERVISOR)
    a.record = repo.get_attempt(a.id)
    after = trainee_view(a, TRAINEE.id, grade)
    assert after.released and sc.criteria[0].feedback_not_met in json.dumps(after.to_dict())
    assert "model_path" not in json.dumps(after.to_dict())


def test_override_needs_a_supervisor_and_a_comment(wb, repo, library):
    sc = library[OD]
    a = play_path(start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo), sc.model_path[:7])
    with pytest.raises(PermissionDenied):
        override_criterion(repo, sc, a.id, "documented", 10, True, "fine", TRAINEE)
    with pytest.raises(InvalidInput):
        override_criterion(repo, sc, a.id, "documented", 10, True, "  ", SUPERVISOR)
    with pytest.raises(InvalidInput):
        override_criterion(repo, sc, a.id, "documented", 99, True, "too many", SUPERVISOR)
    rec = override_criterion(repo, sc, a.id, "documented", 10, True,
                             "Documented on paper during a system outage", SUPERVISOR)
    g = grade_attempt(wb, sc, rec)
    res = g.result("documented")
    assert res.met and res.overridden and res.points == 10 and "outage" in res.override_comment
    assert g.points == g.possible


def test_gradebook_rows_objectives_and_csv(wb, repo, library, tmp_path):
    sc = library[OD]
    play_path(start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo), sc.model_path)
    play_path(start_attempt(wb, sc, OTHER_TRAINEE.id, seed=1, repo=repo), sc.failing_path)
    start_attempt(wb, sc, TRAINEE.id, seed=2, repo=repo)  # in progress: listed, not graded
    graded = gradebook(wb, repo, library)
    assert len(graded) == 3
    by_status = sorted((r.trainee_id, r.status, r.passed) for r, _ in graded)
    assert by_status == [("TR01", "finished", True), ("TR01", "in_progress", None),
                         ("TR02", "finished", False)]
    objectives = objective_rows(graded, library)
    assert {o["objective"] for o in objectives} == {o.id for o in sc.objectives}
    out = export_gradebook(wb, tmp_path / "gb.csv", repo=repo)
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 3 and rows[0]["trainee_name"] in {"Tara Trainee", "Omar Other"}
    assert {r["failed_critical"] for r in rows if r["passed"] == "False"} == {
        "rn-triage,stayed,ems-consent,no-hang-up"}


def test_json_repository_round_trip_and_resume(wb, tmp_path, library):
    sc = library[OD]
    repo = JsonFileAttempts(tmp_path / "attempts.json")
    a = start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo)
    a.choose("confirm-identity-address", note="Confirmed DOB and address")
    again = resume_attempt(wb, sc, JsonFileAttempts(tmp_path / "attempts.json"), a.id)
    assert [ln.text for ln in again.transcript] == [ln.text for ln in a.transcript]
    assert again.transcript[2].note == "Confirmed DOB and address"
    again.choose("warm-transfer-rn")
    assert again.clock.now() > a.clock.now()
    assert JsonFileAttempts(tmp_path / "attempts.json").get_attempt(a.id).chosen == [
        "confirm-identity-address", "warm-transfer-rn"]


def test_reflection_only_after_the_end(wb, repo, library):
    sc = library[OD]
    a = start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo)
    with pytest.raises(InvalidInput):
        a.answer_reflection({sc.reflection[0]: "x"})
    a.end()
    a.answer_reflection({sc.reflection[0]: "Slurred speech"})
    assert repo.get_attempt(a.id).reflection == {sc.reflection[0]: "Slurred speech"}


# ------------------------------------------------------------------ pure grading on fake records

START = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


def _record(chosen: list[str]) -> AttemptRecord:
    rec = AttemptRecord("X", OD, TRAINEE.id, "TX", 0, START, START, status="finished")
    rec.transcript = [TranscriptLine(i + 1, START, "trainee", a, action_id=a) for i, a in enumerate(chosen)]
    return rec


def _step(step: str, minutes: float, consent=None, note="n") -> Fact:
    return Fact("escalation_step", f"1.{minutes}", START.replace(minute=int(minutes)),
                {"step": step, "patient_consent": consent, "note": note})


@pytest.mark.parametrize("facts,criterion,met", [
    ([_step("rn_triage", 4)], "rn-fast", True),
    ([_step("rn_triage", 6)], "rn-fast", False),
    ([_step("ems_called", 2, consent=True)], "ems-consent", True),
    ([_step("ems_called", 2, consent=False)], "ems-consent", False),
    ([_step("ems_called", 2, consent=False)], "only-with-consent", False),
    ([_step("ems_called", 2, consent=True), _step("ems_called", 3, consent=None)], "only-with-consent", False),
    ([], "only-with-consent", True),
    ([_step("rn_triage", 1, note="")], "steps-noted", False),
    ([Fact("time_entry", 1, START, {"activity": "escalation", "note": ""})], "documented", False),
    ([Fact("time_entry", 1, START, {"activity": "escalation", "note": "did x"})], "documented", True),
])
def test_criteria_table(library, facts, criterion, met):
    grade = grade_facts(library[OD], _record([]), facts)
    assert grade.result(criterion).met is met


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["say-call-back", "sleep-it-off", "ask-what-taken",
                                 "confirm-identity-address", "warm-transfer-rn"]), unique=True))
def test_forbidden_met_iff_not_chosen_and_critical_miss_fails(chosen):
    sc = get_scenario(OD)
    facts = [_step("rn_triage", 2), _step("ems_called", 3, consent=True), _step("stayed_on_line", 9),
             Fact("time_entry", 1, START, {"activity": "escalation", "note": "x"})]
    grade = grade_facts(sc, _record(chosen), facts)
    assert grade.result("no-hang-up").met is ("say-call-back" not in chosen)
    assert grade.result("no-unsafe-advice").met is ("sleep-it-off" not in chosen)
    if "say-call-back" in chosen:  # a forbidden criterion with fails_attempt
        assert not grade.passed and "no-hang-up" in grade.failed_critical
    order_met = ("confirm-identity-address" in chosen and "warm-transfer-rn" in chosen
                 and chosen.index("confirm-identity-address") < chosen.index("warm-transfer-rn"))
    assert grade.result("address-first").met is order_met
    assert 0 <= grade.points <= grade.possible


def test_a_preset_patient_with_overrides(wb, repo, tmp_path):
    from training.scenario import load_scenario
    from training.library import SCENARIO_DIR

    text = (SCENARIO_DIR / f"{OD}.yaml").read_text()
    start, end = text.index("  inline:"), text.index("  overrides:")
    path = tmp_path / f"{OD}.yaml"
    path.write_text(text[:start] + "  preset: {name: onboarding-12, index: 2}\n" + text[end:])
    sc = load_scenario(path)
    a = play_path(start_attempt(wb, sc, TRAINEE.id, seed=1, repo=repo), sc.model_path)
    chart = wb.chart(a.patient_id)
    assert {c.icd10 for c in chart.conditions} == {"I10", "E11.9", "F32.A"}  # the overrides
    assert chart.patient.emergency_contacts[0].name == "Ray Whitfield"
    assert grade_attempt(wb, sc, a.record).passed
