"""Helpers shared by the report and import tests (plain functions)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from workbench import records as r

TOLD = {k: True for k in r.CONSENT_DISCLOSURES}

#: The same staff as tests/conftest.py's ``wb`` fixture (one list, read from there).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import STAFF  # noqa: E402,F401


def at(day: str, hhmm: str = "14:00") -> datetime:
    """A UTC moment on ``day`` (14:00 UTC is morning in New York, so the local date is ``day``)."""
    hh, mm = (int(x) for x in hhmm.split(":"))
    return datetime.fromisoformat(day).replace(hour=hh, minute=mm, tzinfo=UTC)


def consent(wb, pid: str, day: str = "2026-01-05") -> None:
    wb.as_user("S001").record_consent(pid, "verbal", day, TOLD)
