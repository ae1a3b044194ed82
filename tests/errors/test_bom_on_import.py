"""A byte-order mark (U+FEFF) inside a value of an import file, as a file glued together from two
exports carries it, is removed on the way in: ids, names and notes are stored without it, so the
record is found by the id a person types. Staff, patients and time files; SQLite and PostgreSQL.
(The service's own calls are covered in test_service_faults.py.)"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workbench.intake.importer import import_patients, import_staff
from workbench.intake.time_entries import import_time
from workbench.store import schema as s

BOM = "\ufeff"
STAFF_HEADER = "staff_id,name,role,credential,state\n"
PATIENT_HEADER = "patient_id,first_name,last_name,birth_date,sex,state,conditions,consent_date,consent_method\n"
TIME_HEADER = "entry_id,patient_id,staff_id,started_at,ended_at,minutes,activity,note,voids_entry_id\n"

#: where the mark sits in a value: in the middle, at the start, at the end
PLACES = [("inside", lambda v: v[:2] + BOM + v[2:]), ("first", lambda v: BOM + v), ("last", lambda v: v + BOM)]


def _file(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _no_bom_stored(wb) -> None:
    with wb.read() as conn:
        for table in (s.users, s.patients, s.time_entries):
            for row in conn.execute(select(table)):
                assert not [v for v in row if isinstance(v, str) and BOM in v], (table.name, row)


@pytest.mark.parametrize("place,mark", PLACES, ids=[p[0] for p in PLACES])
def test_a_byte_order_mark_in_ids_names_and_notes_is_removed_on_import(wb, tmp_path, place, mark):
    sup = wb.as_user("S004")
    staff = _file(tmp_path, "s.csv", STAFF_HEADER + f"{mark('F43B')},{mark('Fay')} {mark('Ortiz')},care_manager,RN,NY\n")
    assert import_staff(sup, staff).added == 1
    user = sup.get_user("F43B")
    assert (user.id, user.name) == ("F43B", "Fay Ortiz")

    patients = _file(tmp_path, "p.csv", PATIENT_HEADER
                     + f"{mark('Q7001')},{mark('Quinn')},{mark('Quayle')},1950-02-03,F,NY,{mark('I10')},,\n")
    assert import_patients(sup, patients).added == 1
    chart = sup.chart("Q7001")
    assert (chart.patient.id, chart.patient.first_name, chart.patient.last_name) == ("Q7001", "Quinn", "Quayle")
    assert [c.icd10 for c in chart.conditions] == ["I10"]

    time = _file(tmp_path, "t.csv", TIME_HEADER + f"{mark('E7001')},{mark('Q7001')},{mark('F43B')},"
                 f"2026-11-03T09:00:00-05:00,,12,care_plan,{mark('called back')},\n")
    assert import_time(sup, time).added == 1
    (entry,) = sup.time_entries("Q7001")
    assert (entry.external_id, entry.staff_id, entry.note) == ("E7001", "F43B", "called back")

    _no_bom_stored(sup)
    # the same files without the marks are the same rows: already present, nothing changed
    clean = {"s.csv": staff, "p.csv": patients, "t.csv": time}
    for name, path in clean.items():
        _file(tmp_path, "clean-" + name, path.read_text(encoding="utf-8").replace(BOM, ""))
    assert import_staff(sup, tmp_path / "clean-s.csv").already_present == 1
    assert import_patients(sup, tmp_path / "clean-p.csv").already_present == 1
    summary = import_time(sup, tmp_path / "clean-t.csv")
    assert (summary.added, summary.changed, summary.already_present) == (0, 0, 1)


def test_the_log_guard_of_these_tables_fails_on_a_log_holding_a_name_or_a_note(tmp_path, monkeypatch):
    """The autouse check of tests/errors and tests/validation (tests/support/log_guard.py) is real."""
    from tests.support.log_guard import guard

    for leak, fails in (("patient Lovelace", True), ("note: Monthly check-in", True), ("P00001 E7001", False)):
        folder = tmp_path / str(len(leak))
        folder.mkdir()
        with monkeypatch.context() as m:
            steps = guard(folder, m)
            next(steps)
            (folder / "guarded-workbench.log").write_text(f"--- fault\n{leak}\n")
            if fails:
                with pytest.raises(AssertionError, match="holds patient data"):
                    next(steps)
            else:
                with pytest.raises(StopIteration):
                    next(steps)
