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
