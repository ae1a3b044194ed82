"""CSV import: good files, idempotency, bad files refused whole with line numbers."""

from __future__ import annotations

import pytest

from workbench.errors import ImportRefused, PermissionDenied
from workbench.export.panel_csv import export_panel
from workbench.intake.importer import import_patients, import_staff
from workbench.intake.time_entries import import_time
from workbench.reports import month_report

STAFF_CSV = """staff_id,name,role,credential,state,extra
N001,Nora Nurse,care_manager,RN,NY,ignored
N002,Carl Assistant,care_coordinator,CMA,NJ,
N003,Bo Biller,billing,,ny,
"""

PATIENTS_CSV = """patient_id,first_name,last_name,birth_date,sex,state,conditions,consent_date,consent_method,care_team_member_id
Q001,Ann,Able,1950-02-03,F,NY,I10;E11.9,2026-01-05,verbal,N001
Q002,Bob,Baker,1947-07-08,M,NY,I50.9,,,
"""

TIME_CSV = """entry_id,patient_id,staff_id,started_at,ended_at,minutes,activity,note,voids_entry_id
T1,Q001,N001,2026-11-03T09:30:00-05:00,2026-11-03T09:52:00-05:00,,patient_call,"Check-in, BP log",
T2,Q001,N002,2026-11-04T10:00:00-05:00,,12,community_resources,Arranged transport,
T3,Q002,N001,2026-11-05T14:00:00Z,,20,care_plan,Wrong patient,
T4,,,,,,,Logged on the wrong patient,T3
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def loaded(swb, tmp_path):
    sup = swb.as_user("S004")
    import_staff(sup, write(tmp_path, "staff.csv", STAFF_CSV))
    import_patients(sup, write(tmp_path, "patients.csv", PATIENTS_CSV))
    return sup


def test_good_files_import_and_bill(loaded, tmp_path):
    summary = import_time(loaded, write(tmp_path, "time.csv", TIME_CSV))
    assert (summary.added, summary.already_present, summary.voided) == (3, 0, 1)
    assert loaded.get_user("N003").credential is None and loaded.get_user("N003").state == "NY"
    ann = loaded.chart("Q001")
    assert [c.icd10 for c in ann.conditions] == ["I10", "E11.9"] and ann.consent.valid
    assert ann.patient.care_team_member_id == "N001"
    assert loaded.consents("Q002") == []
    entries = loaded.time_entries("Q001", "2026-11")
    assert [(e.external_id, e.seconds, e.manual) for e in entries] == [("T1", 22 * 60, False), ("T2", 720, True)]
    assert entries[0].staff_credential.value == "RN" and entries[0].note == "Check-in, BP log"
    assert loaded.time_entries("Q002") == []  # voided
    row = month_report(loaded, "2026-11").set_index("patient_id").loc["Q001"]
    assert row.codes == [{"code": "99490", "units": 1}] and row.minutes_by_staff == {"N001": 22, "N002": 12}


def test_importing_the_same_files_twice_changes_nothing(loaded, tmp_path):
    paths = [write(tmp_path, n, t) for n, t in
             (("staff.csv", STAFF_CSV), ("patients.csv", PATIENTS_CSV), ("time.csv", TIME_CSV))]
    import_time(loaded, paths[2])
    counts = {t: loaded.count(t) for t in ("users", "patients", "conditions", "consents", "time_entries")}
    again = [import_staff(loaded, paths[0]), import_patients(loaded, paths[1]), import_time(loaded, paths[2])]
    assert [(s.added, s.already_present, s.voided) for s in again] == [(0, 3, 0), (0, 2, 0), (0, 4, 0)]
    assert {t: loaded.count(t) for t in counts} == counts
    assert "0 time row(s) added, 4 already present" in str(again[2])


BAD_TIME = """entry_id,patient_id,staff_id,started_at,ended_at,minutes,activity,note,voids_entry_id
G1,Q001,N001,2026-11-03T09:30:00-05:00,,15,patient_call,fine,
G2,Q001,N001,2026-13-03T09:30:00-05:00,,15,patient_call,bad date,
G3,Q001,ZZZ9,2026-11-03T10:30:00-05:00,,15,patient_call,unknown staff,
G4,Q001,N001,2026-11-03T11:30:00-05:00,2026-11-03T11:50:00-05:00,20,patient_call,both,
G1,Q001,N001,2026-11-03T12:30:00-05:00,,5,patient_call,duplicate id,
G6,,,,,,,void of nothing,NOPE
G7,Q999,N001,2026-11-03T09:30:00,,,dancing,,
"""


def test_malformed_time_file_refused_whole_with_every_line(loaded, tmp_path):
    before = loaded.count("time_entries")
    with pytest.raises(ImportRefused) as info:
        import_time(loaded, write(tmp_path, "bad.csv", BAD_TIME))
    problems = info.value.problems
    lines = {n for n, _ in problems}
    assert lines == {3, 4, 5, 6, 7, 8}  # line 2 (G1) is good; the header is line 1
    text = {n: " | ".join(m for k, m in problems if k == n) for n in lines}
    assert "2026-13-03T09:30:00-05:00" in text[3] and "ISO 8601" in text[3]
    assert "unknown staff ZZZ9" in text[4]
    assert "not both" in text[5]
    assert "entry_id G1 is already on line 2" in text[6]
    assert "voids_entry_id NOPE is not in the record" in text[7]
    for part in ("unknown patient Q999", "no time-zone offset", "give ended_at or minutes", "activity 'dancing'",
                 "note is empty"):
        assert part in text[8]
    assert "nothing was imported" in str(info.value) and "line 8:" in str(info.value)
    assert loaded.count("time_entries") == before


def test_void_must_come_after_its_entry(loaded, tmp_path):
    text = TIME_CSV.splitlines()
    reordered = "\n".join([text[0], text[4], *text[1:4]]) + "\n"
    with pytest.raises(ImportRefused) as info:
        import_time(loaded, write(tmp_path, "t.csv", reordered))
    assert info.value.problems == [(2, "voids_entry_id T3 is not in the record or on an earlier line")]


def test_changed_row_with_a_known_id_is_refused(loaded, tmp_path):
    import_time(loaded, write(tmp_path, "time.csv", TIME_CSV))
    changed = TIME_CSV.replace(",12,community_resources", ",13,community_resources")
    with pytest.raises(ImportRefused, match="line 3: entry T2 is already in the record with other details"):
        import_time(loaded, write(tmp_path, "time2.csv", changed))


@pytest.mark.parametrize("row, message", [
    ("Q003,Cy,Cole,1950-02-30,F,NY,I10,,,", "birth_date '1950-02-30' is not a date"),
    ("Q003,Cy,Cole,2030-01-01,F,NY,I10,,,", "in the future"),
    ("Q003,Cy,Cole,1950-02-03,Q,NY,I10,,,", "sex 'Q' must be F, M or X"),
    ("Q003,Cy,Cole,1950-02-03,F,NY,I10;NOTACODE,,,", "Condition code 'NOTACODE' is not an ICD-10-CM code"),
    ("Q003,Cy,Cole,1950-02-03,F,NY,I10,2026-01-05,,", "give both or neither"),
    ("Q003,Cy,Cole,1950-02-03,F,NY,I10,2026-01-05,telepathy,", "consent_method 'telepathy'"),
    ("Q003,Cy,Cole,1950-02-03,F,NY,I10,,,ZZZ", "care_team_member_id ZZZ is not a staff member"),
    ("Q001,Ann,Other,1950-02-03,F,NY,I10,,,", "already in the record with another name"),
    ("Q002,Cy,Cole,1950-02-03,F,NY,I10,,,", "patient_id Q002 is already on line 2"),
    (",Cy,Cole,1950-02-03,F,NY,I10,,,", "patient_id is empty"),
])
def test_bad_patient_rows(loaded, tmp_path, row, message):
    header, _first, second = PATIENTS_CSV.strip().split("\n")
    before = loaded.count("patients")
    with pytest.raises(ImportRefused) as info:
        import_patients(loaded, write(tmp_path, "p.csv", "\n".join([header, second, row]) + "\n"))
    assert [n for n, _ in info.value.problems] == [3]
    assert message in info.value.problems[0][1]
    assert loaded.count("patients") == before


def test_bad_staff_file(swb, tmp_path):
    bad = ("staff_id,name,role,credential,state\nX1,Ok,care_manager,RN,NY\nX2,,nurse,RNN,New York\n"
           "X1,Again,care_manager,RN,NY\nS001,Rita Nurse,care_manager,LPN,NY\n")
    with pytest.raises(ImportRefused) as info:
        import_staff(swb.as_user("S004"), write(tmp_path, "s.csv", bad))
    got = info.value.problems
    assert [n for n, _ in got] == [3, 3, 3, 3, 4, 5]
    assert any("role 'nurse'" in m for _, m in got) and any("credential 'RNN'" in m for _, m in got)
    assert (5, "staff S001 is already in the record with other details (Rita Nurse, RN (care manager), NY)") in got
    assert swb.count("users") == 8  # system + 7 staff: nothing written


def test_missing_columns_and_permissions(swb, tmp_path):
    with pytest.raises(ImportRefused) as info:
        import_time(swb.as_user("S004"), write(tmp_path, "t.csv", "entry_id,patient_id\nA,B\n"))
    assert info.value.problems[0][0] == 1 and "Missing column(s): staff_id" in info.value.problems[0][1]
    with pytest.raises(PermissionDenied):
        import_staff(swb.as_user("S007"), write(tmp_path, "s.csv", STAFF_CSV))


def test_export_then_import_into_a_fresh_database(loaded, tmp_path):
    from workbench.service import Workbench

    paths = export_panel(loaded, tmp_path / "out")
    fresh = Workbench.create(f"sqlite:///{tmp_path / 'fresh.db'}", clock=loaded.clock)
    staff = import_staff(fresh, paths[0])
    patients = import_patients(fresh, paths[1])
    assert (staff.added, patients.added) == (10, 4)
    assert [p.id for p in fresh.patients()] == [p.id for p in loaded.patients()]
    assert fresh.chart("Q001").consent.valid and not fresh.chart("Q002").consent.valid
    assert import_patients(fresh, paths[1]).already_present == 4
