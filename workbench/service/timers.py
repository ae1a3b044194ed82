"""The timer: one running timer per staff member; stopped by its owner, or closed by a person
giving the real end when it was left running."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput, NotFound, TimerConflict
from ..policy import Action
from ..store import queries as q
from ..store import schema as s


class TimerMixin:
    """Start, stop and close timers."""


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
                t = running[0]
                other = conn.execute(select(s.patients.c.first_name, s.patients.c.last_name)
                                     .where(s.patients.c.id == t.patient_id)).first()
                since = t.started_at.astimezone(self.tz).strftime("%H:%M")
                raise TimerConflict(
                    f"Your timer for {other.first_name} {other.last_name} has been running since "
                    f"{since}. Stop it before starting another.")
            res = conn.execute(insert(s.timers).values(
                patient_id=patient.id, staff_id=self.user.id, started_at=now,
                activity=activity.value, service=service.value, note=note, **conn.stamp))
            tid = res.inserted_primary_key[0]
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
            limit = self.timer_limit_minutes
            if seconds > limit * 60:
                raise InvalidInput(
                    f"This timer has run for {seconds // 60} minutes, more than the practice's "
                    f"limit of {limit}: it was probably left running (a closed window or a stopped "
                    "kernel). Close it as abandoned with the real end time; it is not closed at now.")
            if seconds > v.MAX_ENTRY_MINUTES * 60:
                raise InvalidInput(
                    f"This timer has run for {seconds // 3600} h, more than 12 hours: it was "
                    "probably left running. Close it as abandoned with the real end time.")
            entry = conn.insert_entry(patient_id=t.patient_id, staff=self.user,
                                       service=r.Service(t.service), activity=act, note=final_note,
                                       started_at=t.started_at, ended_at=now, seconds=max(seconds, 0),
                                       manual=False, mode=r.EntryMode.TIMER, timer_id=t.id)
            conn.execute(insert(s.timer_stops).values(timer_id=t.id, stopped_at=now,
                                                      time_entry_id=entry.id, closure_reason="",
                                                      **conn.stamp))
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
            conn.execute(insert(s.timer_stops).values(
                timer_id=t.id, stopped_at=ended_at, time_entry_id=entry.id if entry else None,
                closure_reason=reason, **conn.stamp))
        return entry
