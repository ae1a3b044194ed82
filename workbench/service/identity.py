"""Identity and practice settings: who is signed in, the practice's time zone and clock."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput, NotFound, PermissionDenied
from ..store import queries as q
from ..store import schema as s
from ..store.uow import audit_stamp
from .core import SYSTEM_USER


class IdentityMixin:
    """Settings, time helpers and the staff list."""

    @property
    def settings(self) -> r.PracticeSettings:
        if self._settings is None:
            with self.read() as conn:
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
        with self.write() as conn:
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


    def stamp(self) -> dict:
        """The author stamp (who, role, credential, now) for rows prepared outside a unit of work."""
        return audit_stamp(self.user, self.now())

    def reload_settings(self) -> None:
        """Forget cached practice settings (after a loader wrote new ones)."""
        self._settings = None

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
        from ..rules.identifiers import check_npi

        npi = check_npi(user.npi) if user.npi else ""
        with self.write() as conn:
            if conn.execute(select(s.users.c.id).where(s.users.c.id == uid)).first():
                raise InvalidInput(f"Staff id {uid} is already in use.", "staff_id")
            conn.execute(insert(s.users).values(id=uid, name=name, role=role.value,
                                                credential=cred.value if cred else None,
                                                state=state, active=True, npi=npi))
        return r.User(id=uid, name=name, role=role, credential=cred, state=state, npi=npi)

    def users(self, role: r.Role | str | None = None) -> list[r.User]:
        stmt = select(s.users).where(s.users.c.active.is_(True), s.users.c.id != SYSTEM_USER.id)
        if role is not None:
            stmt = stmt.where(s.users.c.role == v.choice(role, r.Role, "Role").value)
        with self.read() as conn:
            return [q.to_user(row) for row in conn.execute(stmt.order_by(s.users.c.id))]

    def get_user(self, uid: str) -> r.User:
        if not isinstance(uid, str):
            raise InvalidInput(f"Staff id must be text, not {type(uid).__name__}.", "staff_id")
        with self.read() as conn:
            row = conn.execute(select(s.users).where(s.users.c.id == uid)).first()
        if row is None:
            raise NotFound(f"No staff member with id '{uid}'.")
        return q.to_user(row)

    def _require_role(self, *roles: r.Role, action: str) -> None:
        if self.user.role not in roles:
            allowed = ", ".join(x.value.replace("_", " ") for x in roles)
            raise PermissionDenied(f"Only {allowed} may {action}; you are signed in as "
                                   f"{self.user.role.value.replace('_', ' ')}.")

    def _user_row(self, conn: Connection, uid: str) -> r.User:
        row = conn.execute(select(s.users).where(s.users.c.id == uid)).first()
        if row is None:
            raise NotFound(f"No staff member with id '{uid}'.")
        return q.to_user(row)
