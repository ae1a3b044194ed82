"""Imports that must never be silent or bypass the policy, on SQLite and PostgreSQL: a changed row
is refused naming its fields (or, with --update, written as a correction by the importing
person); every row is checked by the service's policy for the importing person and the staff
member it credits; an export's formula guard round-trips; two imports of one file at once write
it once, without a traceback."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import sample_patient  # noqa: E402

from workbench import records as r  # noqa: E402
from workbench.errors import PermissionDenied, WorkbenchError  # noqa: E402
from workbench.intake.importer import import_patients, import_staff  # noqa: E402
from workbench.intake.time_entries import import_time  # noqa: E402
from workbench.store import schema as s  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TIME_HEADER = "entry_id,patient_id,staff_id,started_at,ended_at,minutes,activity,note,voids_entry_id\n"
PATIENT_HEADER = "patient_id,first_name,last_name,birth_date,sex,state,conditions,consent_date,consent_method\n"
STAFF_HEADER = "staff_id,name,role,credential,state\n"
SECRETS = ("Ada", "Lovelace", "Ben", "Franklin", "private-note-text")


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _time(*rows: str) -> str:
    return TIME_HEADER + "".join(row + "\n" for row in rows)


def _refused(call, *fields: str) -> str:
    with pytest.raises(WorkbenchError) as err:
        call()
    text = str(err.value)
    for f in fields:
        assert f in text, text
    for secret in SECRETS:
        assert secret not in text, text
    return text


# ----------------------------------------------------------------- re-import of a changed row

BASE = "E1,P00001,S001,2026-11-03T09:00:00-05:00,,12,patient_call,called about meds,"
CHANGED_TIME = [
    ("activity", BASE.replace("patient_call", "care_plan"), ["activity"]),
    ("note", BASE.replace("called about meds", "private-note-text"), ["note"]),
    ("minutes and service", BASE.replace(",12,", ",15,"), ["minutes"]),
    ("start and staff", BASE.replace("09:00", "10:00").replace("S001", "S002"), ["started_at", "staff_id"]),
]


@pytest.mark.parametrize("label,row,fields", CHANGED_TIME, ids=[c[0] for c in CHANGED_TIME])
def test_a_changed_time_row_is_refused_naming_its_fields_or_corrected_with_update(wb, clock, tmp_path, label,
                                                                                  row, fields):
    assert import_time(wb, _file(tmp_path, "t1.csv", _time(BASE))).added == 1
    changed = _file(tmp_path, "t2.csv", _time(row))
    text = _refused(lambda: import_time(wb, changed), "line 2", "entry E1", "--update", *fields)
    assert "nothing was imported" in text and wb.count("time_entries") == 1
    summary = import_time(wb.as_user("S004"), changed, update=True)
    assert (summary.added, summary.changed, summary.already_present) == (0, 1, 0)
    assert "1 changed" in str(summary)
    with wb.read() as conn:
        rows = list(conn.execute(select(s.time_entries).order_by(s.time_entries.c.id)))
    assert len(rows) == 2 and rows[1].supersedes_id == rows[0].id and rows[1].recorded_by == "S004"
    assert "corrected by import of t2.csv" in rows[1].reason
    again = import_time(wb.as_user("S004"), changed, update=True)  # the correction is the record now
    assert (again.added, again.changed, again.already_present) == (0, 0, 1)
    assert import_time(wb, changed).already_present == 1


CHANGED_PATIENT = [
    ("sex", "P00001,Ada,Lovelace,1950-03-04,M,NY,I10;E11.9,,", ["sex"]),
    ("state", "P00001,Ada,Lovelace,1950-03-04,F,NJ,I10;E11.9,,", ["state"]),
    ("consent", "P00001,Ada,Lovelace,1950-03-04,F,NY,I10;E11.9,2026-10-01,verbal", ["consent"]),
    ("name", "P00001,Ada,Byron,1950-03-04,F,NY,I10;E11.9,,", ["last_name"]),
]


@pytest.mark.parametrize("label,row,fields", CHANGED_PATIENT, ids=[c[0] for c in CHANGED_PATIENT])
def test_a_changed_patient_row_is_refused_naming_its_fields(wb, tmp_path, label, row, fields):
    path = _file(tmp_path, "p.csv", PATIENT_HEADER + row + "\n")
    for update in (False, True):
        _refused(lambda u=update: import_patients(wb, path, update=u), "patient P00001", *fields)
    assert wb.chart("P00001").patient.sex == "F"


def test_changed_conditions_are_refused_then_corrected_with_update(wb, tmp_path):
    path = _file(tmp_path, "p.csv", PATIENT_HEADER + "P00001,Ada,Lovelace,1950-03-04,F,NY,I10;J44.9,,\n")
    _refused(lambda: import_patients(wb, path), "patient P00001", "conditions", "--update")
    summary = import_patients(wb.as_user("S004"), path, update=True)
    assert summary.changed == 1 and "1 changed" in str(summary)
    assert sorted(c.icd10 for c in wb.chart("P00001").conditions) == ["I10", "J44.9"]
    assert import_patients(wb, path).already_present == 1


@pytest.mark.parametrize("row,fields", [("S001,Rita Nurse,care_manager,LPN,NY", ["credential"]),
                                        ("S001,Rita Nurse,supervisor,RN,NY", ["role"]),
                                        ("S001,Rita Nurse,care_manager,RN,NJ", ["state"])])
def test_a_changed_staff_row_is_refused_or_updated(wb, tmp_path, row, fields):
    sup = wb.as_user("S004")
    path = _file(tmp_path, "s.csv", STAFF_HEADER + row + "\n")
    _refused(lambda: import_staff(sup, path), "staff S001", "--update", *fields)
    assert import_staff(sup, path, update=True).changed == 1
    assert import_staff(sup, path).already_present == 1


# ----------------------------------------------------------------- the policy, row by row

@pytest.fixture
def practice(wb):
    """Attempt A1 of trainee S007 and attempt A2 of trainee S008, a practice patient each."""
    sup = wb.as_user("S004")
    sup.add_user(r.User("S008", "Tom Trainee", r.Role.TRAINEE, r.Credential.RN, "NY"))
    for attempt, trainee, pid in (("A1", "S007", "TP1"), ("A2", "S008", "TP2")):
        b = sample_patient(pid)
        b = dataclasses.replace(b, patient=dataclasses.replace(b.patient, scope=f"training:{attempt}",
                                                              billing_practitioner_id=None,
                                                              care_team_member_id=None))
        sup.add_training_patient(b, attempt, trainee, "scenario-x")
    return sup


POLICY_CASES = [
    ("a trainee's time on a live patient", "S004",
     "E9,P00001,S007,2026-11-03T09:00:00-05:00,,30,patient_call,practice call,", ["staff S007", "live patient P00001"]),
    ("a care manager's time on a trainee's practice patient", "S004",
     "E9,TP1,S001,2026-11-03T09:00:00-05:00,,30,patient_call,call,", ["patient TP1", "training attempt A1",
                                                                      "staff S001"]),
    ("a trainee's time on another attempt's practice patient", "S004",
     "E9,TP2,S007,2026-11-03T09:00:00-05:00,,30,patient_call,call,", ["patient TP2", "attempt A2", "staff S007"]),
    ("a care manager importing time on a practice patient", "S001",
     "E9,TP1,S007,2026-11-03T09:00:00-05:00,,30,patient_call,call,", ["--as S001", "patient TP1"]),
]


@pytest.mark.parametrize("label,importer,row,words", POLICY_CASES, ids=[c[0] for c in POLICY_CASES])
def test_time_rows_are_checked_by_the_policy_and_the_file_refused_whole(wb, practice, tmp_path, label,
                                                                        importer, row, words):
    good = "E8,P00001,S001,2026-11-03T08:00:00-05:00,,10,patient_call,fine,"
    path = _file(tmp_path, "t.csv", _time(good, row))
    text = _refused(lambda: import_time(wb.as_user(importer), path), "line 3", *words)
    assert "nothing was imported" in text and wb.count("time_entries") == 0


def test_a_trainee_may_not_import_and_a_care_manager_may_not_add_staff(wb, tmp_path):
    path = _file(tmp_path, "t.csv", _time(BASE))
    _refused(lambda: import_time(wb.as_user("S007"), path), "supervisor or care manager")
    staff = _file(tmp_path, "s.csv", STAFF_HEADER + "S200,Ann Able,care_manager,RN,NY\n")
    with pytest.raises(PermissionDenied, match="may not add staff"):
        import_staff(wb, staff)
    assert import_staff(wb.as_user("S004"), staff).added == 1


def test_rows_are_stamped_with_the_importing_person(wb, tmp_path):
    import_time(wb.as_user("S002"), _file(tmp_path, "t.csv", _time(BASE)))
    with wb.read() as conn:
        row = conn.execute(select(s.time_entries)).one()
    assert (row.recorded_by, row.staff_id) == ("S002", "S001")


# ----------------------------------------------------------------- the command line: --as

def _cli(argv, env=None):
    run_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    run_env.pop("WORKBENCH_USER", None) if "WORKBENCH_USER" not in (env or {}) else None
    return subprocess.run([sys.executable, "-m", "workbench.cli", *argv], capture_output=True, text=True,
                          env=run_env, timeout=300)


def test_import_without_as_is_refused_on_a_team_database_and_stamped_with_as(wb, db_url, tmp_path):
    path = str(_file(tmp_path, "t.csv", _time(BASE)))
    res = _cli(["import", "time", path, "--db", db_url])
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "--as STAFF_ID" in res.stderr and ("team database" in res.stderr) == db_url.startswith("postgresql")
    res = _cli(["import", "time", path, "--db", db_url, "--as", "NOBODY"])
    assert res.returncode == 2 and "no staff member" in res.stderr
    res = _cli(["import", "time", path, "--db", db_url, "--as", "S002"])
    assert res.returncode == 0, res.stderr
    assert "1 time row(s) added" in res.stdout
    if db_url.startswith("sqlite"):  # a SQLite file: the local configuration's user by default
        res = _cli(["import", "time", path, "--db", db_url], {"WORKBENCH_USER": "S001"})
        assert res.returncode == 0 and "1 already present" in res.stdout, res.stderr
    with wb.read() as conn:
        assert conn.execute(select(s.time_entries.c.recorded_by)).scalar() == "S002"


# ----------------------------------------------------------------- two importers at once

def _many_time(n: int) -> str:
    return _time(*(f"R{k},P0000{1 + k % 2},S00{1 + k % 2},2026-11-{1 + k % 28:02d}T09:00:00-05:00,,5,care_plan,n{k},"
                   for k in range(n)))


def _many_staff(n: int) -> str:
    return STAFF_HEADER + "".join(f"N{k:04d},Person {k},care_manager,RN,NY\n" for k in range(n))


def _many_patients(n: int) -> str:
    return PATIENT_HEADER + "".join(f"Q{k:05d},Pat,Number{k},1950-01-{1 + k % 28:02d},F,NY,I10;E11.9,,\n"
                                    for k in range(n))


#: (what is imported, its file, the rows, the summary's noun, the table)
AT_ONCE = [("time", _many_time, 1500, "time", "time_entries"),
           ("staff", _many_staff, 400, "staff", "users"),
           ("patients", _many_patients, 400, "patients", "patients")]


@pytest.mark.parametrize("kind,make,n,noun,table", AT_ONCE, ids=[c[0] for c in AT_ONCE])
def test_two_imports_of_one_file_at_once_write_it_once_without_a_traceback(wb, db_url, tmp_path, kind, make, n,
                                                                           noun, table):
    before = wb.count(table)
    path = str(_file(tmp_path, f"{kind}.csv", make(n)))
    argv = [sys.executable, "-m", "workbench.cli", "import", kind, path, "--db", db_url, "--as", "S004"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in err and "UniqueViolation" not in err and "IntegrityError" not in err
    said = " | ".join(out for out, _ in outs)
    assert f"{n} {noun} row(s) added" in said and f"0 {noun} row(s) added, {n} already present" in said, said
    assert wb.count(table) == before + n


# ----------------------------------------------------------------- the formula guard round trip

@pytest.mark.parametrize("first,last", [('=HYPERLINK("http://x","y")', "Plain"), ("+1 Ann", "-Dash"),
                                        ("@Sum", "=1+2")])
def test_an_exported_panel_imports_back_with_formula_guards_undone(wb, tmp_path, first, last):
    from workbench.export.panel_csv import export_panel

    sup = wb.as_user("S004")
    b = sample_patient("P00077")
    sup.add_patient(dataclasses.replace(b, patient=dataclasses.replace(b.patient, first_name=first, last_name=last)))
    out = tmp_path / "out"
    export_panel(sup, out)
    text = (out / "patients.csv").read_text()
    assert f"'{first[0]}" in text  # the export guarded it
    again = import_patients(sup, out / "patients.csv")
    assert again.added == 0 and again.changed == 0 and again.already_present >= 3


def test_the_reader_undoes_exactly_what_the_guard_does():
    from hypothesis import given
    from hypothesis import strategies as st

    from workbench.intake.csvread import restore_cell
    from workbench.export.cells import safe_cell

    @given(st.text(max_size=20))
    def roundtrip(value):
        assert restore_cell(safe_cell(value)) == value or value.startswith("'")

    roundtrip()
