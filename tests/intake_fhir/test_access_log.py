"""The access log in the service: a chart opened, a report run, an export and an import each write
one row (ids only, never note text); only supervisors may read it, by person, patient and day; a
row outlives the person's removal from the staff list; both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from workbench.cli import main
from workbench.errors import InvalidInput, PermissionDenied
from workbench.export.fhir import export_fhir
from workbench.store import schema as s


def test_chart_report_export_are_each_one_row(wb, tmp_path):
    wb.log_time("P00001", 12, "patient_call", "Spoke about her sister's funeral")
    wb.open_chart("P00001")
    wb.record_access("report", ["P00001"], "page:month", detail="month 2026-11")
    export_fhir(wb, tmp_path / "out", patient_id="P00002")
    sup = wb.as_user("S004")
    rows = sup.access_log()
    assert [(a.action, a.patient_ids, a.place, a.user_id) for a in rows] == [
        ("chart", ("P00001",), "page:chart", "S001"), ("report", ("P00001",), "page:month", "S001"),
        ("export", ("P00002",), "command:workbench export fhir", "S001")]
    with wb.read() as conn:
        raw = [dict(x._mapping) for x in conn.execute(select(s.access_log))]
    assert "funeral" not in repr(raw)  # never note text
    assert [a.action for a in sup.access_log(patient="P00002")] == ["export"]
    assert sup.access_log(person="S002") == []
    today = wb.today()
    assert len(sup.access_log(since=today, until=today)) == 3
    assert sup.access_log(until=today - timedelta(days=1)) == []


@pytest.mark.parametrize("who", ["S001", "S003", "S005", "S006", "S007"])
def test_only_a_supervisor_may_read_the_log(wb, who):
    with pytest.raises(PermissionDenied, match="access log"):
        wb.as_user(who).access_log()


def test_an_unknown_action_is_refused(wb):
    with pytest.raises(InvalidInput):
        wb.record_access("peek", ["P00001"], "page:chart")


def test_the_log_outlives_removal_from_the_staff_list(wb, db_url):
    from workbench import records as r

    sup = wb.as_user("S004")
    sup.add_user(r.User("S099", "Temp Nurse", r.Role.CARE_MANAGER, r.Credential.RN, "NY"))
    wb.as_user("S099").open_chart("P00002")
    from tests.conftest import owner_url
    from workbench.store import make_engine

    eng = make_engine(owner_url(db_url) if db_url.startswith("postgresql") else db_url)
    try:
        with eng.begin() as conn:
            conn.execute(delete(s.users).where(s.users.c.id == "S099"))
    finally:
        eng.dispose()
    (row,) = sup.access_log(person="S099")
    assert (row.user_name, row.user_role, row.patient_ids) == ("Temp Nurse", "care_manager", ("P00002",))


def test_workbench_audit_command(wb, db_url, capsys):
    wb.open_chart("P00001")
    assert main(["audit", "--db", db_url, "--patient", "P00001", "--since", wb.today().isoformat()]) == 0
    out = capsys.readouterr().out
    assert "S001 (care_manager)  chart  page:chart  P00001" in out
    assert main(["audit", "--db", db_url, "--user", "S007"]) == 2  # a trainee is refused
    assert "access log" in capsys.readouterr().err


def test_help_of_the_new_commands(capsys):
    for argv in (["audit", "--help"], ["import", "fhir", "--help"]):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 0
    out = capsys.readouterr().out
    assert "--dry-run" in out and "--person" in out
