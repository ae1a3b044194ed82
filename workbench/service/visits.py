"""Face-to-face visits, the initiating-visit rule and staff NPIs (docs/reference.md,
"Initiating visit", "G0506", "Identifiers on a claim")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput, PermissionDenied
from .policy import Action
from ..rules.identifiers import check_npi
from ..rules.initiation import Initiation, initiation_status, visit_row
from ..store import queries as q
from ..store import schema as s

_MAY_RECORD = (r.Role.PRACTITIONER, r.Role.CARE_MANAGER, r.Role.SUPERVISOR)


class VisitsMixin:
    """Recording face-to-face visits; reading whether a month needs an initiating visit."""

    def record_visit(self, pid: str, visit_date: date | str, kind: r.VisitKind | str = r.VisitKind.OFFICE_VISIT,
                     *, practitioner_id: str | None = None, ccm_discussed: bool = False,
                     extensive_care_planning: bool = False) -> r.Visit:
        """Record a face-to-face visit (an E/M office visit, AWV or IPPE) with a practitioner.

        ``ccm_discussed`` makes it eligible as the CCM initiating visit; ``extensive_care_planning``
        marks G0506 care planning (billed once per patient, by the billing practitioner only).
        """
        if self.user.role not in _MAY_RECORD:
            raise PermissionDenied("Only a practitioner, care manager or supervisor may record a visit.")
        day = v.a_date(visit_date, "Visit date", today=self.today(), field="visit_date")
        kind = v.choice(kind, r.VisitKind, "Visit kind", "kind")
        ccm = v.boolean(ccm_discussed, "CCM discussed")
        planning = v.boolean(extensive_care_planning, "Extensive care planning (G0506)")
        with self.write() as conn:
            patient = self._patient_row(conn, pid, Action.WRITE_RECORD)
            practitioner = self._user_row(conn, practitioner_id or self.user.id)
            if not practitioner.is_practitioner:
                raise InvalidInput(f"Staff member {practitioner.id} has no practitioner credential (MD, DO, NP, PA, "
                                   "CNS or CNM): a CCM initiating visit is with a practitioner.", "practitioner_id")
            if day < patient.birth_date:
                raise InvalidInput(f"Visit date {day.isoformat()} is before the patient's birth date.", "visit_date")
            visit = r.Visit(pid, day, kind, practitioner.id, ccm, planning)
            values = visit_row(visit, self.today())
            rid = conn.add_row(s.visits, patient_id=pid, **values)
        return r.Visit(pid, day, kind, practitioner.id, ccm, planning, id=rid)

    def visits(self, pid: str) -> list[r.Visit]:
        with self.read() as conn:
            self._patient_row(conn, pid)
            return [q.to_visit(x) for x in q.current_rows(conn, s.visits, pid, [s.visits.c.visit_date, s.visits.c.id])]

    def initiation(self, pid: str, month: str) -> Initiation:
        """Whether ``month`` needs an initiating visit first (docs/reference.md, "Initiating visit")."""
        month = v.month(month)
        with self.read() as conn:
            patient = q.to_patient(self._patient_row(conn, pid, Action.READ_BILLING))
            visits = [q.to_visit(x) for x in q.current_rows(conn, s.visits, pid)]
            consents = self._consents(conn, pid)
        return initiation_status(visits, consents, month, patient.billing_practitioner_id)

    def set_npi(self, staff_id: str, npi: str) -> r.User:
        """Give a staff member their NPI (checked: 10 digits with the NPI check digit). Supervisors only."""
        value = check_npi(npi)
        with self.write() as conn:
            self._check(conn, Action.ADD_USER)
            self._user_row(conn, staff_id)
            conn.update_user(staff_id, npi=value)
            row = conn.execute(select(s.users).where(s.users.c.id == staff_id)).one()
        return q.to_user(row)
