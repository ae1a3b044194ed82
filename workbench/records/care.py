"""Care-management events: consent, time, timers, contacts, escalations, social needs,
questionnaires and the month's attestation.

``workbench.records`` re-exports every name here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from datetime import date, datetime

from .codes import (CONSENT_GIVEN_BY, Activity, BarrierDomain, BarrierStatus, Channel, ConsentGivenBy,
                    ConsentMethod, ContactOutcome, Credential, EntryMode, EscalationStep, Role, Service,
                    Severity)


@dataclass(frozen=True)
class Consent:
    patient_id: str
    method: ConsentMethod
    consent_date: date
    obtained_by: str  #: user id
    disclosures: dict[str, bool]  #: CONSENT_DISCLOSURES key -> bool
    billing_practitioner_id: str | None = None
    revoked_on: date | None = None  #: the day the patient asked to stop
    revocation_reason: str = ""
    recorded_at: datetime | None = None  #: when the consent was written into the record (UTC)
    id: int | None = None
    programme: str = "CCM"  #: records.Programme: the programme consented to (CCM or APCM)
    text_version: str = "ccm-2025.1"  #: the consent text read to or signed by the patient
    language: str = "en"  #: the language of that text ("en", "es"; "" not recorded)
    given_by: ConsentGivenBy = ConsentGivenBy.PATIENT  #: who agreed: the patient or a legal representative
    representative: str = ""  #: the representative's name and relation; "" when the patient agreed

    @property
    def by_representative(self) -> bool:
        return self.given_by != ConsentGivenBy.PATIENT

    @property
    def agreed_by(self) -> str:
        """Who agreed, in words: "the patient" or "Rosa Alvarez, daughter (health care proxy)"."""
        if not self.by_representative:
            return "the patient"
        return f"{self.representative} ({CONSENT_GIVEN_BY[self.given_by]})"


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
    resolution: str = ""  #: how it was resolved (set when its status is resolved)


@dataclass(frozen=True)
class QuestionnaireResponse:
    """A PHQ-2, PHQ-9 or SDOH screening as answered (FHIR QuestionnaireResponse)."""

    patient_id: str
    instrument: str  #: "PHQ-2" | "PHQ-9" | "AHC-HRSN"
    answers: dict[str, Any]
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
