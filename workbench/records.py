"""The CCM record as plain dataclasses (standard library only).

Names follow FHIR R4 where FHIR has a word for the thing (CarePlan, Goal, Condition,
Consent, ``entered-in-error``), so that an export is a mapping, not a renaming.

Nothing here talks to a database or a widget: the store turns rows into these objects,
the rules read them, the UI shows them.

The record is kept in one module per concept and every name is importable from here:
``records_codes`` (coded values and labels), ``records_people`` (staff, patients, practice
settings), ``records_clinical`` (chart facts and visits), ``records_careplan`` (the care plan)
and ``records_care`` (consent, time, contacts, escalations, questionnaires). This module adds
the bundles that carry a whole patient or panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

<<<<<<< HEAD

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
#: Licensed nurses (reference, "Who may do the work": some states require them).
LICENSED_NURSE_CREDENTIALS = frozenset({Credential.RN, Credential.LPN})
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


CORE_SDOH_DOMAINS = (BarrierDomain.HOUSING, BarrierDomain.FOOD, BarrierDomain.TRANSPORTATION,
                     BarrierDomain.UTILITIES, BarrierDomain.SAFETY)


class BarrierStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class RecordStatus(StrEnum):
    """FHIR's words for a row's standing: a void is a new row marked entered-in-error."""

    ACTIVE = "active"
    ENTERED_IN_ERROR = "entered-in-error"


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class User:
    id: str  #: external id, e.g. "S001" or the JupyterHub user name
    name: str
    role: Role
    credential: Credential | None = None
    state: str | None = None  #: two-letter practice state
    npi: str = ""  #: National Provider Identifier (10 digits, Luhn-checked): billing practitioners
    phone: str = ""  #: direct line a patient may call (the patient copy prints it)

    @property
    def is_practitioner(self) -> bool:
        return self.credential in PRACTITIONER_CREDENTIALS

    @property
    def label(self) -> str:
        cred = f", {self.credential}" if self.credential else ""
        return f"{self.name}{cred} ({self.role.replace('_', ' ')})"


@dataclass(frozen=True)
class Person:
    """A caregiver or an emergency contact."""

    name: str
    relationship: str = ""
    phone: str = ""
    authorized: bool = False  #: patient's permission on record to discuss their care


@dataclass(frozen=True)
class Patient:
    id: str  #: external id, e.g. "P00042"
    first_name: str
    last_name: str
    birth_date: date
    sex: str  #: "F" | "M" | "X"
    state: str = ""
    language: str = "English"
    phone: str = ""
    email: str = ""
    address: str = ""
    contact_preferences: dict = field(default_factory=dict)  #: e.g. {"channel": "phone", "best_time": "morning"}
    caregiver: Person | None = None
    emergency_contacts: tuple[Person, ...] = ()
    billing_practitioner_id: str | None = None
    care_team_member_id: str | None = None  #: designated member for continuity
    persona: dict = field(default_factory=dict)  #: simulated traits (adherence, literacy, mood, reachability)
    scope: str = "live"  #: "live" for the panel; "training:<attempt>" for a scenario's copy
    member_id: str = ""  #: Medicare Beneficiary Identifier (MBI, 11 characters), "" when unknown
    payer: str = ""  #: e.g. "Medicare Part B", a Medicare Advantage plan; "" = Medicare

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


# --------------------------------------------------------------------------- clinical facts


@dataclass(frozen=True)
class Condition:
    icd10: str
    display: str = ""
    onset: date | None = None
    chronic: bool | None = None  #: None: decide from the catalog; True/False: a clinician said so
    chronic_reason: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Medication:
    name: str
    rxnorm: str = ""
    dose: str = ""
    frequency: str = ""
    indication: str = ""  #: ICD-10-CM code of the condition it treats
    status: str = "active"
    id: int | None = None


@dataclass(frozen=True)
class Allergy:
    substance: str
    reaction: str = ""
    severity: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Immunization:
    vaccine: str  #: "influenza", "pneumococcal", "covid-19", "zoster", "tdap"
    date: date
    cvx: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Screening:
    """A preventive screening or monitoring test done on a date (care gaps read these)."""

    kind: str  #: "a1c", "eye_exam", "foot_exam", "kidney", "lipids", "colorectal", "mammography", ...
    date: date
    result: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Observation:
    loinc: str
    name: str
    value: float
    unit: str
    effective: date
    id: int | None = None


class VisitKind(StrEnum):
    """Face-to-face visits that can initiate CCM (docs/reference.md, "Initiating visit")."""

    OFFICE_VISIT = "office_visit"  #: an E/M office or outpatient visit
    ANNUAL_WELLNESS = "annual_wellness_visit"  #: AWV
    INITIAL_PREVENTIVE = "initial_preventive_exam"  #: IPPE, "Welcome to Medicare"


VISIT_KIND_LABELS = {
    VisitKind.OFFICE_VISIT: "Office visit (E/M)",
    VisitKind.ANNUAL_WELLNESS: "Annual wellness visit (AWV)",
    VisitKind.INITIAL_PREVENTIVE: "Initial preventive physical exam (IPPE)",
}


@dataclass(frozen=True)
class Visit:
    """A face-to-face visit with a practitioner of the practice.

    ``ccm_discussed``: CCM was discussed, so the visit can be the initiating visit;
    ``extensive_care_planning``: the billing practitioner did extensive CCM care planning at
    it (G0506, once per patient).
    """

    patient_id: str
    visit_date: date
    kind: VisitKind
    practitioner_id: str
    ccm_discussed: bool = False
    extensive_care_planning: bool = False
    id: int | None = None


# --------------------------------------------------------------------------- care plan


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


# --------------------------------------------------------------------------- care management


@dataclass(frozen=True)
class Consent:
    patient_id: str
    method: ConsentMethod
    consent_date: date
    obtained_by: str  #: user id
    disclosures: dict  #: CONSENT_DISCLOSURES key -> bool
    billing_practitioner_id: str | None = None
    revoked_on: date | None = None  #: the day the patient asked to stop
    revocation_reason: str = ""
    recorded_at: datetime | None = None  #: when the consent was written into the record (UTC)
    id: int | None = None


@dataclass(frozen=True)
class TimeEntry:
    patient_id: str
    staff_id: str
    seconds: int
    service_date: date  #: local date in the practice's time zone (the month is taken from it)
    activity: Activity = Activity.OTHER
    service: Service = Service.CCM
    note: str = ""
    started_at: datetime | None = None  #: UTC; None for a manual entry given in minutes
    ended_at: datetime | None = None
    manual: bool = False
    mode: EntryMode = EntryMode.TIMER
    staff_credential: Credential | None = None
    staff_role: Role | None = None
    recorded_at: datetime | None = None
    recorded_by: str = ""
    external_id: str | None = None
    id: int | None = None

    @property
    def minutes(self) -> float:
        return self.seconds / 60


@dataclass(frozen=True)
class Timer:
    """A running timer: a started row with no end yet."""

    id: int
    staff_id: str
    patient_id: str
    started_at: datetime
    activity: Activity
    service: Service
    note: str = ""


@dataclass(frozen=True)
class Contact:
    patient_id: str
    staff_id: str
    channel: Channel
    outcome: ContactOutcome
    contacted_at: datetime
    note: str = ""
    with_whom: str = "patient"  #: patient | caregiver | provider | pharmacy | community | interpreter
    id: int | None = None


@dataclass(frozen=True)
class EscalationStepRecord:
    step: EscalationStep
    at: datetime
    by: str
    note: str = ""
    patient_consent: bool | None = None


@dataclass(frozen=True)
class Escalation:
    id: int
    patient_id: str
    reason: str
    severity: Severity
    opened_at: datetime
    opened_by: str
    source: str = "manual"  #: manual | phq9 | scenario
    steps: tuple[EscalationStepRecord, ...] = ()
    kind: str = "general"  #: its type: a key of rules/escalation_protocols.json

    @property
    def is_open(self) -> bool:
        return not any(s.step == EscalationStep.CLOSED for s in self.steps)


@dataclass(frozen=True)
class Barrier:
    patient_id: str
    domain: BarrierDomain
    description: str
    status: BarrierStatus = BarrierStatus.OPEN
    z_code: str = ""
    action: str = ""  #: what was arranged
    id: int | None = None


@dataclass(frozen=True)
class QuestionnaireResponse:
    """A PHQ-2, PHQ-9 or SDOH screening as answered (FHIR QuestionnaireResponse)."""

    patient_id: str
    instrument: str  #: "PHQ-2" | "PHQ-9" | "AHC-HRSN"
    answers: dict
    score: int | None
    recorded_at: datetime
    recorded_by: str
    id: int | None = None


@dataclass(frozen=True)
class MonthAttestation:
    """The billing practitioner's statement for complex CCM in one month (99487/99489)."""

    patient_id: str
    month: str  #: "YYYY-MM"
    practitioner_id: str
    moderate_or_high_complexity: bool
    plan_established_or_substantially_revised: bool
    id: int | None = None

    @property
    def complex_ccm(self) -> bool:
        return self.moderate_or_high_complexity and self.plan_established_or_substantially_revised


