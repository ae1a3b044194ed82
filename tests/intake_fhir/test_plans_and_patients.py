"""FHIR import of the care plan (CarePlan with its Goals and ServiceRequests), the care team
(CareTeam), the authorised caregiver (RelatedPerson), and of a changed Patient (a correction, the
record staying append-only); both databases."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from workbench.errors import InvalidInput, PermissionDenied
from workbench.intake.fhir import import_fhir
from workbench.store import schema as s

PT = "urn:uuid:aaaaaaaa-0000-4000-8000-000000000001"
LOCAL = "urn:ccm-workbench:id"


def _bundle() -> dict:
    def entry(n: int, res: dict) -> dict:
        return {"fullUrl": f"urn:uuid:aaaaaaaa-0000-4000-8000-{n:012d}", "resource": res}

    pt = {"reference": PT}
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        entry(1, {"resourceType": "Patient", "id": "pt9", "identifier": [{"system": LOCAL, "value": "P09001"}],
                  "name": [{"family": "Okafor", "given": ["Ngozi"]}], "gender": "female", "birthDate": "1948-05-02",
                  "telecom": [{"system": "phone", "value": "518-555-0101"}],
                  "address": [{"text": "1 Elm St, Albany, NY 12207", "state": "NY"}],
                  "communication": [{"language": {"text": "English"}}],
                  "contact": [{"relationship": [{"text": "daughter"}], "name": {"text": "Ada Okafor"},
                               "telecom": [{"system": "phone", "value": "518-555-0102"}]},
                              {"relationship": [{"text": "neighbour"}], "name": {"text": "Tom Reed"}}]}),
        entry(2, {"resourceType": "Practitioner", "id": "s2", "identifier": [{"system": LOCAL, "value": "S002"}]}),
        entry(3, {"resourceType": "Condition", "id": "c1", "subject": pt,
                  "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "I50.9"}]}}),
        entry(4, {"resourceType": "CarePlan", "id": "cp1", "status": "active", "intent": "plan", "subject": pt,
                  "description": "Heart failure",
                  "note": [{"text": "Problem list: Heart failure"},
                           {"text": "Symptom management: Daily weights; call if up 2 lb in a day"},
                           {"text": "Family history: Father: heart failure"}],
                  "goal": [{"reference": "urn:uuid:aaaaaaaa-0000-4000-8000-000000000005"},
                           {"reference": "Goal/g2"}],
                  "activity": [{"reference": {"reference": "urn:uuid:aaaaaaaa-0000-4000-8000-000000000007"}},
                               {"detail": {"status": "in-progress", "code": {"text": "Low-salt diet teaching"}}}]}),
        entry(5, {"resourceType": "Goal", "id": "g1", "lifecycleStatus": "active", "subject": pt,
                  "description": {"text": "Weight stable"},
                  "target": [{"measure": {"text": "Weight"}, "detailString": "within 2 lb",
                              "dueDate": "2027-03-01"}]}),
        entry(6, {"resourceType": "Goal", "id": "g2", "lifecycleStatus": "completed", "subject": pt,
                  "description": {"text": "Knows the warning signs"}}),
        entry(7, {"resourceType": "ServiceRequest", "id": "sr1", "status": "active", "intent": "plan", "subject": pt,
                  "code": {"text": "Monthly call"}, "performerType": {"text": "care manager"},
                  "occurrenceTiming": {"code": {"text": "monthly"}}}),
        entry(8, {"resourceType": "CareTeam", "id": "ct1", "subject": pt, "participant": [
            {"role": [{"text": "Designated care-team member"}],
             "member": {"reference": "urn:uuid:aaaaaaaa-0000-4000-8000-000000000002"}}]}),
        entry(9, {"resourceType": "RelatedPerson", "id": "rp1", "patient": pt, "name": [{"text": "Ada Okafor"}]}),
    ]}


def _res(bundle: dict, rid: str) -> dict:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["id"] == rid)


def _write(tmp_path, bundle: dict):
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle))
    return path


def _count(wb, table) -> int:
    with wb.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.fixture
def sup(wb):
    return wb.as_user("S004")


def test_care_plan_goals_interventions_team_and_caregiver_are_imported(sup, tmp_path):
    summary = import_fhir(sup, _write(tmp_path, _bundle()))
    for kind in ("CarePlan", "Goal", "ServiceRequest", "CareTeam", "RelatedPerson"):
        assert summary.counts[(kind, "imported")] == (2 if kind == "Goal" else 1), kind
    chart = sup.chart("P09001")
    rev = chart.care_plan
    assert (rev.version, rev.based_on, rev.author_id) == (1, 0, "S004") and "cp1" in rev.reason
    plan = rev.plan
    assert plan.problem_list == "Heart failure"
    assert plan.symptom_management == "Daily weights; call if up 2 lb in a day"
    assert plan.family_history == "Father: heart failure"
    assert [(g.description, g.measure, g.target, g.due_date, g.status) for g in plan.goals] == [
        ("Weight stable", "Weight", "within 2 lb", date(2027, 3, 1), "active"),
        ("Knows the warning signs", "", "", None, "completed")]
    assert [(i.description, i.responsible, i.frequency) for i in plan.interventions] == [
        ("Monthly call", "care manager", "monthly"), ("Low-salt diet teaching", "", "")]
    p = chart.patient
    assert p.care_team_member_id == "S002"
    assert (p.caregiver.name, p.caregiver.relationship, p.caregiver.phone, p.caregiver.authorized) == (
        "Ada Okafor", "daughter", "518-555-0102", True)
    assert [c.name for c in p.emergency_contacts] == ["Tom Reed"]  # the caregiver is not listed twice


def test_the_same_plan_again_writes_nothing_and_a_changed_goal_makes_a_new_revision(sup, tmp_path):
    bundle = _bundle()
    import_fhir(sup, _write(tmp_path, bundle))
    again = import_fhir(sup, _write(tmp_path, bundle))
    assert again.written() == 0 and again.counts[("CarePlan", "unchanged")] == 1
    links = _count(sup, s.fhir_links)
    changed = copy.deepcopy(bundle)
    _res(changed, "g1")["target"][0]["detailString"] = "within 3 lb"
    summary = import_fhir(sup, _write(tmp_path, changed))
    assert summary.counts[("CarePlan", "superseded")] == 1 and summary.counts[("Goal", "superseded")] == 1
    assert summary.counts[("Goal", "unchanged")] == 1 and summary.written() == 2
    history = sup.care_plan_history("P09001")
    assert [(h.version, h.based_on) for h in history] == [(1, 0), (2, 1)]
    assert history[0].plan.goals[0].target == "within 2 lb"  # the first version stays as it was
    assert history[1].plan.goals[0].target == "within 3 lb"
    assert _count(sup, s.fhir_links) == links + 2
    assert import_fhir(sup, _write(tmp_path, changed)).written() == 0


def test_a_changed_care_team_of_a_known_patient_is_reported_and_kept(sup, tmp_path):
    """Applied on a patient's first import only: a later change is counted and linked, not applied
    (its link's outcome fits the column on PostgreSQL too)."""
    bundle = _bundle()
    import_fhir(sup, _write(tmp_path, bundle))
    changed = copy.deepcopy(bundle)
    _res(changed, "ct1")["participant"][0]["role"][0]["text"] = "Care coordinator"
    summary = import_fhir(sup, _write(tmp_path, changed))
    assert summary.counts[("CareTeam", "changed, kept as recorded")] == 1
    assert sup.chart("P09001").patient.care_team_member_id == "S002"
    assert import_fhir(sup, _write(tmp_path, changed)).counts[("CareTeam", "unchanged")] == 1


def test_a_plan_that_is_no_longer_active_is_counted_not_written(sup, tmp_path):
    bundle = _bundle()
    _res(bundle, "cp1")["status"] = "completed"
    summary = import_fhir(sup, _write(tmp_path, bundle))
    assert summary.counts[("CarePlan", "not active")] == 1 and summary.counts[("Goal", "not active")] == 2
    assert sup.care_plan("P09001") is None
    links = _count(sup, s.fhir_links)
    again = import_fhir(sup, _write(tmp_path, bundle))
    assert again.counts[("CarePlan", "unchanged")] == 1 and _count(sup, s.fhir_links) == links


BAD = [
    ("a goal that is not in the input", lambda b: _res(b, "cp1")["goal"].append({"reference": "Goal/nope"}),
     "CarePlan cp1 (b.json entry 4): goal[2] 'Goal/nope' is not a Goal in this input."),
    ("a CarePlan for a missing patient", lambda b: _res(b, "cp1").update(subject={"reference": "Patient/x"}),
     "CarePlan cp1 (b.json entry 4): subject 'Patient/x' is neither in this input nor already imported."),
    ("a goal with no words, only a code", lambda b: _res(b, "g2").update(
        description={"coding": [{"system": "http://snomed.info/sct", "code": "281004"}]}),
     "CarePlan cp1 (b.json entry 4): goal[1]: Goal g2 (b.json entry 6) has no description"),
]


@pytest.mark.parametrize("case,change,words", BAD, ids=[b[0] for b in BAD])
def test_a_bad_plan_is_refused_whole_naming_the_entry(sup, tmp_path, case, change, words):
    bundle = _bundle()
    change(bundle)
    before = (_count(sup, s.patients), _count(sup, s.care_plan_revisions), _count(sup, s.fhir_links))
    with pytest.raises(InvalidInput) as err:
        import_fhir(sup, _write(tmp_path, bundle))
    assert words in str(err.value) and "nothing was imported" in str(err.value)
    assert (_count(sup, s.patients), _count(sup, s.care_plan_revisions), _count(sup, s.fhir_links)) == before


def test_a_changed_patient_is_applied_as_a_correction(sup, tmp_path):
    bundle = _bundle()
    import_fhir(sup, _write(tmp_path, bundle))
    changed = copy.deepcopy(bundle)
    pat = _res(changed, "pt9")
    pat["name"] = [{"family": "Okafor-Reed", "given": ["Ngozi"]}]
    pat["telecom"] = [{"system": "phone", "value": "518-555-0199"}]
    pat["address"] = [{"text": "9 Oak Ave, Albany, NY 12208", "state": "NY"}]
    pat["communication"] = [{"language": {"text": "Igbo"}}]
    dry = import_fhir(sup, _write(tmp_path, changed), dry_run=True)
    assert dry.counts[("Patient", "superseded")] == 1 and _count(sup, s.patient_corrections) == 0
    summary = import_fhir(sup, _write(tmp_path, changed))
    assert summary.counts[("Patient", "superseded")] == 1 and "1 superseded" in str(summary)
    p = sup.get_patient("P09001")
    assert (p.last_name, p.phone, p.address, p.language) == ("Okafor-Reed", "518-555-0199",
                                                             "9 Oak Ave, Albany, NY 12208", "Igbo")
    assert sup.chart("P09001").patient.last_name == "Okafor-Reed"
    assert [x.last_name for x in sup.patients() if x.id == "P09001"] == ["Okafor-Reed"]
    with sup.read() as conn:
        original = conn.execute(select(s.patients).where(s.patients.c.id == "P09001")).one()
        fix = conn.execute(select(s.patient_corrections)).one()
    assert original.last_name == "Okafor"  # the first row stays: the record is append-only
    assert (fix.patient_id, fix.recorded_by, fix.reason) == ("P09001", "S004", "changed in the EHR (FHIR import)")
    assert import_fhir(sup, _write(tmp_path, changed)).written() == 0


def test_a_changed_birth_date_is_refused_not_corrected(sup, tmp_path):
    bundle = _bundle()
    import_fhir(sup, _write(tmp_path, bundle))
    _res(bundle, "pt9")["birthDate"] = "1949-05-02"
    with pytest.raises(InvalidInput, match=r"Patient pt9 \(b.json entry 1\): patient P09001 is already in the "
                                           r"record with another birth date"):
        import_fhir(sup, _write(tmp_path, bundle))
    assert _count(sup, s.patient_corrections) == 0


def test_correct_patient_through_the_service(wb, sup):
    fixed = wb.correct_patient("P00001", "Patient moved", phone="518-555-0123", address="2 Pine St")
    assert (fixed.phone, fixed.address) == ("518-555-0123", "2 Pine St")
    assert sup.get_patient("P00001").phone == "518-555-0123"
    with pytest.raises(InvalidInput, match="not birth_date"):
        wb.correct_patient("P00001", "typo", birth_date="1950-01-01")
    with pytest.raises(InvalidInput):
        wb.correct_patient("P00001", "", phone="1")  # a reason is required
    with pytest.raises(PermissionDenied):
        wb.as_user("S007").correct_patient("P00001", "moved", phone="1")  # a trainee: not a live chart
    assert _count(wb, s.patient_corrections) == 1


def test_the_worklist_shows_the_corrected_name(wb):
    wb.correct_patient("P00002", "Married name", last_name="Hopkins")
    frame = wb.worklist()
    assert frame.loc[frame.patient_id == "P00002", "name"].tolist() == [wb.get_patient("P00002").name]
    assert "Hopkins" in wb.get_patient("P00002").name
