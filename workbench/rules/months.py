"""Calendar months, the billing period of CCM: ``YYYY-MM`` text, first and last days, month arithmetic."""

from __future__ import annotations

import calendar
import re
from datetime import date

from workbench.errors import InvalidInput

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


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


def month_bounds(month: str) -> tuple[date, date]:
    """First and last calendar day of ``YYYY-MM``."""
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])
