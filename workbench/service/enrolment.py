"""Enrolment: status changes with effective dates, outreach attempts, QMB status, and moving a
patient from CCM to APCM (docs/reference.md, "Enrolment and programmes").

Every write asks the policy (``Action.ENROL``) for the patient's scope and goes through one unit
of work; nothing is edited: a change is a new row with its effective date and reason.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput
from ..rules.consent import consent_status
from ..rules.consent_text import language_code, version_in_force
from ..rules.enrolment import status_on
from ..rules.months import add_months
from ..store import queries as q
from ..store import schema as s
from .policy import Action


class EnrolmentMixin:
    """Enrolment status and its history, outreach, QMB, the move to APCM."""

    # ------------------------------------------------------------------ reading

    def _enrolment_events(self, conn: Connection, pid: str) -> list[r.EnrolmentEvent]:
        t = s.enrolment_events
        return [q.to_enrolment_event(x) for x in
                conn.execute(select(t).where(t.c.patient_id == pid).order_by(t.c.effective_on, t.c.id))]

    def enrolment_history(self, pid: str) -> list[r.EnrolmentEvent]:
        """Every status change of the patient, oldest first (who, when, why, from which day)."""
        with self.read() as conn:
            self._patient_row(conn, pid)
            return self._enrolment_events(conn, pid)

    def enrolment_status(self, pid: str, on: date | None = None) -> r.EnrolmentEvent | None:
        """The status in force on ``on`` (today by default); None when none was ever recorded."""
        return status_on(self.enrolment_history(pid), on or self.today())

    def outreach_attempts(self, pid: str) -> list[r.OutreachAttempt]:
        t = s.outreach_attempts
        with self.read() as conn:
            self._patient_row(conn, pid)
            return [q.to_outreach(x) for x in
                    conn.execute(select(t).where(t.c.patient_id == pid).order_by(t.c.attempted_on, t.c.id))]

    def qmb_history(self, pid: str) -> list[r.QmbStatus]:
        t = s.qmb_statuses
        with self.read() as conn:
            self._patient_row(conn, pid)
            return [q.to_qmb(x) for x in
                    conn.execute(select(t).where(t.c.patient_id == pid).order_by(t.c.effective_on, t.c.id))]

    # ------------------------------------------------------------------ writing

    def _effective(self, value, label: str) -> date:
        """An effective date: not in the future beyond the first of next month (a change planned
        for the next month, such as a move to APCM, may be recorded now)."""
        latest = add_months(self.today().replace(day=1), 1)
        day = v.a_date(value, label, earliest=date(2000, 1, 1), field="effective_on")
        if day > latest:
            raise InvalidInput(f"{label} {day} is too far ahead: a change may take effect at the latest on "
                               f"{latest}, the first of next month.", "effective_on")
        return day

    def set_enrolment(self, pid: str, status: r.EnrolmentStatus | str, effective_on: date | str, reason: str,
                      programme: r.Programme | str = r.Programme.CCM) -> r.EnrolmentEvent:
        """Record a new enrolment status from ``effective_on``, with the reason. "Enrolled" needs the
        programme's consent on record, dated on or before the effective day."""
        status = v.choice(status, r.EnrolmentStatus, "Enrolment status", "status")
        programme = v.choice(programme, r.Programme, "Programme", "programme")
        effective_on = self._effective(effective_on, "Effective date")
        reason = v.text(reason, "A reason for the change", field="reason")
        with self.write() as conn:
            self._patient_row(conn, pid, Action.ENROL)
            if status == r.EnrolmentStatus.ENROLLED:
                self._needs_consent(conn, pid, programme, effective_on)
            return self._write_event(conn, pid, status, programme, effective_on, reason)

    def _needs_consent(self, conn: Connection, pid: str, programme: r.Programme, on: date) -> None:
        found = consent_status(self._consents(conn, pid), on, None, programme.value)
        if not found.valid:
            raise InvalidInput(f"Enrolling in {programme.value} needs the patient's {programme.value} consent "
                               f"on or before {on}: {found.reason} Record the consent first.", "status")

    def _write_event(self, conn, pid: str, status: r.EnrolmentStatus, programme: r.Programme,
                     effective_on: date, reason: str) -> r.EnrolmentEvent:
        rid = conn.add_row(s.enrolment_events, patient_id=pid, status=status.value, programme=programme.value,
                          effective_on=effective_on, reason=reason)
        return r.EnrolmentEvent(pid, status, effective_on, reason, programme, self.user.id,
                                conn.stamp["recorded_at"], rid)

    def record_outreach(self, pid: str, channel: r.Channel | str, outcome: r.ContactOutcome | str,
                        attempted_on: date | str | None = None,
                        programme: r.Programme | str = r.Programme.CCM) -> r.OutreachAttempt:
        """One invitation to enrol. A patient with no status, or "Not enrolled", becomes "Invited"
        from that day; one who declines on the call becomes "Declined"."""
        channel = v.choice(channel, r.Channel, "Channel", "channel")
        outcome = v.choice(outcome, r.ContactOutcome, "Outcome", "outcome")
        programme = v.choice(programme, r.Programme, "Programme", "programme")
        today = self.today()
        day = v.care_date(attempted_on if attempted_on is not None else today, "Outreach date", today=today,
                          field="attempted_on")
        with self.write() as conn:
            self._patient_row(conn, pid, Action.ENROL)
            rid = conn.add_row(s.outreach_attempts, patient_id=pid, attempted_on=day, channel=channel.value,
                              outcome=outcome.value, programme=programme.value)
            now = status_on(self._enrolment_events(conn, pid), day)
            if outcome == r.ContactOutcome.DECLINED:
                self._write_event(conn, pid, r.EnrolmentStatus.DECLINED, programme, day,
                                  f"declined on an outreach {channel.value} contact")
            elif now is None or now.status == r.EnrolmentStatus.NOT_ENROLLED:
                self._write_event(conn, pid, r.EnrolmentStatus.INVITED, programme, day,
                                  f"invited by {channel.value}")
        return r.OutreachAttempt(pid, day, channel.value, outcome.value, programme, self.user.id,
                                 None, rid)

    def set_qmb(self, pid: str, qmb: bool, effective_on: date | str, reason: str) -> r.QmbStatus:
        """The patient is (or is no longer) a Qualified Medicare Beneficiary from ``effective_on``."""
        if not isinstance(qmb, bool):
            raise InvalidInput("QMB must be yes or no.", "qmb")
        effective_on = self._effective(effective_on, "Effective date")
        reason = v.text(reason, "Where the QMB status was learned", field="reason")
        with self.write() as conn:
            self._patient_row(conn, pid, Action.ENROL)
            rid = conn.add_row(s.qmb_statuses, patient_id=pid, qmb=qmb, effective_on=effective_on, reason=reason)
        return r.QmbStatus(pid, qmb, effective_on, reason, self.user.id, None, rid)

    def record_bh_service(self, pid: str, month: str, code: str, practitioner_id: str | None = None) -> int:
        """A behavioural-health service furnished in an APCM ``month`` (G0568, G0569 or G0570), billed
        by ``practitioner_id`` (default: the patient's billing practitioner). The rules bill it only
        with the APCM base code, by the same practitioner, the same month (docs/reference.md, "APCM")."""
        from ..rules.apcm import BH_ADDONS

        month = v.month(month)
        if code not in BH_ADDONS:
            raise InvalidInput(f"{v.show(code)} is not an APCM behavioural-health add-on (use one of "
                               f"{', '.join(BH_ADDONS)}).", "code")
        with self.write() as conn:
            patient = self._patient_row(conn, pid, Action.WRITE_RECORD)
            who = practitioner_id or patient.billing_practitioner_id
            if who is None:
                raise InvalidInput("Name the practitioner who bills this service: the patient has no billing "
                                   "practitioner.", "practitioner_id")
            v.billing_practitioner(self._user_row(conn, who), who)
            return int(conn.add_row(s.bh_services, patient_id=pid, month=month, code=code, practitioner_id=who))

    def move_to_apcm(self, pid: str, effective_on: date | str, method: r.ConsentMethod | str,
                     consent_date: date | str | None = None, reason: str = "") -> r.EnrolmentEvent:
        """Move a CCM patient to APCM from ``effective_on`` (the first of a month: one programme per
        patient-month), in one unit of work: the APCM consent (the text in force, in the patient's
        language, with the four disclosures told), the enrolment in APCM, and a new care-plan
        version that carries the CCM plan over, saying so."""
        method = v.choice(method, r.ConsentMethod, "Consent method", "method")
        effective_on = self._effective(effective_on, "Effective date")
        if effective_on.day != 1:
            raise InvalidInput("A move to APCM takes effect on the first day of a month (one programme per "
                               f"patient per month): {effective_on} is not.", "effective_on")
        today = self.today()
        consent_date = v.care_date(consent_date if consent_date is not None else today, "Consent date",
                                   today=today, field="consent_date")
        why = v.text(reason or "moved from CCM to APCM", "A reason for the move", field="reason")
        cp = s.care_plan_revisions
        with self.write() as conn:
            patient = self._patient_row(conn, pid, Action.ENROL)
            self._patient_row(conn, pid, Action.WRITE_RECORD)
            now = status_on(self._enrolment_events(conn, pid), effective_on)
            if now is not None and now.status == r.EnrolmentStatus.ENROLLED and now.programme == r.Programme.APCM:
                raise InvalidInput(f"The patient is already enrolled in APCM from {now.effective_on}.", "effective_on")
            text = version_in_force("APCM", consent_date)
            conn.add_row(s.consents, patient_id=pid, method=method.value, consent_date=consent_date,
                        obtained_by=self.user.id, disclosures={k: True for k in r.CONSENT_DISCLOSURES},
                        billing_practitioner_id=patient.billing_practitioner_id, programme="APCM",
                        text_version=text.version, language=language_code(patient.language))
            latest = conn.execute(select(cp).where(cp.c.patient_id == pid).order_by(cp.c.version.desc())).first()
            if latest is not None:
                conn.add_row(cp, patient_id=pid, version=latest.version + 1, based_on=latest.version,
                            content=latest.content,
                            reason=f"Care plan carried over from CCM to APCM from {effective_on}: {why}")
            return self._write_event(conn, pid, r.EnrolmentStatus.ENROLLED, r.Programme.APCM, effective_on, why)

    # ------------------------------------------------------------------ reports

    def outreach_list(self):
        """Live patients eligible for care management and not enrolled, with their outreach
        attempts (pandas; ids only): the worklist's "eligible, not enrolled" view."""
        from ..reports.programmes import outreach_list

        with self.read() as conn:
            self._check(conn, Action.READ_CHART, "live")
        return outreach_list(self)

    def programme_comparison(self, months: int | list[str] = 6):
        """What CCM paid and what APCM would have paid, per past month (pandas): the last
        ``months`` complete months, or the months given ("YYYY-MM")."""
        from ..reports.programmes import past_months, programme_comparison

        if isinstance(months, int) and not isinstance(months, bool):
            if not 1 <= months <= 36:
                raise InvalidInput("Compare between 1 and 36 past months.", "months")
            chosen = past_months(self.today(), months)
        else:
            chosen = [v.month(m) for m in months]
        with self.read() as conn:
            self._check(conn, Action.READ_BILLING, "live")
        return programme_comparison(self, chosen)
