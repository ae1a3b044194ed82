"""The one write path to the record: a unit of work.

Every write — by the service, the importer, the loader, the training engine — happens inside
:func:`unit_of_work`: one database transaction (SQLite: ``BEGIN IMMEDIATE``), one author stamp
(who, in which role and credential, when) put on every row, corrections written as new rows that
supersede the old one (:meth:`UnitOfWork.supersede`), and time entries written by one function
(:meth:`UnitOfWork.insert_entry`). Reads use :func:`reading` (a plain connection, no write lock).

Nothing is half written: an exception inside the ``with`` block rolls the whole unit back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.engine import Connection, CursorResult, Dialect, Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from .. import records as r
from ..errors import InvalidInput, NotFound, TimerConflict
from . import schema as s
from .state import timer_heartbeats


def audit_stamp(author: r.User, now: datetime) -> dict[str, Any]:
    """The columns every recorded row carries: when, by whom, in which role and credential."""
    return {"recorded_at": now, "recorded_by": author.id, "recorded_role": author.role.value,
            "recorded_credential": author.credential.value if author.credential else ""}


def entry_values(stamp: dict[str, Any], *, patient_id: str, staff: r.User, service: r.Service, activity: r.Activity,
                 note: str, started_at: datetime | None, ended_at: datetime | None, seconds: int,
                 service_date: date, manual: bool, mode: r.EntryMode, timer_id: int | None = None,
                 external_id: str | None = None) -> dict[str, Any]:
    """The ``time_entries`` row of one entry (one function, for single and bulk writes)."""
    return dict(patient_id=patient_id, staff_id=staff.id, staff_role=staff.role.value,
                staff_credential=staff.credential.value if staff.credential else "",
                service=service.value, activity=activity.value, note=note,
                started_at=started_at, ended_at=ended_at, seconds=seconds,
                service_date=service_date, manual=manual, mode=mode.value, timer_id=timer_id,
                external_id=external_id, status=r.RecordStatus.ACTIVE.value, reason="",
                supersedes_id=None, **stamp)


_SINGULAR = {"time_entries": "time entry", "barriers": "barrier", "conditions": "condition",
             "medications": "medication", "allergies": "allergy", "consents": "consent",
             "contacts": "contact", "questionnaire_responses": "questionnaire response",
             "month_attestations": "month attestation", "immunizations": "immunization",
             "screenings": "screening", "observations": "observation"}


def _singular(table: Table) -> str:
    return _SINGULAR.get(table.name, table.name.replace("_", " "))


class UnitOfWork:
    """One open write transaction, stamped with one author and one time."""

    def __init__(self, conn: Connection, author: r.User, now: datetime,
                 local_date: Callable[[datetime], date]):
        self.conn = conn
        self.author = author
        self.now = now
        self._local_date = local_date

    # -- the connection, for reads inside the transaction and plain inserts

    def execute(self, *args: Any, **kwargs: Any) -> CursorResult[Any]:
        return self.conn.execute(*args, **kwargs)

    def exec_driver_sql(self, *args: Any, **kwargs: Any) -> CursorResult[Any]:
        return self.conn.exec_driver_sql(*args, **kwargs)

    @property
    def dialect(self) -> Dialect:
        return self.conn.dialect

    def lock_staff(self, staff_id: str) -> None:
        """Hold the staff member's row until the unit of work ends, so that two kernels acting for
        one person (start, stop, close a timer) take turns. SQLite: every writer already holds the
        database's write lock from BEGIN IMMEDIATE."""
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(select(s.users.c.id).where(s.users.c.id == staff_id).with_for_update())

    @property
    def stamp(self) -> dict[str, Any]:
        """The author stamp of this unit of work (the same for every row it writes)."""
        return audit_stamp(self.author, self.now)

    # -- writes

    def add_row(self, table: Table, **values: Any) -> Any:
        """Insert one row into ``table``, stamped with this unit's author and time; a correctable
        table's row starts active, superseding nothing (unless ``values`` say otherwise).
        Returns its primary key."""
        if "supersedes_id" in table.c:
            values = {"status": r.RecordStatus.ACTIVE.value, "reason": "", "supersedes_id": None,
                      **values}
        res = self.conn.execute(insert(table).values(**values, **self.stamp))
        key: Any = res.inserted_primary_key[0]  # an integer, or the row's own id (attempts: "A1")
        return key

    def append(self, table: Table, **values: Any) -> Any:
        """Insert one row into a table that names its own author (the access log); returns its key."""
        key: Any = self.conn.execute(insert(table).values(**values)).inserted_primary_key[0]
        return key

    # -- reference tables (users, settings) and the timers' heartbeat: the one writer of each

    def set_setting(self, key: str, value: str) -> None:
        """Write one practice setting (a reference table: updated in place)."""
        where = s.settings.c.key == key
        if self.conn.execute(select(s.settings.c.key).where(where)).first():
            self.conn.execute(s.settings.update().where(where).values(value=value))
        else:
            self.conn.execute(insert(s.settings).values(key=key, value=value))

    def add_users(self, users: list[r.User]) -> None:
        """Add staff members (checked by the caller; ids not yet in use)."""
        if users:
            self.conn.execute(insert(s.users), [dict(
                id=u.id, name=u.name, role=r.Role(u.role).value,
                credential=r.Credential(u.credential).value if u.credential else None,
                state=u.state, active=True, npi=getattr(u, "npi", None), phone=getattr(u, "phone", None))
                for u in users])

    def update_user(self, staff_id: str, **values: Any) -> None:
        """Change a staff member's reference data (name, NPI, phone, active): not a clinical fact."""
        self.conn.execute(s.users.update().where(s.users.c.id == staff_id).values(**values))

    def beat(self, timer_id: int, at: datetime) -> None:
        """Record that the kernel showing timer ``timer_id`` was alive at ``at`` (never earlier
        than a beat already kept)."""
        hb = timer_heartbeats
        beat = self.conn.execute(select(hb.c.beat_at).where(hb.c.timer_id == timer_id)).scalar()
        if beat is None:
            self.conn.execute(insert(hb).values(timer_id=timer_id, beat_at=at))
        else:
            self.conn.execute(hb.update().where(hb.c.timer_id == timer_id).values(beat_at=max(beat, at)))

    def supersede(self, table: Table, row_id: int, reason: str, *, void: bool, changes: dict[str, Any] | None = None) -> int:
        """Write the row that amends (``changes``) or voids row ``row_id`` of ``table``."""
        row = self.conn.execute(select(table).where(table.c.id == row_id)).first()
        if row is None:
            raise NotFound(f"No {_singular(table)} {row_id}.")
        if row.status != r.RecordStatus.ACTIVE.value or self.conn.execute(
                select(table.c.id).where(table.c.supersedes_id == row_id)).first():
            raise InvalidInput(f"That {_singular(table)} was already corrected or voided.")
        values = {k: val for k, val in row._mapping.items() if k != "id"}
        values.update(changes or {})
        values.update(self.stamp)
        if "external_id" in values:
            values["external_id"] = None
        values.update(supersedes_id=row_id, reason=reason,
                      status=(r.RecordStatus.ENTERED_IN_ERROR if void else r.RecordStatus.ACTIVE).value)
        return int(self.conn.execute(insert(table).values(**values)).inserted_primary_key[0])

    def insert_entry(self, *, patient_id: str, staff: r.User, service: r.Service,
                     activity: r.Activity, note: str, started_at: datetime | None,
                     ended_at: datetime | None, seconds: int, manual: bool, mode: r.EntryMode,
                     timer_id: int | None = None, service_date: date | None = None,
                     external_id: str | None = None) -> r.TimeEntry:
        """Write one time entry for ``staff`` (the author of the unit of work records it)."""
        service_date = service_date or self._local_date(started_at)
        audit = self.stamp
        values = entry_values(audit, patient_id=patient_id, staff=staff, service=service, activity=activity,
                              note=note, started_at=started_at, ended_at=ended_at, seconds=seconds,
                              service_date=service_date, manual=manual, mode=mode, timer_id=timer_id,
                              external_id=external_id)
        res = self.conn.execute(insert(s.time_entries).values(**values))
        return r.TimeEntry(patient_id=patient_id, staff_id=staff.id, seconds=seconds,
                           service_date=service_date, activity=activity, service=service, note=note,
                           started_at=started_at, ended_at=ended_at, manual=manual, mode=mode,
                           staff_credential=staff.credential, staff_role=staff.role,
                           recorded_at=audit["recorded_at"], recorded_by=self.author.id,
                           external_id=external_id, id=res.inserted_primary_key[0])


