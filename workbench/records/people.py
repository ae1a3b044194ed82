"""People in the record: staff, patients and their contacts, and the practice's settings.

``workbench.records`` re-exports every name here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from datetime import date

from .codes import PRACTITIONER_CREDENTIALS, Credential, Role


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
    contact_preferences: dict[str, Any] = field(default_factory=dict)  #: e.g. {"channel": "phone", "best_time": "morning"}
    caregiver: Person | None = None
    emergency_contacts: tuple[Person, ...] = ()
    billing_practitioner_id: str | None = None
    care_team_member_id: str | None = None  #: designated member for continuity
    persona: dict[str, Any] = field(default_factory=dict)  #: simulated traits (adherence, literacy, mood, reachability)
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


#: The practice settings stored as keys of the settings table.
SETTINGS_KEYS = ("name", "timezone", "state", "phone", "after_hours_phone")


@dataclass(frozen=True)
class PracticeSettings:
    name: str = "Demo Family Practice"
    timezone: str = "America/New_York"  #: months are calendar months here
    state: str = "NY"
    phone: str = ""  #: the practice's main number (the patient copy prints it)
    after_hours_phone: str = ""  #: the 24/7 line to a care-team member who can see the care plan
