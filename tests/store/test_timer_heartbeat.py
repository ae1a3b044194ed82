"""Orphaned timers: a timer is left running when it exceeds the practice's age limit, or when the
work bar that watched it stopped beating for longer than ``timer_heartbeat_minutes`` (the kernel
is gone). Table-driven: the pure rule, then the service on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest

from workbench.errors import InvalidInput, PermissionDenied
from workbench.service.timers import orphan_reason

T0 = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)


def _m(minutes):
    return T0 + timedelta(minutes=minutes)


# now, last beat (None: never watched), age limit, heartbeat limit -> orphaned? and how
RULE = [
    (_m(30), None, 240, 10, ""),                       # never watched: age only
    (_m(241), None, 240, 10, "more than the practice's limit of 240"),
    (_m(240), None, 240, 10, ""),                      # exactly the limit is not over it
    (_m(30), _m(25), 240, 10, ""),                     # beating
    (_m(30), _m(20), 240, 10, ""),                     # exactly 10 minutes quiet
    (_m(31), _m(20), 240, 10, "no sign of life for 11 minutes"),
    (_m(300), _m(299), 240, 10, "limit of 240"),       # beating, but too old
    (_m(45), _m(30), 240, 20, ""),                     # the practice's own heartbeat limit
    (_m(45), _m(30), 30, 20, "limit of 30"),
]


@pytest.mark.parametrize("now, beat, limit, beat_limit, why", RULE)
def test_the_rule(now, beat, limit, beat_limit, why):
    got = orphan_reason(now, T0, beat, limit, beat_limit)
    assert (got == "") == (why == "") and why in got


# minutes after start at which the work bar beats, minute of the stop -> stop at now allowed?
SERVICE = [
    ([], 30, True),                        # no work bar (CLI, API): judged by age only
    ([0, 5, 10, 15, 20, 25], 30, True),    # a live bar
    ([0], 11, False),                      # the kernel died after the first beat
    ([0, 5], 16, False),
    ([0, 5, 10], 20, True),                # exactly 10 minutes since the last beat
    (list(range(0, 241, 5)), 241, False),  # beating, but past the 240-minute limit
]


@pytest.mark.parametrize("beats, stop_at, stops", SERVICE)
def test_stop_at_now_only_for_a_live_timer(wb, clock, beats, stop_at, stops):
    start = clock.now()
    timer = wb.start_timer("P00001", note="call")
    for minute in beats:
        clock.set(start + timedelta(minutes=minute))
        assert wb.timer_heartbeat(every_seconds=0) is True
    clock.set(start + timedelta(minutes=stop_at))
    (health,) = wb.timer_health()
    assert health.timer.id == timer.id and health.orphaned is not stops
    assert health.last_beat == (start + timedelta(minutes=beats[-1]) if beats else None)
    assert [h.timer.id for h in wb.orphaned_timers()] == ([] if stops else [timer.id])
    if stops:
        assert wb.stop_timer().seconds == stop_at * 60
        return
    with pytest.raises(InvalidInput, match="left running") as err:
        wb.stop_timer()
    assert health.why in str(err.value)
    assert wb.timer_heartbeat(every_seconds=0) is False  # a late beat does not revive it
    assert wb.orphaned_timers()[0].last_beat == health.last_beat
    # the owner closes it with the real minutes, or discards it
    entry = wb.close_abandoned_timer(timer.id, "the laptop closed", ended_at=start + timedelta(minutes=9))
    assert entry.seconds == 9 * 60 and wb.running_timer() is None and wb.orphaned_timers() == []


def test_a_discarded_orphan_records_no_time(wb, clock):
    timer = wb.start_timer("P00001", note="call")
    assert wb.timer_heartbeat() is True
    clock.advance(minutes=12)
    assert wb.close_abandoned_timer(timer.id, "kernel gone, time unknown") is None
    assert wb.time_entries("P00001") == [] and wb.open_timers() == []


def test_beats_are_written_at_most_once_a_minute_and_not_without_a_timer(wb, clock):
    assert wb.timer_heartbeat() is False  # nothing running
    wb.start_timer("P00001", note="call")
    assert wb.timer_heartbeat() is True
    clock.advance(seconds=59)
    assert wb.timer_heartbeat() is False
    clock.advance(seconds=1)
    assert wb.timer_heartbeat() is True
    assert wb.timer_health()[0].last_beat == clock.now()


def test_a_first_beat_after_the_heartbeat_limit_does_not_adopt_the_timer(wb, clock):
    # a page opened long after the kernel that started the timer died
    wb.start_timer("P00001", note="call")
    clock.advance(minutes=11)
    assert wb.timer_heartbeat() is False
    (health,) = wb.timer_health()
    assert health.last_beat is None and not health.orphaned  # judged by its age only


def test_others_orphaned_timers_are_listed_for_everyone(wb, clock):
    other = wb.as_user("S002")
    timer = other.start_timer("P00002", note="review")
    assert other.timer_heartbeat() is True
    clock.advance(minutes=15)
    assert wb.orphaned_timers() == []
    assert [h.timer.id for h in wb.orphaned_timers(mine_only=False)] == [timer.id]
    sup = wb.as_user("S004")
    sup.close_abandoned_timer(timer.id, "left running by a colleague", ended_at=timer.started_at + timedelta(minutes=4))
    assert wb.orphaned_timers(mine_only=False) == []


@pytest.mark.parametrize("minutes", [0, 1, 721, 2.5, "10", True, None])
def test_the_heartbeat_limit_is_checked(wb, minutes):
    with pytest.raises(InvalidInput):
        wb.as_user("S004").set_heartbeat_limit(minutes)
    assert wb.heartbeat_limit_minutes == 10


def test_supervisors_set_the_heartbeat_limit(wb, clock):
    with pytest.raises(PermissionDenied):
        wb.set_heartbeat_limit(30)
    wb.as_user("S004").set_heartbeat_limit(30)
    wb.as_user("S004").set_heartbeat_limit(20)
    assert wb.heartbeat_limit_minutes == 20
    wb.start_timer("P00001", note="call")
    wb.timer_heartbeat()
    clock.advance(minutes=15)
    assert wb.orphaned_timers() == []
    clock.advance(minutes=6)
    assert len(wb.orphaned_timers()) == 1


def test_an_orphan_stays_orphaned_however_often_the_bar_beats(wb, clock):
    wb.start_timer("P00001", note="call")
    assert wb.timer_heartbeat() is True
    clock.advance(minutes=11)
    assert wb.timer_heartbeat() is False  # orphaned: refused
    with wb.read() as conn:
        from sqlalchemy import select

        from workbench.store import schema as s

        before = conn.execute(select(s.timer_heartbeats.c.beat_at)).scalar_one()
    clock.advance(seconds=1)
    assert wb.timer_heartbeat() is False  # within the minute
    clock.advance(seconds=60)
    assert wb.timer_heartbeat() is False and wb.timer_health()[0].last_beat == before
