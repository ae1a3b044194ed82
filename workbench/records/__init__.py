"""The CCM record as plain dataclasses (standard library only).

Names follow FHIR R4 where FHIR has a word for the thing (CarePlan, Goal, Condition,
Consent, ``entered-in-error``), so that an export is a mapping, not a renaming.

Nothing here talks to a database or a widget: the store turns rows into these objects,
the rules read them, the UI shows them.

The record is kept in one module per concept and every name is importable from here:
``codes`` (coded values and labels), ``people`` (staff, patients, practice
settings), ``clinical`` (chart facts and visits), ``careplan`` (the care plan)
and ``care`` (consent, time, contacts, escalations, questionnaires). This module adds
the bundles that carry a whole patient or panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .codes import (ACTIVITY_LABELS, CONSENT_DISCLOSURES, CONSENT_GATED_STEPS, CONSENT_GIVEN_BY,
                    ESCALATION_STEP_LABELS, PRACTITIONER_CREDENTIALS, UNLICENSED_CREDENTIALS, Activity,
                    BarrierDomain, BarrierStatus, Channel, ConsentGivenBy, ConsentMethod, ContactOutcome,
                    Credential, EntryMode, EscalationStep, RecordStatus, Role, Service, Severity)
from .people import SETTINGS_KEYS, Patient, Person, PracticeSettings, User
from .clinical import Allergy, Condition, Immunization, Medication, Observation, Screening, Visit, VisitKind
from .careplan import CARE_PLAN_ELEMENTS, CARE_PLAN_EXTRA_ELEMENTS, CarePlan, CarePlanRevision, Goal, Intervention
from .enrolment import (ENROLMENT_STATUS_LABELS, EnrolmentEvent, EnrolmentStatus, OutreachAttempt,
                        Programme, QmbStatus)
from .care import (Barrier, Consent, Contact, Escalation, EscalationStepRecord, MonthAttestation,
                   QuestionnaireResponse, TimeEntry, Timer)

__all__ = [
    "ENROLMENT_STATUS_LABELS",
    "EnrolmentEvent",
    "EnrolmentStatus",
    "OutreachAttempt",
    "Programme",
    "QmbStatus",
    "ACTIVITY_LABELS",
    "Activity",
    "Allergy",
    "Barrier",
    "BarrierDomain",
    "BarrierStatus",
    "CARE_PLAN_ELEMENTS",
    "CARE_PLAN_EXTRA_ELEMENTS",
    "CONSENT_DISCLOSURES",
    "CONSENT_GATED_STEPS",
    "CONSENT_GIVEN_BY",
    "CarePlan",
    "CarePlanRevision",
    "Channel",
    "Condition",
    "Consent",
    "ConsentGivenBy",
    "ConsentMethod",
    "Contact",
    "ContactOutcome",
    "Credential",
    "ESCALATION_STEP_LABELS",
    "EntryMode",
    "Escalation",
    "EscalationStep",
    "EscalationStepRecord",
    "Goal",
    "Immunization",
    "Intervention",
    "Medication",
    "MonthAttestation",
    "Observation",
    "PRACTITIONER_CREDENTIALS",
    "Panel",
    "Patient",
    "PatientBundle",
    "Person",
    "PracticeSettings",
    "QuestionnaireResponse",
    "RecordStatus",
    "Role",
    "SETTINGS_KEYS",
    "Screening",
    "Service",
    "Severity",
    "TimeEntry",
    "Timer",
    "UNLICENSED_CREDENTIALS",
    "User",
    "Visit",
    "VisitKind",
]


@dataclass
class PatientBundle:
    """One patient with everything known about them: what a generator or an import produces
    and what the service loads in one transaction."""

    patient: Patient
    conditions: list[Condition] = field(default_factory=list)
    medications: list[Medication] = field(default_factory=list)
    allergies: list[Allergy] = field(default_factory=list)
    immunizations: list[Immunization] = field(default_factory=list)
    screenings: list[Screening] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    barriers: list[Barrier] = field(default_factory=list)
    consent: Consent | None = None
    care_plan: CarePlan | None = None
    visits: list[Visit] = field(default_factory=list)


@dataclass
class Panel:
    """A practice's staff and patients (a generated panel or an imported one)."""

    staff: list[User]
    patients: list[PatientBundle]
    settings: PracticeSettings = field(default_factory=PracticeSettings)
    name: str = ""
