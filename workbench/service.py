"""The application layer: one object the UI, the CLI and the training engine talk to.

Every public method validates its input first, then writes in ONE transaction (nothing is half
written), takes time from the injectable clock, and raises the project's own exceptions
(:mod:`workbench.errors`) with a message a care manager understands. The full API is listed in
``docs/service-api.md``.

Timer rule (issue 2, "Timer semantics"): one running timer per staff member. Starting a second
timer while one runs is **refused** (TimerConflict), so no time is ever closed by a guess; the
message names the running timer so the user can stop it first.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from . import records as r
from . import validate as v
from .clock import Clock, SystemClock
from .errors import InvalidInput, NotFound, PermissionDenied, StaleRevision, TimerConflict
from .medications import MedicationsMixin
from .store import make_engine, upgrade
from .store import queries as q
from .store import schema as s

SYSTEM_USER = r.User(id="system", name="Workbench system", role=r.Role.SUPERVISOR)

_ENGINES: dict[str, Engine] = {}


def _engine_for(db) -> Engine:
    from .store.engine import database_url

    url = database_url(db)
    if url not in _ENGINES:
        engine = make_engine(url)
        upgrade(engine)
        _ENGINES[url] = engine
    return _ENGINES[url]


@dataclass
class Chart:
    """Everything about one patient that the chart screen shows."""

    patient: r.Patient
    conditions: list[r.Condition]
    medications: list[r.Medication]
    allergies: list[r.Allergy]
    immunizations: list[r.Immunization]
    screenings: list[r.Screening]
    observations: list[r.Observation]
    barriers: list[r.Barrier]
    consents: list[r.Consent]
    consent: object  #: workbench.rules ConsentStatus today
    care_plan: r.CarePlanRevision | None
    contacts: list[r.Contact]
    escalations: list[r.Escalation]
    time_entries: list[r.TimeEntry]
    questionnaires: list[r.QuestionnaireResponse]
    eligibility: object  #: workbench.rules Eligibility
    care_team: dict[str, r.User] = field(default_factory=dict)


class Workbench(MedicationsMixin):
    """The CCM record for one signed-in user. Make one with :meth:`open`."""

    def __init__(self, engine: Engine, user: r.User, clock: Clock | None = None):
        self.engine = engine
        self.user = user
        self.clock = clock or SystemClock()
        self._settings: r.PracticeSettings | None = None

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, db=None, user: str | r.User | None = None, clock: Clock | None = None) -> Workbench:
        """Open (creating or migrating if needed) the database and sign ``user`` in.

        ``db`` is a path or a SQLAlchemy URL (default: ``WORKBENCH_DB`` or ./data/workbench.db).
        ``user`` is a staff id; ``None`` acts as the workbench system user (CLI, loaders).
        """
        engine = _engine_for(db)
        wb = cls(engine, SYSTEM_USER, clock)
        wb._ensure_system_user()
        if user is not None:
            wb = wb.as_user(user, clock)
        return wb

    def as_user(self, user: str | r.User, clock: Clock | None = None) -> Workbench:
        """The same database, another signed-in user (and optionally another clock)."""
        uid = user.id if isinstance(user, r.User) else user
        return Workbench(self.engine, self.get_user(uid), clock or self.clock)

    def _ensure_system_user(self) -> None:
        with self._read() as conn:
            if conn.execute(select(s.users.c.id).where(s.users.c.id == SYSTEM_USER.id)).first():
                return
        try:
            with self._tx() as conn:
                conn.execute(insert(s.users).values(id=SYSTEM_USER.id, name=SYSTEM_USER.name,
                                                    role=SYSTEM_USER.role.value, credential=None,
                                                    state=None, active=True))
        except IntegrityError:  # another process made it first
            pass

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        """One write transaction (SQLite: BEGIN IMMEDIATE)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(workbench_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    # ------------------------------------------------------------------ time helpers

    @property
    def settings(self) -> r.PracticeSettings:
        if self._settings is None:
            with self._read() as conn:
                values = {row.key: row.value for row in conn.execute(select(s.settings))}
            base = r.PracticeSettings()
            self._settings = r.PracticeSettings(
                name=values.get("name", base.name), timezone=values.get("timezone", base.timezone),
                state=values.get("state", base.state))
        return self._settings

    def set_settings(self, settings: r.PracticeSettings) -> None:
        try:
            ZoneInfo(settings.timezone)
        except Exception:
            raise InvalidInput(f"Unknown time zone '{settings.timezone}'.", "timezone") from None
        with self._tx() as conn:
            for key in ("name", "timezone", "state"):
                value = getattr(settings, key)
                if conn.execute(select(s.settings.c.key).where(s.settings.c.key == key)).first():
                    conn.execute(s.settings.update().where(s.settings.c.key == key).values(value=value))
                else:
                    conn.execute(insert(s.settings).values(key=key, value=value))
        self._settings = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """Today in the practice's time zone (months are calendar months there)."""
        return self.now().astimezone(self.tz).date()

    def local_date(self, when: datetime) -> date:
        return when.astimezone(self.tz).date()

    def _audit(self) -> dict:
        return {"recorded_at": self.now(), "recorded_by": self.user.id,
                "recorded_role": self.user.role.value,
                "recorded_credential": self.user.credential.value if self.user.credential else ""}

    # ------------------------------------------------------------------ people

    def add_user(self, user: r.User) -> r.User:
        if not isinstance(user, r.User):
            raise InvalidInput("add_user needs a User.")
        uid = v.short(user.id, "Staff id", field="staff_id")
        name = v.short(user.name, "Name", field="name")
        role = v.choice(user.role, r.Role, "Role", "role")
        cred = v.choice(user.credential, r.Credential, "Credential", "credential") if user.credential else None
        state = (user.state or "").strip().upper() or None
        if state is not None and len(state) != 2:
            raise InvalidInput(f"State '{user.state}' should be a two-letter code.", "state")
        with self._tx() as conn:
            if conn.execute(select(s.users.c.id).where(s.users.c.id == uid)).first():
                raise InvalidInput(f"Staff id {uid} is already in use.", "staff_id")
            conn.execute(insert(s.users).values(id=uid, name=name, role=role.value,
                                                credential=cred.value if cred else None,
                                                state=state, active=True))
        return r.User(id=uid, name=name, role=role, credential=cred, state=state)

    def users(self, role: r.Role | str | None = None) -> list[r.User]:
        stmt = select(s.users).where(s.users.c.active.is_(True), s.users.c.id != SYSTEM_USER.id)
        if role is not None:
            stmt = stmt.where(s.users.c.role == v.choice(role, r.Role, "Role").value)
        with self._read() as conn:
            return [q.to_user(row) for row in conn.execute(stmt.order_by(s.users.c.id))]

    def get_user(self, uid: str) -> r.User:
        if not isinstance(uid, str):
            raise InvalidInput(f"Staff id must be text, not {type(uid).__name__}.", "staff_id")
        with self._read() as conn:
            row = conn.execute(select(s.users).where(s.users.c.id == uid)).first()
        if row is None:
            raise NotFound(f"No staff member with id '{uid}'.")
        return q.to_user(row)

    def _require_role(self, *roles: r.Role, action: str) -> None:
        if self.user.role not in roles:
            allowed = ", ".join(x.value.replace("_", " ") for x in roles)
            raise PermissionDenied(f"Only {allowed} may {action}; you are signed in as "
                                   f"{self.user.role.value.replace('_', ' ')}.")

    # ------------------------------------------------------------------ patients

    def _patient_row(self, conn: Connection, pid) -> object:
        if not isinstance(pid, str):
            raise InvalidInput(f"Patient id must be text, not {type(pid).__name__}.", "patient_id")
        row = conn.execute(select(s.patients).where(s.patients.c.id == pid)).first()
        if row is None:
            raise NotFound(f"No patient with id '{pid}'.")
        return row

    def get_patient(self, pid: str) -> r.Patient:
        with self._read() as conn:
            return q.to_patient(self._patient_row(conn, pid))

    def patients(self, scope: str | None = "live") -> list[r.Patient]:
        stmt = select(s.patients).order_by(s.patients.c.id)
        if scope is not None:
            stmt = stmt.where(s.patients.c.scope == scope)
        with self._read() as conn:
            return [q.to_patient(row) for row in conn.execute(stmt)]

    def add_patient(self, bundle: r.PatientBundle | r.Patient) -> r.Patient:
        """Add one patient with everything known about them, in one transaction."""
        from .loader import bundle_rows, insert_rows

        if isinstance(bundle, r.Patient):
            bundle = r.PatientBundle(patient=bundle)
        rows = bundle_rows([bundle], self._audit(), today=self.today())
        with self._tx() as conn:
            if conn.execute(select(s.patients.c.id).where(s.patients.c.id == bundle.patient.id)).first():
                raise InvalidInput(f"Patient id {bundle.patient.id} is already in use.", "patient_id")
            insert_rows(conn, rows)
        return bundle.patient

    def load_panel(self, panel: r.Panel, progress: bool = False, batch: int = 500) -> int:
        """Write a whole panel (staff, settings, patients). Returns the number of patients.

        Each batch of ``batch`` patients is one transaction; the panel is checked as a whole
        before anything is written, so bad input writes nothing.
        """
        from .loader import load_panel

        return load_panel(self, panel, progress=progress, batch=batch)

    def chart(self, pid: str) -> Chart:
        from .rules import assess_eligibility, consent_status

        with self._read() as conn:
            patient = q.to_patient(self._patient_row(conn, pid))
            conds = [q.to_condition(x) for x in q.current_rows(conn, s.conditions, pid)]
            meds = [q.to_medication(x) for x in q.current_rows(conn, s.medications, pid)]
            allergies = [q.to_allergy(x) for x in q.current_rows(conn, s.allergies, pid)]
            imms = [q.to_immunization(x) for x in q.current_rows(conn, s.immunizations, pid,
                                                                  [s.immunizations.c.date])]
            scr = [q.to_screening(x) for x in q.current_rows(conn, s.screenings, pid, [s.screenings.c.date])]
            obs = [q.to_observation(x) for x in q.current_rows(conn, s.observations, pid,
                                                                [s.observations.c.effective])]
            barriers = [q.to_barrier(x) for x in q.current_rows(conn, s.barriers, pid)]
            consents = self._consents(conn, pid)
            contacts = [q.to_contact(x) for x in q.current_rows(conn, s.contacts, pid,
                                                                 [s.contacts.c.contacted_at])]
            esc = q.escalation_with_steps(conn, list(conn.execute(
                select(s.escalations).where(s.escalations.c.patient_id == pid)
                .order_by(s.escalations.c.opened_at))))
            qrs = [q.to_questionnaire(x) for x in q.current_rows(conn, s.questionnaire_responses, pid)]
            team_ids = {patient.billing_practitioner_id, patient.care_team_member_id} - {None}
            team = {row.id: q.to_user(row) for row in conn.execute(
                select(s.users).where(s.users.c.id.in_(team_ids)))} if team_ids else {}
        today = self.today()
        month = today.strftime("%Y-%m")
        return Chart(patient=patient, conditions=conds, medications=meds, allergies=allergies,
                     immunizations=imms, screenings=scr, observations=obs, barriers=barriers,
                     consents=consents, consent=consent_status(consents, today, today=today),
                     care_plan=self.care_plan(pid), contacts=contacts, escalations=esc,
                     time_entries=self.time_entries(pid, month), questionnaires=qrs,
                     eligibility=assess_eligibility(conds), care_team=team)

    # ------------------------------------------------------------------ time: timers

    def start_timer(self, pid: str, activity: r.Activity | str = r.Activity.PATIENT_CALL,
                    service: r.Service | str = r.Service.CCM, note: str = "") -> r.Timer:
        """Start the signed-in user's timer for a patient (a row is written now)."""
        activity = v.choice(activity, r.Activity, "Activity", "activity")
        service = v.choice(service, r.Service, "Service", "service")
        note = v.text(note, "Note", required=False)
        now = self.now()
        with self._tx() as conn:
            patient = self._patient_row(conn, pid)
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
                activity=activity.value, service=service.value, note=note, **self._audit()))
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
        with self._read() as conn:
            rows = self._open_timer_rows(conn, self.user.id)
        return q.to_timer(rows[0]) if rows else None

    def open_timers(self) -> list[r.Timer]:
        """Every timer still running, for everyone: after a kernel died they are listed here
        and must be closed by a person (:meth:`close_abandoned_timer`)."""
        with self._read() as conn:
            return [q.to_timer(x) for x in self._open_timer_rows(conn)]

    def stop_timer(self, note: str | None = None, activity: r.Activity | str | None = None) -> r.TimeEntry:
        """Stop the signed-in user's timer and write its time entry."""
        now = self.now()
        with self._tx() as conn:
            rows = self._open_timer_rows(conn, self.user.id)
            if not rows:
                raise TimerConflict("No timer is running for you.")
            t = rows[0]
            final_note = v.text(t.note if note is None else note, "A note saying what was done")
            act = v.choice(activity or t.activity, r.Activity, "Activity", "activity")
            seconds = int((now - t.started_at).total_seconds())
            if seconds > v.MAX_ENTRY_MINUTES * 60:
                raise InvalidInput(
                    f"This timer has run for {seconds // 3600} h, more than 12 hours: it was "
                    "probably left running. Close it as abandoned with the real end time.")
            entry = self._insert_entry(conn, patient_id=t.patient_id, staff=self.user,
                                       service=r.Service(t.service), activity=act, note=final_note,
                                       started_at=t.started_at, ended_at=now, seconds=max(seconds, 0),
                                       manual=False, mode=r.EntryMode.TIMER, timer_id=t.id)
            conn.execute(insert(s.timer_stops).values(timer_id=t.id, stopped_at=now,
                                                      time_entry_id=entry.id, closure_reason="",
                                                      **self._audit()))
        return entry

    def close_abandoned_timer(self, timer_id: int, reason: str,
                              ended_at: datetime | None = None) -> r.TimeEntry | None:
        """Close a timer left running (e.g. a kernel died). A person says when it really ended,
        or that the time is discarded (``ended_at=None``): the end is never guessed."""
        reason = v.text(reason, "A reason for closing this timer")
        if isinstance(timer_id, bool) or not isinstance(timer_id, int):
            raise InvalidInput("Timer id must be a whole number.", "timer_id")
        now = self.now()
        with self._tx() as conn:
            t = conn.execute(select(s.timers).where(s.timers.c.id == timer_id)).first()
            if t is None:
                raise NotFound(f"No timer {timer_id}.")
            if conn.execute(select(s.timer_stops.c.id).where(s.timer_stops.c.timer_id == timer_id)).first():
                raise TimerConflict(f"Timer {timer_id} is already closed.")
            if t.staff_id != self.user.id and self.user.role != r.Role.SUPERVISOR:
                raise PermissionDenied("Only the timer's owner or a supervisor may close it.")
            entry = None
            if ended_at is not None:
                ended_at = v.a_datetime(ended_at, "End time", now=now, field="ended_at")
                if ended_at <= t.started_at:
                    raise InvalidInput("The end time is before the timer started.", "ended_at")
                seconds = int((ended_at - t.started_at).total_seconds())
                if seconds > v.MAX_ENTRY_MINUTES * 60:
                    raise InvalidInput("That would be more than 12 hours in one entry.", "ended_at")
                staff = self._user_row(conn, t.staff_id)
                entry = self._insert_entry(conn, patient_id=t.patient_id, staff=staff,
                                           service=r.Service(t.service), activity=r.Activity(t.activity),
                                           note=t.note or reason, started_at=t.started_at,
                                           ended_at=ended_at, seconds=seconds, manual=False,
                                           mode=r.EntryMode.LATE, timer_id=t.id)
            conn.execute(insert(s.timer_stops).values(
                timer_id=t.id, stopped_at=ended_at, time_entry_id=entry.id if entry else None,
                closure_reason=reason, **self._audit()))
        return entry

    def _user_row(self, conn: Connection, uid: str) -> r.User:
        row = conn.execute(select(s.users).where(s.users.c.id == uid)).first()
        if row is None:
            raise NotFound(f"No staff member with id '{uid}'.")
        return q.to_user(row)

    def _insert_entry(self, conn: Connection, *, patient_id: str, staff: r.User, service: r.Service,
                      activity: r.Activity, note: str, started_at: datetime | None,
                      ended_at: datetime | None, seconds: int, manual: bool, mode: r.EntryMode,
                      timer_id: int | None = None, service_date: date | None = None,
                      external_id: str | None = None) -> r.TimeEntry:
        service_date = service_date or self.local_date(started_at)
        audit = self._audit()
        values = dict(patient_id=patient_id, staff_id=staff.id, staff_role=staff.role.value,
                      staff_credential=staff.credential.value if staff.credential else "",
                      service=service.value, activity=activity.value, note=note,
                      started_at=started_at, ended_at=ended_at, seconds=seconds,
                      service_date=service_date, manual=manual, mode=mode.value, timer_id=timer_id,
                      external_id=external_id, status=r.RecordStatus.ACTIVE.value, reason="",
                      supersedes_id=None, **audit)
        res = conn.execute(insert(s.time_entries).values(**values))
        return r.TimeEntry(patient_id=patient_id, staff_id=staff.id, seconds=seconds,
                           service_date=service_date, activity=activity, service=service, note=note,
                           started_at=started_at, ended_at=ended_at, manual=manual, mode=mode,
                           staff_credential=staff.credential, staff_role=staff.role,
                           recorded_at=audit["recorded_at"], recorded_by=self.user.id,
                           external_id=external_id, id=res.inserted_primary_key[0])

    # ------------------------------------------------------------------ time: entries

    def log_time(self, pid: str, minutes: float, activity: r.Activity | str, note: str,
                 service_date: date | str | None = None, started_at: datetime | None = None,
                 service: r.Service | str = r.Service.CCM) -> r.TimeEntry:
        """Record time after the fact (a manual entry, marked as such)."""
        mins = v.minutes(minutes)
        activity = v.choice(activity, r.Activity, "Activity", "activity")
        service = v.choice(service, r.Service, "Service", "service")
        note = v.text(note, "A note saying what was done", field="note")
        now, today = self.now(), self.today()
        seconds = int(round(mins * 60))
        ended_at = None
        if started_at is not None:
            started_at = v.a_datetime(started_at, "Start time", now=now, field="started_at")
            ended_at = started_at + timedelta(seconds=seconds)
            if ended_at > now:
                raise InvalidInput("That entry would end in the future.", "minutes")
            day = self.local_date(started_at)
            if service_date is not None and v.a_date(service_date, "Date") != day:
                raise InvalidInput("The date does not match the start time.", "service_date")
            service_date = day
        else:
            service_date = v.a_date(service_date if service_date is not None else today, "Date",
                                    today=today, field="service_date")
        mode = r.EntryMode.CONTEMPORANEOUS if service_date == today else r.EntryMode.LATE
        with self._tx() as conn:
            self._patient_row(conn, pid)
            return self._insert_entry(conn, patient_id=pid, staff=self.user, service=service,
                                      activity=activity, note=note, started_at=started_at,
                                      ended_at=ended_at, seconds=seconds, manual=True, mode=mode,
                                      service_date=service_date)

    def void_time(self, entry_id: int, reason: str) -> None:
        """Mark a time entry entered-in-error: a new row naming it, with author and reason."""
        reason = v.text(reason, "A reason for voiding", field="reason")
        if isinstance(entry_id, bool) or not isinstance(entry_id, int):
            raise InvalidInput("Entry id must be a whole number.", "entry_id")
        with self._tx() as conn:
            self._supersede(conn, s.time_entries, entry_id, reason, void=True)

    def _supersede(self, conn: Connection, table, row_id: int, reason: str, *, void: bool,
                   changes: dict | None = None) -> int:
        """Write the row that amends (``changes``) or voids row ``row_id`` of ``table``."""
        row = conn.execute(select(table).where(table.c.id == row_id)).first()
        if row is None:
            raise NotFound(f"No {table.name.replace('_', ' ')[:-1]} {row_id}.")
        if row.status != r.RecordStatus.ACTIVE.value or conn.execute(
                select(table.c.id).where(table.c.supersedes_id == row_id)).first():
            raise InvalidInput(f"That {table.name.replace('_', ' ')[:-1]} was already corrected or voided.")
        values = {k: val for k, val in row._mapping.items() if k != "id"}
        values.update(changes or {})
        values.update(self._audit())
        if "external_id" in values:
            values["external_id"] = None
        values.update(supersedes_id=row_id, reason=reason,
                      status=(r.RecordStatus.ENTERED_IN_ERROR if void else r.RecordStatus.ACTIVE).value)
        return conn.execute(insert(table).values(**values)).inserted_primary_key[0]

    def time_entries(self, pid: str | None = None, month: str | None = None,
                     scope: str | None = None) -> list[r.TimeEntry]:
        """Current (not voided) time entries, oldest first."""
        te = s.time_entries
        stmt = select(te).where(q.current(te))
        if pid is not None:
            stmt = stmt.where(te.c.patient_id == pid)
        if month is not None:
            first, last = month_bounds(v.month(month))
            stmt = stmt.where(te.c.service_date >= first, te.c.service_date <= last)
        if scope is not None:
            stmt = stmt.where(te.c.patient_id.in_(select(s.patients.c.id).where(s.patients.c.scope == scope)))
        stmt = stmt.order_by(te.c.service_date, te.c.started_at, te.c.id)
        with self._read() as conn:
            return [q.to_time_entry(x) for x in conn.execute(stmt)]

    def voided_entries(self, pid: str) -> list[dict]:
        """Void rows for a patient: which entry, who voided it, when and why (for the audit view)."""
        te = s.time_entries
        stmt = (select(te.c.supersedes_id, te.c.reason, te.c.recorded_by, te.c.recorded_at, te.c.seconds)
                .where(te.c.patient_id == pid, te.c.status == r.RecordStatus.ENTERED_IN_ERROR.value)
                .order_by(te.c.recorded_at))
        with self._read() as conn:
            return [dict(x._mapping) for x in conn.execute(stmt)]

    def month_bill(self, pid: str, month: str):
        """The month's codes, amounts and the reasons for unbilled minutes (workbench.rules)."""
        from .rules import StaffingRule, assess_eligibility, bill_month, rule_table_for

        month = v.month(month)
        entries = self.time_entries(pid, month)
        with self._read() as conn:
            self._patient_row(conn, pid)
            consents = self._consents(conn, pid)
            conds = [q.to_condition(x) for x in q.current_rows(conn, s.conditions, pid)]
            staff = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
            complex_attested = self._complex_attested(conn, pid, month)
        return bill_month(entries, patient_id=pid, month=month, consents=consents, staff=staff,
                          eligibility=assess_eligibility(conds), complex_attested=complex_attested,
                          table=rule_table_for(month), staffing=StaffingRule(), today=self.today())

    def _complex_attested(self, conn: Connection, pid: str, month: str) -> bool:
        ma = s.month_attestations
        row = conn.execute(select(ma).where(ma.c.patient_id == pid, ma.c.month == month, q.current(ma))
                           .order_by(ma.c.id.desc())).first()
        return bool(row and row.moderate_or_high_complexity
                    and row.plan_established_or_substantially_revised)

    # ------------------------------------------------------------------ consent

    def _consents(self, conn: Connection, pid: str) -> list[r.Consent]:
        rows = q.current_rows(conn, s.consents, pid, [s.consents.c.consent_date, s.consents.c.id])
        revs = {x.consent_id: x for x in conn.execute(
            select(s.consent_revocations).where(s.consent_revocations.c.patient_id == pid))}
        return [q.to_consent(x, revs.get(x.id)) for x in rows]

    def consents(self, pid: str) -> list[r.Consent]:
        with self._read() as conn:
            self._patient_row(conn, pid)
            return self._consents(conn, pid)

    def record_consent(self, pid: str, method: r.ConsentMethod | str, consent_date: date | str,
                       disclosures: dict, billing_practitioner_id: str | None = None) -> r.Consent:
        """Record verbal or written consent with the four disclosures (reference, "Consent")."""
        method = v.choice(method, r.ConsentMethod, "Consent method", "method")
        consent_date = v.a_date(consent_date, "Consent date", today=self.today(), field="consent_date")
        if not isinstance(disclosures, dict):
            raise InvalidInput("Disclosures must be a checklist of the four things told.", "disclosures")
        unknown = set(disclosures) - set(r.CONSENT_DISCLOSURES)
        if unknown:
            raise InvalidInput(f"Unknown disclosure(s): {', '.join(sorted(unknown))}.", "disclosures")
        missing = [label for key, label in r.CONSENT_DISCLOSURES.items() if disclosures.get(key) is not True]
        if missing:
            raise InvalidInput("Consent needs the patient to have been told: " + "; ".join(missing) + ".",
                               "disclosures")
        audit = self._audit()
        with self._tx() as conn:
            patient = self._patient_row(conn, pid)
            bp = billing_practitioner_id or patient.billing_practitioner_id
            if bp is not None:
                self._user_row(conn, bp)
            res = conn.execute(insert(s.consents).values(
                patient_id=pid, method=method.value, consent_date=consent_date,
                obtained_by=self.user.id, disclosures={k: True for k in r.CONSENT_DISCLOSURES},
                billing_practitioner_id=bp, status="active", reason="", supersedes_id=None,
                **audit))
        return r.Consent(patient_id=pid, method=method, consent_date=consent_date,
                         obtained_by=self.user.id, disclosures={k: True for k in r.CONSENT_DISCLOSURES},
                         billing_practitioner_id=bp, recorded_at=audit["recorded_at"],
                         id=res.inserted_primary_key[0])

    def revoke_consent(self, pid: str, revoked_on: date | str, reason: str) -> r.Consent:
        """The patient stops CCM: effective at the end of that calendar month (reference, "Consent")."""
        reason = v.text(reason, "A reason for stopping", field="reason")
        revoked_on = v.a_date(revoked_on, "Date the patient asked to stop", today=self.today(),
                              field="revoked_on")
        with self._tx() as conn:
            self._patient_row(conn, pid)
            live = [c for c in self._consents(conn, pid) if c.revoked_on is None]
            if not live:
                raise InvalidInput("There is no active consent on record to revoke.")
            consent = live[-1]
            if revoked_on < consent.consent_date:
                raise InvalidInput("The stop date is before the consent date.", "revoked_on")
            through = month_bounds(revoked_on.strftime("%Y-%m"))[1]
            conn.execute(insert(s.consent_revocations).values(
                patient_id=pid, consent_id=consent.id, revoked_on=revoked_on,
                effective_through=through, revocation_reason=reason, **self._audit()))
        return r.Consent(**{**consent.__dict__, "revoked_on": revoked_on, "revocation_reason": reason})

    # ------------------------------------------------------------------ care plan

    def care_plan_history(self, pid: str) -> list[r.CarePlanRevision]:
        cp = s.care_plan_revisions
        with self._read() as conn:
            self._patient_row(conn, pid)
            rows = list(conn.execute(select(cp, s.users.c.name.label("author_name"))
                                     .join(s.users, s.users.c.id == cp.c.recorded_by)
                                     .where(cp.c.patient_id == pid).order_by(cp.c.version)))
        return [q.to_revision(x, x.author_name) for x in rows]

    def care_plan(self, pid: str) -> r.CarePlanRevision | None:
        history = self.care_plan_history(pid)
        return history[-1] if history else None

    def revise_care_plan(self, pid: str, plan: r.CarePlan, based_on: int, reason: str) -> r.CarePlanRevision:
        """Save a new care-plan version. ``based_on`` is the version the author started from;
        if someone saved since, the save is refused (StaleRevision) and nothing is lost."""
        if not isinstance(plan, r.CarePlan):
            raise InvalidInput("The care plan must be a CarePlan.")
        reason = v.text(reason, "A reason for this revision", field="reason")
        if isinstance(based_on, bool) or not isinstance(based_on, int) or based_on < 0:
            raise InvalidInput("based_on must be the version number you edited (0 for a new plan).")
        for g in plan.goals:
            v.text(g.description, "Each goal's description", max_len=1000)
        for i in plan.interventions:
            v.text(i.description, "Each intervention's description", max_len=1000)
        for key in r.CarePlan.__dataclass_fields__:
            value = getattr(plan, key)
            if isinstance(value, str):
                v.text(value, f"Care plan: {key.replace('_', ' ')}", required=False)
        cp = s.care_plan_revisions
        try:
            with self._tx() as conn:
                self._patient_row(conn, pid)
                latest = conn.execute(select(cp.c.version, cp.c.recorded_by, cp.c.recorded_at)
                                      .where(cp.c.patient_id == pid).order_by(cp.c.version.desc())).first()
                current = latest.version if latest else 0
                if based_on != current:
                    self._stale(conn, latest, based_on)
                res = conn.execute(insert(cp).values(patient_id=pid, version=current + 1,
                                                     based_on=based_on, content=q.plan_to_json(plan),
                                                     reason=reason, **self._audit()))
                rid = res.inserted_primary_key[0]
        except IntegrityError:  # a concurrent save took this version number first
            with self._read() as conn:
                latest = conn.execute(select(cp.c.version, cp.c.recorded_by, cp.c.recorded_at)
                                      .where(cp.c.patient_id == pid).order_by(cp.c.version.desc())).first()
                self._stale(conn, latest, based_on)
        return r.CarePlanRevision(patient_id=pid, version=current + 1, based_on=based_on, plan=plan,
                                  reason=reason, author_id=self.user.id, author_name=self.user.name,
                                  recorded_at=self._audit()["recorded_at"], id=rid)

    def _stale(self, conn: Connection, latest, based_on: int):
        if latest is None:
            raise InvalidInput(f"There is no version {based_on} of this care plan; start from version 0.")
        who = self._user_row(conn, latest.recorded_by).name
        when = latest.recorded_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
        raise StaleRevision(
            f"{who} saved version {latest.version} of this care plan at {when}, after you opened "
            f"version {based_on}. Your changes were not saved: reload version {latest.version}, "
            "then apply them again.", latest.version, who, latest.recorded_at)

    # ------------------------------------------------------------------ contacts

    def log_contact(self, pid: str, channel: r.Channel | str, outcome: r.ContactOutcome | str,
                    note: str = "", with_whom: str = "patient",
                    contacted_at: datetime | None = None) -> r.Contact:
        channel = v.choice(channel, r.Channel, "Channel", "channel")
        outcome = v.choice(outcome, r.ContactOutcome, "Outcome", "outcome")
        note = v.text(note, "Note", required=False)
        with_whom = v.short(with_whom, "With whom", field="with_whom")
        now = self.now()
        contacted_at = v.a_datetime(contacted_at or now, "Contact time", now=now, field="contacted_at")
        with self._tx() as conn:
            self._patient_row(conn, pid)
            res = conn.execute(insert(s.contacts).values(
                patient_id=pid, staff_id=self.user.id, channel=channel.value, outcome=outcome.value,
                with_whom=with_whom, note=note, contacted_at=contacted_at, status="active",
                reason="", supersedes_id=None, **self._audit()))
        return r.Contact(patient_id=pid, staff_id=self.user.id, channel=channel, outcome=outcome,
                         contacted_at=contacted_at, note=note, with_whom=with_whom,
                         id=res.inserted_primary_key[0])

    def contacts(self, pid: str) -> list[r.Contact]:
        with self._read() as conn:
            self._patient_row(conn, pid)
            return [q.to_contact(x) for x in q.current_rows(conn, s.contacts, pid, [s.contacts.c.contacted_at])]

    # ------------------------------------------------------------------ screening and barriers

    def record_phq(self, pid: str, instrument: str, answers) -> tuple[r.QuestionnaireResponse, r.Escalation | None]:
        """Score and store a PHQ-2 or PHQ-9. PHQ-9 item 9 above 0 opens an escalation in the same
        transaction (reference, "Screening instruments")."""
        from .rules import score_phq2, score_phq9

        if instrument not in ("PHQ-2", "PHQ-9"):
            raise InvalidInput(f"Unknown instrument '{instrument}': use PHQ-2 or PHQ-9.", "instrument")
        result = (score_phq2 if instrument == "PHQ-2" else score_phq9)(answers)
        audit = self._audit()
        esc = None
        with self._tx() as conn:
            self._patient_row(conn, pid)
            res = conn.execute(insert(s.questionnaire_responses).values(
                patient_id=pid, instrument=instrument, answers=list(answers), score=result.total,
                status="active", reason="", supersedes_id=None, **audit))
            if getattr(result, "escalation_required", False):
                esc_id = self._open_escalation(
                    conn, pid, f"PHQ-9 item 9 (thoughts of self-harm) answered {answers[8]}: "
                    "same-day suicide-risk follow-up", r.Severity.URGENT, "phq9")
        qr = r.QuestionnaireResponse(patient_id=pid, instrument=instrument, answers=list(answers),
                                     score=result.total, recorded_at=audit["recorded_at"],
                                     recorded_by=self.user.id, id=res.inserted_primary_key[0])
        if getattr(result, "escalation_required", False):
            esc = self.escalation(esc_id)
        return qr, esc

    def record_sdoh(self, pid: str, answers: dict, note: str = "") -> list[r.Barrier]:
        """AHC HRSN core domains screen: each need found becomes an open barrier."""
        if not isinstance(answers, dict):
            raise InvalidInput("SDOH answers must map each domain to yes/no.")
        parsed = {v.choice(k, r.BarrierDomain, "Domain"): v.boolean(val, f"Answer for {k}")
                  for k, val in answers.items()}
        note = v.text(note, "Note", required=False)
        found = [d for d, yes in parsed.items() if yes]
        out = []
        with self._tx() as conn:
            self._patient_row(conn, pid)
            conn.execute(insert(s.questionnaire_responses).values(
                patient_id=pid, instrument="AHC-HRSN", answers={d.value: y for d, y in parsed.items()},
                score=len(found), status="active", reason="", supersedes_id=None, **self._audit()))
            for d in found:
                out.append(self._insert_barrier(conn, pid, d, note or f"Screened positive: {d.value.replace('_', ' ')}",
                                                r.BarrierStatus.OPEN, ""))
        return out

    def _insert_barrier(self, conn, pid, domain, description, status, action) -> r.Barrier:
        from .sdoh import z_code_for

        res = conn.execute(insert(s.barriers).values(
            patient_id=pid, domain=domain.value, description=description, barrier_status=status.value,
            z_code=z_code_for(domain), action=action, status="active", reason="", supersedes_id=None,
            **self._audit()))
        return r.Barrier(patient_id=pid, domain=domain, description=description, status=status,
                         z_code=z_code_for(domain), action=action, id=res.inserted_primary_key[0])

    def add_barrier(self, pid: str, domain, description: str, status=r.BarrierStatus.OPEN,
                    action: str = "") -> r.Barrier:
        domain = v.choice(domain, r.BarrierDomain, "Domain", "domain")
        status = v.choice(status, r.BarrierStatus, "Status", "status")
        description = v.text(description, "Description", max_len=1000, field="description")
        action = v.text(action, "Action", required=False)
        with self._tx() as conn:
            self._patient_row(conn, pid)
            return self._insert_barrier(conn, pid, domain, description, status, action)

    def update_barrier(self, barrier_id: int, status, action: str = "") -> r.Barrier:
        """A new barrier row superseding the old one, with the new status and what was arranged."""
        status = v.choice(status, r.BarrierStatus, "Status", "status")
        action = v.text(action, "What was arranged", required=status == r.BarrierStatus.RESOLVED)
        with self._tx() as conn:
            new_id = self._supersede(conn, s.barriers, barrier_id, f"status: {status.value}", void=False,
                                     changes={"barrier_status": status.value, "action": action})
            return q.to_barrier(conn.execute(select(s.barriers).where(s.barriers.c.id == new_id)).first())

    def barriers(self, pid: str, open_only: bool = False) -> list[r.Barrier]:
        with self._read() as conn:
            self._patient_row(conn, pid)
            out = [q.to_barrier(x) for x in q.current_rows(conn, s.barriers, pid)]
        return [b for b in out if b.status != r.BarrierStatus.RESOLVED] if open_only else out

    def add_condition(self, pid: str, condition: r.Condition) -> r.Condition:
        """Add a diagnosis (a clinician may mark a condition chronic with a reason)."""
        icd = v.short(condition.icd10, "ICD-10-CM code", field="icd10").upper()
        if condition.chronic is not None and condition.chronic and not condition.chronic_reason.strip():
            raise InvalidInput("Say why this condition is chronic.", "chronic_reason")
        with self._tx() as conn:
            self._patient_row(conn, pid)
            res = conn.execute(insert(s.conditions).values(
                patient_id=pid, icd10=icd, display=v.short(condition.display, "Name", required=False),
                onset=condition.onset, chronic=condition.chronic,
                chronic_reason=v.text(condition.chronic_reason, "Reason", required=False),
                status="active", reason="", supersedes_id=None, **self._audit()))
        return r.Condition(**{**condition.__dict__, "icd10": icd, "id": res.inserted_primary_key[0]})

    # ------------------------------------------------------------------ escalation

    def _open_escalation(self, conn, pid, reason, severity, source) -> int:
        return conn.execute(insert(s.escalations).values(
            patient_id=pid, reason=reason, severity=severity.value, source=source,
            opened_at=self.now(), **self._audit())).inserted_primary_key[0]

    def open_escalation(self, pid: str, reason: str, severity: r.Severity | str = r.Severity.URGENT,
                        source: str = "manual") -> r.Escalation:
        reason = v.text(reason, "The reason for escalating", max_len=1000, field="reason")
        severity = v.choice(severity, r.Severity, "Severity", "severity")
        source = v.short(source, "Source")
        with self._tx() as conn:
            self._patient_row(conn, pid)
            eid = self._open_escalation(conn, pid, reason, severity, source)
        return self.escalation(eid)

    def record_escalation_step(self, escalation_id: int, step: r.EscalationStep | str, note: str = "",
                               patient_consent: bool | None = None, at: datetime | None = None) -> r.Escalation:
        """Record one protocol step with its time. EMS and emergency contacts need an explicit
        yes/no for the patient's consent (scenario notes, situation 3)."""
        step = v.choice(step, r.EscalationStep, "Step", "step")
        note = v.text(note, "Note", required=False)
        now = self.now()
        at = v.a_datetime(at or now, "Time of the step", now=now, field="at")
        if step in r.CONSENT_GATED_STEPS and patient_consent is None:
            raise InvalidInput("Record whether the patient agreed (if they cannot respond and life "
                               "is at risk, say no and explain in the note).", "patient_consent")
        if patient_consent is not None:
            v.boolean(patient_consent, "Patient consent")
        if step in r.CONSENT_GATED_STEPS and patient_consent is False and not note:
            raise InvalidInput("Without the patient's consent, the note must say why this step was "
                               "taken (e.g. patient cannot respond, life at risk).", "note")
        with self._tx() as conn:
            esc = conn.execute(select(s.escalations).where(s.escalations.c.id == escalation_id)).first()
            if esc is None:
                raise NotFound(f"No escalation {escalation_id}.")
            if at < esc.opened_at:
                raise InvalidInput("That step is timed before the escalation was opened.", "at")
            if conn.execute(select(s.escalation_steps.c.id).where(
                    s.escalation_steps.c.escalation_id == escalation_id,
                    s.escalation_steps.c.step == r.EscalationStep.CLOSED.value)).first():
                raise InvalidInput("This escalation is closed; open a new one.")
            conn.execute(insert(s.escalation_steps).values(
                escalation_id=escalation_id, step=step.value, at=at, note=note,
                patient_consent=patient_consent, **self._audit()))
        return self.escalation(escalation_id)

    def escalation(self, escalation_id: int) -> r.Escalation:
        with self._read() as conn:
            rows = list(conn.execute(select(s.escalations).where(s.escalations.c.id == escalation_id)))
            if not rows:
                raise NotFound(f"No escalation {escalation_id}.")
            return q.escalation_with_steps(conn, rows)[0]

    def escalations(self, pid: str | None = None, open_only: bool = False) -> list[r.Escalation]:
        stmt = select(s.escalations).order_by(s.escalations.c.opened_at)
        if pid is not None:
            stmt = stmt.where(s.escalations.c.patient_id == pid)
        with self._read() as conn:
            out = q.escalation_with_steps(conn, list(conn.execute(stmt)))
        return [e for e in out if e.is_open] if open_only else out

    # ------------------------------------------------------------------ billing practitioner

    def attest_month(self, pid: str, month: str, moderate_or_high_complexity: bool,
                     plan_established_or_substantially_revised: bool) -> r.MonthAttestation:
        """The billing practitioner's statement that makes complex CCM (99487/99489) billable."""
        if not self.user.is_practitioner:
            raise PermissionDenied("Only a physician or qualified health professional may attest "
                                   "complex CCM for a month.")
        month = v.month(month)
        a = v.boolean(moderate_or_high_complexity, "Moderate or high complexity")
        b = v.boolean(plan_established_or_substantially_revised, "Plan established or revised")
        with self._tx() as conn:
            self._patient_row(conn, pid)
            res = conn.execute(insert(s.month_attestations).values(
                patient_id=pid, month=month, practitioner_id=self.user.id,
                moderate_or_high_complexity=a, plan_established_or_substantially_revised=b,
                status="active", reason="", supersedes_id=None, **self._audit()))
        return r.MonthAttestation(patient_id=pid, month=month, practitioner_id=self.user.id,
                                  moderate_or_high_complexity=a,
                                  plan_established_or_substantially_revised=b,
                                  id=res.inserted_primary_key[0])

    # ------------------------------------------------------------------ reports

    def month_report(self, month: str, scope: str = "live"):
        """One row per patient with time that month: codes, amounts, reasons (pandas)."""
        from .reports import month_report

        return month_report(self, v.month(month), scope=scope)

    def worklist(self, day: date | None = None, scope: str = "live"):
        """The panel ordered by who most needs a call today (pandas)."""
        from .reports import worklist

        return worklist(self, day or self.today(), scope=scope)

    def count(self, table: str) -> int:
        """Rows in a table (for tests and the status line)."""
        tbl = s.metadata.tables[table]
        with self._read() as conn:
            return conn.execute(select(func.count()).select_from(tbl)).scalar_one()


def month_bounds(month: str) -> tuple[date, date]:
    """First and last calendar day of ``YYYY-MM``."""
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])
