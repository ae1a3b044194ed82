"""The billing practitioner's month attestation (complex CCM)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .. import records as r
from .. import validate as v
from ..errors import PermissionDenied
from .policy import Action
from ..store import queries as q
from ..store import schema as s


class AttestationMixin:
    """Attesting complex CCM for a month."""


    def attest_month(self, pid: str, month: str, moderate_or_high_complexity: bool,
                     plan_established_or_substantially_revised: bool) -> r.MonthAttestation:
        """The billing practitioner's statement that makes complex CCM (99487/99489) billable."""
        if not self.user.is_practitioner:
            raise PermissionDenied("Only a physician or qualified health professional may attest "
                                   "complex CCM for a month.")
        month = v.month(month)
        a = v.boolean(moderate_or_high_complexity, "Moderate or high complexity")
        b = v.boolean(plan_established_or_substantially_revised, "Plan established or revised")
        with self.write() as conn:
            self._patient_row(conn, pid, Action.ATTEST)
            rid = conn.add_row(s.month_attestations, patient_id=pid, month=month,
                              practitioner_id=self.user.id, moderate_or_high_complexity=a,
                              plan_established_or_substantially_revised=b)
        return r.MonthAttestation(patient_id=pid, month=month, practitioner_id=self.user.id,
                                  moderate_or_high_complexity=a,
                                  plan_established_or_substantially_revised=b,
                                  id=rid)

    def _complex_attested(self, conn: Connection, pid: str, month: str) -> bool:
        ma = s.month_attestations
        row = conn.execute(select(ma).where(ma.c.patient_id == pid, ma.c.month == month, q.current(ma))
                           .order_by(ma.c.id.desc())).first()
        return bool(row and row.moderate_or_high_complexity
                    and row.plan_established_or_substantially_revised)
