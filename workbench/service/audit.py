"""The access log: who opened which chart, ran which report, exported or imported which patients,
when, and from which page or command (HIPAA Security Rule, audit controls, 45 CFR 164.312(b)).

Rows are appended in a unit of work and never changed (the database refuses UPDATE and DELETE on
``access_log``). A row holds ids, the person's name and role as they were, and a short detail such
as a month; never note text. Only a role the policy lets ``read_access_log`` (supervisors) may
read it; the staff id is not a foreign key, so a person removed from the staff list stays in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from .. import validate as v
from ..errors import InvalidInput
from .policy import Action
from ..store import schema as s

ACTIONS = ("chart", "report", "export", "import")


@dataclass(frozen=True)
class Access:
    at: datetime
    user_id: str
    user_name: str
    user_role: str
    action: str
    place: str
    patient_ids: tuple[str, ...]
    detail: str
    id: int | None = None


class AuditMixin:
    """Recording and reading the access log."""

    def record_access(self, action: str, patient_ids, place: str, detail: str = "") -> None:
        """Append one row: the signed-in user did ``action`` on ``patient_ids`` from ``place``
        (a page such as ``page:chart`` or a command such as ``command:workbench export fhir``)."""
        if action not in ACTIONS:
            raise InvalidInput(f"An access is one of {', '.join(ACTIONS)}, not {action!r}.", "action")
        ids = sorted({str(p) for p in patient_ids})
        place = v.short(place, "place", field="place", max_len=200)
        detail = v.short(detail, "detail", required=False, field="detail", max_len=200)
        with self.write(shown=False) as uow:  # no screen of this kernel shows the access log live
            uow.append(
                s.access_log, at=uow.now, user_id=self.user.id, user_name=self.user.name[:200], user_role=self.user.role.value,
                action=action, place=place, patient_ids=ids, detail=detail)

    def open_chart(self, pid: str, place: str = "page:chart"):
        """The patient's chart (:meth:`chart`), recorded in the access log."""
        chart = self.chart(pid)
        self.record_access("chart", [chart.patient.id], place)
        return chart

    def access_log(self, person: str | None = None, patient: str | None = None,
                   since: date | None = None, until: date | None = None) -> list[Access]:
        """Rows of the access log, oldest first, by person (staff id), patient id and practice days
        (``since`` to ``until`` inclusive). Supervisors only."""
        tz = self.tz
        with self.read() as conn:
            self._check(conn, Action.READ_ACCESS_LOG)
            al = s.access_log
            query = select(al).order_by(al.c.at, al.c.id)
            if person:
                query = query.where(al.c.user_id == person)
            if since:
                query = query.where(al.c.at >= datetime.combine(since, time(), tz))
            if until:
                query = query.where(al.c.at < datetime.combine(until + timedelta(days=1), time(), tz))
            rows = list(conn.execute(query))
        out = [Access(row.at, row.user_id, row.user_name, row.user_role, row.action, row.place,
                      tuple(row.patient_ids or ()), row.detail, row.id) for row in rows]
        return [a for a in out if patient in a.patient_ids] if patient else out
