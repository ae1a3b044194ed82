"""The care plan: versioned revisions; a save based on an old version is refused."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput, StaleRevision
from .policy import Action
from ..store import queries as q
from ..store import schema as s


class CarePlanMixin:
    """Care-plan history and revisions."""


    def care_plan_history(self, pid: str) -> list[r.CarePlanRevision]:
        cp = s.care_plan_revisions
        with self.read() as conn:
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
        plan = v.care_plan(plan)
        reason = v.text(reason, "A reason for this revision", field="reason")
        try:
            based_on = v.whole(based_on, "based_on", minimum=0, field="based_on")
        except InvalidInput:
            raise InvalidInput("based_on must be the version number you edited (0 for a new plan).",
                               "based_on") from None
        cp = s.care_plan_revisions
        try:
            with self.write() as conn:
                self._patient_row(conn, pid, Action.WRITE_RECORD)
                latest = conn.execute(select(cp.c.version, cp.c.recorded_by, cp.c.recorded_at)
                                      .where(cp.c.patient_id == pid).order_by(cp.c.version.desc())).first()
                current = latest.version if latest else 0
                if based_on > current:
                    raise InvalidInput(
                        f"There is no version {based_on} of this care plan: the latest is version {current}"
                        f"{' (no plan yet: start from version 0)' if not current else ''}. Reload the plan "
                        "and apply your changes to the latest version.", "based_on")
                if based_on != current:
                    self._stale(conn, latest, based_on)
                rid = conn.add_row(cp, patient_id=pid, version=current + 1, based_on=based_on,
                                  content=q.plan_to_json(plan), reason=reason)
        except IntegrityError:  # a concurrent save took this version number first
            with self.read() as conn:
                latest = conn.execute(select(cp.c.version, cp.c.recorded_by, cp.c.recorded_at)
                                      .where(cp.c.patient_id == pid).order_by(cp.c.version.desc())).first()
                self._stale(conn, latest, based_on)
        return r.CarePlanRevision(patient_id=pid, version=current + 1, based_on=based_on, plan=plan,
                                  reason=reason, author_id=self.user.id, author_name=self.user.name,
                                  recorded_at=self.stamp()["recorded_at"], id=rid)

    def _stale(self, conn: Connection, latest, based_on: int):
        if latest is None:
            raise InvalidInput(f"There is no version {based_on} of this care plan; start from version 0.")
        who = self._user_row(conn, latest.recorded_by).name
        when = latest.recorded_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
        raise StaleRevision(
            f"{who} saved version {latest.version} of this care plan at {when}, after you opened "
            f"version {based_on}. Your changes were not saved: reload version {latest.version}, "
            "then apply them again.", latest.version, who, latest.recorded_at)
