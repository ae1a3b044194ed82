"""Checks on input before anything is written. Each raises InvalidInput with a plain message."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum
from typing import TypeVar

from .errors import InvalidInput
from .store.schema import NOTE_MAX, SHORT_MAX

E = TypeVar("E", bound=Enum)

#: The longest single time entry we accept (reference: a day's work; longer is a forgotten timer).
MAX_ENTRY_MINUTES = 12 * 60

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def text(value, label: str, *, required: bool = True, max_len: int = NOTE_MAX, field: str | None = None) -> str:
    """Free text: a string, stripped; required ones must not be empty; never silently cut."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{label} must be text, not {type(value).__name__}.", field)
    value = value.strip()
    if required and not value:
        raise InvalidInput(f"{label} is required.", field)
    if len(value) > max_len:
        raise InvalidInput(f"{label} is {len(value)} characters long; the limit is {max_len}.", field)
    return value


def short(value, label: str, *, required: bool = True, field: str | None = None) -> str:
    return text(value, label, required=required, max_len=SHORT_MAX, field=field)


def choice(value, enum: type[E], label: str, field: str | None = None) -> E:
    """A value from one of the record's enums, given as the enum or its string."""
    if isinstance(value, enum):
        return value
    try:
        return enum(value)
    except (ValueError, TypeError):
        allowed = ", ".join(str(m.value) for m in enum)
        raise InvalidInput(f"{label} '{value}' is not one of: {allowed}.", field) from None


def minutes(value, label: str = "Minutes") -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput(f"{label} must be a number, not {type(value).__name__}.", "minutes")
    if value != value:  # NaN
        raise InvalidInput(f"{label} must be a number.", "minutes")
    if value <= 0:
        raise InvalidInput(f"{label} must be more than zero (got {value}).", "minutes")
    if value > MAX_ENTRY_MINUTES:
        raise InvalidInput(
            f"{label}: {value} is more than 12 hours in one entry. Split it, or check for a "
            "timer left running.", "minutes")
    return float(value)


def a_date(value, label: str, *, today: date | None = None, field: str | None = None) -> date:
    """A calendar date (not a datetime), optionally not after ``today``."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise InvalidInput(f"{label} '{value}' is not a date (use YYYY-MM-DD).", field) from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(f"{label} must be a date, not {type(value).__name__}.", field)
    if today is not None and value > today:
        raise InvalidInput(f"{label} {value.isoformat()} is in the future (today is {today.isoformat()}).", field)
    return value


def a_datetime(value, label: str, *, now: datetime | None = None, field: str | None = None) -> datetime:
    """A timezone-aware datetime, optionally not after ``now``."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput(f"{label} '{value}' is not a date and time (ISO 8601).", field) from None
    if not isinstance(value, datetime):
        raise InvalidInput(f"{label} must be a date and time, not {type(value).__name__}.", field)
    if value.tzinfo is None:
        raise InvalidInput(f"{label} has no time-zone offset: give its time zone "
                           "(e.g. 2026-11-03T09:30:00-05:00 or Z).", field)
    if now is not None and value > now:
        raise InvalidInput(f"{label} {value.isoformat(timespec='minutes')} is in the future.", field)
    return value


def month(value) -> str:
    if not isinstance(value, str) or not MONTH_RE.match(value):
        raise InvalidInput(f"Month '{value}' is not in the form YYYY-MM.", "month")
    return value


def boolean(value, label: str, field: str | None = None) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{label} must be yes or no (True/False).", field)
    return value
