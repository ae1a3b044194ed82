"""A small practice for the approval pages: a care manager's time this month on two patients, a
supervisor, the billing practitioner, approval required (docs/billing-approval.md)."""

from __future__ import annotations

import dataclasses

from workbench import records as r

ALL_TOLD = dict.fromkeys(r.CONSENT_DISCLOSURES, True)
STAFF = [r.User("S001", "Rita Nurse", r.Role.CARE_MANAGER, r.Credential.RN, "NY"),
         r.User("S004", "Sam Supervisor", r.Role.SUPERVISOR, r.Credential.RN, "NY"),
         r.User("S005", "Dr. Maya Doctor", r.Role.PRACTITIONER, r.Credential.MD, "NY"),
         r.User("S006", "Bill Ing", r.Role.BILLING, None, "NY")]
MBI = {"P00001": "1EG4TE5MK73", "P00002": "2EG4TE5MK74"}


def seed_approval_practice(url: str, clock=None):
    """Returns the system Workbench; P00001 gets two entries (15 + 10 min), P00002 one (22 min),
    both by S001 today, with consent, an initiating visit and care plan version 1."""
    from tests.conftest import sample_patient
    from workbench.service import Workbench

    wb = Workbench.create(url, clock=clock)
    for u in STAFF:
        wb.add_user(u)
    wb.set_npi("S005", "1234567893")
    wb.set_approval_required(True)
    today = wb.today()
    for pid, first in (("P00001", "Ada"), ("P00002", "Ben")):
        b = sample_patient(pid, first_name=first)
        wb.add_patient(dataclasses.replace(b, patient=dataclasses.replace(b.patient, member_id=MBI[pid])))
        wb.record_consent(pid, "verbal", today, ALL_TOLD, billing_practitioner_id="S005")
        wb.as_user("S005").record_visit(pid, today, "office_visit", ccm_discussed=True)
        wb.as_user("S001").revise_care_plan(pid, r.CarePlan(problem_list="Hypertension; type 2 diabetes"), 0,
                                            "First care plan")
    nurse = wb.as_user("S001")
    nurse.log_time("P00001", 15, "patient_call", "Check-in", service_date=today.isoformat())
    nurse.log_time("P00001", 10, "care_plan", "Plan review", service_date=today.isoformat())
    nurse.log_time("P00002", 22, "patient_call", "Check-in", service_date=today.isoformat())
    return wb
