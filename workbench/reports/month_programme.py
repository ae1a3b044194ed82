"""The month report's programme reads: enrolment events, QMB status and the patients enrolled in
APCM, each read once for all patients, and the one bill per patient-month made from them
(docs/reference.md, "Enrolment and programmes"; the rules are :mod:`workbench.rules.enrolment`
and :mod:`workbench.rules.apcm`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .. import records as r
from ..rules import MonthBill, MonthTime, consent_status
from ..rules.apcm import ApcmFacts, BhService, bh_addons, bill_programme
from ..rules.enrolment import billing_block, programme_for_month, status_on
from ..rules.months import month_bounds
from ..store import queries as q
from ..store import schema as s


def enrolment_events(conn: Connection, pids: set[str] | None = None) -> dict[str, list[r.EnrolmentEvent]]:
    t = s.enrolment_events
    out: dict[str, list[r.EnrolmentEvent]] = defaultdict(list)
    for row in conn.execute(select(t).order_by(t.c.effective_on, t.c.id)):
        if pids is None or row.patient_id in pids:
            out[row.patient_id].append(q.to_enrolment_event(row))
    return out


def qmb_on(conn: Connection, pids: set[str], day: date) -> set[str]:
    """Patients who are Qualified Medicare Beneficiaries on ``day`` (latest status wins)."""
    t = s.qmb_statuses
    latest: dict[str, bool] = {}
    for row in conn.execute(select(t).where(t.c.effective_on <= day).order_by(t.c.effective_on, t.c.id)):
        if row.patient_id in pids:
            latest[row.patient_id] = bool(row.qmb)
    return {pid for pid, qmb in latest.items() if qmb}


def apcm_enrolled(events: dict[str, list[r.EnrolmentEvent]], month: str) -> set[str]:
    """Patients enrolled in APCM on the month's last day (they bill without logged time)."""
    _, last = month_bounds(month)
    out = set()
    for pid, evs in events.items():
        now = status_on(evs, last)
        if now is not None and now.status == r.EnrolmentStatus.ENROLLED and now.programme == r.Programme.APCM:
            out.add(pid)
    return out


class ProgrammeInputs:
    """What the programme rules read for a month, for a set of patients."""

    def __init__(self, conn: Connection, pids: set[str], month: str, events=None) -> None:
        self.month = month
        self.first, self.last = month_bounds(month)
        self.events = events if events is not None else enrolment_events(conn, pids)
        self.qmb = qmb_on(conn, pids, self.last)
        bh = s.bh_services
        self.bh: dict[str, list[BhService]] = defaultdict(list)
        for row in conn.execute(select(bh).where(bh.c.month == month).order_by(bh.c.id)):
            if row.patient_id in pids:
                self.bh[row.patient_id].append(BhService(row.code, row.practitioner_id))
        self.practitioner = {row.id: row.billing_practitioner_id for row in conn.execute(
            select(s.patients.c.id, s.patients.c.billing_practitioner_id)) if row.id in pids}

    def bill(self, time: MonthTime, *, consents: list[r.Consent], eligibility, complex_attested: bool,
             table, today: date) -> MonthBill:
        """The patient-month's one bill, with the programme and why in ``programme_why``."""
        pid = time.patient_id
        events = self.events.get(pid, [])
        programme, why = programme_for_month(events, self.month)
        block = billing_block(events, self.month)
        apcm = None
        if programme == r.Programme.APCM:
            apcm = ApcmFacts(consent=consent_status(consents, self.last, today, "APCM"),
                             chronic_conditions=len(eligibility.categories), qmb=pid in self.qmb,
                             practitioner_id=self.practitioner.get(pid), bh=tuple(self.bh.get(pid, ())))
        bill = bill_programme(time, programme=programme, block=block, eligibility=eligibility,
                              complex_attested=complex_attested, table=table, apcm=apcm)
        if programme != r.Programme.APCM and self.bh.get(pid):  # recorded, but no APCM base code this month
            refused = bh_addons(self.bh[pid], base_billed=False, base_practitioner=None)[1]
            bill = replace(bill, flags=tuple(dict.fromkeys((*bill.flags, *refused))))
        if block is not None:
            return replace(bill, programme="", programme_why=block.text)
        billed = "" if not bill.lines else "APCM" if programme == r.Programme.APCM else \
            "PCM" if (bill.family or "").startswith("pcm") else "CCM"
        return replace(bill, programme=billed, programme_why=f"{why[0].upper()}{why[1:]}. {bill.reason}")
