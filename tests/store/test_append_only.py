"""The database itself refuses UPDATE and DELETE on every clinical table, on both backends:
through SQLAlchemy, through the raw driver, and through the sqlite3 / psql shells.

On PostgreSQL the tamper attempts run as the tables' OWNER: the app role the service uses is
refused these statements by its grants already (tests/store/test_roles.py); the triggers are what
stops the owner."""

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError

from workbench import records as r
from workbench.records import Activity
from workbench.store import schema as s
from workbench.store.schema import CLINICAL_TABLES


@pytest.fixture
def populated(wb, clock, make_bundle):
    """At least one row in every clinical table."""
    system = wb.as_user("S004")
    system.add_patient(make_bundle(
        "P00009", allergies=[r.Allergy("penicillin", "rash")],
        immunizations=[r.Immunization("influenza", date(2025, 10, 1))],
        screenings=[r.Screening("a1c", date(2026, 6, 1), "7.4")],
        observations=[r.Observation("4548-4", "Hemoglobin A1c", 7.4, "%", date(2026, 6, 1))],
        visits=[r.Visit("P00009", date(2026, 10, 20), r.VisitKind.OFFICE_VISIT, "S005", ccm_discussed=True)]))
    wb.record_consent("P00009", "verbal", date(2026, 11, 2), dict.fromkeys(r.CONSENT_DISCLOSURES, True))
    wb.revoke_consent("P00009", date(2026, 11, 9), "Too many calls")
    wb.revise_care_plan("P00009", r.CarePlan(problem_list="HTN"), 0, "Initial plan")
    wb.start_timer("P00009", Activity.PATIENT_CALL, note="check-in")
    clock.advance(minutes=5)
    wb.stop_timer()
    wb.start_timer("P00001", Activity.RECORD_REVIEW, note="labs")  # left open
    wb.log_contact("P00009", "phone", "reached", "talked")
    esc = wb.open_escalation("P00009", "Chest pain", "emergent")
    wb.record_escalation_step(esc.id, "rn_triage")
    wb.record_sdoh("P00009", {"food": True, "housing": False})
    wb.as_user("S005").attest_month("P00009", "2026-11", True, True)
    wb.schedule_follow_up("P00009", clock.now() + timedelta(days=1), "Monthly check-in")
    wb.correct_patient("P00009", "Moved", phone="518-555-0142")
    wb.record_outreach("P00001", "phone", "no_answer", date(2026, 11, 3))  # outreach, enrolment (0010)
    wb.set_qmb("P00001", True, date(2026, 11, 1), "Medicaid eligibility check")
    wb.record_bh_service("P00009", "2026-11", "G0570")
    with wb.engine.begin() as conn:
        conn.execute(insert(s.training_attempts).values(
            id="A1", scenario_id="x", trainee_id="S007", seed=1, started_at=clock.now(),
            recorded_at=clock.now(), recorded_by="S007", recorded_role="trainee", recorded_credential="RN"))
        conn.execute(insert(s.training_events).values(
            attempt_id="A1", kind="action", payload={}, at=clock.now(), recorded_at=clock.now(),
            recorded_by="S007", recorded_role="trainee", recorded_credential="RN"))
    with wb.engine.connect() as conn:
        for table in CLINICAL_TABLES:
            assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() > 0, table
    return wb


@pytest.fixture
def owner(populated, db_url):
    """An engine on the same database as its owner (SQLite: the same file)."""
    from tests.conftest import owner_url
    from workbench.store import make_engine

    engine = make_engine(owner_url(db_url))
    yield engine
    engine.dispose()


def _count(wb, table):
    with wb.engine.connect() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


@pytest.mark.parametrize("table", CLINICAL_TABLES)
def test_update_and_delete_refused_through_sqlalchemy(populated, owner, table):
    before = _count(populated, table)
    for stmt in (f"UPDATE {table} SET recorded_by = 'tamper'", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"):
            with owner.begin() as conn:
                conn.execute(text(stmt))
    assert _count(populated, table) == before
    with populated.engine.connect() as conn:
        assert conn.execute(text(f"SELECT COUNT(*) FROM {table} WHERE recorded_by = 'tamper'")).scalar_one() == 0


def test_shell_refuses_update_and_delete(populated, owner):
    """The database's own shell (sqlite3 or psql), not only our code, is refused."""
    url = owner.url
    if url.get_backend_name() == "sqlite":
        tool = shutil.which("sqlite3")
        cmd = [tool, url.database] if tool else None
    else:
        tool = shutil.which("psql")
        cmd = [tool, "-h", url.host, "-p", str(url.port), "-U", url.username, "-d", url.database,
               "-v", "ON_ERROR_STOP=1"] if tool else None
    if cmd is None:  # fall back to the raw DB-API driver, which is what a shell uses
        if url.get_backend_name() == "sqlite":
            import sqlite3

            conn = sqlite3.connect(url.database)
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute("DELETE FROM time_entries")
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute("UPDATE time_entries SET seconds = 99999")
            conn.close()
        else:
            import psycopg

            with psycopg.connect(url.render_as_string(hide_password=False).replace("+psycopg", "")) as conn:
                with pytest.raises(psycopg.Error, match="append-only"):
                    conn.execute("DELETE FROM time_entries")
        return
    for stmt in ("UPDATE time_entries SET seconds = 99999;", "DELETE FROM consents;",
                 "DELETE FROM patients;"):
        out = subprocess.run(cmd, input=stmt, capture_output=True, text=True)
        assert "append-only" in (out.stderr + out.stdout), (stmt, out)
    with populated.engine.connect() as conn:
        assert conn.execute(text("SELECT MAX(seconds) FROM time_entries")).scalar_one() < 99999


def test_table_wide_wipe_refused(populated, owner):
    """PostgreSQL's TRUNCATE bypasses row triggers, so it has its own; SQLite's equivalent is a
    DELETE without WHERE, which the row trigger refuses (its truncate optimisation is off when a
    trigger exists)."""
    wipe = ("TRUNCATE time_entries CASCADE" if populated.engine.dialect.name == "postgresql"
            else "DELETE FROM time_entries")
    before = _count(populated, "time_entries")
    with pytest.raises(DBAPIError, match="append-only"):
        with owner.begin() as conn:
            conn.execute(text(wipe))
    assert _count(populated, "time_entries") == before


def test_reference_tables_stay_editable(wb):
    with wb.engine.begin() as conn:
        conn.execute(text("UPDATE users SET name = 'Rita N.' WHERE id = 'S001'"))
    assert wb.get_user("S001").name == "Rita N."
