"""The timer: one running timer per staff member; stopped by its owner, or closed by a person
giving the real end when it was left running.

A timer is ORPHANED (left running; docs/architecture.md, "Timers") when it has run longer than
the practice's ``timer_limit_minutes``, or when the live work bar that watched it stopped beating:
its heartbeat (``timer_heartbeats``, touched by the bar's tick through :meth:`timer_heartbeat`)
is older than ``timer_heartbeat_minutes`` ("the kernel is gone"). An orphaned timer is never
stopped at "now" and a later beat does not revive it: its owner closes it with the real minutes,
or discards it (:meth:`close_abandoned_timer`).

A PRACTICE timer (a training patient's) runs on its attempt's simulated clock, which jumps when
the trainee lets time pass, so its heartbeat says nothing about a kernel: it is judged by age on
that clock only, the attempt closes it when the shift ends, and the live "left running" list
(:meth:`orphaned_timers`) shows only live patients' timers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput, NotFound, TimerConflict
from .policy import Action
from ..store import queries as q
from ..store import schema as s


DEFAULT_HEARTBEAT_MINUTES = 10  #: no beat for this long: the kernel is gone
HEARTBEAT_EVERY_SECONDS = 60  #: a work bar writes at most one beat a minute
HEARTBEAT_KEY = "timer_heartbeat_minutes"


@dataclass(frozen=True)
class TimerHealth:
    """A running timer and whether it is orphaned (``why`` says how, in a sentence)."""

    timer: r.Timer
    last_beat: datetime | None  #: None: no live work bar watched it (judged by its age only)
    orphaned: bool
    why: str = ""


def orphan_reason(now: datetime, started_at: datetime, last_beat: datetime | None,
                  limit_minutes: int, heartbeat_minutes: int) -> str:
    """Why a running timer is orphaned, or "" when it is not (pure; the rule of this module's
    docstring). A timer never watched by a work bar (``last_beat`` None) is judged by age only."""
    age = now - started_at
    if age > timedelta(minutes=limit_minutes):
        return (f"it has run for {int(age.total_seconds() // 60)} minutes, more than the practice's "
                f"limit of {limit_minutes}")
    if last_beat is not None and now - last_beat > timedelta(minutes=heartbeat_minutes):
        quiet = int((now - last_beat).total_seconds() // 60)
        return (f"the page that ran it has given no sign of life for {quiet} minutes (more than "
                f"{heartbeat_minutes}): its kernel is gone")
    return ""


class TimerMixin:
    """Start, stop and close timers; heartbeats and orphaned timers."""

    @property
    def heartbeat_limit_minutes(self) -> int:
        """No heartbeat for longer than this orphans a watched timer (settings key
        ``timer_heartbeat_minutes``, default 10)."""
        with self.read() as conn:
            value = conn.execute(select(s.settings.c.value).where(s.settings.c.key == HEARTBEAT_KEY)).scalar()
        return int(value) if value else DEFAULT_HEARTBEAT_MINUTES

    def set_heartbeat_limit(self, minutes: int) -> None:
        """Supervisors: the minutes without a heartbeat after which a timer is orphaned."""
        low = HEARTBEAT_EVERY_SECONDS // 60 + 1
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= v.MAX_ENTRY_MINUTES:
            raise InvalidInput(f"The heartbeat limit is a whole number of minutes from {low} to "
                               f"{v.MAX_ENTRY_MINUTES}.", HEARTBEAT_KEY)
        with self.write() as conn:
            self._check(conn, Action.SET_SETTINGS)
            conn.set_setting(HEARTBEAT_KEY, str(minutes))

    def _beat_of(self, conn: Connection, timer_id: int) -> datetime | None:
        return conn.execute(select(s.timer_heartbeats.c.beat_at)
                            .where(s.timer_heartbeats.c.timer_id == timer_id)).scalar()

    @staticmethod
    def _practice_ids(conn: Connection, rows) -> set[int]:
        """The timers among ``rows`` that are for training (practice) patients."""
        pids = {x.patient_id for x in rows}
        if not pids:
            return set()
        practice = set(conn.execute(select(s.patients.c.id).where(
            s.patients.c.id.in_(pids), s.patients.c.scope != "live")).scalars())
        return {x.id for x in rows if x.patient_id in practice}

    def _why_orphaned(self, conn: Connection, t, now: datetime) -> str:
        beat = None if self._practice_ids(conn, [t]) else self._beat_of(conn, t.id)
        return orphan_reason(now, t.started_at, beat, self.timer_limit_minutes,
                             self.heartbeat_limit_minutes)

    def timer_heartbeat(self, every_seconds: int = HEARTBEAT_EVERY_SECONDS) -> bool:
        """The live work bar's tick: "this kernel is alive" for the signed-in user's running
        timer. Tries at most once per ``every_seconds`` (per Workbench object) while a timer
        runs. A timer already orphaned is not revived. Returns whether a beat was written."""
        now = self.now()
        last = getattr(self, "_beat_written_at", None)
        if last is not None and (now - last).total_seconds() < every_seconds:
            return False
        with self.write() as conn:
            conn.lock_staff(self.user.id)  # serialised with stop and close (no beat after a stop)
            rows = self._open_timer_rows(conn, self.user.id)
            if not rows:
                return False
            self._beat_written_at = now  # tried: a refused beat is not retried every second
            t = rows[0]
            beat = self._beat_of(conn, t.id)
            if self._why_orphaned(conn, t, now) or (
                    beat is None and now - t.started_at > timedelta(minutes=self.heartbeat_limit_minutes)):
                return False  # left running: a person closes it with the real end
            conn.beat(t.id, now)
        return True

    def timer_health(self, staff_id: str | None = None) -> list[TimerHealth]:
        """Every running timer (``staff_id``: one person's) with whether it is orphaned."""
        now = self.now()
        with self.read() as conn:
            rows = self._open_timer_rows(conn, staff_id)
            beats = dict(conn.execute(select(s.timer_heartbeats.c.timer_id, s.timer_heartbeats.c.beat_at)
                                      .where(s.timer_heartbeats.c.timer_id.in_([x.id for x in rows]))).all())
            for tid in self._practice_ids(conn, rows):
                beats.pop(tid, None)  # a practice timer's clock is simulated: age only
        limit, beat_limit = self.timer_limit_minutes, self.heartbeat_limit_minutes
        out = []
        for x in rows:
            why = orphan_reason(now, x.started_at, beats.get(x.id), limit, beat_limit)
            out.append(TimerHealth(q.to_timer(x), beats.get(x.id), bool(why), why))
        return out

    def orphaned_timers(self, mine_only: bool = True) -> list[TimerHealth]:
        """The orphaned timers of live patients: the signed-in user's (default), or everyone's.
        Practice timers are the attempt's to close (it does when the shift ends)."""
        health = [h for h in self.timer_health(self.user.id if mine_only else None) if h.orphaned]
        if not health:
            return []
        with self.read() as conn:
            live = set(conn.execute(select(s.patients.c.id).where(
                s.patients.c.id.in_({h.timer.patient_id for h in health}),
                s.patients.c.scope == "live")).scalars())
        return [h for h in health if h.timer.patient_id in live]


    def start_timer(self, pid: str, activity: r.Activity | str = r.Activity.PATIENT_CALL,
                    service: r.Service | str = r.Service.CCM, note: str = "") -> r.Timer:
        """Start the signed-in user's timer for a patient (a row is written now)."""
        activity = v.choice(activity, r.Activity, "Activity", "activity")
        service = v.choice(service, r.Service, "Service", "service")
        note = v.text(note, "Note", required=False, field="note")
        now = self.now()
        with self.write() as conn:
            patient = self._patient_row(conn, pid, Action.LOG_TIME)
            conn.lock_staff(self.user.id)
            running = self._open_timer_rows(conn, self.user.id)
            if running:
                t = running[0]  # named by patient id: a message never carries a patient's name
                since = t.started_at.astimezone(self.tz).strftime("%H:%M")
                raise TimerConflict(
                    f"Your timer for patient {t.patient_id} has been running since "
                    f"{since}. Stop it before starting another.")
            tid = conn.add_row(s.timers, patient_id=patient.id, staff_id=self.user.id, started_at=now,
                              activity=activity.value, service=service.value, note=note)
        return r.Timer(id=tid, staff_id=self.user.id, patient_id=pid, started_at=now,
                       activity=activity, service=service, note=note)

    def _open_timer_rows(self, conn: Connection, staff_id: str | None = None) -> list:
        stmt = (select(s.timers).outerjoin(s.timer_stops, s.timer_stops.c.timer_id == s.timers.c.id)
                .where(s.timer_stops.c.id.is_(None)).order_by(s.timers.c.started_at))
        if staff_id is not None:
            stmt = stmt.where(s.timers.c.staff_id == staff_id)
        return list(conn.execute(stmt))

    def running_timer(self) -> r.Timer | None:
        with self.read() as conn:
            rows = self._open_timer_rows(conn, self.user.id)
        return q.to_timer(rows[0]) if rows else None

    def open_timers(self) -> list[r.Timer]:
        """Every timer still running, for everyone: after a kernel died they are listed here
        and must be closed by a person (:meth:`close_abandoned_timer`)."""
        with self.read() as conn:
            return [q.to_timer(x) for x in self._open_timer_rows(conn)]

    def stop_timer(self, note: str | None = None, activity: r.Activity | str | None = None) -> r.TimeEntry:
        """Stop the signed-in user's timer and write its time entry."""
        now = self.now()
        with self.write() as conn:
            conn.lock_staff(self.user.id)
            rows = self._open_timer_rows(conn, self.user.id)
            if not rows:
                raise TimerConflict("No timer is running for you.")
            t = rows[0]
            self._patient_row(conn, t.patient_id, Action.LOG_TIME)
            final_note = v.text(t.note if note is None else note, "A note saying what was done")
            act = v.choice(activity or t.activity, r.Activity, "Activity", "activity")
            seconds = int((now - t.started_at).total_seconds())
            why = self._why_orphaned(conn, t, now)
            if why:
                raise InvalidInput(
                    f"This timer was left running: {why}. Close it as abandoned with the real end "
                    "time (or discard it); it is not closed at now.")
            if seconds < 1:
                raise InvalidInput("This timer has run for less than a second: there is no time to "
                                   "record. Let it run, or discard it (close it without time).", "seconds")
            if seconds > v.MAX_ENTRY_MINUTES * 60:
                raise InvalidInput(
                    f"This timer has run for {seconds // 3600} h, more than 12 hours: it was "
                    "probably left running. Close it as abandoned with the real end time.")
            entry = conn.insert_entry(patient_id=t.patient_id, staff=self.user,
                                       service=r.Service(t.service), activity=act, note=final_note,
                                       started_at=t.started_at, ended_at=now, seconds=seconds,
                                       manual=False, mode=r.EntryMode.TIMER, timer_id=t.id)
            conn.add_row(s.timer_stops, timer_id=t.id, stopped_at=now, time_entry_id=entry.id,
                        closure_reason="")
        return entry

    def close_abandoned_timer(self, timer_id: int, reason: str,
                              ended_at: datetime | None = None) -> r.TimeEntry | None:
        """Close a timer left running (e.g. a kernel died). A person says when it really ended,
        or that the time is discarded (``ended_at=None``): the end is never guessed."""
        reason = v.text(reason, "A reason for closing this timer", field="reason")
        timer_id = v.row_id(timer_id, "Timer id", "timer_id")
        now = self.now()
        with self.write() as conn:
            t = conn.execute(select(s.timers).where(s.timers.c.id == timer_id)).first()
            if t is None:
                raise NotFound(f"No timer {timer_id}.")
            conn.lock_staff(t.staff_id)
            if conn.execute(select(s.timer_stops.c.id).where(s.timer_stops.c.timer_id == timer_id)).first():
                raise TimerConflict(f"Timer {timer_id} is already closed.")
            if t.staff_id != self.user.id:
                self._patient_row(conn, t.patient_id, Action.CLOSE_OTHERS_TIMER)
            else:
                self._patient_row(conn, t.patient_id, Action.LOG_TIME)
            entry = None
            if ended_at is not None:
                ended_at = v.a_datetime(ended_at, "End time", now=now, field="ended_at")
                if ended_at <= t.started_at:
                    raise InvalidInput("The end time is before the timer started.", "ended_at")
                seconds = int((ended_at - t.started_at).total_seconds())
                if seconds > v.MAX_ENTRY_MINUTES * 60:
                    raise InvalidInput("That would be more than 12 hours in one entry.", "ended_at")
                staff = self._user_row(conn, t.staff_id)
                entry = conn.insert_entry(patient_id=t.patient_id, staff=staff,
                                           service=r.Service(t.service), activity=r.Activity(t.activity),
                                           note=t.note or reason, started_at=t.started_at,
                                           ended_at=ended_at, seconds=seconds, manual=False,
                                           mode=r.EntryMode.LATE, timer_id=t.id)
            conn.add_row(s.timer_stops, timer_id=t.id, stopped_at=ended_at,
                        time_entry_id=entry.id if entry else None, closure_reason=reason)
        return entry
