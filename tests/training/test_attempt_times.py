"""An attempt's real times (begun, finished, the call's pace in wall mode) come from the
workbench's clock (the service's ``clock``), never from the machine directly: a test or the
demo's clock controls them."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

from workbench.clock import FixedClock

from training.attempts import StoreAttempts
from training.engine import start_attempt
from training.shift_play import start_shift
from training.shifts import load_shifts

from .conftest import TRAINEE

TRAINING = Path(__file__).resolve().parents[2] / "training"
MACHINE_CLOCKS = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time"),
                  ("time", "monotonic")}
BEGUN = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def machine_clock_reads(source: str) -> list[int]:
    return [n.lineno for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
            and (n.func.value.id, n.func.attr) in MACHINE_CLOCKS]


def test_the_scan_sees_a_machine_clock():
    assert machine_clock_reads("from datetime import datetime\nx = datetime.now(UTC)\ny = clock.now()\n") == [2]


def test_no_training_module_reads_the_machines_clock():
    found = {p.relative_to(TRAINING).as_posix(): lines for p in sorted(TRAINING.rglob("*.py"))
             if (lines := machine_clock_reads(p.read_text(encoding="utf-8")))}
    assert found == {}


def test_an_attempt_is_begun_and_finished_on_the_workbench_clock(wb, library):
    clock = FixedClock(BEGUN)
    trainee = wb.as_user(TRAINEE.id, clock=clock)
    repo = StoreAttempts(trainee)
    attempt = start_attempt(trainee, library[sorted(library)[0]], TRAINEE.id, repo=repo)
    assert attempt.record.started_at == BEGUN
    clock.advance(minutes=25)
    attempt.end()
    saved = repo.get_attempt(attempt.id)
    assert (saved.started_at, saved.finished_at) == (BEGUN, BEGUN + timedelta(minutes=25))


def test_a_shift_is_begun_on_the_workbench_clock(wb, library):
    clock = FixedClock(BEGUN)
    trainee = wb.as_user(TRAINEE.id, clock=clock)
    shift = next(iter(load_shifts(library).values()))
    attempt = start_shift(trainee, shift, TRAINEE.id, library, repo=StoreAttempts(trainee))
    assert attempt.record.started_at == BEGUN


def test_a_wall_clock_call_moves_at_the_workbench_clocks_pace(wb, library):
    clock = FixedClock(BEGUN)
    trainee = wb.as_user(TRAINEE.id, clock=clock)
    attempt = start_attempt(trainee, library[sorted(library)[0]], TRAINEE.id, repo=StoreAttempts(trainee),
                            wall=True)
    assert attempt.clock.running
    before = attempt.clock.peek()
    assert attempt.clock.peek() == before  # the workbench clock stands still, so does the call
    clock.advance(seconds=90)
    # (a reading is at least a microsecond after the one before, so a few microseconds may be spent)
    assert timedelta(seconds=89.99) < attempt.clock.peek() - before <= timedelta(seconds=90)
