"""Small helpers shared by the rules: durations and months written for a care manager."""

from __future__ import annotations

import calendar
import re
from datetime import date

from workbench.errors import InvalidInput

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def duration(seconds: int) -> str:
    """``1230`` -> ``"20 min 30 s"``; whole minutes print without seconds ("12 min")."""
    minutes, rest = divmod(int(seconds), 60)
    if rest and not minutes:
        return f"{rest} s"
    if rest:
        return f"{minutes} min {rest} s"
    return f"{minutes} min"


def minutes_of(seconds: int) -> str:
    """Like :func:`duration` but a whole number of minutes prints bare: ``840`` -> ``"14"``,
    for phrases such as "14 of 20 minutes"."""
    return str(seconds // 60) if seconds % 60 == 0 else duration(seconds)


def parse_month(month: str) -> tuple[int, int]:
    """``"2025-10"`` -> ``(2025, 10)``; anything else is refused with a plain message."""
    match = _MONTH.match(month or "") if isinstance(month, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(f"The month must be written as YYYY-MM, for example 2025-10 (got {month!r}).",
                           field="month")
    return int(match.group(1)), int(match.group(2))


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def end_of_month(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (Jan 31 + 1 -> Feb 28)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))
