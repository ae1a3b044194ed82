"""Two processes signed in as one staff member on one PostgreSQL, for a bounded time: the
invariants hold (one running timer, one stop per timer, one void per entry) and every lost race
is the project's own error, never a raw IntegrityError."""

import multiprocessing as mp
import time

import pytest

SECONDS = 4.0


def _timer_worker(url, seconds, out):
    from workbench.errors import InvalidInput, TimerConflict
    from workbench.service import Workbench

    wb = Workbench.open(url, user="S001")
    counts = {"started": 0, "stopped": 0, "conflicts": 0, "seen_two_open": 0, "unexpected": []}
    end = time.monotonic() + seconds
    # the window, and then until this process has won a few starts (on a busy machine one process
    # can lose every race of a short window; up to a minute more, still racing the other)
    while time.monotonic() < end or (counts["started"] < 5 and time.monotonic() < end + 60):
        try:
            wb.start_timer("P00001", note="race")
            counts["started"] += 1
            if len([t for t in wb.open_timers() if t.staff_id == "S001"]) > 1:
                counts["seen_two_open"] += 1
        except (TimerConflict, InvalidInput):
            counts["conflicts"] += 1
        except Exception as err:  # noqa: BLE001 - reported to the test
            counts["unexpected"].append(repr(err))
        try:
            wb.stop_timer(note="race")
            counts["stopped"] += 1
        except (TimerConflict, InvalidInput):
            counts["conflicts"] += 1
        except Exception as err:  # noqa: BLE001
            counts["unexpected"].append(repr(err))
    out.put(counts)


def _void_worker(url, ids, out):
    from workbench.errors import InvalidInput
    from workbench.service import Workbench

    wb = Workbench.open(url, user="S001")
    won, lost, unexpected = 0, 0, []
    for entry_id in ids:
        try:
            wb.void_time(entry_id, "entered on the wrong patient")
            won += 1
        except InvalidInput:
            lost += 1
        except Exception as err:  # noqa: BLE001
            unexpected.append(repr(err))
    out.put({"won": won, "lost": lost, "unexpected": unexpected})


def _beat_worker(url, seconds, out):
    """One of two kernels of one staff member: start (one wins), beat as a live work bar does,
    stop; the beats of both kernels land on the same timer."""
    from workbench.errors import InvalidInput, TimerConflict
    from workbench.service import Workbench

    wb = Workbench.open(url, user="S001")
    counts = {"beats": 0, "unexpected": []}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for call in ("start", "beat", "beat", "beat", "stop"):
            try:
                if call == "start":
                    wb.start_timer("P00001", note="race")
                elif call == "beat":
                    counts["beats"] += wb.timer_heartbeat(every_seconds=0)
                else:
                    wb.stop_timer(note="race")
            except (TimerConflict, InvalidInput):
                pass
            except Exception as err:  # noqa: BLE001 - reported to the test
                counts["unexpected"].append(repr(err))
    out.put(counts)


def _run(target, *args):
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, out)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    return results


@pytest.fixture
def pg_team(pg_server, clock):
    from tests.conftest import STAFF, forget_engines, new_app_database, sample_patient
    from workbench.service import Workbench

    url = new_app_database(pg_server)  # both processes connect as the app role
    system = Workbench.open(url)
    for u in STAFF:
        system.add_user(u)
    system.add_patient(sample_patient())
    yield url
    forget_engines(url)


def test_one_running_timer_and_one_stop_per_timer_under_two_processes(pg_team):
    from sqlalchemy import text

    from workbench.service import Workbench

    results = _run(_timer_worker, pg_team, SECONDS)
    assert [r["unexpected"] for r in results] == [[], []]
    assert all(r["started"] > 0 for r in results)  # both processes really raced
    assert sum(r["seen_two_open"] for r in results) == 0
    wb = Workbench.open(pg_team)
    with wb.engine.connect() as conn:
        timers = conn.execute(text("SELECT count(*) FROM timers WHERE staff_id = 'S001'")).scalar_one()
        stops = conn.execute(text("SELECT count(*) FROM timer_stops")).scalar_one()
        double = conn.execute(text("SELECT count(*) FROM (SELECT timer_id FROM timer_stops "
                                   "GROUP BY timer_id HAVING count(*) > 1) x")).scalar_one()
    assert timers == sum(r["started"] for r in results)
    assert stops == sum(r["stopped"] for r in results)
    assert timers - stops in (0, 1) and double == 0
    assert len([t for t in wb.open_timers() if t.staff_id == "S001"]) == timers - stops


def test_one_void_per_entry_under_two_processes(pg_team):
    from sqlalchemy import text

    from workbench.service import Workbench

    wb = Workbench.open(pg_team, user="S001")
    ids = [wb.log_time("P00001", 5, "patient_call", f"call {i}").id for i in range(30)]
    results = _run(_void_worker, pg_team, ids)
    assert [r["unexpected"] for r in results] == [[], []]
    assert sum(r["won"] for r in results) == len(ids)
    assert sum(r["lost"] for r in results) == len(ids)
    with wb.engine.connect() as conn:
        per_entry = dict(conn.execute(text(
            "SELECT supersedes_id, count(*) FROM time_entries WHERE supersedes_id IS NOT NULL "
            "GROUP BY supersedes_id")).all())
    assert per_entry == dict.fromkeys(ids, 1)


def test_two_kernels_beating_for_one_timer_never_collide(pg_team):
    """Heartbeats are one updatable row per timer: two kernels of one person beating and
    stopping at once take turns on the staff lock, so neither sees a raw IntegrityError, no
    timer has two rows, and no beat lands on a timer that was already stopped."""
    from sqlalchemy import text

    from workbench.service import Workbench

    results = _run(_beat_worker, pg_team, SECONDS)
    assert [r["unexpected"] for r in results] == [[], []]
    assert all(r["beats"] > 0 for r in results)  # both kernels really beat
    wb = Workbench.open(pg_team)
    with wb.engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*), count(DISTINCT timer_id) FROM timer_heartbeats")).one()
        late = conn.execute(text(
            "SELECT count(*) FROM timer_heartbeats h JOIN timer_stops s ON s.timer_id = h.timer_id "
            "WHERE h.beat_at > s.recorded_at + interval '1 second'")).scalar_one()
    assert rows[0] == rows[1] > 0 and late == 0
