"""Time entries: manual entries, voids, listing and the month's bill."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput
from .policy import Action
from ..store import queries as q
from ..store import schema as s
from ..rules.months import month_bounds


def _current_entries(pid: str | None = None, month: str | None = None, scope: str | None = None):
    """The statement for current (not voided) time entries, oldest first: of one patient, one
    month (``YYYY-MM``, already checked by the caller) and one scope, each when given."""
    te = s.time_entries
    stmt = select(te).where(q.current(te))
    if pid is not None:
        stmt = stmt.where(te.c.patient_id == pid)
    if month is not None:
        first, last = month_bounds(month)
        stmt = stmt.where(te.c.service_date >= first, te.c.service_date <= last)
    if scope is not None:
        stmt = stmt.where(te.c.patient_id.in_(select(s.patients.c.id).where(s.patients.c.scope == scope)))
    return stmt.order_by(te.c.service_date, te.c.started_at, te.c.id)


class TimeEntriesMixin:
    """Manual time, voids and the month's bill."""


    def log_time(self, pid: str, minutes: float, activity: r.Activity | str, note: str,
                 service_date: date | str | None = None, started_at: datetime | None = None,
                 service: r.Service | str = r.Service.CCM) -> r.TimeEntry:
        """Record time after the fact (a manual entry, marked as such)."""
        mins = v.minutes(minutes)
        activity = v.choice(activity, r.Activity, "Activity", "activity")
        service = v.choice(service, r.Service, "Service", "service")
        note = v.text(note, "A note saying what was done", field="note")
        now, today = self.now(), self.today()
        seconds = v.seconds_of(mins)
        ended_at = None
        if started_at is not None:
            started_at = v.a_datetime(started_at, "Start time", now=now, earliest=v.EARLIEST_SERVICE,
                                      field="started_at")
            ended_at = started_at + timedelta(seconds=seconds)
            if ended_at > now:
                raise InvalidInput("That entry would end in the future.", "minutes")
            day = self.local_date(started_at)
            if service_date is not None and v.a_date(service_date, "Date") != day:
                raise InvalidInput("The date does not match the start time.", "service_date")
            service_date = day
        service_date = v.care_date(service_date if service_date is not None else today, "Date",
                                   today=today, field="service_date")
        mode = r.EntryMode.CONTEMPORANEOUS if service_date == today else r.EntryMode.LATE
        with self.write() as conn:
            patient = self._patient_row(conn, pid, Action.LOG_TIME)
            v.care_date(service_date, "Date", today=today, birth=patient.birth_date, field="service_date")
            conn.lock_staff(self.user.id)  # the same lock as starting and stopping a timer
            self._refuse_overlap_with_timer(conn, pid, service_date, today, started_at, ended_at)
            return conn.insert_entry(patient_id=pid, staff=self.user, service=service,
                                      activity=activity, note=note, started_at=started_at,
                                      ended_at=ended_at, seconds=seconds, manual=True, mode=mode,
                                      service_date=service_date)

    def _refuse_overlap_with_timer(self, conn, pid, service_date, today, started_at, ended_at) -> None:
        """Manual minutes for a patient while the same person's timer runs on that patient are
        counted twice: refused. An entry with a start time is refused when it overlaps the timer
        (from its start until now); one without, when it is for today (it ends now)."""
        for t in self._open_timer_rows(conn, self.user.id):
            if t.patient_id != pid:
                continue
            since = t.started_at.astimezone(self.tz).strftime("%H:%M")
            overlaps = (started_at < self.now() and ended_at > t.started_at) if started_at is not None \
                else service_date == today
            if overlaps:
                raise InvalidInput(f"Your timer for {pid} has been running since {since}: those minutes are "
                                   "recorded when you stop it. Stop the timer first, or give this entry a "
                                   "start time before the timer started.", field="minutes")

    def void_time(self, entry_id: int, reason: str) -> None:
        """Mark a time entry entered-in-error: a new row naming it, with author and reason.

        Only the person whose time it is (or who recorded it) may void it; anyone else needs
        ``Action.CORRECT_OTHERS`` (supervisors), as closing another person's timer does."""
        reason = v.text(reason, "A reason for voiding", field="reason")
        entry_id = v.row_id(entry_id, "Entry id", "entry_id")
        with self.write() as conn:
            patient, row = self._patient_of(conn, s.time_entries, entry_id, Action.LOG_TIME, "time entry")
            self._check_author(conn, row, patient, "time entry")
            conn.supersede(s.time_entries, entry_id, reason, void=True)


    def time_entries(self, pid: str | None = None, month: str | None = None,
                     scope: str | None = None) -> list[r.TimeEntry]:
        """Current (not voided) time entries, oldest first."""
        if pid is not None:
            pid = v.identifier(pid, "Patient id", v.limit_of(s.patients.c.id), field="patient_id")
        stmt = _current_entries(pid, None if month is None else v.month(month), scope)
        with self.read() as conn:
            if pid is not None:
                self._patient_row(conn, pid, Action.READ_BILLING)
            elif scope is not None:
                self._check(conn, Action.READ_BILLING, scope)
            else:
                seen = {x.id for x in self._visible(conn, conn.execute(
                    select(s.patients.c.id, s.patients.c.scope)), Action.READ_BILLING)}
                return [q.to_time_entry(x) for x in conn.execute(stmt) if x.patient_id in seen]
            return [q.to_time_entry(x) for x in conn.execute(stmt)]

    def voided_entries(self, pid: str) -> list[dict]:
        """Void rows for a patient: which entry, who voided it, when and why (for the audit view)."""
        te = s.time_entries
        stmt = (select(te.c.supersedes_id, te.c.reason, te.c.recorded_by, te.c.recorded_at, te.c.seconds)
                .where(te.c.patient_id == pid, te.c.status == r.RecordStatus.ENTERED_IN_ERROR.value)
                .order_by(te.c.recorded_at))
        with self.read() as conn:
            self._patient_row(conn, pid, Action.READ_BILLING)
            return [dict(x._mapping) for x in conn.execute(stmt)]

    def month_bill(self, pid: str, month: str):
        """The month's codes, amounts and the reasons for unbilled minutes (workbench.rules)."""
        from ..reports.month_programme import ProgrammeInputs
        from ..rules import StaffingRule, assess_eligibility, rule_table_for, summarize_month

        from ..rules.initiation import initiation_status

        month = v.month(month)
        with self.read() as conn:  # one connection for every read of the month (the work bar asks often)
            patient = q.to_patient(self._patient_row(conn, pid, Action.READ_BILLING))
            pid = patient.id
            entries = [q.to_time_entry(x) for x in conn.execute(_current_entries(pid, month))]
            consents = self._consents(conn, pid)
            conds = [q.to_condition(x) for x in q.current_rows(conn, s.conditions, pid)]
            staff = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
            complex_attested = self._complex_attested(conn, pid, month)
            programmes = ProgrammeInputs(conn, {pid}, month)  # one programme per patient-month
            visits = [q.to_visit(x) for x in q.current_rows(conn, s.visits, pid)]
        time = summarize_month(entries, patient_id=pid, month=month, consents=consents, staff=staff,
                               staffing=StaffingRule(), today=self.today())
        bill = programmes.bill(time, consents=consents, eligibility=assess_eligibility(conds),
                               complex_attested=complex_attested, table=rule_table_for(month), today=self.today())
        from ..rules.billing import with_initiation

        return with_initiation(bill, initiation_status(visits, consents, month, patient.billing_practitioner_id))
