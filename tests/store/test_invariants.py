"""The invariants are the database's, not only the service's: a second open timer or a second
void written past the service is refused on both backends; an orphaned timer is never closed at
"now" by its owner."""

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from workbench import records as r
from workbench.errors import InvalidInput
from workbench.store import schema as s


def test_a_second_open_timer_is_refused_by_the_database(wb, clock):
    wb.start_timer("P00001")
    with pytest.raises(IntegrityError, match="one running timer per staff member"):
        with wb.engine.begin() as conn:
            conn.execute(insert(s.timers).values(
                patient_id="P00002", staff_id="S001", started_at=clock.now(), activity="patient_call",
                service="CCM", note="", **wb.stamp()))
    clock.advance(minutes=3)
    wb.stop_timer(note="done")
    wb.start_timer("P00002")  # after the stop, a new one is fine


def test_a_second_void_is_refused_by_the_database(wb):
    entry = wb.log_time("P00001", 5, "patient_call", "call")
    wb.void_time(entry.id, "wrong patient")
    row = {k: v for k, v in _entry_row(wb, entry.id).items() if k != "id"}
    with pytest.raises(IntegrityError):
        with wb.engine.begin() as conn:
            conn.execute(insert(s.time_entries).values(**{**row, "supersedes_id": entry.id,
                                                          "status": "entered-in-error"}))
    with pytest.raises(InvalidInput, match="already corrected or voided"):
        wb.void_time(entry.id, "again")


def _entry_row(wb, entry_id):
    from sqlalchemy import select

    with wb.read() as conn:
        return dict(conn.execute(select(s.time_entries).where(s.time_entries.c.id == entry_id)).first()._mapping)


def test_an_orphaned_timer_is_not_stopped_at_now(wb, clock):
    timer = wb.start_timer("P00001", note="call")
    clock.advance(hours=5)  # the kernel died; its owner comes back hours later
    with pytest.raises(InvalidInput, match="limit of 240") as err:
        wb.stop_timer()
    assert "not closed at now" in str(err.value)
    assert wb.running_timer().id == timer.id  # nothing was written
    entry = wb.close_abandoned_timer(timer.id, "Kernel stopped", ended_at=timer.started_at.replace(
        minute=timer.started_at.minute + 20))
    assert entry.seconds == 20 * 60 and entry.mode == r.EntryMode.LATE


def test_the_limit_is_a_practice_setting(wb, clock):
    wb.as_user("S004").set_timer_limit(30)
    wb.start_timer("P00001", note="call")
    clock.advance(minutes=31)
    with pytest.raises(InvalidInput, match="limit of 30"):
        wb.stop_timer()
    with pytest.raises(InvalidInput):
        wb.as_user("S004").set_timer_limit(0)


def _sqlite_path(wb):
    return wb.engine.url.database


@pytest.mark.parametrize("verb", ["REPLACE INTO", "INSERT OR REPLACE INTO"])
def test_sqlite_refuses_replace_on_clinical_tables_through_sqlalchemy(sqlite_url, clock, verb):
    from sqlalchemy import text

    from tests.conftest import STAFF, sample_patient
    from workbench.service import Workbench

    wb = Workbench.open(sqlite_url, clock=clock)
    for u in STAFF:
        wb.add_user(u)
    wb.add_patient(sample_patient())
    staff = wb.as_user("S001")
    staff.record_consent("P00001", "verbal", "2026-11-02", dict.fromkeys(r.CONSENT_DISCLOSURES, True))
    entry = staff.log_time("P00001", 20, "patient_call", "call")
    for sql in (f"{verb} consents SELECT * FROM consents",
                f"{verb} time_entries SELECT * FROM time_entries WHERE id = {entry.id}"):
        with pytest.raises(IntegrityError, match="may not replace a row"):
            with wb.engine.begin() as conn:
                conn.execute(text(sql))
    assert staff.time_entries("P00001")[0].seconds == 20 * 60


def test_sqlite_shell_refuses_replace(sqlite_url, clock):
    import shutil
    import subprocess

    from tests.conftest import STAFF, sample_patient
    from workbench.service import Workbench

    shell = shutil.which("sqlite3")
    if shell is None:
        pytest.fail("the sqlite3 shell is needed (apt-get install sqlite3)")
    wb = Workbench.open(sqlite_url, clock=clock)
    for u in STAFF:
        wb.add_user(u)
    wb.add_patient(sample_patient())
    staff = wb.as_user("S001")
    staff.record_consent("P00001", "verbal", "2026-11-02", dict.fromkeys(r.CONSENT_DISCLOSURES, True))
    entry = staff.log_time("P00001", 20, "patient_call", "call")
    path = _sqlite_path(wb)
    for sql in ("REPLACE INTO consents (id, patient_id, method, consent_date, obtained_by, disclosures, "
                "status, reason, recorded_at, recorded_by, recorded_role, recorded_credential) "
                "SELECT id, patient_id, method, '2020-01-01', obtained_by, disclosures, status, reason, "
                "recorded_at, recorded_by, recorded_role, recorded_credential FROM consents",
                f"INSERT OR REPLACE INTO time_entries SELECT * FROM time_entries WHERE id = {entry.id}"):
        out = subprocess.run([shell, path, sql], capture_output=True, text=True)
        assert out.returncode != 0 and "may not replace a row" in out.stderr
    assert staff.consents("P00001")[0].consent_date.isoformat() == "2026-11-02"
    assert staff.time_entries("P00001")[0].seconds == 20 * 60