#: constraint (or trigger message) -> the project's own error for a write that lost a race
_CONFLICTS = (
    ("one running timer per staff member", TimerConflict,
     "You already have a timer running (perhaps in another window). Stop it before starting another."),
    ("timer_stops_timer_id", TimerConflict, "This timer was already stopped or closed."),
    ("supersedes_id", InvalidInput, "That entry was already corrected or voided."),
    ("time_approvals", InvalidInput, "That time entry was approved by someone else a moment ago: nothing "
     "was approved; look again."),
    ("foreign key", InvalidInput, "A value names a staff member, patient or record that is not in the "
     "record (add it first): nothing was written."),
)


def translate(err: IntegrityError) -> Exception | None:
    """The project's error for an IntegrityError a concurrent writer caused, or None."""
    text = str(err.orig)
    for needle, cls, message in _CONFLICTS:
        if needle in text or needle == "foreign key" and needle in text.lower():
            return cls(message)
    return None


@contextmanager
def unit_of_work(engine: Engine, author: r.User, now: datetime,
                 local_date: Callable[[datetime], date]) -> Iterator[UnitOfWork]:
    """One write transaction; commits when the block ends, rolls back on any exception. A
    constraint that refuses the write (another kernel won a race) becomes the project's error."""
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(workbench_write=True)
            with conn.begin():
                yield UnitOfWork(conn, author, now, local_date)
    except IntegrityError as err:
        mine = translate(err)
        if mine is None:
            raise
        raise mine from None
    except DataError as err:  # a value the checks (workbench.validate) let through: never echo it
        from .faultlog import record

        record(err, "unit of work")
        raise InvalidInput(f"The database refused a value ({type(err.orig).__name__}); nothing was "
                           "written. Every value should have been checked before: please report "
                           "this.") from None
    except DBAPIError as err:  # read-only, full, locked, unreachable: a sentence saying what to do
        raise _fault(err, engine) from None


def _fault(err: DBAPIError, engine: Engine) -> Exception:
    from .database import where
    from .faultlog import record
    from .faults import explain

    mine = explain(err, where(engine.url.render_as_string(hide_password=False)))
    if mine is None:
        return err
    record(err, "database fault")
    return mine


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for reads (never takes the write lock)."""
    try:
        with engine.connect() as conn:
            yield conn
    except DBAPIError as err:
        raise _fault(err, engine) from None
