"""Dates, times and durations, checked the same way for the API and for imported files.

- Dates are ``YYYY-MM-DD`` (Python 3.11 would also read week dates such as ``2026-W01-1`` and
  ``20260105``; a person typing those meant something else, so they are refused).
- A birth date lies between 1900-01-01 and today. A service or consent date is not before the
  patient's birth nor before 2000-01-01 (the product keeps no earlier care-management work),
  and not after today.
- A date and time carries its offset, within -14:00 and +14:00 (the range of real time zones)
  and a multiple of 15 minutes. A time given in a named zone (``ZoneInfo``) must exist on that
  zone's clocks: 02:30 on the day clocks spring forward is refused; a time that happens twice
  when clocks fall back is taken as ``fold`` says (0 the first time, 1 the second).
- Minutes are a finite number: at least one second, at most 12 hours in one entry.
"""

from __future__ import annotations

import math
import numbers
import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from ..errors import InvalidInput
from .basic import show

#: The longest single time entry we accept: a day's work; longer is a forgotten timer.
MAX_ENTRY_MINUTES = 12 * 60
EARLIEST_BIRTH = date(1900, 1, 1)
EARLIEST_SERVICE = date(2000, 1, 1)
MAX_OFFSET = timedelta(hours=14)
#: the last date any field holds (a follow-up or a goal far ahead; 9999-12-31 overflows time zones)
LATEST = date(2199, 12, 31)
_QUARTER = timedelta(minutes=15)

MONTH_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATETIME_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?$")
_MINUTES_RE = re.compile(r"^([0-9]{1,7}(\.[0-9]+)?|\.[0-9]+)$")


def a_date(value, label: str, *, today: date | None = None, earliest: date | None = None,
           field: str | None = None) -> date:
    """A calendar date (a ``date`` or ``YYYY-MM-DD``), optionally within ``earliest``..``today``."""
    if isinstance(value, str):
        text = value.strip()
        try:
            if not _DATE_RE.match(text):
                raise ValueError
            value = date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"{label} {show(value)} is not a date (use YYYY-MM-DD).", field) from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(f"{label} must be a date, not {type(value).__name__}.", field)
    if value > LATEST:
        raise InvalidInput(f"{label} {value.isoformat()} is after {LATEST.isoformat()}, the last date the "
                           "record holds.", field)
    if today is not None and value > today:
        raise InvalidInput(f"{label} {value.isoformat()} is in the future (today is {today.isoformat()}).", field)
    if earliest is not None and value < earliest:
        raise InvalidInput(f"{label} {value.isoformat()} is before {earliest.isoformat()}.", field)
    return value


def birth_date(value, today: date, label: str = "birth_date", field: str | None = "birth_date") -> date:
    """A birth date: 1900-01-01 to today."""
    return a_date(value, label, today=today, earliest=EARLIEST_BIRTH, field=field)


def care_date(value, label: str, *, today: date, birth: date | None = None, field: str | None = None) -> date:
    """The date of care given (a service or consent date): not before 2000, not before the
    patient was born, not in the future."""
    day = a_date(value, label, today=today, earliest=EARLIEST_SERVICE, field=field)
    if birth is not None and day < birth:
        raise InvalidInput(f"{label} {day.isoformat()} is before the patient's birth date.", field)
    return day


def _offset_ok(value: datetime, label: str, field: str | None) -> None:
    offset = value.utcoffset()
    if abs(offset) > MAX_OFFSET:
        raise InvalidInput(f"{label} {show(value.isoformat())} has offset {_fmt_offset(offset)}: real time "
                           "zones lie between -14:00 and +14:00.", field)
    if offset.total_seconds() % (15 * 60):
        raise InvalidInput(f"{label} {show(value.isoformat())} has offset {_fmt_offset(offset)}: no time zone "
                           "uses it (offsets are whole quarter hours).", field)


