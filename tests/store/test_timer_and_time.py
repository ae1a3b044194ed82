"""Timer semantics and time entries, on both backends."""

from datetime import UTC, date, datetime, timedelta

import pytest

from workbench import records as r
from workbench.errors import InvalidInput, PermissionDenied, TimerConflict


def test_start_writes_a_row_and_stop_writes_the_entry(wb, clock):
    t = wb.start_timer("P00001", r.Activity.PATIENT_CALL, note="monthly check-in")
    assert wb.count("timers") == 1 and wb.count("time_entries") == 0
    assert wb.running_timer().id == t.id
    clock.advance(minutes=21, seconds=5)
    entry = wb.stop_timer()
    assert entry.seconds == 21 * 60 + 5 and entry.mode == r.EntryMode.TIMER and not entry.manual
    assert entry.started_at == t.started_at and entry.ended_at == clock.now()
    assert entry.service_date == date(2026, 11, 10) and entry.note == "monthly check-in"
    assert wb.running_timer() is None and wb.open_timers() == []


def test_second_start_is_refused_and_names_the_running_timer(wb, clock):
    wb.start_timer("P00001")
    with pytest.raises(TimerConflict, match="patient P00001 ") as err:
        wb.start_timer("P00002")
    assert "Ada" not in str(err.value) and "Lovelace" not in str(err.value)  # ids, never names
    assert wb.count("timers") == 1


def test_timers_are_per_staff_member(wb, clock):
    wb.start_timer("P00001")
    other = wb.as_user("S002")
    other.start_timer("P00001")
    assert {t.staff_id for t in wb.open_timers()} == {"S001", "S002"}


def test_stop_without_a_timer_is_refused(wb):
    with pytest.raises(TimerConflict):
        wb.stop_timer("x")


def test_stop_needs_a_note(wb, clock):
    wb.start_timer("P00001")
    clock.advance(minutes=3)
    with pytest.raises(InvalidInput, match="note"):
        wb.stop_timer(note="  ")
    assert wb.count("time_entries") == 0 and wb.running_timer() is not None


def test_month_follows_the_practice_time_zone(wb, clock):
    # 2026-12-01 03:00 UTC is still 2026-11-30 22:00 in New York.
    clock.set(datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    wb.start_timer("P00001", note="late call")
    clock.advance(minutes=10)
    entry = wb.stop_timer()
    assert entry.service_date == date(2026, 11, 30)
    assert [e.id for e in wb.time_entries("P00001", "2026-11")] == [entry.id]


def test_abandoned_timer_closed_by_a_person_with_a_reason(wb, clock):
    t = wb.start_timer("P00001", note="call")
    clock.advance(hours=30)
    with pytest.raises(InvalidInput, match="left running"):
        wb.stop_timer()
    with pytest.raises(InvalidInput):
        wb.close_abandoned_timer(t.id, reason="")
    entry = wb.close_abandoned_timer(t.id, "Browser closed; call ended 10:25 per phone log",
                                     ended_at=t.started_at + timedelta(minutes=25))
    assert entry.seconds == 25 * 60 and entry.mode == r.EntryMode.LATE
    assert wb.open_timers() == []
    with pytest.raises(TimerConflict):
        wb.close_abandoned_timer(t.id, "again")


def test_abandoned_timer_can_be_discarded(wb, clock):
    t = wb.start_timer("P00001", note="call")
    assert wb.close_abandoned_timer(t.id, "Started by mistake") is None
    assert wb.count("time_entries") == 0 and wb.open_timers() == []


def test_only_owner_or_supervisor_closes_a_timer(wb, clock):
    t = wb.start_timer("P00001")
    with pytest.raises(PermissionDenied):
        wb.as_user("S002").close_abandoned_timer(t.id, "not mine")
    wb.as_user("S004").close_abandoned_timer(t.id, "Staff left for the day; no time recorded")
    assert wb.open_timers() == []


def test_manual_entry_is_marked_and_late_entries_shown(wb, clock):
    today = wb.log_time("P00001", 12, "care_plan", "Updated goals")
    late = wb.log_time("P00001", 8, "record_review", "Reviewed labs", service_date=date(2026, 11, 3))
    assert today.manual and today.mode == r.EntryMode.CONTEMPORANEOUS
    assert late.mode == r.EntryMode.LATE and late.seconds == 480


def test_void_is_a_new_row_and_the_entry_leaves_the_totals(wb, clock):
    e = wb.log_time("P00001", 12, "care_plan", "Updated goals")
    wb.void_time(e.id, "Entered on the wrong patient")
    assert wb.time_entries("P00001") == []
    assert wb.count("time_entries") == 2
    (void,) = wb.voided_entries("P00001")
    assert void["supersedes_id"] == e.id and void["reason"] == "Entered on the wrong patient"
    with pytest.raises(InvalidInput, match="already"):
        wb.void_time(e.id, "again")


def test_consent_carries_when_it_was_recorded(wb, clock):
    c = wb.record_consent("P00001", "written", date(2026, 11, 2),
                          dict.fromkeys(r.CONSENT_DISCLOSURES, True))
    assert c.recorded_at == clock.now()
    assert wb.consents("P00001")[0].recorded_at == clock.now()


def test_month_bill_flags_unlicensed_staff_in_a_listed_state(wb, clock):
    """S003 is a CMA in NJ (reference, "Who may do the work": flag, never block)."""
    wb.record_consent("P00001", "verbal", date(2026, 11, 2), dict.fromkeys(r.CONSENT_DISCLOSURES, True))
    wb.as_user("S003").log_time("P00001", 25, "provider_coordination", "Arranged refill")
    bill = wb.month_bill("P00001", "2026-11")
    assert bill.codes_text == "99490"
    assert any("CMA" in f and "NJ" in f for f in bill.flags)
