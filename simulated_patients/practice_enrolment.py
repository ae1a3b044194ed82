"""The demo practice's enrolment pipeline and APCM patients, written after its months of work
(:func:`simulated_patients.practice.build_practice`), so the month report shows CCM and APCM
patients side by side, and enrolment that blocks a month (docs/reference.md, "Enrolment and
programmes"):

- three consented patients moved from CCM to APCM from the first of last month (consent to APCM
  recorded a few days before, the care plan carried over); one of them a Qualified Medicare
  Beneficiary (level 3), the first with a behavioural-health add-on (G0570) last month;
- one consented patient found to be enrolled elsewhere (the billing office, after a denied claim)
  from the first of last month: both months are held with the reason;
- patients without consent invited (outreach attempts by letter and phone), one of whom declines on
  a timed call last month, so that month's row says why nothing is billed.

Every write goes through the service as the staff member who did it, at a fixed clock on the day
it happened, never after ``now``. Patients are chosen by id, so the same panel gives the same record.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from workbench import records as r
from workbench.clock import FixedClock


def _at(day: date, hour: int, tz, now: datetime) -> FixedClock:
    return FixedClock(min(datetime.combine(day, time(hour, 0), tzinfo=tz), now))


def write_enrolment(wb, panel: r.Panel, now: datetime, m2: date, m1: date, m0: date,
                    stopped: set[str] = frozenset(), consented_now: set[str] = frozenset()) -> dict[str, int]:
    """Write the enrolment story (see the module docstring); returns counts of what was written.
    ``stopped``: patients who asked to stop CCM; ``consented_now``: patients who consented since."""
    tz = wb.tz
    counts = {"moved_to_apcm": 0, "enrolled_elsewhere": 0, "outreach_attempts": 0, "declined": 0}
    staff = {u.role: u for u in panel.staff}
    billing = staff.get(r.Role.BILLING) or staff.get(r.Role.SUPERVISOR)
    consented = [b for b in panel.patients if b.consent is not None and b.patient.id not in stopped
                 and len({c.icd10[:3] for c in b.conditions}) >= 2 and b.patient.billing_practitioner_id]
    others = [b for b in panel.patients if b.consent is None and b.patient.id not in consented_now]
    member = {b.patient.id: b.patient.care_team_member_id or panel.staff[0].id for b in panel.patients}

    # three patients move to APCM from the first of last month (the last one is a QMB)
    apcm = consented[1:10:3][:3]
    for i, b in enumerate(apcm):
        pid = b.patient.id
        day = m1 - timedelta(days=4 + i)
        worker = wb.as_user(member[pid], clock=_at(day, 10, tz, now))
        if i == len(apcm) - 1:
            worker.set_qmb(pid, True, m2, "State Medicaid eligibility check: Qualified Medicare Beneficiary")
        worker.move_to_apcm(pid, m1, r.ConsentMethod.VERBAL, consent_date=day,
                            reason="the practice offers APCM; the patient agreed on a call")
        counts["moved_to_apcm"] += 1
        if i == 0:  # general behavioural-health integration last month, billed with the APCM code
            wb.as_user(member[pid], clock=_at(m1 + timedelta(days=20), 15, tz, now)).record_bh_service(
                pid, m1.strftime("%Y-%m"), "G0570")
            counts["bh_services"] = 1
    # one is enrolled with another practice: a claim was denied, the billing office records it
    elsewhere = [b for b in consented if b not in apcm][4:5]
    for b in elsewhere:
        wb.as_user(billing.id, clock=_at(m1 + timedelta(days=9), 14, tz, now)).set_enrolment(
            b.patient.id, r.EnrolmentStatus.ENROLLED_ELSEWHERE, m1,
            "a claim was denied: care management billed by another practice")
        counts["enrolled_elsewhere"] += 1
    # outreach to patients without consent: invited by letter, then phone; one declines on a call
    for i, b in enumerate(others[-3:]):
        pid = b.patient.id
        worker = wb.as_user(member[pid], clock=_at(m2 + timedelta(days=7), 9, tz, now))
        worker.record_outreach(pid, r.Channel.LETTER, r.ContactOutcome.SENT, m2 + timedelta(days=7))
        worker = wb.as_user(member[pid], clock=_at(m1 + timedelta(days=2), 9, tz, now))
        worker.record_outreach(pid, r.Channel.PHONE, r.ContactOutcome.NO_ANSWER, m1 + timedelta(days=2))
        counts["outreach_attempts"] += 2
        if i == 0:
            day = m1 + timedelta(days=15)
            end = _at(day, 16, tz, now).now()  # a seven-minute call on the timer
            wb.as_user(member[pid], clock=FixedClock(end - timedelta(minutes=7))).start_timer(
                pid, r.Activity.PATIENT_CALL, note="Outreach call: explained care management")
            worker = wb.as_user(member[pid], clock=FixedClock(end))
            worker.stop_timer()
            worker.record_outreach(pid, r.Channel.PHONE, r.ContactOutcome.DECLINED, day)
            counts["outreach_attempts"] += 1
            counts["declined"] += 1
    return counts
