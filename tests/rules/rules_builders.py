"""Builders shared by the rules tests (plain functions, no fixtures: hypothesis-friendly)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from workbench.records import (CONSENT_DISCLOSURES, Condition, Consent, ConsentMethod, Credential, Role,
                               Service, TimeEntry, User)

PID = "P00001"

STAFF = {
    "RN1": User("RN1", "Rita Nurse", Role.CARE_MANAGER, Credential.RN, "NY"),
    "RN2": User("RN2", "Ravi Nurse", Role.CARE_MANAGER, Credential.RN, "NY"),
    "LPN1": User("LPN1", "Lena Practical", Role.CARE_MANAGER, Credential.LPN, "NJ"),
    "CMA_NJ": User("CMA_NJ", "Carl Assistant", Role.CARE_COORDINATOR, Credential.CMA, "NJ"),
    "CMA_NY": User("CMA_NY", "Cora Assistant", Role.CARE_COORDINATOR, Credential.CMA, "NY"),
    "MD1": User("MD1", "Dr Mara Doc", Role.PRACTITIONER, Credential.MD, "NY"),
    "NP1": User("NP1", "Nia Practitioner", Role.PRACTITIONER, Credential.NP, "NY"),
    "BILL": User("BILL", "Bo Biller", Role.BILLING, None, "NY"),
}

ALL_TOLD = {key: True for key in CONSENT_DISCLOSURES}

CCM_CONDITIONS = (Condition("I10", "Hypertension"), Condition("E11.9", "Type 2 diabetes"))
PCM_CONDITIONS = (Condition("I50.9", "Heart failure"),)
NONE_CONDITIONS = (Condition("I10", "Hypertension"),)


def d(text: str) -> date:
    return date.fromisoformat(text)


def consent(on: str = "2025-01-02", revoked: str | None = None, told: dict | None = None) -> Consent:
    return Consent(PID, ConsentMethod.VERBAL, d(on), "RN1", dict(ALL_TOLD if told is None else told),
                   revoked_on=d(revoked) if revoked else None)


def entry(staff: str = "RN1", *, minutes: float = 0, seconds: int = 0, day: str = "2025-10-10",
          start: str | None = None, service: Service = Service.CCM) -> TimeEntry:
    """A time entry; ``start="10:00"`` makes it timed (UTC), otherwise manual."""
    total = int(round(minutes * 60)) + seconds
    started = ended = None
    if start is not None:
        hh, mm = (int(x) for x in start.split(":"))
        started = datetime(*d(day).timetuple()[:3], hh, mm, tzinfo=UTC)
        ended = started + timedelta(seconds=total)
    return TimeEntry(PID, staff, total, d(day), service=service, started_at=started, ended_at=ended,
                     manual=start is None)
