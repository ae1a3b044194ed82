"""The comprehensive care plan: goals, interventions, the CMS elements and its versions.

``workbench.records`` re-exports every name here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Goal:
    description: str
    measure: str = ""  #: what is measured, e.g. "A1c"
    target: str = ""  #: e.g. "< 8 %"
    due_date: date | None = None
    status: str = "active"  #: FHIR Goal.lifecycleStatus words: proposed|active|completed|cancelled

    @property
    def measurable(self) -> bool:
        return bool(self.target.strip()) and self.due_date is not None


@dataclass(frozen=True)
class Intervention:
    description: str
    responsible: str = ""  #: who does it: a person or a role
    frequency: str = ""


#: The elements CMS lists for the comprehensive care plan (reference, "The comprehensive
#: care plan"), then the elements care managers also keep. Keys are CarePlan attributes.
CARE_PLAN_ELEMENTS = {
    "problem_list": "Problem list",
    "expected_outcome_prognosis": "Expected outcome and prognosis",
    "goals": "Measurable treatment goals",
    "cognitive_functional_assessment": "Cognitive and functional assessment",
    "symptom_management": "Symptom management",
    "interventions": "Planned interventions (and who is responsible)",
    "medication_management": "Medication management",
    "environmental_evaluation": "Environmental evaluation",
    "caregiver_assessment": "Caregiver assessment",
    "coordination": "Interaction and coordination with outside resources, practitioners and providers",
    "periodic_review": "Requirements for periodic review",
    "revision_notes": "Revision when applicable",
}
CARE_PLAN_EXTRA_ELEMENTS = {
    "allergies": "Allergies",
    "immunizations": "Immunizations",
    "preventive_screenings": "Preventive screenings",
    "surgical_history": "Surgical history",
    "family_history": "Family history",
    "sdoh_needs": "Social needs (SDOH)",
}


@dataclass(frozen=True)
class CarePlan:
    """The content of one care-plan version: every CMS element, as text or lists."""

    problem_list: str = ""
    expected_outcome_prognosis: str = ""
    goals: tuple[Goal, ...] = ()
    cognitive_functional_assessment: str = ""
    symptom_management: str = ""
    interventions: tuple[Intervention, ...] = ()
    medication_management: str = ""
    environmental_evaluation: str = ""
    caregiver_assessment: str = ""
    coordination: str = ""
    periodic_review: str = ""
    revision_notes: str = ""
    allergies: str = ""
    immunizations: str = ""
    preventive_screenings: str = ""
    surgical_history: str = ""
    family_history: str = ""
    sdoh_needs: str = ""


@dataclass(frozen=True)
class CarePlanRevision:
    patient_id: str
    version: int
    based_on: int  #: 0 for the first version
    plan: CarePlan
    reason: str
    author_id: str
    author_name: str
    recorded_at: datetime
    id: int | None = None
