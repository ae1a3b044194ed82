"""The record's coded values: roles, credentials, services, activities, channels and the
other closed vocabularies, with their labels (standard library only).

``workbench.records`` re-exports every name here.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    TRAINEE = "trainee"
    CARE_COORDINATOR = "care_coordinator"
    CARE_MANAGER = "care_manager"
    SUPERVISOR = "supervisor"
    BILLING = "billing"
    PRACTITIONER = "practitioner"


class Credential(StrEnum):
    RN = "RN"
    LPN = "LPN"
    CMA = "CMA"
    CNA = "CNA"
    RMA = "RMA"
    MD = "MD"
    DO = "DO"
    NP = "NP"
    PA = "PA"
    CNS = "CNS"
    CNM = "CNM"


#: Physicians and qualified health professionals who may bill (reference, "Who may do the work").
PRACTITIONER_CREDENTIALS = frozenset({Credential.MD, Credential.DO, Credential.NP, Credential.PA,
                                      Credential.CNS, Credential.CNM})
#: Unlicensed clinical staff who usually do non-clinical coordination.
UNLICENSED_CREDENTIALS = frozenset({Credential.CMA, Credential.CNA, Credential.RMA})


class Service(StrEnum):
    """The care-management service a minute is counted for (counted for one only)."""

    CCM = "CCM"
    PCM = "PCM"
    TCM = "TCM"
    BHI = "BHI"
    RPM = "RPM"


class Activity(StrEnum):
    """What a time entry was spent on (reference, "What counts")."""

    PATIENT_CALL = "patient_call"
    CAREGIVER_CALL = "caregiver_call"
    CARE_PLAN = "care_plan"
    MEDICATION_RECONCILIATION = "medication_reconciliation"
    RECORD_REVIEW = "record_review"
    PROVIDER_COORDINATION = "provider_coordination"
    COMMUNITY_RESOURCES = "community_resources"
    CARE_TRANSITION = "care_transition"
    SCREENING = "screening"
    ESCALATION = "escalation"
    EDUCATION = "education"
    OTHER = "other"


ACTIVITY_LABELS = {
    Activity.PATIENT_CALL: "Call or message with patient",
    Activity.CAREGIVER_CALL: "Call or message with caregiver",
    Activity.CARE_PLAN: "Care-plan work",
    Activity.MEDICATION_RECONCILIATION: "Medication reconciliation",
    Activity.RECORD_REVIEW: "Record and result review",
    Activity.PROVIDER_COORDINATION: "Coordination with providers",
    Activity.COMMUNITY_RESOURCES: "Community services and resources",
    Activity.CARE_TRANSITION: "Care transition",
    Activity.SCREENING: "Screening",
    Activity.ESCALATION: "Escalation",
    Activity.EDUCATION: "Patient education",
    Activity.OTHER: "Other care management",
}


class EntryMode(StrEnum):
    """How a time entry reached the record (reference, "What a time entry records")."""

    TIMER = "timer"  # started and stopped live
    CONTEMPORANEOUS = "contemporaneous"  # typed in on the same day
    LATE = "late"  # typed in on a later day: allowed, but shown


class Channel(StrEnum):
    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    PORTAL = "portal"
    LETTER = "letter"
    VIDEO = "video"


class ContactOutcome(StrEnum):
    REACHED = "reached"
    LEFT_MESSAGE = "left_message"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"
    DECLINED = "declined"
    SENT = "sent"  # text, email, portal message, letter


class ConsentMethod(StrEnum):
    VERBAL = "verbal"
    WRITTEN = "written"


class ConsentGivenBy(StrEnum):
    """Who agreed to the service: the patient, or a legal representative who may decide for a
    patient who cannot (docs/reference.md, "Consent")."""

    PATIENT = "patient"
    HEALTH_CARE_PROXY = "health_care_proxy"
    POWER_OF_ATTORNEY = "power_of_attorney"  #: a durable power of attorney for health care
    GUARDIAN = "guardian"  #: appointed by a court
    SURROGATE = "surrogate"  #: a decision-maker named by state law (no proxy, no guardian)


CONSENT_GIVEN_BY = {
    ConsentGivenBy.PATIENT: "the patient",
    ConsentGivenBy.HEALTH_CARE_PROXY: "health care proxy",
    ConsentGivenBy.POWER_OF_ATTORNEY: "power of attorney for health care",
    ConsentGivenBy.GUARDIAN: "court-appointed guardian",
    ConsentGivenBy.SURROGATE: "surrogate under state law",
}


#: The four things the patient must have been told (reference, "Consent").
CONSENT_DISCLOSURES = {
    "service_explained": "What the service is and that it is available",
    "cost_sharing": "Cost sharing (coinsurance, deductible) applies",
    "one_practitioner": "Only one practitioner can bill CCM in a calendar month",
    "stop_any_time": "They may stop at any time, effective at the end of that month",
}


class Severity(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"  # same day
    EMERGENT = "emergent"  # now: life at risk


class EscalationStep(StrEnum):
    """Steps of the escalation protocol (scenario notes, the overdose and PHQ-9 situations)."""

    RN_TRIAGE = "rn_triage"
    PROVIDER_NOTIFIED = "provider_notified"
    BEHAVIORAL_HEALTH = "behavioral_health"
    CRISIS_LINE_GIVEN = "crisis_line_given"
    POISON_CONTROL = "poison_control"
    EMS_CALLED = "ems_called"
    EMERGENCY_CONTACT_CALLED = "emergency_contact_called"
    STAYED_ON_LINE = "stayed_on_line"
    PARAMEDICS_ARRIVED = "paramedics_arrived"
    FOLLOW_UP_SCHEDULED = "follow_up_scheduled"
    SAFETY_PLAN = "safety_plan"
    LETHAL_MEANS = "lethal_means"
    ED_REFERRAL = "ed_referral"
    CLOSED = "closed"


ESCALATION_STEP_LABELS = {
    EscalationStep.RN_TRIAGE: "Warm transfer to RN for triage",
    EscalationStep.PROVIDER_NOTIFIED: "Provider notified",
    EscalationStep.BEHAVIORAL_HEALTH: "Warm handoff to behavioural health",
    EscalationStep.CRISIS_LINE_GIVEN: "988 Suicide & Crisis Lifeline given",
    EscalationStep.POISON_CONTROL: "Poison Control consulted (1-800-222-1222)",
    EscalationStep.EMS_CALLED: "EMS called (911)",
    EscalationStep.EMERGENCY_CONTACT_CALLED: "Emergency contact called",
    EscalationStep.STAYED_ON_LINE: "Stayed on the line",
    EscalationStep.PARAMEDICS_ARRIVED: "Paramedics arrived",
    EscalationStep.FOLLOW_UP_SCHEDULED: "Follow-up scheduled",
    EscalationStep.SAFETY_PLAN: "Safety plan made with the patient",
    EscalationStep.LETHAL_MEANS: "Lethal-means safety talk",
    EscalationStep.ED_REFERRAL: "Sent for same-day emergency evaluation",
    EscalationStep.CLOSED: "Escalation closed",
}

#: Steps that may only be taken with the patient's consent (or when the patient cannot
#: respond and life is at risk): scenario notes, situation 3.
CONSENT_GATED_STEPS = frozenset({EscalationStep.EMS_CALLED, EscalationStep.EMERGENCY_CONTACT_CALLED})


class BarrierDomain(StrEnum):
    """Social needs: the five AHC HRSN core domains first, then others care managers meet."""

    HOUSING = "housing"
    FOOD = "food"
    TRANSPORTATION = "transportation"
    UTILITIES = "utilities"
    SAFETY = "safety"
    FINANCIAL_STRAIN = "financial_strain"
    LIVES_ALONE = "lives_alone"
    CAREGIVER_STRAIN = "caregiver_strain"
    MEDICATION_ADHERENCE = "medication_adherence"
    LANGUAGE = "language"
    HEALTH_LITERACY = "health_literacy"
    OTHER = "other"


class BarrierStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class RecordStatus(StrEnum):
    """FHIR's words for a row's standing: a void is a new row marked entered-in-error."""

    ACTIVE = "active"
    ENTERED_IN_ERROR = "entered-in-error"
