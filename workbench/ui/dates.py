"""A date field that reads ISO 8601 (``2026-12-01``) and the US ``MM/DD/YYYY``, and shows ISO.

ipywidgets' ``DatePicker`` is the browser's ``<input type="date">``, shown in the browser's own
locale, while every date elsewhere in the workbench (lists, reports, exports, the record) is ISO.
``IsoDate`` is a text box: a care manager may type ``2027-03-15`` or ``03/15/2027`` (month first,
four-digit year; ``-`` or ``.`` between the parts also read), and once it is read the box shows
it back as ISO. A date that could be read two ways (``03/04/2027``: 4 March or 3 April, both
parts 12 or under and different) is refused with a sentence naming both readings, as is
anything else that is not a real date, when the form is saved (``InvalidInput``), so nothing is
half-written.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

import ipywidgets as w

from workbench.errors import InvalidInput

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_US = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")


def _named(day: date) -> str:
    return f"{calendar.month_name[day.month]} {day.day}, {day.year}"


def parse_date(text: str, what: str = "date") -> date | None:
    """``YYYY-MM-DD`` or an unambiguous ``MM/DD/YYYY`` -> date; blank -> None; an ambiguous or
    unreadable text -> InvalidInput naming ``what`` and saying how to write it."""
    text = (text or "").strip()
    if not text:
        return None
    example = f"for example {date.today().year}-03-31 or 03/31/{date.today().year}"
    if _ISO.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    us = _US.fullmatch(text)
    if us:
        first, second, year = int(us.group(1)), int(us.group(3)), int(us.group(4))
        if first <= 12 and second <= 12 and first != second:
            try:
                a, b = date(year, first, second), date(year, second, first)
            except ValueError:
                pass
            else:
                raise InvalidInput(f"The {what} '{text}' could be {_named(a)} or {_named(b)}: write it as "
                                   f"YYYY-MM-DD ({a.isoformat()} or {b.isoformat()}).", field=what)
        try:
            return date(year, first, second)
        except ValueError:
            pass
    raise InvalidInput(f"The {what} '{text[:20]}' is not a date: write it as YYYY-MM-DD or MM/DD/YYYY, "
                       f"{example}.", field=what)


class IsoDate(w.Text):
    """A date text box with a :attr:`date` property (``None`` when blank); a US date typed in
    full is shown back as ISO."""

    def __init__(self, value: date | None = None, what: str = "date", **kwargs):
        kwargs.setdefault("placeholder", "YYYY-MM-DD or MM/DD/YYYY")
        super().__init__(value=value.isoformat() if value else "", **kwargs)
        self.what = what
        self.add_class("ccm-iso-date")
        self.observe(self._as_iso, "value")

    def _as_iso(self, change) -> None:
        text = str(change["new"]).strip()
        if _US.fullmatch(text):
            day = self.date_or_none()
            if day is not None:
                self.value = day.isoformat()

    @property
    def date(self) -> date | None:
        """The date typed (raises InvalidInput for an ambiguous or unreadable text)."""
        return parse_date(self.value, self.what)

    @date.setter
    def date(self, value: date | None) -> None:
        self.value = value.isoformat() if value else ""

    def date_or_none(self) -> date | None:
        """The date, or None while what is typed is not (yet) a date (for live highlighting)."""
        try:
            return self.date
        except InvalidInput:
            return None
