"""Consent: recording it with the four disclosures, and its revocation."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput
from .policy import Action
from ..store import queries as q
from ..store import schema as s
from ..rules.consent_text import LANGUAGES, language_code, version_in_force
from ..rules.months import month_bounds


def _agreed_by(given_by, representative) -> tuple[r.ConsentGivenBy, str]:
    """Who agreed: the patient (no representative named), or a representative by name."""
    given_by = v.choice(given_by, r.ConsentGivenBy, "Who agreed", "given_by")
    if given_by == r.ConsentGivenBy.PATIENT:
        if str(representative or "").strip():
            raise InvalidInput("A representative is named, but the consent is recorded as the patient's own: "
                               "choose the representative's authority, or leave the name blank.", "representative")
        return given_by, ""
    name = v.short(representative, "The representative's name (who agreed for the patient)",
                   field="representative", max_len=v.limit_of(s.consents.c.representative))
    return given_by, name


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
                       disclosures: dict, billing_practitioner_id: str | None = None,
                       programme: r.Programme | str = r.Programme.CCM, language: str | None = None,
                       given_by: r.ConsentGivenBy | str = r.ConsentGivenBy.PATIENT,
                       representative: str = "") -> r.Consent:
        """Record verbal or written consent with the four disclosures (reference, "Consent"), to CCM
        or APCM, with the version of the consent text in force on the consent date, in ``language``
        ("en", "es"; by default the patient's language), given by the patient or by a legal
        representative (``given_by``: a health care proxy, a power of attorney for health care, a
        guardian, a surrogate under state law) named in ``representative`` ("Rosa Alvarez, daughter")."""
        programme = v.choice(programme, r.Programme, "Programme", "programme")
        given_by, representative = _agreed_by(given_by, representative)
        if language is not None and language not in LANGUAGES:
            raise InvalidInput(f"The consent text exists in {', '.join(LANGUAGES)}, not {v.show(language)}.",
                               "language")
        method = v.choice(method, r.ConsentMethod, "Consent method", "method")
        today = self.today()
        consent_date = v.care_date(consent_date, "Consent date", today=today, field="consent_date")
        v.consent_disclosures(disclosures)
        if billing_practitioner_id is not None:
            billing_practitioner_id = v.identifier(billing_practitioner_id, "billing_practitioner_id",
                                                   v.limit_of(s.consents.c.billing_practitioner_id),
                                                   field="billing_practitioner_id", required=False) or None
        with self.write() as conn:
            audit = conn.stamp
            patient = self._patient_row(conn, pid, Action.WRITE_RECORD)
            v.care_date(consent_date, "Consent date", today=today, birth=patient.birth_date, field="consent_date")
            bp = billing_practitioner_id or patient.billing_practitioner_id
            if bp is not None:
                v.billing_practitioner(self._user_row(conn, bp), bp)
            text = version_in_force(programme.value, consent_date)
            language = language or language_code(patient.language)
            rid = conn.add_row(s.consents, patient_id=pid, method=method.value,
                              consent_date=consent_date, obtained_by=self.user.id,
                              disclosures={k: True for k in r.CONSENT_DISCLOSURES},
                              billing_practitioner_id=bp, programme=programme.value,
                              text_version=text.version, language=language, given_by=given_by.value,
                              representative=representative)
        return r.Consent(patient_id=pid, method=method, consent_date=consent_date,
                         obtained_by=self.user.id, disclosures={k: True for k in r.CONSENT_DISCLOSURES},
                         billing_practitioner_id=bp, recorded_at=audit["recorded_at"],
                         id=rid, programme=programme.value, text_version=text.version, language=language,
                         given_by=given_by, representative=representative)

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
            conn.add_row(s.consent_revocations, patient_id=pid, consent_id=consent.id,
                        revoked_on=revoked_on, effective_through=through, revocation_reason=reason)
        return r.Consent(**{**consent.__dict__, "revoked_on": revoked_on, "revocation_reason": reason})