#: The practice settings stored as keys of the settings table.
SETTINGS_KEYS = ("name", "timezone", "state", "phone", "after_hours_phone")


@dataclass(frozen=True)
class PracticeSettings:
    name: str = "Demo Family Practice"
    timezone: str = "America/New_York"  #: months are calendar months here
    state: str = "NY"
    phone: str = ""  #: the practice's main number (the patient copy prints it)
    after_hours_phone: str = ""  #: the 24/7 line to a care-team member who can see the care plan


# --------------------------------------------------------------------------- bundles
=======
from workbench.records_codes import (ACTIVITY_LABELS, CONSENT_DISCLOSURES, CONSENT_GATED_STEPS,
                                     CORE_SDOH_DOMAINS, ESCALATION_STEP_LABELS,
                                     LICENSED_NURSE_CREDENTIALS, PRACTITIONER_CREDENTIALS,
                                     UNLICENSED_CREDENTIALS, Activity, BarrierDomain,
                                     BarrierStatus, Channel, ConsentMethod, ContactOutcome,
                                     Credential, EntryMode, EscalationStep, RecordStatus, Role,
                                     Service, Severity)  # noqa: F401
from workbench.records_people import SETTINGS_KEYS, Patient, Person, PracticeSettings, User  # noqa: F401
from workbench.records_clinical import (VISIT_KIND_LABELS, Allergy, Condition, Immunization,
                                        Medication, Observation, Screening, Visit, VisitKind)  # noqa: F401
from workbench.records_careplan import (CARE_PLAN_ELEMENTS, CARE_PLAN_EXTRA_ELEMENTS, CarePlan,
                                        CarePlanRevision, Goal, Intervention)  # noqa: F401
from workbench.records_care import (Barrier, Consent, Contact, Escalation, EscalationStepRecord,
                                    MonthAttestation, QuestionnaireResponse, TimeEntry, Timer)  # noqa: F401

__all__ = [
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
    "CORE_SDOH_DOMAINS",
    "CarePlan",
    "CarePlanRevision",
    "Channel",
    "Condition",
    "Consent",
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
    "LICENSED_NURSE_CREDENTIALS",
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
    "VISIT_KIND_LABELS",
    "Visit",
    "VisitKind",
]
>>>>>>> main


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
