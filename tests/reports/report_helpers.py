"""Helpers shared by the report and import tests (plain functions)."""

from __future__ import annotations

from datetime import UTC, datetime

from workbench import records as r

TOLD = {k: True for k in r.CONSENT_DISCLOSURES}

#: The same staff as tests/conftest.py's ``wb`` fixture.
STAFF = [
    r.User("S001", "Rita Nurse", r.Role.CARE_MANAGER, r.Credential.RN, "NY"),
    r.User("S002", "Lee Practical", r.Role.CARE_MANAGER, r.Credential.LPN, "NY"),
    r.User("S003", "Casey Assistant", r.Role.CARE_COORDINATOR, r.Credential.CMA, "NJ"),
    r.User("S004", "Sam Supervisor", r.Role.SUPERVISOR, r.Credential.RN, "NY"),
    r.User("S005", "Dr. Maya Doctor", r.Role.PRACTITIONER, r.Credential.MD, "NY"),
    r.User("S006", "Bill Ing", r.Role.BILLING, None, "NY"),
    r.User("S007", "Tess Trainee", r.Role.TRAINEE, r.Credential.RN, "NY"),
]


def at(day: str, hhmm: str = "14:00") -> datetime:
    """A UTC moment on ``day`` (14:00 UTC is morning in New York, so the local date is ``day``)."""
    hh, mm = (int(x) for x in hhmm.split(":"))
    return datetime.fromisoformat(day).replace(hour=hh, minute=mm, tzinfo=UTC)


def consent(wb, pid: str, day: str = "2026-01-05") -> None:
    wb.as_user("S001").record_consent(pid, "verbal", day, TOLD)
