"""Fixtures of the patient copy's tests."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from workbench import records as r
from workbench.export.patient_copy import patient_copy

ALL_TOLD = dict.fromkeys(r.CONSENT_DISCLOSURES, True)


@pytest.fixture
def copy_wb(wb):
    """P00001 (hypertension, type 2 diabetes, lisinopril) with a care plan, a care-team member with a
    phone and a practice with a 24/7 line."""
    system = wb.as_user("S004")
    system.set_settings(r.PracticeSettings(name="Main Street Practice", phone="(518) 555-0100",
                                           after_hours_phone="(518) 555-0199"))
    system.add_user(r.User("S010", "Nora Nurse", r.Role.CARE_MANAGER, r.Credential.RN, "NY", phone="(518) 555-0142"))
    wb.record_consent("P00001", "verbal", date(2026, 11, 2), ALL_TOLD)
    plan = r.CarePlan(problem_list="I10; E11.9",
                      goals=(r.Goal("Bring A1c under 8", "A1c", "< 8 %", date(2027, 5, 1)),),
                      interventions=(r.Intervention("Check your blood pressure each morning and write it down",
                                                    "patient", "daily"),))
    wb.revise_care_plan("P00001", plan, 0, "Initial plan")
    wb.add_barrier("P00001", "transportation", "No ride to the eye exam", action="Van ride booked for Dec 4")
    return wb.as_user("S001")  # a fresh session reads the new practice settings


@pytest.fixture
def spanish_copy(copy_wb, make_bundle):
    """A maker of P00030's copy: a Spanish speaker on warfarin and lisinopril, with a penicillin
    allergy, a goal and two tasks (one the patient's, one the team's)."""

    def make(language="Spanish"):
        bundle = make_bundle("P00030")
        bundle.patient = dataclasses.replace(bundle.patient, language=language)
        bundle.medications = [r.Medication("warfarin sodium 5 MG Oral Tablet", "855332", "5 mg",
                                           "once daily (dose per INR)"),
                              r.Medication("lisinopril 10 MG Oral Tablet", "314076", "10 mg", "once daily")]
        bundle.allergies = [r.Allergy("penicillin", "hives")]
        copy_wb.as_user("S004").add_patient(bundle)
        plan = r.CarePlan(problem_list="I10", goals=(r.Goal("Keep INR 2-3", "INR", "2-3", date(2027, 6, 1)),),
                          interventions=(r.Intervention("Check your blood pressure each morning", "patient", "daily"),
                                         r.Intervention("Anticoagulant bleeding/fall check", "care manager",
                                                        "monthly")))
        copy_wb.revise_care_plan("P00030", plan, 0, "plan")
        return patient_copy(copy_wb, "P00030")

    return make
