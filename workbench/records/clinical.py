"""Clinical facts on the chart: conditions, medicines, allergies, immunizations,
screenings, observations and face-to-face visits.

``workbench.records`` re-exports every name here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


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
