"""A date field that reads and writes ISO 8601 (``2026-12-01``) whatever the browser's locale.

ipywidgets' ``DatePicker`` is the browser's ``<input type="date">``, shown in the browser's own
locale (12/01/2026 in en-US), while every date elsewhere in the workbench (lists, reports,
exports, the record) is ISO. ``IsoDate`` is a text box: what the person types is what is kept,
and :attr:`date` parses it strictly. A value that is not a real ``YYYY-MM-DD`` date is refused
with a sentence when the form is saved (``InvalidInput``), so nothing is half-written.
"""

from __future__ import annotations

import re
from datetime import date

import ipywidgets as w

from workbench.errors import InvalidInput

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(text: str, what: str = "date") -> date | None:
    """``YYYY-MM-DD`` -> date; blank -> None; anything else -> InvalidInput naming ``what``."""
    text = (text or "").strip()
    if not text:
        return None
    if _ISO.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise InvalidInput(f"The {what} '{text[:20]}' is not a date: write it as YYYY-MM-DD, "
                       f"for example {date.today().year}-03-31.", field=what)


class IsoDate(w.Text):
    """A ``YYYY-MM-DD`` text box with a :attr:`date` property (``None`` when blank)."""

    def __init__(self, value: date | None = None, what: str = "date", **kwargs):
        kwargs.setdefault("placeholder", "YYYY-MM-DD")
        super().__init__(value=value.isoformat() if value else "", **kwargs)
        self.what = what
        self.add_class("ccm-iso-date")

    @property
    def date(self) -> date | None:
        """The date typed (strict; raises InvalidInput for anything but a real ISO date)."""
        return parse_iso_date(self.value, self.what)

    @date.setter
    def date(self, value: date | None) -> None:
        self.value = value.isoformat() if value else ""

    def date_or_none(self) -> date | None:
        """The date, or None while what is typed is not (yet) a date (for live highlighting)."""
        try:
            return self.date
        except InvalidInput:
            return None