def _fmt_offset(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = int(abs(offset).total_seconds() // 60)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _exists(value: datetime, label: str, field: str | None) -> None:
    """Refuse a wall-clock time that a named zone skipped (the spring-forward gap)."""
    tz = value.tzinfo
    if not isinstance(tz, ZoneInfo):
        return
    back = value.astimezone(UTC).astimezone(tz)
    if back.replace(tzinfo=None) != value.replace(tzinfo=None):
        raise InvalidInput(
            f"{label} {value.strftime('%Y-%m-%d %H:%M')} does not exist in {tz.key}: the clocks went "
            f"forward that night and skipped it. Give the time the clock showed (perhaps "
            f"{back.strftime('%H:%M')}).", field)


def a_datetime(value, label: str, *, now: datetime | None = None, earliest: date | None = None,
               field: str | None = None) -> datetime:
    """A timezone-aware datetime (or ISO 8601 text with its offset), optionally not after ``now``
    and not before the day ``earliest``."""
    if isinstance(value, str):
        text = value.strip()
        try:
            if not _DATETIME_RE.match(text):
                raise ValueError
            value = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"{label} {show(text)} is not a date and time (ISO 8601, e.g. "
                               "2026-11-03T09:30:00-05:00).", field) from None
    if not isinstance(value, datetime):
        raise InvalidInput(f"{label} must be a date and time, not {type(value).__name__}.", field)
    if value.date() > LATEST or value.date() < date(1, 1, 2):
        raise InvalidInput(f"{label} {value.date().isoformat()} is outside the dates the record holds "
                           f"(up to {LATEST.isoformat()}).", field)
    offset = value.utcoffset()
    if offset is None:
        raise InvalidInput(f"{label} has no time-zone offset: give its time zone "
                           "(e.g. 2026-11-03T09:30:00-05:00 or Z).", field)
    if offset % _QUARTER or abs(offset) > MAX_OFFSET:
        _offset_ok(value, label, field)
    if type(value.tzinfo) is not timezone:
        _exists(value, label, field)
    if now is not None and value > now:
        raise InvalidInput(f"{label} {value.isoformat(timespec='minutes')} is in the future.", field)
    if earliest is not None and value.date() < earliest:
        raise InvalidInput(f"{label} {value.isoformat(timespec='minutes')} is before {earliest.isoformat()}.",
                           field)
    return value


def month(value) -> str:
    if not isinstance(value, str) or not MONTH_RE.match(value) or not 1900 <= int(value[:4]) <= 9999:
        raise InvalidInput(f"Month {show(value)} is not in the form YYYY-MM.", "month")
    return value


def minutes(value, label: str = "Minutes", field: str | None = "minutes") -> float:
    """A duration in minutes: a finite number, at least one second, at most 12 hours."""
    if type(value) is not float and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
        raise InvalidInput(f"{label} must be a number, not {type(value).__name__}.", field)
    value = float(value)
    if not math.isfinite(value):
        raise InvalidInput(f"{label} must be a finite number (got {value}).", field)
    if value <= 0:
        raise InvalidInput(f"{label} must be more than zero (got {value:g}).", field)
    if value * 60 < 1:
        raise InvalidInput(f"{label} {value:g} is less than one second: give at least 0.02 minutes "
                           "(or check the decimal point).", field)
    if value > MAX_ENTRY_MINUTES:
        raise InvalidInput(
            f"{label}: {value:g} is more than 12 hours in one entry. Split it, or check for a "
            "timer left running.", field)
    return value


def minutes_text(value: str, label: str = "minutes", field: str | None = "minutes") -> float:
    """Minutes typed in a file: digits with an optional decimal point (``20``, ``19.5``).
    ``2_0``, ``1e-9``, ``inf``, ``-5`` and ``19,5`` are refused, each with the reason."""
    text = value.strip()
    if not _MINUTES_RE.match(text):
        hint = " (use a decimal point, not a comma)" if re.fullmatch(r"[0-9]+,[0-9]+", text) else ""
        raise InvalidInput(f"{label} {show(text)} is not a number of minutes: use digits and an "
                           f"optional decimal point, e.g. 20 or 19.5{hint}.", field)
    return minutes(float(text), label, field)


def seconds_of(mins: float) -> int:
    """Whole seconds of a checked number of minutes (never 0: minutes() refuses < 1 s)."""
    return max(1, int(round(mins * 60)))
