"""A timer left running shows under the work bar, where its owner records the real minutes or
discards it; the live work bar's tick is what beats (workbench/service/timers.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(1, str(Path(__file__).resolve().parent))

from conftest import sample_patient  # noqa: E402
from helpers import seeded_ui_db  # noqa: E402

from workbench.service import Workbench  # noqa: E402
from workbench.ui import app as one  # noqa: E402
from workbench.ui.timer_bar import TimerBar  # noqa: E402


@pytest.fixture
def db(sqlite_url, clock, monkeypatch):
    return seeded_ui_db(sqlite_url, clock, monkeypatch, sample_patient())


def _left_running(db, clock, user="S001"):
    """A timer whose page beat once, then went away for 15 minutes."""
    wb = Workbench.open(db, user=user, clock=clock)
    timer = wb.start_timer("P00001", note="call")
    assert wb.timer_heartbeat() is True
    clock.advance(minutes=15)
    return timer


def test_the_owner_records_the_real_minutes(db, clock):
    timer = _left_running(db, clock)
    app = one.workbench_app("worklist", db, clock, {"user": "S001"}, live_timer=False)
    (row,) = app.orphans.rows
    assert app.orphans.layout.display is None
    assert "left running" in row.text.value and "Ada Lovelace (P00001)" in row.text.value
    assert "no sign of life for 15 minutes" in row.text.value
    assert app.timer_bar.stop() is None and "left running" in app.timer_bar.msg.value  # not at now
    row.minutes.value = 9
    row.record_button.click()
    (entry,) = app.wb.time_entries("P00001")
    assert entry.seconds == 9 * 60 and entry.started_at == timer.started_at and entry.mode.value == "late"
    assert app.orphans.rows == [] and "Recorded 9 min" in app.orphans.done.value
    assert app.wb.running_timer() is None and "No timer running" in app.timer_bar.label.value


def test_discarding_needs_a_reason_and_records_no_time(db, clock):
    _left_running(db, clock)
    app = one.workbench_app("worklist", db, clock, {"user": "S001"}, live_timer=False)
    (row,) = app.orphans.rows
    row.discard_button.click()
    assert "reason" in row.msg.value.lower() and app.wb.open_timers() != []
    row.reason.value = "Went to sleep with the page open; time unknown"
    row.discard_button.click()
    assert app.wb.open_timers() == [] and app.wb.time_entries("P00001") == []
    assert app.orphans.layout.display is None and "no time recorded" in app.orphans.done.value


def test_only_the_owner_and_supervisors_see_it(db, clock):
    _left_running(db, clock, user="S002")
    mine = one.workbench_app("worklist", db, clock, {"user": "S001"}, live_timer=False)
    assert mine.orphans.rows == [] and mine.orphans.layout.display == "none"
    sup = one.workbench_app("worklist", db, clock, {"user": "S004"}, live_timer=False)
    (row,) = sup.orphans.rows
    assert "The timer of S002" in row.text.value


def test_the_live_bars_tick_beats(db, clock):
    wb = Workbench.open(db, user="S001", clock=clock)
    wb.start_timer("P00001", note="call")
    bar = TimerBar(wb, live=False)

    class TwoTicks:  # the bar's once-a-second wait, without waiting
        def __init__(self):
            self.n = 0

        def wait(self, _seconds):
            self.n += 1
            return self.n > 2

    bar._stop_event = TwoTicks()
    clock.advance(minutes=3)
    bar._run()
    (health,) = wb.timer_health()
    assert health.last_beat == clock.now()
    clock.advance(minutes=9)
    assert wb.orphaned_timers() == []
    clock.advance(minutes=2)
    assert len(wb.orphaned_timers()) == 1
