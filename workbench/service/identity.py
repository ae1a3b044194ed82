"""Identity and practice settings: who is signed in, the practice's time zone and clock."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput, NotFound
from .policy import Action
from ..store import queries as q
from ..store import schema as s
from ..store.uow import audit_stamp
from .core import SYSTEM_USER

#: a running timer older than this (minutes) is closed only with a real end time
DEFAULT_TIMER_LIMIT_MINUTES = 240


class IdentityMixin:
    """Settings, time helpers and the staff list."""

    @property
    def settings(self) -> r.PracticeSettings:
        if self._settings is None:
            with self.read() as conn:
                values = {row.key: row.value for row in conn.execute(select(s.settings))}
            base = r.PracticeSettings()
            self._settings = r.PracticeSettings(**{k: values.get(k, getattr(base, k)) for k in r.SETTINGS_KEYS})
        return self._settings

    def set_settings(self, settings: r.PracticeSettings) -> None:
        settings = v.practice_settings(settings)  # every field checked before anything is written
        with self.write() as conn:
            self._check(conn, Action.SET_SETTINGS)
            for key in r.SETTINGS_KEYS:
                value = getattr(settings, key)
                if conn.execute(select(s.settings.c.key).where(s.settings.c.key == key)).first():
                    conn.execute(s.settings.update().where(s.settings.c.key == key).values(value=value))
                else:
                    conn.execute(insert(s.settings).values(key=key, value=value))
        self._settings = None

    @property
    def timer_limit_minutes(self) -> int:
        """A running timer older than this is treated as left running: its owner cannot stop it
        at "now", only close it with the real end (settings key ``timer_limit_minutes``)."""
        with self.read() as conn:
            value = conn.execute(select(s.settings.c.value).where(
                s.settings.c.key == "timer_limit_minutes")).scalar()
        return int(value) if value else DEFAULT_TIMER_LIMIT_MINUTES

    def set_timer_limit(self, minutes: int) -> None:
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= v.MAX_ENTRY_MINUTES:
            raise InvalidInput(f"The timer limit is a whole number of minutes from 1 to {v.MAX_ENTRY_MINUTES}.",
                               "timer_limit_minutes")
        with self.write() as conn:
            self._check(conn, Action.SET_SETTINGS)
            key = s.settings.c.key == "timer_limit_minutes"
            if conn.execute(select(s.settings.c.key).where(key)).first():
                conn.execute(s.settings.update().where(key).values(value=str(minutes)))
            else:
                conn.execute(insert(s.settings).values(key="timer_limit_minutes", value=str(minutes)))

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


    def stamp(self) -> dict:
        """The author stamp (who, role, credential, now) for rows prepared outside a unit of work."""
        return audit_stamp(self.user, self.now())

    def reload_settings(self) -> None:
        """Forget cached practice settings (after a loader wrote new ones)."""
        self._settings = None

    # ------------------------------------------------------------------ people

    def add_user(self, user: r.User) -> r.User:
        checked = v.user(user)  # id, name, role, credential, state and NPI (workbench.rules.identifiers)
        uid, name, role, cred, state = checked.id, checked.name, checked.role, checked.credential, checked.state
        npi = checked.npi
        phone = checked.phone
        with self.write() as conn:
            self._check(conn, Action.ADD_USER)
            if conn.execute(select(s.users.c.id).where(s.users.c.id == uid)).first():
                raise InvalidInput(f"Staff id {uid} is already in use.", "staff_id")
            conn.execute(insert(s.users).values(id=uid, name=name, role=role.value,
                                                credential=cred.value if cred else None,
                                                state=state, active=True, npi=npi, phone=phone))
        return r.User(id=uid, name=name, role=role, credential=cred, state=state, npi=npi, phone=phone)

    def users(self, role: r.Role | str | None = None) -> list[r.User]:
        stmt = select(s.users).where(s.users.c.active.is_(True), s.users.c.id != SYSTEM_USER.id)
        if role is not None:
            stmt = stmt.where(s.users.c.role == v.choice(role, r.Role, "Role").value)
        with self.read() as conn:
            return [q.to_user(row) for row in conn.execute(stmt.order_by(s.users.c.id))]

    def get_user(self, uid: str) -> r.User:
        uid = v.identifier(uid, "Staff id", v.limit_of(s.users.c.id), field="staff_id")
        with self.read() as conn:
            row = conn.execute(select(s.users).where(s.users.c.id == uid)).first()
        if row is None:
            raise NotFound(f"No staff member with id '{uid}'.")
        return q.to_user(row)

    def _user_row(self, conn: Connection, uid: str) -> r.User:
        row = conn.execute(select(s.users).where(s.users.c.id == uid)).first()
        if row is None:
            raise NotFound(f"No staff member with id '{uid}'.")
        return q.to_user(row)
