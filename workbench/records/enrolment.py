"""Enrolment in a care-management programme: status changes with effective dates, outreach
attempts, and the programme a patient is cared for under (CCM or APCM).

docs/reference.md, "Enrolment and programmes": a status is never edited; each change is a new
:class:`EnrolmentEvent` (who, when, why, effective from which day), and the status on a day is
the latest event effective on or before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class EnrolmentStatus(StrEnum):
    NOT_ENROLLED = "not-enrolled"
    INVITED = "invited"
    ENROLLED = "enrolled"
    ENROLLED_ELSEWHERE = "enrolled-elsewhere"  #: another practice bills care management
    DECLINED = "declined"
    UNENROLLED = "unenrolled"
    INELIGIBLE = "ineligible"


ENROLMENT_STATUS_LABELS = {
    EnrolmentStatus.NOT_ENROLLED: "Not enrolled",
    EnrolmentStatus.INVITED: "Invited",
    EnrolmentStatus.ENROLLED: "Enrolled",
    EnrolmentStatus.ENROLLED_ELSEWHERE: "Enrolled elsewhere",
    EnrolmentStatus.DECLINED: "Declined",
    EnrolmentStatus.UNENROLLED: "Unenrolled",
    EnrolmentStatus.INELIGIBLE: "Ineligible",
}


class Programme(StrEnum):
    """The monthly programme a patient is billed under: one per patient per month."""

    CCM = "CCM"  #: chronic care management, time-based (99490 and family; PCM is its one-condition sibling)
    APCM = "APCM"  #: advanced primary care management, monthly, not time-based (G0556-G0558)


@dataclass(frozen=True)
class EnrolmentEvent:
    patient_id: str
    status: EnrolmentStatus
    effective_on: date  #: the first day the status holds
    reason: str  #: why (required): "asked by phone to think about it", "CCM with cardiology"
    programme: Programme = Programme.CCM
    recorded_by: str = ""
    recorded_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class OutreachAttempt:
    patient_id: str
    attempted_on: date
    channel: str  #: records.Channel value
    outcome: str  #: reached | no-answer | left-message | wrong-number | declined | ...
    programme: Programme = Programme.CCM
    recorded_by: str = ""
    recorded_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class QmbStatus:
    """Qualified Medicare Beneficiary status from a day on (APCM level 3 needs it)."""

    patient_id: str
    qmb: bool
    effective_on: date
    reason: str = ""
    recorded_by: str = ""
    recorded_at: datetime | None = None
    id: int | None = None
