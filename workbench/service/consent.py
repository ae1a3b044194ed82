"""Consent: recording it with the four disclosures, and its revocation."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput
from .policy import Action
from ..store import queries as q
from ..store import schema as s
from ..rules.months import month_bounds


class ConsentMixin:
    """Consent and revocation."""


    def _consents(self, conn: Connection, pid: str) -> list[r.Consent]:
        rows = q.current_rows(conn, s.consents, pid, [s.consents.c.consent_date, s.consents.c.id])
        revs = {x.consent_id: x for x in conn.execute(
            select(s.consent_revocations).where(s.consent_revocations.c.patient_id == pid))}
        return [q.to_consent(x, revs.get(x.id)) for x in rows]

    def consents(self, pid: str) -> list[r.Consent]:
        with self.read() as conn:
            self._patient_row(conn, pid)
            return self._consents(conn, pid)

    def record_consent(self, pid: str, method: r.ConsentMethod | str, consent_date: date | str,
                       disclosures: dict, billing_practitioner_id: str | None = None) -> r.Consent:
        """Record verbal or written consent with the four disclosures (reference, "Consent")."""
        method = v.choice(method, r.ConsentMethod, "Consent method", "method")
        today = self.today()
        consent_date = v.care_date(consent_date, "Consent date", today=today, field="consent_date")
        v.consent_disclosures(disclosures)
        if billing_practitioner_id is not None:
            billing_practitioner_id = v.identifier(billing_practitioner_id, "billing_practitioner_id",
                                                   v.limit_of(s.consents.c.billing_practitioner_id),
                                                   field="billing_practitioner_id", required=False) or None
        audit = self.stamp()
        with self.write() as conn:
            patient = self._patient_row(conn, pid, Action.WRITE_RECORD)
            v.care_date(consent_date, "Consent date", today=today, birth=patient.birth_date, field="consent_date")
            bp = billing_practitioner_id or patient.billing_practitioner_id
            if bp is not None:
                v.billing_practitioner(self._user_row(conn, bp), bp)
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
        revoked_on = v.care_date(revoked_on, "Date the patient asked to stop", today=self.today(),
                                 field="revoked_on")
        with self.write() as conn:
            self._patient_row(conn, pid, Action.WRITE_RECORD)
            live = [c for c in self._consents(conn, pid) if c.revoked_on is None]
            if not live:
                raise InvalidInput("There is no active consent on record to revoke.")
            consent = live[-1]
            if revoked_on < consent.consent_date:
                raise InvalidInput("The stop date is before the consent date.", "revoked_on")
            through = month_bounds(revoked_on.strftime("%Y-%m"))[1]
            conn.execute(insert(s.consent_revocations).values(
                patient_id=pid, consent_id=consent.id, revoked_on=revoked_on,
                effective_through=through, revocation_reason=reason, **conn.stamp))
        return r.Consent(**{**consent.__dict__, "revoked_on": revoked_on, "revocation_reason": reason})
