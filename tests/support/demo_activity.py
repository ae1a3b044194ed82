"""A month in progress for the demo database: timed calls, contacts, a consent, an escalation.

Everything is written through the service, with a clock set to when it happened, exactly as a
care manager's day would write it; nothing is poked into tables.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from workbench import records as r
from workbench.clock import FixedClock

NOTES = {
    r.Activity.PATIENT_CALL: "Monthly check-in call: reviewed symptoms, medicines and goals",
    r.Activity.MEDICATION_RECONCILIATION: "Reconciled medication list with pharmacy fill history",
    r.Activity.RECORD_REVIEW: "Reviewed recent labs and specialist notes",
    r.Activity.CARE_PLAN: "Updated care-plan goals after call",
    r.Activity.PROVIDER_COORDINATION: "Coordinated refill and follow-up with the provider",
}


def add_demo_activity(wb, seed: int = 11) -> None:
    """Give the current month some history so the worklist and month view have something to show."""
    rng = random.Random(seed)
    today = wb.today()
    staff = [u for u in wb.users() if u.role in (r.Role.CARE_MANAGER, r.Role.CARE_COORDINATOR)]
    if not staff or today.day < 2:
        return
    patients = wb.patients()
    consented = [p for p in patients if any(c.revoked_on is None for c in wb.consents(p.id))]
    for i, patient in enumerate(consented[: max(1, len(consented) * 2 // 3)]):
        member = staff[i % len(staff)]
        for _ in range(rng.randint(1, 4)):
            day = today.replace(day=rng.randint(1, today.day - 1))
            start = datetime.combine(day, time(rng.randint(9, 15), rng.choice([0, 15, 30, 45])), tzinfo=wb.tz)
            clock = FixedClock(start)
            worker = wb.as_user(member.id, clock=clock)
            activity = rng.choice(list(NOTES))
            worker.start_timer(patient.id, activity, note=NOTES[activity])
            clock.advance(minutes=rng.randint(4, 22), seconds=rng.randint(0, 59))
            worker.stop_timer()
            if activity == r.Activity.PATIENT_CALL:
                worker.log_contact(patient.id, r.Channel.PHONE,
                                   rng.choice([r.ContactOutcome.REACHED] * 3 + [r.ContactOutcome.LEFT_MESSAGE]),
                                   "Check-in call", contacted_at=start)
    if consented:
        p = consented[-1]
        clock = FixedClock(datetime.combine(today - timedelta(days=1), time(11, 5), tzinfo=wb.tz))
        worker = wb.as_user(staff[0].id, clock=clock)
        esc = worker.open_escalation(p.id, "Reports 4 lb weight gain in two days and ankle swelling",
                                     r.Severity.URGENT)
        clock.advance(minutes=3)
        worker.record_escalation_step(esc.id, r.EscalationStep.RN_TRIAGE, "Warm transfer to RN on duty")
